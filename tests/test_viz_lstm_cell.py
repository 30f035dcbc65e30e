"""Tests for rnncourse.viz.lstm_cell: the LSTM step drawing is the real graph, and it is legible."""

import io

import matplotlib

matplotlib.use("Agg", force=False)  # noqa: E402  (tests draw off-screen)
import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import pytest

from rnncourse.viz.lstm_cell import EDGES, NODES, draw_lstm_cell

#: The width (px) at which JupyterLab shows a notebook's output area on a laptop screen; a wider
#: PNG is scaled down to it.
NOTEBOOK_WIDTH_PX = 800
#: Smallest legible label height (px) on screen.
MIN_LABEL_PX = 10.0
#: matplotlib's default figure.dpi, which the inline backend uses for its PNGs.
INLINE_DPI = 100


@pytest.fixture
def drawn():
    before = dict(matplotlib.rcParams)
    ax = draw_lstm_cell(title="One LSTM step")
    ax.figure.canvas.draw()
    yield ax
    plt.close(ax.figure)
    assert dict(matplotlib.rcParams) == before


def by_gid(ax, prefix):
    found = {}
    for artist in ax.get_children():
        gid = artist.get_gid() or ""
        if gid.startswith(prefix):
            found[gid[len(prefix):]] = artist
    return found


def segment_hits_box(p, q, box):
    """Whether the segment p-q meets the rectangle box = (x0, y0, x1, y1) (Liang-Barsky)."""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for denom, num in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if denom == 0:
            if num < 0:
                return False
            continue
        t = num / denom
        if denom < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def test_the_crossing_detector_can_fail():
    assert segment_hits_box((0, 0), (10, 0), (4, -1, 6, 1))
    assert segment_hits_box((0, 0), (10, 10), (4, 3, 6, 7))
    assert not segment_hits_box((0, 0), (10, 0), (4, 0.5, 6, 1))
    assert not segment_hits_box((0, 0), (3, 0), (4, -1, 6, 1))


def test_the_drawing_has_every_node_and_edge(drawn):
    assert set(by_gid(drawn, "node:")) == set(NODES)
    expected = {f"{s}->{t}" for s, targets in EDGES.items() for t in targets}
    assert set(by_gid(drawn, "edge:")) == expected


def test_the_edges_are_the_lstm_step():
    consumers = {}
    for source, targets in EDGES.items():
        for target in targets:
            consumers.setdefault(source, set()).add(target)
    assert consumers["o"] == {"h_t"}  # the output gate feeds h_t only, never the cell state
    assert consumers["c_t"] == {"tanh(c_t)", "step t+1 (c)"}  # c_t's two consumers
    assert consumers["a"] == {"i", "f", "g", "o"}
    assert consumers["c_(t-1)"] == {"f*c_(t-1)"}
    feeds_c = {s for s, targets in consumers.items() if "c_t" in targets}
    assert feeds_c == {"f*c_(t-1)", "i*g"}


def test_no_edge_passes_through_a_node_it_does_not_join(drawn):
    renderer = drawn.figure.canvas.get_renderer()
    boxes = {name: text.get_bbox_patch().get_window_extent(renderer)
             for name, text in by_gid(drawn, "node:").items()}
    centres = {name: drawn.transData.transform(NODES[name][1:3]) for name in NODES}
    crossings = []
    for source, targets in EDGES.items():
        for target in targets:
            for name, box in boxes.items():
                if name in (source, target):
                    continue
                grown = (box.x0 - 2, box.y0 - 2, box.x1 + 2, box.y1 + 2)  # 2 px of clearance
                if segment_hits_box(centres[source], centres[target], grown):
                    crossings.append(f"{source}->{target} crosses {name}")
    assert crossings == []


def test_no_two_nodes_overlap(drawn):
    renderer = drawn.figure.canvas.get_renderer()
    boxes = [(name, text.get_bbox_patch().get_window_extent(renderer))
             for name, text in by_gid(drawn, "node:").items()]
    overlaps = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
                if box_a.overlaps(box_b)]
    assert overlaps == []


def test_labels_are_legible_at_the_notebook_width(drawn):
    buffer = io.BytesIO()
    drawn.figure.savefig(buffer, format="png", dpi=INLINE_DPI, bbox_inches="tight")
    buffer.seek(0)
    png_width = mpimg.imread(buffer, format="png").shape[1]
    scale = min(1.0, NOTEBOOK_WIDTH_PX / png_width)  # JupyterLab shrinks a wider image to fit
    texts = list(by_gid(drawn, "node:").values()) + [drawn.title]
    smallest_px = min(t.get_fontsize() * INLINE_DPI / 72 * scale for t in texts)
    assert smallest_px >= MIN_LABEL_PX, (png_width, smallest_px)


def test_draws_on_the_given_axes_and_can_skip_the_highlight():
    fig, ax = plt.subplots(figsize=(9, 4.6))
    try:
        assert draw_lstm_cell(ax=ax, highlight_cell_path=False) is ax
        colors = {a.get_edgecolor()[:3] for a in by_gid(ax, "edge:").values()}
        assert len(colors) == 1
    finally:
        plt.close(fig)
