"""Tests for rnncourse.viz.unrolling_explorer: the counting line, the PNG and the slider widget."""

import base64
import struct

import ipywidgets as widgets
import pytest

from rnncourse.graph import Delayed, Graph, rnn_cell_graph
from rnncourse.viz.unrolling_explorer import describe_unrolled, render_unrolled_png, unrolling_explorer


def _png_size(png):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])  # IHDR width, height


def _texts(box):
    return [o["text"] for o in box.output.outputs if o["output_type"] == "stream"]


def _images(box):
    return [o["data"]["image/png"] for o in box.output.outputs
            if o["output_type"] == "display_data"]


def _small_graph():
    """s = tanh(x W + s_prev V), loss = sum(s * g), with W used once and c twice per step."""
    g = Graph(loss="L")
    g.input("x")
    g.param("W")
    g.param("c")
    g.op("xW", "matmul", "x", "W")
    g.op("sc", "matmul", Delayed("s"), "c")
    g.op("a", "add", "xW", "sc", "c")
    g.op("s", "tanh", "a")
    g.input("g")
    g.op("L", "weighted_sum", "s", "g")
    return g


# ----------------------------------------------------------------------------- describe_unrolled
@pytest.mark.parametrize("T", [1, 2, 3, 6])
def test_describe_counts_the_rnn_cell_by_hand(T):
    # per step: 7 nodes (x, xWx, hWh, a, h, g, L[t]) and 11 edges (x,Wx->xWx; h[t-1],Wh->hWh;
    # xWx,hWh,b->a; a->h; h,g->L[t]; L[t]->L); once: Wx, Wh, b, h[0] and the total L
    expected = f"T={T}: {5 + 7 * T} nodes, {11 * T} edges; Wx, Wh, b each used {T} time"
    assert describe_unrolled(rnn_cell_graph(), T) == expected + ("" if T == 1 else "s")


def test_describe_lists_parameters_used_a_different_number_of_times():
    # per step 7 nodes (x, xW, sc, a, s, g, L[t]) and 11 edges; once W, c, s[0], L
    expected = "T=2: 18 nodes, 22 edges; W used 2 times, c used 4 times"
    assert describe_unrolled(_small_graph(), 2) == expected


def test_describe_does_not_modify_the_graph():
    g = rnn_cell_graph()
    before = dict(g.nodes)
    describe_unrolled(g, 3)
    assert g.nodes == before and g.is_recurrent


# ----------------------------------------------------------------------------- PNG
def test_png_grows_to_the_right_with_T():
    g = rnn_cell_graph()
    w1, h1 = _png_size(render_unrolled_png(g, 1))
    w4, h4 = _png_size(render_unrolled_png(g, 4))
    assert w4 > 1.8 * w1
    assert abs(h4 - h1) < 0.25 * h1


# ----------------------------------------------------------------------------- widget
def test_explorer_is_a_slider_above_an_output():
    box = unrolling_explorer()
    slider, output = box.children
    assert isinstance(box, widgets.VBox)
    assert isinstance(slider, widgets.IntSlider) and isinstance(output, widgets.Output)
    assert box.slider is slider and box.output is output
    assert slider.description == "time steps T"
    assert (slider.min, slider.max, slider.value) == (1, 6, 1)
    assert _texts(box) == ["T=1: 12 nodes, 11 edges; Wx, Wh, b each used 1 time\n"]
    assert len(_images(box)) == 1


def test_moving_the_slider_changes_the_output():
    box = unrolling_explorer(max_T=6)
    before_text, before_image = _texts(box), _images(box)
    box.slider.value = 3
    assert _texts(box) == ["T=3: 26 nodes, 33 edges; Wx, Wh, b each used 3 times\n"]
    assert _texts(box) != before_text
    after_image = _images(box)
    assert len(after_image) == 1 and after_image != before_image
    w1, _ = _png_size(base64.b64decode(before_image[0]))
    w3, _ = _png_size(base64.b64decode(after_image[0]))
    assert w3 > w1
    box.slider.value = 1  # and back again: the same text as at the start
    assert _texts(box) == before_text


def test_explorer_takes_another_graph_and_a_start_value():
    g = _small_graph()
    box = unrolling_explorer(g, max_T=4, T=2, highlight=["c"])
    assert (box.slider.max, box.slider.value) == (4, 2)
    assert _texts(box) == ["T=2: 18 nodes, 22 edges; W used 2 times, c used 4 times\n"]
    assert g.is_recurrent and len(g.nodes) == 9


@pytest.mark.parametrize("kwargs, words", [
    ({"graph": {"h": ["h"]}},
     "graph must be a rnncourse.graph.Graph (e.g. rnn_cell_graph()), got dict"),
    ({"max_T": 0}, "max_T must be an int >= 1, got 0"),
    ({"max_T": 2.5}, "max_T must be an int >= 1, got 2.5"),
    ({"T": 7}, "T=7 is larger than max_T=6"),
])
def test_bad_arguments_say_what_to_do(kwargs, words):
    with pytest.raises((TypeError, ValueError)) as info:
        unrolling_explorer(**kwargs)
    assert words in str(info.value)


def test_a_graph_without_recurrent_edges_is_refused():
    g = Graph(loss="L")
    g.input("x")
    g.param("W")
    g.op("L", "weighted_sum", "x", "W")
    words = r"no recurrent \(Delayed\) edge, so there is nothing to unroll"
    with pytest.raises(ValueError, match=words):
        unrolling_explorer(g)
