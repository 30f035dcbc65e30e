"""Lesson 2 exercise ``topological_sort(edges) -> list`` and the learner's own ``CycleError``
(reference in :mod:`rnncourse.graph`).

Any valid order passes, so the judge needs no reference order: it checks that every node (keys
*and* nodes that only appear as targets) is present exactly once and that every edge ``u -> v``
has ``u`` before ``v``. For a graph with a cycle the function must raise the learner's own
``CycleError`` (as the lesson asks: a subclass of ``ValueError`` written in the notebook, not
the library's), whose ``.cycle`` lists the nodes around one real cycle *in the direction of the
edges*: each feeds the next and the last feeds the first (a closing repeat of the first node,
``[a, b, a]``, is accepted too; the same cycle listed backwards is not), and whose message names
those nodes.

The judgement never depends on the order of a set: every cycle of three or more nodes in the
cases has int nodes (whose set order does not change with ``PYTHONHASHSEED``) that do not sort
into cycle order, so ``CycleError(sorted(nodes))`` and ``CycleError(list(set(nodes)))`` fail in
every process.
"""

from __future__ import annotations

import re

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


def kahn_order(edges, first_in_first_out=False):
    """The nodes Kahn's algorithm places, in order (all of them for a DAG). Trusted; the order
    takes the last ready node first, or the first with ``first_in_first_out``."""
    indegree = {n: 0 for n in all_nodes(edges)}
    for _, v in edge_list(edges):
        indegree[v] += 1
    ready = [n for n, d in indegree.items() if d == 0]
    order = []
    while ready:
        u = ready.pop(0 if first_in_first_out else -1)
        order.append(u)
        for v in edges.get(u, ()):
            indegree[v] -= 1
            if indegree[v] == 0:
                ready.append(v)
    return order


def kahn_leftovers(edges):
    """The nodes Kahn's algorithm cannot place: those on a cycle and those a cycle feeds."""
    placed = set(kahn_order(edges))
    return [n for n in all_nodes(edges) if n not in placed]


def is_cycle(edges, cycle):
    """Whether the list ``cycle`` goes around a cycle of ``edges`` in the edges' direction."""
    return cycle_problem(edges, cycle) is None


def _closed(cycle):
    return cycle[:-1] if len(cycle) > 1 and cycle[0] == cycle[-1] else cycle


def cycle_through(edges, nodes, limit=10):
    """An order of the distinct ``nodes`` that goes around a cycle of ``edges``, or None
    (a small backtracking search; None for more than ``limit`` nodes)."""
    nodes = list(dict.fromkeys(nodes))
    if not nodes or len(nodes) > limit:
        return None
    inside = set(nodes)

    def extend(path):
        if len(path) == len(nodes):
            return path if path[0] in edges.get(path[-1], ()) else None
        for v in edges.get(path[-1], ()):
            if v in inside and v not in path:
                found = extend(path + [v])
                if found:
                    return found
        return None

    return extend(nodes[:1])


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
        # 3 -> 1 -> 4 -> 2 -> 5 -> 3: neither sorted nor reverse-sorted order goes around it,
        # and int nodes keep one set order in every process; 9 is fed by the cycle
        ("cycle of 5 reached through a chain, int nodes out of sorted order",
         {0: [3], 3: [1], 1: [4], 4: [2, 9], 2: [5], 5: [3]}),
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
# Each detector reads the plain outputs of one case; the judge tries them in catalogue order.
def _returned(case, outputs):
    return outputs.get("status") == "returned"


def _reversed_order(case, outputs):
    edges, value = case["inputs"]["edges"], outputs.get("value")
    return (not case["cyclic"] and _returned(case, outputs) and isinstance(value, list)
            and len(edge_list(edges)) > 0 and order_problem(edges, value) is not None
            and order_problem(edges, value[::-1]) is None)


def _missing_targets(case, outputs):
    edges, value = case["inputs"]["edges"], outputs.get("value")
    if case["cyclic"] or not _returned(case, outputs) or not isinstance(value, list):
        return False
    try:
        missing = [n for n in all_nodes(edges) if n not in value]
    except TypeError:
        return False
    return bool(missing) and set(missing) <= set(target_only(edges))


def _no_cycle_check(case, outputs):
    return case["cyclic"] and _returned(case, outputs)


def _error(case, outputs):
    """The error a cyclic case raised (not a placeholder), or None."""
    error = outputs.get("error")
    if not case["cyclic"] or outputs.get("status") != "raised" or not isinstance(error, dict):
        return None
    return None if error.get("type") == "NotImplementedError" else error


def _mro(error):
    mro = error.get("mro")
    return mro if isinstance(mro, list) else [error.get("type")]


def _named_cycle_error(case, outputs):
    """The error if it is a class named CycleError (the learner's), else None."""
    error = _error(case, outputs)
    return error if error is not None and "CycleError" in _mro(error) else None


def _wrong_exception(case, outputs):
    return _error(case, outputs) is not None and _named_cycle_error(case, outputs) is None


LIBRARY_CYCLE_ERROR = ("rnncourse.graph.toposort", "CycleError")
"""Where the library's CycleError is defined (module, qualified name)."""


def _library_cycle_error(case, outputs):
    if outputs.get("library_reference"):  # the library's own function, checked as a reference
        return False
    error = _named_cycle_error(case, outputs)
    return error is not None and (error.get("module"), error.get("qualname")) == LIBRARY_CYCLE_ERROR


def _not_value_error(case, outputs):
    error = _named_cycle_error(case, outputs)
    return error is not None and "ValueError" not in _mro(error)


def _no_cycle_attribute(case, outputs):
    error = _named_cycle_error(case, outputs)
    return error is not None and "cycle" not in error


def _reported_cycle(case, outputs):
    """The ``.cycle`` of the learner's CycleError if it is NOT a cycle in edge order, else None."""
    error = _named_cycle_error(case, outputs)
    if error is None or not isinstance(error.get("cycle"), list):
        return None
    cycle = error["cycle"]
    try:
        return None if is_cycle(case["inputs"]["edges"], cycle) else _closed(cycle)
    except TypeError:  # unhashable items
        return None


def _cycle_reversed(case, outputs):
    cycle = _reported_cycle(case, outputs)
    return bool(cycle) and is_cycle(case["inputs"]["edges"], cycle[::-1])


def _cycle_out_of_order(case, outputs):
    cycle = _reported_cycle(case, outputs)
    return (bool(cycle) and len(set(cycle)) == len(cycle)
            and cycle_through(case["inputs"]["edges"], cycle) is not None)


def _leftover_nodes(case, outputs):
    cycle = _reported_cycle(case, outputs)
    return bool(cycle) and set(cycle) == set(kahn_leftovers(case["inputs"]["edges"]))


def _path_not_cycle(case, outputs):
    """A stretch of the list goes around a cycle (either way) and the rest only leads in or out."""
    cycle = _reported_cycle(case, outputs)
    if not cycle:
        return False
    edges = case["inputs"]["edges"]
    n = len(cycle)
    for i in range(n):
        for j in range(i + 1, n + 1):
            part = cycle[i:j]
            if (i, j) != (0, n) and (is_cycle(edges, part) or is_cycle(edges, part[::-1])):
                return True
    return False


def _no_message(case, outputs):
    """The learner's CycleError has no message of its own: empty, or only the list it was given
    (an ``__init__`` that never passes a message on to ValueError prints its arguments)."""
    error = _named_cycle_error(case, outputs)
    if error is None or not isinstance(error.get("cycle"), list) or _reported_cycle(case, outputs):
        return False
    message = str(error.get("message") or "").strip()
    cycle = error["cycle"]
    return message in ("", str(cycle), str(tuple(cycle)), f"({cycle!r},)")


def _message_without_cycle(case, outputs):
    error = _named_cycle_error(case, outputs)
    if error is None or not isinstance(error.get("cycle"), list) or _reported_cycle(case, outputs):
        return False
    message = str(error.get("message") or "")
    return not all(re.search(rf"(?<!\w){re.escape(str(node))}(?!\w)", message)
                   for node in _closed(error["cycle"]))


# variants (wrong on purpose) used by the tests to prove each message is reachable
def _error_class(base=ValueError, attribute=True, message=True):
    """A learner-style ``CycleError`` class (named so), with chosen faults; ``message=None``
    never passes a message on to the base class."""
    def __init__(self, cycle):
        if attribute:
            self.cycle = list(cycle)
        if message is None:
            return
        text = " -> ".join(str(n) for n in list(cycle) + list(cycle)[:1])
        base.__init__(self, f"the graph has a cycle: {text}" if message else "the graph has a cycle")

    return type("CycleError", (base,), {"__init__": __init__, "__qualname__": "CycleError",
                                        "__module__": __name__})


_CycleError = _error_class()


def _dfs_postorder(edges, reverse=True, full_path=False, error=_CycleError):
    state, order, path = {}, [], []

    def visit(u):
        state[u] = 1
        path.append(u)
        for v in edges.get(u, ()):
            if state.get(v) == 1:
                raise error(path[:] if full_path else path[path.index(v):])
            if v not in state:
                visit(v)
        state[u] = 2
        path.pop()
        order.append(u)

    for node in all_nodes(edges):
        if node not in state:
            visit(node)
    return order[::-1] if reverse else order


def _kahn(edges, report="cycle", error=_CycleError):
    """Kahn's algorithm; on a cycle raises ``error`` of: ``"cycle"`` (a real one, walked back
    through the leftovers and reversed), ``"backwards"`` (the walk not reversed), ``"sorted"``,
    ``"set"`` (the cycle's nodes sorted / through a set) or ``"leftovers"`` (all of them)."""
    nodes, order = all_nodes(edges), kahn_order(edges, first_in_first_out=True)
    if len(order) == len(nodes):
        return order
    left = [n for n in nodes if n not in order]
    if report == "leftovers":
        raise error(left)
    feeder = {v: u for u in left for v in edges.get(u, ()) if v in left}
    walk = [left[0]]
    while feeder[walk[-1]] not in walk:
        walk.append(feeder[walk[-1]])
    backwards = walk[walk.index(feeder[walk[-1]]):]
    cycle = {"backwards": backwards, "sorted": sorted(backwards),
             "set": list(set(backwards))}.get(report, backwards[::-1])
    raise error(cycle)


def _variant_reversed(edges):
    return _dfs_postorder(edges, reverse=False)


def _variant_keys_only(edges):
    indeg = {u: 0 for u in edges}
    for _, v in edge_list(edges):
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
        raise _CycleError(find_cycle(edges))
    return order


def _variant_no_cycle_check(edges):
    return kahn_order(edges)  # leftover nodes on a cycle are silently dropped


def _variant_full_path(edges):
    return _dfs_postorder(edges, full_path=True)


def _variant_wrong_exception(edges):
    cycle = find_cycle(edges)
    if cycle:
        raise RuntimeError(f"the graph has a cycle: {cycle}")
    return _kahn(edges)


def _variant_library_error(edges):
    from rnncourse.graph import CycleError

    return _kahn(edges, error=CycleError)


def _variant(report="cycle", **faults):
    error = _error_class(**faults) if faults else _CycleError
    return lambda edges: _kahn(edges, report=report, error=error)


class TopologicalSortExercise(FunctionExercise):
    """``topological_sort``: many orders are right, so the judge checks the order's property
    (every edge goes forward) instead of comparing with the reference's order, and for a graph
    with a cycle judges the learner's CycleError: its class, its ``.cycle`` and its message."""

    @staticmethod
    def details(mistake, edges, outputs, early):
        """What was raised, echoed after a named mistake: the exception, the ``.cycle`` and why
        it is not a cycle, or the message that does not name it."""
        error = outputs.get("error") or {}
        if mistake.detect in (_wrong_exception, _no_cycle_attribute, _library_cycle_error,
                              _not_value_error):
            return f" Details: {early}"
        if "cycle" not in error:
            return ""
        cycle = error["cycle"]
        if mistake.detect in (_message_without_cycle, _no_message):
            return f" Details: .cycle is {cycle!r} and the message is {error.get('message')!r}."
        why = cycle_problem(edges, cycle)
        return f" Details: .cycle is {cycle!r}" + (f": {why}." if why else ".")

    def call(self, answer, case, time_limit=None):
        """As for every exercise; when ``answer`` IS the library's ``topological_sort`` (a learner
        and the library swap functions freely), its CycleError is the right one, so the outputs
        say so. The grader's kernel harness never sets this: there, handing in the library's
        function is flagged as calling the reference."""
        outputs = super().call(answer, case, time_limit)
        if answer is self.reference_function:
            outputs["library_reference"] = True
        return outputs

    def judge_outputs(self, case, outputs):
        """Any valid order passes; a cyclic graph must raise the learner's CycleError with a
        real cycle (in edge order) and a message naming it."""
        edges = case["inputs"]["edges"]
        status = outputs.get("status")
        error = outputs.get("error") or {}
        early = self.status_message(outputs, case) if status != "returned" else None
        if status == "raised" and error.get("type") == "NotImplementedError" or status not in (
                "returned", "raised"):
            return Verdict(False, early, unfinished=status == "raised")
        mistake = self.find_mistake(case, outputs, wrong=True)
        if mistake is not None:
            return Verdict(False, f"Likely mistake: {mistake.message}"
                           + self.details(mistake, edges, outputs, early), mistake.name)
        if case["cyclic"]:
            why = cycle_problem(edges, error.get("cycle"))
            if why:
                return Verdict(False, f"the CycleError's .cycle {error.get('cycle')!r} is not a "
                                      f"cycle: {why}; each node must feed the next and the last "
                                      "the first.")
        else:
            if status == "raised":
                if "CycleError" in _mro(error):
                    return Verdict(False, exception_message(error, self.id)[:-1]
                                   + ", but this graph has no cycle.")
                return Verdict(False, early)
            if outputs.get("value") is None:
                return Verdict(False, self.status_message(outputs))
            why = order_problem(edges, outputs["value"])
            if why:
                return Verdict(False, f"not a topological order: {why}.")
        mutation = self.mutation_text(outputs)
        if mutation:
            return Verdict(False, mutation[0].upper() + mutation[1:] + " (copy the in-degree counts "
                                                                       "or the dict first).")
        return Verdict(True, "correct")


_OWN_CLASS = ("the exception class you define as the lesson shows: class CycleError(ValueError) "
              "that stores .cycle and has a message naming the cycle")

TOPOLOGICAL_SORT = TopologicalSortExercise(
    id="topological_sort",
    lesson=LESSON,
    section="lesson 2, section 4 (What backprop needs: an order)",
    points=2,
    signature="topological_sort(edges) -> list    (raises CycleError with .cycle on a cycle)",
    reference="rnncourse.graph:topological_sort",
    arg_names=("edges",),
    output_names=("order",),
    returns="a list holding every node once, each after the nodes that feed it",
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
        Mistake("wrong_exception", f"for a graph with a cycle raise CycleError(cycle), {_OWN_CLASS}.",
                _variant_wrong_exception, detect=_wrong_exception),
        Mistake("library_cycle_error", "raised the library's CycleError (imported from "
                f"rnncourse.graph): this exercise asks you to write your own, {_OWN_CLASS}. "
                "Define it in your notebook and raise that one.", _variant_library_error,
                detect=_library_cycle_error),
        Mistake("cycle_error_not_value_error", "your CycleError is not a subclass of ValueError: "
                "declare it as class CycleError(ValueError), as the lesson asks, so that code "
                "catching ValueError for a bad graph catches it too.",
                _variant(base=Exception), detect=_not_value_error),
        Mistake("no_cycle_attribute", "raised CycleError without a .cycle attribute: store the "
                "list of nodes around the cycle in __init__ (self.cycle = list(cycle)).",
                _variant(attribute=False), detect=_no_cycle_attribute),
        Mistake("cycle_reversed", "the CycleError's .cycle is a real cycle listed backwards: each "
                "node must feed the NEXT one, and the last the first, as the edges point. Walking "
                "from a node to a node that feeds it (tracing Kahn's leftovers back) goes against "
                "the arrows, so reverse that walk: cycle[::-1]. (A DFS path, from the node the "
                "back edge reaches to its end, is already in edge order.)",
                _variant("backwards"), detect=_cycle_reversed),
        Mistake("cycle_out_of_order", "the CycleError's .cycle has the nodes of one cycle but not "
                "in the order around it: list them as you walk the cycle, each feeding the next "
                "and the last feeding the first. Sorting them, or passing them through a set, "
                "loses that order (a set's order can even change from one run of Python to the "
                "next).", _variant("sorted"), detect=_cycle_out_of_order),
        Mistake("leftover_nodes", "the CycleError's .cycle lists every node left over by Kahn's "
                "algorithm, but the nodes a cycle feeds are left over too, so the leftovers are "
                "not one cycle. To extract one: start at any left-over node and step to a "
                "left-over node that feeds it, again and again, until a node repeats; the nodes "
                "between the two visits of that node, reversed, go around one cycle.",
                _variant("leftovers"), detect=_leftover_nodes),
        Mistake("path_not_cycle", "the CycleError's .cycle includes nodes that only lead into (or "
                "out of) the cycle: keep just the stretch that closes on itself, from the first "
                "visit of the node that repeats (in a DFS: from the node the back edge reaches to "
                "the end of the current path), with each node feeding the next.",
                _variant_full_path, detect=_path_not_cycle),
        Mistake("no_message", "the CycleError has no message of its own: its __init__ stores "
                ".cycle but never passes a message on to ValueError, so the error shows only "
                "the bare list (or nothing). Call super().__init__ with a message naming the "
                "cycle, e.g. super().__init__(f\"the graph has a cycle: "
                "{' -> '.join(map(str, cycle))}\"), as the lesson shows.",
                _variant(message=None), detect=_no_message),
        Mistake("message_without_cycle", "the CycleError's message does not name the cycle: "
                "pass a message listing its nodes on to ValueError, e.g. super().__init__("
                "f\"the graph has a cycle: {' -> '.join(map(str, cycle))}\"), as the lesson "
                "shows.", _variant(message=False), detect=_message_without_cycle),
    ),
)

EXERCISES = (TOPOLOGICAL_SORT,)
