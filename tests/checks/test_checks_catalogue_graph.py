"""The topological_sort check: any valid order and any real cycle pass, whatever the algorithm;
wrong orders and fake cycles fail with named messages."""

from collections import deque

import pytest

from rnncourse.checks import EXERCISES, check
from rnncourse.checks.catalogue.graph import all_nodes, cycle_problem, find_cycle, order_problem


class CycleError(Exception):
    """A learner's own CycleError: accepted because of its name and its .cycle."""

    def __init__(self, cycle):
        super().__init__(f"cycle: {cycle}")
        self.cycle = cycle


def kahn(edges):
    nodes = list(dict.fromkeys([*edges, *(v for vs in edges.values() for v in vs)]))
    indegree = {n: 0 for n in nodes}
    for vs in edges.values():
        for v in vs:
            indegree[v] += 1
    queue = deque(n for n in nodes if indegree[n] == 0)
    order = []
    while queue:
        u = queue.popleft()
        order.append(u)
        for v in edges.get(u, []):
            indegree[v] -= 1
            if indegree[v] == 0:
                queue.append(v)
    if len(order) < len(nodes):
        # walk backwards along leftover edges until a node repeats: that loop is a cycle
        left = {n for n in nodes if indegree[n] > 0}
        preds = {v: u for u in left for v in edges.get(u, []) if v in left}
        node, seen = next(iter(left)), []
        while node not in seen:
            seen.append(node)
            node = preds[node]
        cycle = seen[seen.index(node):][::-1]
        raise CycleError(cycle)
    return order


def dfs(edges):
    order, state = [], {}

    def visit(u, path):
        state[u] = "open"
        for v in edges.get(u, []):
            if state.get(v) == "open":
                raise CycleError(path[path.index(v):] + [v])  # closed form ['a', 'b', 'a']
            if v not in state:
                visit(v, path + [v])
        state[u] = "done"
        order.append(u)

    for n in list(edges) + [v for vs in edges.values() for v in vs]:
        if n not in state:
            visit(n, [n])
    return order[::-1]


def library_reference(edges):
    graph = pytest.importorskip("rnncourse.graph")
    return graph.topological_sort(edges)


@pytest.mark.parametrize("fn", [kahn, dfs, library_reference])
def test_correct_algorithms_pass(fn):
    r = check("topological_sort", fn)
    assert r.passed, r.message
    assert r.points == 2


def test_different_valid_orders_and_different_cycles_both_pass():
    ex = EXERCISES["topological_sort"]
    differ_order = differ_cycle = False
    for case in ex.make_cases(0):
        edges = case["inputs"]["edges"]
        if case["cyclic"]:
            a = ex.call(kahn, case)["error"]["cycle"]
            b = ex.call(dfs, case)["error"]["cycle"]
            differ_cycle |= a != b[:-1]
        else:
            differ_order |= kahn(edges) != dfs(edges)
    assert differ_order and differ_cycle  # the alternatives really exercise the freedom


def test_cases_cover_the_awkward_graphs():
    cases = EXERCISES["topological_sort"].make_cases(0)
    labels = " | ".join(c["label"] for c in cases)
    for words in ("self-loop", "isolated node", "target-only node", "cycle of 5", "empty graph",
                  "many valid orders"):
        assert words in labels
    assert any(c["cyclic"] for c in cases) and any(not c["cyclic"] for c in cases)
    assert any(isinstance(n, int) for c in cases for n in all_nodes(c["inputs"]["edges"]))


WORDING = {
    "reversed_order": "the order is reversed",
    "missing_target_only": "nodes that only appear as targets (never as a key) are missing",
    "no_cycle_check": "the graph has a cycle but the function returned an order",
    "path_not_cycle": "the CycleError's .cycle is not a cycle",
}


@pytest.mark.parametrize("name", list(WORDING))
def test_each_known_mistake_fails_with_its_own_message(name):
    ex = EXERCISES["topological_sort"]
    assert set(WORDING) == {m.name for m in ex.mistakes}
    mistake = next(m for m in ex.mistakes if m.name == name)
    r = check("topological_sort", mistake.variant)
    assert not r.passed and r.mistake == name
    assert "Likely mistake: " + WORDING[name] in r.message


def test_other_wrong_answers():
    def wrong_exception(edges):
        if find_cycle(edges):
            raise RuntimeError("loop!")
        return kahn(edges)

    r = check("topological_sort", wrong_exception)
    assert "raised RuntimeError: loop!" in r.message
    assert "for a graph with a cycle raise CycleError(cycle)" in r.message

    def no_attribute(edges):
        if find_cycle(edges):
            raise type("CycleError", (Exception,), {})("cycle")
        return kahn(edges)

    r = check("topological_sort", no_attribute)
    assert "raised CycleError without a .cycle attribute" in r.message

    def duplicates(edges):
        order = kahn(edges)
        return order + order[:1]

    r = check("topological_sort", duplicates)
    assert "not a topological order: node(s) ['a'] appear more than once" in r.message

    def false_alarm(edges):
        raise CycleError(["a"])

    r = check("topological_sort", false_alarm)
    assert "raised CycleError: cycle: ['a']" in r.message and "but this graph has no cycle" in r.message

    def consumes_input(edges):
        order = kahn(edges)
        edges.clear()
        return order

    r = check("topological_sort", consumes_input)
    assert "changed its input edges in place" in r.message


def test_order_and_cycle_validators():
    edges = {"a": ["b"], "b": ["c"], "c": ["a"], "x": ["a"]}
    assert cycle_problem(edges, ["b", "c", "a"]) is None
    assert cycle_problem(edges, ["a", "b", "c", "a"]) is None
    assert cycle_problem(edges, ["x", "a", "b", "c"]) == "'c' -> 'x' is not an edge"
    dag = {"a": ["b"], "c": []}
    assert order_problem(dag, ["a", "b", "c"]) is None
    assert order_problem(dag, ["b", "a", "c"]).startswith("edge 'a' -> 'b' goes backwards")
    assert order_problem(dag, ["a", "c"]) == "node(s) ['b'] are missing from the order"
    assert order_problem(dag, ["a", "b", "c", "z"]) == "['z'] are not nodes of the graph"
