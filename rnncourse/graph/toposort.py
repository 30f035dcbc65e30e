"""Topological sort of a graph given as ``{node: [nodes it feeds]}``, and the error for a cycle.

Backprop visits the nodes of a computational graph in reverse topological order, so that every
node's gradient is complete before it is passed on. A graph with a cycle (a recurrent cell's
self-loop) has no such order; :func:`topological_sort` then raises :class:`CycleError` naming one
real cycle.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Mapping
from typing import Any


class CycleError(ValueError):
    """The graph has a cycle, so it has no topological order.

    Parameters
    ----------
    cycle : list of nodes around one cycle: each node feeds the next, and the last feeds the
        first (``['h']`` for a self-loop ``h -> h``; ``['a', 'b', 'c']`` for ``a -> b -> c -> a``)
    hint : str, optional, an extra sentence appended to the message (what to do about it)

    Attributes
    ----------
    cycle : list, as given
    """

    def __init__(self, cycle: Iterable[Hashable], hint: str = "") -> None:
        self.cycle = list(cycle)
        self.hint = hint
        path = " -> ".join(str(n) for n in self.cycle + self.cycle[:1])
        message = (
            f"the graph has a cycle: {path}. Backprop needs an order in which every node comes "
            "after everything it depends on, and no such order exists while a node depends, "
            "through the cycle, on itself."
        )
        if hint:
            message += " " + hint
        super().__init__(message)


def _check_edges(edges):
    """Validate ``edges`` and return ``(nodes in first-appearance order, successor lists)``."""
    if not isinstance(edges, Mapping):
        raise TypeError(
            f"topological_sort needs a dict node -> list of the nodes it feeds, got "
            f"{type(edges).__name__} {edges!r:.80}; build one like {{'x': ['h'], 'h': ['y']}}"
        )
    index: dict[Hashable, int] = {}  # node -> position of its first appearance (keys first, then targets)
    for node in edges:
        index.setdefault(node, len(index))
    for node, targets in edges.items():
        if not isinstance(targets, (list, tuple)):
            raise TypeError(
                f"edges[{node!r}] must be a list of the nodes {node!r} feeds, got "
                f"{type(targets).__name__} {targets!r:.80}; write edges[{node!r}] = [...] "
                "(use [] for a node that feeds nothing)"
            )
        for target in targets:
            try:
                hash(target)
            except TypeError:
                raise TypeError(
                    f"edges[{node!r}] contains {target!r:.80}, which is not hashable "
                    f"({type(target).__name__}); name nodes with strings, numbers or tuples"
                ) from None
            index.setdefault(target, len(index))
    succ: dict[Hashable, list[Hashable]] = {node: [] for node in index}
    for node, targets in edges.items():
        succ[node].extend(targets)
    return list(index), succ


def _find_cycle(remaining, succ, index):
    """A real cycle among ``remaining``, the nodes Kahn's algorithm could not place.

    Every remaining node has a remaining predecessor, so walking backwards from any of them must
    revisit a node; the walk between the two visits, reversed, is a cycle.
    """
    pred: dict[Hashable, list[Hashable]] = {n: [] for n in remaining}
    for node in remaining:
        for target in succ[node]:
            if target in pred:
                pred[target].append(node)
    for n in pred:
        pred[n].sort(key=index.__getitem__)  # deterministic walk
    start = min(remaining, key=index.__getitem__)
    walk, seen = [start], {start: 0}
    while True:
        nxt = pred[walk[-1]][0]
        if nxt in seen:
            back = walk[seen[nxt]:]
            break
        seen[nxt] = len(walk)
        walk.append(nxt)
    cycle = back[::-1]  # now each node feeds the next, and the last feeds the first
    first = min(range(len(cycle)), key=lambda i: index[cycle[i]])
    return cycle[first:] + cycle[:first]


def topological_sort(edges: Mapping[Any, Iterable[Any]]) -> list:
    """Order the nodes so that every node comes after all the nodes that feed it.

    Parameters
    ----------
    edges : dict node -> list of the nodes it feeds. Every node that appears anywhere is sorted:
        keys with an empty list (isolated nodes) and nodes that only appear as targets too. Nodes
        may be any hashable values. ``edges`` is not modified.

    Returns
    -------
    order : list of every node, each after all of its predecessors. The order is deterministic:
        whenever several nodes are ready, the one that appears first in ``edges`` (keys in order,
        then targets in order) is taken first.

    Raises
    ------
    CycleError
        if the graph has a cycle; ``err.cycle`` lists the nodes around one real cycle.
    TypeError
        if ``edges`` is not a dict of lists of hashable nodes.

    Examples
    --------
    >>> topological_sort({'x': ['a'], 'W': ['a'], 'a': ['h']})
    ['x', 'W', 'a', 'h']
    >>> try:
    ...     topological_sort({'x': ['h'], 'h': ['h']})
    ... except CycleError as err:
    ...     print(err.cycle)
    ['h']
    """
    nodes, succ = _check_edges(edges)
    index = {n: i for i, n in enumerate(nodes)}
    indegree = dict.fromkeys(nodes, 0)
    for node in nodes:
        for target in succ[node]:
            indegree[target] += 1
    ready = [index[n] for n in nodes if indegree[n] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        node = nodes[heapq.heappop(ready)]
        order.append(node)
        for target in succ[node]:
            indegree[target] -= 1
            if indegree[target] == 0:
                heapq.heappush(ready, index[target])
    if len(order) < len(nodes):
        placed = set(order)
        remaining = [n for n in nodes if n not in placed]
        raise CycleError(_find_cycle(remaining, succ, index))
    return order
