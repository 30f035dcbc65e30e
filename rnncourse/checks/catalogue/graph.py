"""Lesson 2 exercise ``topological_sort(edges) -> list`` (reference in :mod:`rnncourse.graph`).

Any valid order passes, so the judge needs no reference order: it checks that every node (keys
*and* nodes that only appear as targets) is present exactly once and that every edge ``u -> v``
has ``u`` before ``v``. For a graph with a cycle the function must raise an exception named
``CycleError`` (``rnncourse.graph.CycleError`` or the learner's own class of that name) whose
``.cycle`` lists the nodes around one real cycle: each feeds the next and the last feeds the
first (a closing repeat of the first node, ``['a', 'b', 'a']``, is accepted too).
"""

from __future__ import annotations

from rnncourse.checks.engine import FunctionExercise, Mistake, Verdict, exception_message
from rnncourse.checks.engine.compare import describe

LESSON = "02_recurrence_and_cycles"



# ----------------------------------------------------------------------------- graph helpers
def all_nodes(edges):
    """Every node of ``edges`` (keys and targets), in first-seen order."""
    seen = {}
    for u, targets in edges.items():
        seen.setdefault(u, None)
        for v in targets:
            seen.setdefault(v, None)
    return list(seen)


def edge_list(edges):
    return [(u, v) for u, targets in edges.items() for v in targets]


def find_cycle(edges):
    """One cycle of ``edges`` as a list of nodes, or None for a DAG (iterative DFS, trusted)."""
    colour = {}
    for root in all_nodes(edges):
        if root in colour:
            continue
        stack, path = [(root, iter(edges.get(root, ())))], [root]
        colour[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = 2
                stack.pop()
                path.pop()
            elif colour.get(child) == 1:
                return path[path.index(child):]
            elif child not in colour:
                colour[child] = 1
                stack.append((child, iter(edges.get(child, ()))))
                path.append(child)
    return None


def order_problem(edges, order):
    """Why ``order`` is not a topological order of ``edges`` (a sentence), or None if it is."""
    if not isinstance(order, list):
        return f"returned {describe(order)}; return a list of nodes"
    nodes = all_nodes(edges)
    try:
        counts = {}
        for n in order:
            counts[n] = counts.get(n, 0) + 1
    except TypeError:
        return "the list contains something that is not a node (e.g. a list or dict)"
    missing = [n for n in nodes if n not in counts]
    unknown = [n for n in counts if n not in set(nodes)]
    twice = [n for n, c in counts.items() if c > 1]
    if missing:
        return f"node(s) {missing} are missing from the order"
    if unknown:
        return f"{unknown} are not nodes of the graph"
    if twice:
        return f"node(s) {twice} appear more than once"
    pos = {n: i for i, n in enumerate(order)}
    backward = [(u, v) for u, v in edge_list(edges) if pos[u] >= pos[v]]
    if backward:
        u, v = backward[0]
        return (f"edge {u!r} -> {v!r} goes backwards: {v!r} comes before {u!r} "
                f"({len(backward)} of {len(edge_list(edges))} edges go backwards)")
    return None


def cycle_problem(edges, cycle):
    """Why ``cycle`` is not a cycle of ``edges``, or None if it is one."""
    if not isinstance(cycle, list) or not cycle:
        return f".cycle is {describe(cycle)}; it should be a non-empty list of nodes"
    if len(cycle) > 1 and cycle[0] == cycle[-1]:
        cycle = cycle[:-1]
    for u, v in zip(cycle, cycle[1:] + cycle[:1]):
        try:
            ok = v in edges.get(u, ())
        except TypeError:
            ok = False
        if not ok:
            return f"{u!r} -> {v!r} is not an edge"
    return None


def target_only(edges):
    return [n for n in all_nodes(edges) if n not in edges]


# ----------------------------------------------------------------------------- cases
def _random_dag(rng, n, p):
    names = list(rng.permutation(n) + 1)  # a hidden random order of the int nodes
    edges = {}
    for i, u in enumerate(names):
        targets = [names[j] for j in range(i + 1, n) if rng.random() < p]
        if targets or rng.random() < 0.7:  # some nodes are left as target-only
            edges[int(u)] = [int(v) for v in targets]
    keys = list(edges)
    rng.shuffle(keys)  # the dict order is not an order of the graph
    return {k: edges[k] for k in keys}


def _longest_path(dag):
    """The longest path of a DAG, as a list of nodes (memoised DFS; graphs here are tiny)."""
    best = {}

    def longest_from(u):
        if u not in best:
            tails = [longest_from(v) for v in dag.get(u, ())]
            best[u] = [u] + max(tails, key=len, default=[])
        return best[u]

    return max((longest_from(u) for u in all_nodes(dag)), key=len, default=[])


def _cases(rng):
    dags = [
        ("chain listed backwards", {"d": [], "c": ["d"], "b": ["c"], "a": ["b"]}),
        ("diamond with an isolated node and a target-only node",
         {"loss": [], "h1": ["y"], "x": ["h1", "h2"], "h2": ["y"], "lonely": []}),
        ("unrolled RNN, shared weights (many valid orders)",
         {"Wh": ["h1", "h2", "h3"], "Wx": ["h1", "h2", "h3"], "h0": ["h1"], "x1": ["h1"],
          "x2": ["h2"], "x3": ["h3"], "h1": ["h2", "L1"], "h2": ["h3", "L2"], "h3": ["L3"]}),
        ("random DAG on 9 int nodes", _random_dag(rng, 9, 0.35)),
        ("empty graph", {}),
    ]
    loops = [
        ("self-loop h -> h", {"x": ["h"], "h": ["h", "y"]}),
        ("two-node cycle beside a DAG", {"a": ["b"], "b": ["a", "c"], "p": ["q"], "c": []}),
        ("cycle of 5 reached through a chain", {"s": ["a"], "a": ["b"], "b": ["c"], "c": ["d"],
                                                "d": ["e", "t"], "e": ["a"]}),
    ]
    dag = _random_dag(rng, 8, 0.4)
    path = _longest_path(dag)
    if len(path) >= 2:  # close the longest path into a cycle
        cyclic = {k: list(t) for k, t in dag.items()}
        cyclic.setdefault(path[-1], []).append(path[0])
        loops.append((f"random graph on 8 int nodes, one back edge closing a cycle of {len(path)}",
                      cyclic))
    cases = []
    for name, edges in dags + loops:
        n_nodes, n_edges = len(all_nodes(edges)), len(edge_list(edges))
        cases.append({"label": f"{name}: {n_nodes} nodes, {n_edges} edges", "dims": {
            "nodes": n_nodes, "edges": n_edges}, "cyclic": find_cycle(edges) is not None,
            "inputs": {"edges": edges}})
    return cases


# ----------------------------------------------------------------------------- the judge
def _reversed_order(case, outputs):
    edges, value = case["inputs"]["edges"], outputs.get("value")
    return (not case["cyclic"] and outputs.get("status") == "returned" and isinstance(value, list)
            and len(edge_list(edges)) > 0 and order_problem(edges, value) is not None
            and order_problem(edges, value[::-1]) is None)


def _missing_targets(case, outputs):
    edges, value = case["inputs"]["edges"], outputs.get("value")
    if case["cyclic"] or outputs.get("status") != "returned" or not isinstance(value, list):
        return False
    try:
        missing = [n for n in all_nodes(edges) if n not in value]
    except TypeError:
        return False
    return bool(missing) and set(missing) <= set(target_only(edges))


def _no_cycle_check(case, outputs):
    return case["cyclic"] and outputs.get("status") == "returned"


def _path_not_cycle(case, outputs):
    error = outputs.get("error") or {}
    return (case["cyclic"] and "CycleError" in error.get("mro", ()) and "cycle" in error
            and cycle_problem(case["inputs"]["edges"], error["cycle"]) is not None)


# variants (wrong on purpose) used by the tests to prove each message is reachable
def _dfs_postorder(edges, reverse=True, full_path=False):
    state, order, path = {}, [], []

    def visit(u):
        state[u] = 1
        path.append(u)
        for v in edges.get(u, ()):
            if state.get(v) == 1:
                raise _cycle_error(path[:] if full_path else path[path.index(v):])
            if v not in state:
                visit(v)
        state[u] = 2
        path.pop()
        order.append(u)

    for node in all_nodes(edges):
        if node not in state:
            visit(node)
    return order[::-1] if reverse else order


def _cycle_error(cycle):
    try:
        from rnncourse.graph import CycleError
    except ImportError:  # the graph module is optional for the checks
        CycleError = type("CycleError", (ValueError,), {})
    error = CycleError(list(cycle))
    error.cycle = list(cycle)
    return error


def _variant_reversed(edges):
    return _dfs_postorder(edges, reverse=False)


def _variant_keys_only(edges):
    indeg = {u: 0 for u in edges}
    for u, v in edge_list(edges):
        if v in indeg:
            indeg[v] += 1
    ready = [u for u in edges if indeg[u] == 0]
    order = []
    while ready:
        u = ready.pop()
        order.append(u)
        for v in edges[u]:
            if v in indeg:
                indeg[v] -= 1
                if indeg[v] == 0:
                    ready.append(v)
    if len(order) < len(edges):
        raise _cycle_error(find_cycle(edges))
    return order


def _variant_no_cycle_check(edges):
    indeg = {n: 0 for n in all_nodes(edges)}
    for _, v in edge_list(edges):
        indeg[v] += 1
    ready = [n for n, d in indeg.items() if d == 0]
    order = []
    while ready:
        u = ready.pop()
        order.append(u)
        for v in edges.get(u, ()):
            indeg[v] -= 1
            if indeg[v] == 0:
                ready.append(v)
    return order  # leftover nodes on a cycle are silently dropped


def _variant_full_path(edges):
    return _dfs_postorder(edges, full_path=True)


class TopologicalSortExercise(FunctionExercise):
    """``topological_sort``: many orders are right, so the judge checks the order's property
    (every edge goes forward) instead of comparing with the reference's order."""

    def judge_outputs(self, case, outputs):
        """Any valid order passes; a cyclic graph must raise CycleError with a real cycle."""
        edges = case["inputs"]["edges"]
        mutation = self.mutation_text(outputs)
        for mistake in self.mistakes:
            if mistake.detect(case, outputs):
                return Verdict(False, f"Likely mistake: {mistake.message}", mistake.name)
        status = outputs.get("status")
        cyclic = find_cycle(edges) is not None
        if status == "raised" and outputs["error"]["type"] == "NotImplementedError":
            return Verdict(False, self.status_message(outputs))
        if cyclic:
            example = find_cycle(edges)
            if status == "returned":
                return Verdict(False, f"the graph has a cycle ({' -> '.join(map(repr, example))} -> "
                                      f"{example[0]!r}) but the function returned "
                                      f"{describe(outputs['value'])}; raise CycleError(cycle)")
            if status != "raised":
                return Verdict(False, self.status_message(outputs))
            error = outputs["error"]
            if "CycleError" not in error.get("mro", [error["type"]]):
                return Verdict(False, exception_message(error, self.id)[:-1] + "; for a graph "
                               "with a cycle raise CycleError(cycle) (from rnncourse.graph).")
            if "cycle" not in error:
                return Verdict(False, "raised CycleError without a .cycle attribute: pass the list "
                                      "of nodes on the cycle, CycleError(cycle).")
            why = cycle_problem(edges, error["cycle"])
            if why:
                return Verdict(False, f"the CycleError's .cycle {error['cycle']!r} is not a cycle: "
                                      f"{why}.")
        else:
            if status == "raised" and "CycleError" in outputs["error"].get("mro", ()):
                return Verdict(False, exception_message(outputs["error"], self.id)[:-1]
                               + ", but this graph has no cycle.")
            early = self.status_message(outputs)
            if early:
                return Verdict(False, early)
            why = order_problem(edges, outputs["value"])
            if why:
                return Verdict(False, f"not a topological order: {why}.")
        if mutation:
            return Verdict(False, mutation[0].upper() + mutation[1:] + " (copy the in-degree counts "
                                                                       "or the dict first).")
        return Verdict(True, "correct")


TOPOLOGICAL_SORT = TopologicalSortExercise(
    id="topological_sort",
    lesson=LESSON,
    points=2,
    signature="topological_sort(edges) -> list    (raises CycleError with .cycle on a cycle)",
    reference="rnncourse.graph:topological_sort",
    arg_names=("edges",),
    output_names=("order",),
    cases=_cases,
    mistakes=(
        Mistake("reversed_order", "the order is reversed: every edge u -> v must have u first. "
                "A DFS finishing order lists each node after everything it feeds, so reverse it.",
                _variant_reversed, detect=_reversed_order),
        Mistake("missing_target_only", "nodes that only appear as targets (never as a key) are "
                "missing: collect the nodes from the lists of targets too.",
                _variant_keys_only, detect=_missing_targets),
        Mistake("no_cycle_check", "the graph has a cycle but the function returned an order: "
                "when nodes are left over (Kahn) or a node on the current DFS path is reached "
                "again, raise CycleError(cycle).", _variant_no_cycle_check,
                detect=_no_cycle_check),
        Mistake("path_not_cycle", "the CycleError's .cycle is not a cycle: report only the nodes "
                "from where the back edge points to the end of the current DFS path, not the "
                "whole path.", _variant_full_path, detect=_path_not_cycle),
    ),
)

EXERCISES = (TOPOLOGICAL_SORT,)
