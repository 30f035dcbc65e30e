"""Tests for rnncourse.graph: topological sort, cycles, backprop over a DAG, unrolling."""

import copy

import numpy as np
import pytest

from rnncourse.gradcheck import gradient_check, rel_error
from rnncourse.graph import (
    CycleError,
    Delayed,
    Graph,
    backprop,
    forward,
    rnn_cell_graph,
    sequence_values,
    topological_sort,
    unroll,
)
from rnncourse.rnn import rnn_backward, rnn_forward


# ----------------------------------------------------------------------------- helpers
def all_nodes(edges):
    nodes = set(edges)
    for targets in edges.values():
        nodes.update(targets)
    return nodes


def assert_valid_order(edges, order):
    assert sorted(map(repr, order)) == sorted(map(repr, all_nodes(edges)))
    assert len(order) == len(set(order))
    pos = {n: i for i, n in enumerate(order)}
    for src, targets in edges.items():
        for dst in targets:
            assert pos[src] < pos[dst], f"edge {src} -> {dst} goes backwards in {order}"


def assert_real_cycle(edges, cycle):
    assert len(cycle) >= 1 and len(set(cycle)) == len(cycle)
    for i, node in enumerate(cycle):
        nxt = cycle[(i + 1) % len(cycle)]
        assert nxt in edges.get(node, []), f"{node} -> {nxt} is not an edge; cycle {cycle} is not real"


def random_dag(rng, n, p):
    perm = rng.permutation(n)
    edges = {f"n{i}": [] for i in perm}
    for i in range(n):
        for j in range(i + 1, n):
            if rng.random() < p:
                edges[f"n{perm[i]}"].append(f"n{perm[j]}")
    return edges


# ----------------------------------------------------------------------------- topological sort
@pytest.mark.parametrize(
    "edges",
    [
        {},
        {"a": []},
        {"x": ["h"], "W": ["h"], "h": ["y"], "y": []},
        {"y": [], "h": ["y"], "x": ["h"]},  # keys listed in reverse
        {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []},  # diamond
        {"a": ["b", "b"], "b": []},  # the same edge twice (a node used twice by one op)
        {1: [2, (3, 4)], (3, 4): [5]},  # any hashable nodes
    ],
)
def test_dag_orders_are_valid(edges):
    assert_valid_order(edges, topological_sort(edges))


def test_random_dags_are_sorted_validly_and_deterministically():
    rng = np.random.default_rng(0)
    for _ in range(30):
        edges = random_dag(rng, n=int(rng.integers(1, 15)), p=0.3)
        order = topological_sort(edges)
        assert_valid_order(edges, order)
        assert topological_sort(edges) == order


def test_isolated_and_target_only_nodes_are_included():
    edges = {"lonely": [], "x": ["y", "z"], "q": []}
    order = topological_sort(edges)
    assert set(order) == {"lonely", "x", "y", "z", "q"}
    assert_valid_order(edges, order)
    only_targets = {"a": ["t1"], "b": ["t2", "t1"]}
    assert set(topological_sort(only_targets)) == {"a", "b", "t1", "t2"}


def test_input_is_not_mutated():
    edges = {"a": ["b"], "b": ["c"], "c": []}
    before = copy.deepcopy(edges)
    topological_sort(edges)
    assert edges == before
    cyclic = {"a": ["b"], "b": ["a"]}
    before = copy.deepcopy(cyclic)
    with pytest.raises(CycleError):
        topological_sort(cyclic)
    assert cyclic == before


@pytest.mark.parametrize(
    "edges, expected",
    [
        ({"h": ["h"]}, ["h"]),
        ({"x": ["h"], "h": ["h", "y"]}, ["h"]),
        ({"a": ["b"], "b": ["a"]}, ["a", "b"]),
        ({"a": ["b"], "b": ["c"], "c": ["a"]}, ["a", "b", "c"]),
    ],
)
def test_small_cycles_are_reported_exactly(edges, expected):
    with pytest.raises(CycleError) as info:
        topological_sort(edges)
    assert info.value.cycle == expected
    assert isinstance(info.value, ValueError)


def test_long_cycle_after_a_dag_prefix_is_real():
    # a DAG prefix feeding a 5-cycle, plus a tail hanging off the cycle that is not part of it
    edges = {"in1": ["p"], "in2": ["p"], "p": ["c0"], "c0": ["c1"], "c1": ["c2"], "c2": ["c3"],
             "c3": ["c4", "tail"], "c4": ["c0"], "tail": ["end"]}
    with pytest.raises(CycleError) as info:
        topological_sort(edges)
    cycle = info.value.cycle
    assert_real_cycle(edges, cycle)
    assert set(cycle) == {"c0", "c1", "c2", "c3", "c4"}


def test_reported_cycle_is_real_in_random_graphs():
    rng = np.random.default_rng(1)
    for _ in range(40):
        edges = random_dag(rng, n=10, p=0.25)
        src, dst = rng.choice(sorted(edges), size=2, replace=True)
        edges[dst] = edges[dst] + [src]  # a back edge (or a self-loop): may or may not close a cycle
        try:
            order = topological_sort(edges)
        except CycleError as err:
            assert_real_cycle(edges, err.cycle)
        else:
            assert_valid_order(edges, order)


def test_cycle_error_wording():
    with pytest.raises(CycleError) as info:
        topological_sort({"a": ["b"], "b": ["c"], "c": ["a"]})
    msg = str(info.value)
    assert "a -> b -> c -> a" in msg
    assert "every node comes after everything it depends on" in msg


@pytest.mark.parametrize(
    "edges, words",
    [
        ([("a", "b")], ["dict node -> list", "list"]),
        ({"a": "b"}, ["edges['a'] must be a list", "str"]),
        ({"a": {"b"}}, ["edges['a'] must be a list", "set"]),
        ({"a": [["b"]]}, ["not hashable", "['b']"]),
    ],
)
def test_bad_input_is_explained(edges, words):
    with pytest.raises(TypeError) as info:
        topological_sort(edges)
    for w in words:
        assert w in str(info.value)


# ----------------------------------------------------------------------------- graph + backprop
def values_scale(values):
    """The size of every number a forward pass computed: what rounding in its loss is relative to."""
    return float(sum(np.abs(a).sum() for a in values.values()))


def small_graph():
    """L = 0.5 * sum((tanh(x W + b) @ V + x W - y)**2); W is used twice."""
    g = Graph(loss="L")
    g.input("x")
    g.param("W")
    g.param("b")
    g.param("V")
    g.input("y")
    g.op("xW", "matmul", "x", "W")
    g.op("a", "add", "xW", "b")
    g.op("h", "tanh", "a")
    g.op("hV", "matmul", "h", "V")
    g.op("s", "add", "hV", "xW")
    g.op("L", "squared_error", "s", "y")
    return g


def small_values(rng):
    return {"x": rng.normal(size=(3, 4)), "W": rng.normal(size=(4, 2)), "b": rng.normal(size=2),
            "V": rng.normal(size=(2, 2)), "y": rng.normal(size=(3, 2))}


def test_edges_dict_and_forward_values():
    g = small_graph()
    assert g.edges["xW"] == ["a", "s"]
    assert g.edges["L"] == []
    rng = np.random.default_rng(0)
    v = small_values(rng)
    out = forward(g, v)
    h = np.tanh(v["x"] @ v["W"] + v["b"])
    expected = 0.5 * np.sum((h @ v["V"] + v["x"] @ v["W"] - v["y"]) ** 2)
    assert abs(out["L"] - expected) < 1e-12


def test_backprop_matches_numerical_gradients():
    g = small_graph()
    rng = np.random.default_rng(1)
    v = small_values(rng)
    before = {k: a.copy() for k, a in v.items()}
    grads = backprop(g, v)
    for k in v:
        np.testing.assert_array_equal(v[k], before[k])  # values are not mutated
    for name in ["W", "b", "V", "x", "y"]:
        assert grads[name].shape == v[name].shape
        check = gradient_check(grads[name], lambda: forward(g, v)["L"], v[name],
                               f_scale=values_scale(forward(g, v)))
        assert check.passed, check.describe(name)


def test_gradient_check_catches_a_wrong_gradient():
    g = small_graph()
    rng = np.random.default_rng(2)
    v = small_values(rng)
    grads = backprop(g, v)
    scale = values_scale(forward(g, v))

    def check(gradient):
        return gradient_check(gradient, lambda: forward(g, v)["L"], v["W"], f_scale=scale)

    # keeping only one of W's two uses (dropping the sum over uses) must be caught
    one_use = [d for consumer, d in grads.per_use["W"] if consumer == "xW"][0]
    only_through_a = v["x"].T @ grads["a"]
    assert check(one_use).passed  # xW is W's only direct consumer
    assert not check(only_through_a).passed
    assert not check(1.01 * one_use).passed


def test_backprop_with_weighted_sum_loss_gives_the_fixed_weight():
    g = Graph()
    g.input("x")
    g.param("W")
    g.input("w")
    g.op("z", "matmul", "x", "W")
    g.op("L", "weighted_sum", "z", "w")  # the only node that feeds nothing: the loss by default
    rng = np.random.default_rng(3)
    v = {"x": rng.normal(size=(2, 3)), "W": rng.normal(size=(3, 4)), "w": rng.normal(size=(2, 4))}
    grads = g.backprop(v)
    np.testing.assert_allclose(grads["z"], v["w"], rtol=0, atol=0)
    np.testing.assert_allclose(grads["W"], v["x"].T @ v["w"], rtol=1e-13, atol=1e-13)


def test_forward_reports_missing_and_unknown_values():
    g = small_graph()
    v = small_values(np.random.default_rng(0))
    del v["b"]
    with pytest.raises(KeyError, match=r"missing \['b'\]"):
        forward(g, v)
    v["b"] = np.zeros(2)
    v["h0"] = np.zeros(2)
    with pytest.raises(KeyError, match=r"values given for \['h0'\]"):
        forward(g, v)


def test_building_errors_are_explained():
    g = Graph()
    with pytest.raises(ValueError, match="unknown op 'relu'; choose one of"):
        g.op("r", "relu", "x")
    with pytest.raises(ValueError, match="takes 2 argument"):
        g.op("m", "matmul", "x")
    g.input("x")
    with pytest.raises(ValueError, match="already a node named 'x'"):
        g.input("x")
    g.op("y", "tanh", "nothere")
    with pytest.raises(KeyError, match="uses 'nothere', which is not in the graph"):
        _ = g.edges
    with pytest.raises(ValueError, match="lag must be a positive int"):
        Delayed("h", 0)


# ----------------------------------------------------------------------------- recurrence and unrolling
def test_backprop_refuses_the_recurrent_graph_naming_the_cycle():
    g = rnn_cell_graph()
    assert g.delayed_edges == [("h", "hWh", 1)]
    with pytest.raises(CycleError) as info:
        g.backprop({"x": np.zeros((1, 2)), "Wx": np.zeros((2, 3)), "Wh": np.zeros((3, 3)),
                    "b": np.zeros(3), "g": np.zeros((1, 3))})
    assert info.value.cycle == ["h", "hWh", "a"]
    assert_real_cycle(g.edges, info.value.cycle)
    assert "h -> hWh -> a -> h" in str(info.value)
    assert "unroll(graph, T)" in str(info.value)
    with pytest.raises(CycleError):
        g.forward({})
    with pytest.raises(CycleError) as info:
        topological_sort(g.edges)  # the plain sort also refuses it
    assert_real_cycle(g.edges, info.value.cycle)


def test_unrolled_graph_structure():
    g = rnn_cell_graph()
    dag = unroll(g, 3)
    assert dag.names("param") == ["Wx", "Wh", "b"]  # shared, once each
    assert set(dag.names("input")) == {"h[0]", "x[1]", "x[2]", "x[3]", "g[1]", "g[2]", "g[3]"}
    assert dag.nodes["hWh[1]"].inputs == (("h[0]", 0), ("Wh", 0))
    assert dag.nodes["hWh[3]"].inputs == (("h[2]", 0), ("Wh", 0))
    assert dag.edges["Wh"] == ["hWh[1]", "hWh[2]", "hWh[3]"]  # one parameter, used T times
    assert dag.nodes["h[2]"].time == 2 and dag.nodes["h[2]"].base == "h"
    assert dag.loss == "L" and dag.nodes["L"].inputs == (("L[1]", 0), ("L[2]", 0), ("L[3]", 0))
    assert not dag.is_recurrent
    assert_valid_order(dag.edges, topological_sort(dag.edges))
    assert g.delayed_edges == [("h", "hWh", 1)]  # the recurrent graph is untouched


def test_unroll_is_generic_lag_two_and_delayed_input():
    g = Graph(loss="L")
    g.input("u")
    g.param("A")
    g.op("s", "add", Delayed("s", 2), Delayed("u"), "A")  # s_t = s_{t-2} + u_{t-1} + A
    g.input("w")
    g.op("L", "weighted_sum", "s", "w")
    dag = unroll(g, 3)
    assert dag.names("input")[0] == "s[-1]"  # initial states first, oldest first
    assert set(dag.names("input")[1:3]) == {"s[0]", "u[0]"}
    assert dag.nodes["s[3]"].inputs == (("s[1]", 0), ("u[2]", 0), ("A", 0))
    rng = np.random.default_rng(4)
    v = {"A": rng.normal(size=2), "s[-1]": rng.normal(size=2), "s[0]": rng.normal(size=2),
         "u[0]": rng.normal(size=2)}
    v.update({f"{k}[{t}]": rng.normal(size=2) for k in "uw" for t in (1, 2, 3)})
    grads = dag.backprop(v)
    for name in ["A", "s[-1]", "u[0]", "u[1]"]:
        check = gradient_check(grads[name], lambda: dag.forward(v)["L"], v[name],
                               f_scale=values_scale(dag.forward(v)))
        assert check.passed, check.describe(name)


def test_unroll_rejects_bad_T():
    with pytest.raises(ValueError, match="T must be a positive int"):
        unroll(rnn_cell_graph(), 0)


def rnn_problem(seed, N=3, T=4, D=5, H=6):
    rng = np.random.default_rng(seed)
    return dict(x=rng.normal(size=(N, T, D)), h0=rng.normal(size=(N, H)),
                Wx=rng.normal(size=(D, H)) * 0.5, Wh=rng.normal(size=(H, H)) * 0.4,
                b=rng.normal(size=H), dh=rng.normal(size=(N, T, H)))


def unrolled_values(p):
    return {"Wx": p["Wx"], "Wh": p["Wh"], "b": p["b"], "h[0]": p["h0"],
            **sequence_values("x", p["x"]), **sequence_values("g", p["dh"])}


@pytest.mark.parametrize("T", [1, 2, 4])
def test_unrolled_backprop_equals_rnn_backward(T):
    p = rnn_problem(seed=T, T=T)
    h, cache = rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    dx, dh0, dWx, dWh, db = rnn_backward(p["dh"], cache)
    dag = unroll(rnn_cell_graph(), T)
    v = unrolled_values(p)
    vals = dag.forward(v)
    for t in range(1, T + 1):
        np.testing.assert_allclose(vals[f"h[{t}]"], h[:, t - 1], rtol=0, atol=1e-12)
    grads = dag.backprop(v)
    for got, want in [(grads["Wx"], dWx), (grads["Wh"], dWh), (grads["b"], db), (grads["h[0]"], dh0)]:
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)
    for t in range(1, T + 1):
        np.testing.assert_allclose(grads[f"x[{t}]"], dx[:, t - 1], rtol=0, atol=1e-10)


def test_unrolled_backprop_matches_numerical_gradient():
    p = rnn_problem(seed=7, T=3)
    dag = unroll(rnn_cell_graph(), 3)
    v = unrolled_values(p)
    grads = dag.backprop(v)
    for name in ["Wh", "h[0]"]:
        check = gradient_check(grads[name], lambda: dag.forward(v)["L"], v[name],
                               f_scale=values_scale(dag.forward(v)))
        assert check.passed, check.describe(name)


def test_shared_weight_gradient_is_the_sum_of_its_uses():
    T = 4
    p = rnn_problem(seed=11, T=T)
    dag = unroll(rnn_cell_graph(), T)
    v = unrolled_values(p)
    vals = dag.forward(v)
    grads = dag.backprop(v)
    uses = grads.per_use["Wh"]
    assert [c for c, _ in uses] == [f"hWh[{t}]" for t in range(T, 0, -1)]
    np.testing.assert_allclose(sum(d for _, d in uses), grads["Wh"], rtol=0, atol=1e-12)
    # independently: the use at step t is h[t-1]^T @ dL/dhWh[t]
    by_hand = sum(vals[f"h[{t - 1}]"].T @ grads[f"hWh[{t}]"] for t in range(1, T + 1))
    np.testing.assert_allclose(by_hand, grads["Wh"], rtol=0, atol=1e-12)
    # and no single step's use is the whole gradient
    for _, d in uses:
        assert rel_error(d, grads["Wh"]) > 1e-3


def test_squared_error_cell_unrolls_and_checks():
    dag = unroll(rnn_cell_graph(loss="squared_error"), 2)
    rng = np.random.default_rng(5)
    v = {"Wx": rng.normal(size=(2, 3)), "Wh": rng.normal(size=(3, 3)) * 0.5, "b": rng.normal(size=3),
         "h[0]": rng.normal(size=(1, 3)), "x[1]": rng.normal(size=(1, 2)), "x[2]": rng.normal(size=(1, 2)),
         "y[1]": rng.normal(size=(1, 3)), "y[2]": rng.normal(size=(1, 3))}
    grads = dag.backprop(v)
    check = gradient_check(grads["Wx"], lambda: dag.forward(v)["L"], v["Wx"],
                           f_scale=values_scale(dag.forward(v)))
    assert check.passed, check.describe("Wx")


def test_sequence_values_names_and_error():
    x = np.arange(12.0).reshape(1, 3, 4)
    vals = sequence_values("x", x)
    assert list(vals) == ["x[1]", "x[2]", "x[3]"]
    np.testing.assert_array_equal(vals["x[2]"], x[:, 1])
    with pytest.raises(ValueError, match=r"shape \(4,\); add the batch axis"):
        sequence_values("x", np.zeros(4))
