"""Tests for rnncourse.viz.graphs: what is drawn, on which Axes, without touching global state."""


import matplotlib

matplotlib.use("Agg", force=False)  # noqa: E402  (tests draw off-screen)
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from rnncourse.graph import CycleError, Graph, rnn_cell_graph, unroll
from rnncourse.viz.graphs import HIGHLIGHT, draw_graph, draw_unrolled


@pytest.fixture
def ax():
    fig, ax = plt.subplots(figsize=(8, 4))
    yield ax
    plt.close(fig)


def gids(ax, prefix):
    return [p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith(prefix)]


def cell_cycle():
    try:
        rnn_cell_graph().forward({})
    except CycleError as err:
        return err
    raise AssertionError("the recurrent graph should not evaluate")


def test_draw_graph_counts_nodes_and_arrows(ax):
    before = dict(matplotlib.rcParams)
    g = rnn_cell_graph()
    out = draw_graph(g, ax=ax, title="cell")
    assert out is ax
    assert sorted(gids(ax, "node:")) == sorted(f"node:{n}" for n in g.nodes)
    n_edges = sum(len(v) for v in g.edges.values())
    assert n_edges == 10
    assert len(gids(ax, "edge:")) == n_edges
    assert "edge:h->hWh" in gids(ax, "edge:")  # the recurrent edge is drawn
    assert ax.get_title() == "cell"
    assert dict(matplotlib.rcParams) == before


def test_draw_graph_highlights_the_cycle(ax):
    err = cell_cycle()
    draw_graph(rnn_cell_graph(), ax=ax, highlight=err)
    red = {p.get_gid() for p in ax.patches
           if (p.get_gid() or "").startswith("edge:") and p.get_edgecolor()[:3] == to_rgba(HIGHLIGHT)[:3]}
    assert red == {"edge:h->hWh", "edge:hWh->a", "edge:a->h"}
    ringed = {p.get_gid() for p in ax.patches
              if (p.get_gid() or "").startswith("node:") and p.get_edgecolor()[:3] == to_rgba(HIGHLIGHT)[:3]}
    assert ringed == {"node:h", "node:hWh", "node:a"}


def test_draw_graph_takes_an_edges_dict_with_cycles_and_self_loops(ax):
    edges = {"x": ["a"], "a": ["b"], "b": ["c"], "c": ["a"], "h": ["h"], "lonely": []}
    before = {k: list(v) for k, v in edges.items()}
    draw_graph(edges, ax=ax, highlight=["a", "b", "c"])
    assert len(gids(ax, "node:")) == 6
    assert len(gids(ax, "edge:")) == 5
    assert edges == before


def test_draw_graph_rejects_other_input(ax):
    with pytest.raises(TypeError, match="needs a rnncourse.graph.Graph or an edges dict, got list"):
        draw_graph([("a", "b")], ax=ax)


def test_draw_graph_makes_its_own_axes():
    ax = draw_graph(unroll(rnn_cell_graph(), 2))
    try:
        assert len(gids(ax, "node:")) == len(unroll(rnn_cell_graph(), 2).nodes)
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("T", [1, 2, 3, 4, 5, 6])
def test_draw_unrolled_counts_and_shares_parameters(ax, T):
    before = dict(matplotlib.rcParams)
    g = rnn_cell_graph()
    out = draw_unrolled(g, T, ax=ax, highlight=["Wh", "hWh"])
    assert out is ax
    dag = unroll(g, T)
    nodes = gids(ax, "node:")
    assert len(nodes) == len(dag.nodes) == 3 + 1 + 7 * T + 1  # params, h[0], a cell per step, total L
    for p in ["Wx", "Wh", "b"]:
        assert nodes.count(f"node:{p}") == 1  # drawn once...
        assert len([e for e in gids(ax, "edge:") if e.startswith(f"edge:{p}->")]) == T  # ...used T times
    assert len(gids(ax, "edge:")) == sum(len(v) for v in dag.edges.values())
    assert len(gids(ax, "step:")) == T
    red = [p.get_gid() for p in ax.patches
           if (p.get_gid() or "").startswith("edge:") and p.get_edgecolor()[:3] == to_rgba(HIGHLIGHT)[:3]]
    assert sorted(red) == sorted(f"edge:Wh->hWh[{t}]" for t in range(1, T + 1))
    assert dict(matplotlib.rcParams) == before
    assert g.delayed_edges == [("h", "hWh", 1)]


def test_draw_unrolled_generic_graph(ax):
    from rnncourse.graph import Delayed

    g = Graph(loss="L")
    g.input("u")
    g.param("A")
    g.op("s", "add", Delayed("s", 2), "u", "A")
    g.input("w")
    g.op("L", "weighted_sum", "s", "w")
    draw_unrolled(g, 3, ax=ax)
    assert len(gids(ax, "node:")) == len(unroll(g, 3).nodes)
    assert np.isfinite(ax.get_xlim()).all()
