"""A small computational graph: named input, parameter and operation nodes with real numeric ops,
forward evaluation, and reverse-mode backprop over a DAG.

    g = Graph(loss='L')
    g.input('x'); g.param('W'); g.input('y')
    g.op('s', 'matmul', 'x', 'W')          # s = x @ W
    g.op('L', 'squared_error', 's', 'y')   # L = 0.5 * sum((s - y)**2)
    grads = g.backprop({'x': x, 'W': W, 'y': y})
    grads['W']                              # dL/dW

An operation's argument may be ``Delayed('h')``: "the value of ``h`` one time step earlier". Such a
recurrent edge makes the graph cyclic, so ``forward`` and ``backprop`` refuse it with a
:class:`CycleError` naming the cycle; :func:`rnncourse.graph.unroll` turns it into a DAG.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .toposort import CycleError, topological_sort

KINDS = ("input", "param", "op")


@dataclass(frozen=True)
class Delayed:
    """An argument meaning "node ``name`` as it was ``lag`` time steps ago" (a recurrent edge)."""

    name: str
    lag: int = 1

    def __post_init__(self):
        if not isinstance(self.lag, int) or isinstance(self.lag, bool) or self.lag < 1:
            raise ValueError(
                f"Delayed({self.name!r}, lag={self.lag!r}): lag must be a positive int "
                "(1 = previous time step); use the plain name for the current step"
            )


@dataclass(frozen=True)
class Node:
    """One node. ``inputs`` is a tuple of ``(source name, lag)`` pairs, lag 0 meaning "now".
    ``time`` and ``base`` are set by unrolling: the step this copy belongs to (``None`` for a
    shared parameter) and the node's name in the recurrent graph."""

    name: str
    kind: str
    op: str | None = None
    inputs: tuple = ()
    time: int | None = None
    base: str | None = None


# ----------------------------------------------------------------------------- operations
# Each op: (number of arguments or None for "one or more", forward(*args), backward(g, args, out)
# returning one gradient per argument). The derivative sits beside its forward.
def _unbroadcast(g, shape):
    """Sum ``g`` over the axes that broadcasting added or stretched, to get back ``shape``."""
    g = np.asarray(g)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return np.array(g, copy=True)  # never hand out an alias of another node's gradient


def _matmul_backward(g, args, out):
    a, b = args
    return [g @ b.T, a.T @ g]  # (N, H) @ (H, D) -> (N, D);  (D, N) @ (N, H) -> (D, H)


def _add_forward(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = out + x  # broadcasting: (N, H) + (H,) -> (N, H)
    return out


def _add_backward(g, args, out):
    return [_unbroadcast(g, np.shape(x)) for x in args]


def _squared_error_backward(g, args, out):
    pred, target = args
    diff = pred - target
    return [g * diff, -g * diff]


OPS: dict[str, tuple[int | None, Callable[..., Any], Callable[..., Any]]] = {
    "matmul": (2, lambda a, b: a @ b, _matmul_backward),  # (N, D) @ (D, H) -> (N, H)
    "add": (None, _add_forward, _add_backward),
    "tanh": (1, np.tanh, lambda g, args, out: [g * (1.0 - out**2)]),
    # sum(a * w): a scalar loss whose gradient with respect to a is the fixed weight w
    "weighted_sum": (2, lambda a, w: np.sum(a * w), lambda g, args, out: [g * args[1], g * args[0]]),
    # 0.5 * sum((pred - target)**2)
    "squared_error": (2, lambda p, t: 0.5 * np.sum((p - t) ** 2), _squared_error_backward),
}


class Graph:
    """A computational graph of named nodes.

    Parameters
    ----------
    loss : str or None, the name of the scalar node that :meth:`backprop` differentiates by default

    Attributes
    ----------
    nodes : dict name -> :class:`Node`, in the order they were added
    loss : str or None
    """

    def __init__(self, loss: str | None = None) -> None:
        self.nodes: dict[str, Node] = {}
        self.loss = loss

    # --- building
    def _add(self, node):
        if not isinstance(node.name, str) or not node.name:
            raise TypeError(f"node names must be non-empty strings, got {node.name!r}")
        if node.name in self.nodes:
            raise ValueError(f"there is already a node named {node.name!r}; pick another name")
        self.nodes[node.name] = node
        return node.name

    def input(self, name: str, *, time: int | None = None, base: str | None = None) -> str:
        """Add an input node (data, given a value at every forward pass). Returns ``name``."""
        return self._add(Node(name, "input", time=time, base=base))

    def param(self, name: str, *, base: str | None = None) -> str:
        """Add a parameter node (a weight that backprop computes a gradient for). Returns ``name``."""
        return self._add(Node(name, "param", base=base))

    def op(self, name: str, op: str, *args: Any, time: int | None = None, base: str | None = None) -> str:
        """Add an operation node ``name = op(*args)``. Returns ``name``.

        Parameters
        ----------
        name : str
        op : one of ``'matmul'`` (a @ b), ``'add'`` (a + b + ..., broadcasting), ``'tanh'``,
            ``'weighted_sum'`` (sum(a * w), a scalar), ``'squared_error'`` (0.5 sum((a - b)**2))
        *args : names of the argument nodes (they may be added later), or :class:`Delayed`
            for a recurrent edge from an earlier time step
        """
        if op not in OPS:
            raise ValueError(f"unknown op {op!r}; choose one of {sorted(OPS)}")
        arity = OPS[op][0]
        if (arity is None and not args) or (arity is not None and len(args) != arity):
            want = "at least 1" if arity is None else str(arity)
            raise ValueError(f"op {op!r} for node {name!r} takes {want} argument(s), got {len(args)}: {args!r}")
        inputs = []
        for a in args:
            if isinstance(a, Delayed):
                inputs.append((a.name, a.lag))
            elif isinstance(a, str):
                inputs.append((a, 0))
            else:
                raise TypeError(
                    f"argument {a!r} of node {name!r} must be a node name (str) or Delayed(name)"
                )
        return self._add(Node(name, "op", op, tuple(inputs), time=time, base=base))

    # --- structure
    def _check_sources(self):
        for node in self.nodes.values():
            for src, _ in node.inputs:
                if src not in self.nodes:
                    raise KeyError(
                        f"node {node.name!r} uses {src!r}, which is not in the graph; add it with "
                        ".input(), .param() or .op() first"
                    )

    @property
    def edges(self) -> dict[str, list[str]]:
        """dict name -> list of the nodes it feeds (recurrent edges included), for
        :func:`topological_sort`. A node used twice by one op is listed twice."""
        self._check_sources()
        edges: dict[str, list[str]] = {name: [] for name in self.nodes}
        for node in self.nodes.values():
            for src, _ in node.inputs:
                edges[src].append(node.name)
        return edges

    @property
    def delayed_edges(self) -> list:
        """list of ``(source, target, lag)`` for every recurrent edge."""
        return [(s, n.name, lag) for n in self.nodes.values() for s, lag in n.inputs if lag > 0]

    @property
    def is_recurrent(self) -> bool:
        """True when some edge is delayed (the graph needs unrolling before backprop)."""
        return bool(self.delayed_edges)

    def names(self, kind: str) -> list[str]:
        """Names of the nodes of one kind (``'input'``, ``'param'`` or ``'op'``), in order."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        return [n.name for n in self.nodes.values() if n.kind == kind]

    def forward(self, values: dict[str, np.ndarray]) -> dict[str, Any]:
        """Shorthand for :func:`forward` ``(self, values)``."""
        return forward(self, values)

    def backprop(self, values: dict[str, np.ndarray], loss: str | None = None) -> Gradients:
        """Shorthand for :func:`backprop` ``(self, values, loss)``."""
        return backprop(self, values, loss)

    def __repr__(self):
        kinds = {k: len(self.names(k)) for k in KINDS}
        rec = f", {len(self.delayed_edges)} recurrent edge(s)" if self.is_recurrent else ""
        return (
            f"Graph({len(self.nodes)} nodes: {kinds['input']} inputs, {kinds['param']} params, "
            f"{kinds['op']} ops{rec}; loss={self.loss!r})"
        )


# ----------------------------------------------------------------------------- evaluation
def evaluation_order(graph: Graph) -> list[str]:
    """A topological order of ``graph``'s nodes, or :class:`CycleError` naming a cycle.

    When the cycle goes through a recurrent edge, the reported cycle starts at that edge's
    source (``['h', 'hWh', 'a']`` rather than ``['hWh', 'a', 'h']``) and the message says to unroll.
    """
    try:
        order = topological_sort(graph.edges)
    except CycleError as err:
        cycle = err.cycle
        delayed = {(s, t) for s, t, _ in graph.delayed_edges}
        hops = [(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))]
        for i, hop in enumerate(hops):
            if hop in delayed:
                cycle = cycle[i:] + cycle[:i]
                hint = (
                    f"The edge {hop[0]} -> {hop[1]} is a recurrent edge (a value from the previous "
                    "time step): unroll(graph, T) copies the graph once per step into a DAG that "
                    "backprop can handle."
                )
                raise CycleError(cycle, hint) from None
        raise
    if graph.is_recurrent:  # delayed edges that happen not to close a cycle
        raise ValueError(
            f"the graph has recurrent edges {graph.delayed_edges} (source, target, lag); "
            "unroll(graph, T) it into a DAG before running forward or backprop"
        )
    return order


def _evaluate(graph, values):
    order = evaluation_order(graph)
    if not isinstance(values, dict):
        raise TypeError(f"values must be a dict node name -> array, got {type(values).__name__}")
    leaves = [n for n in graph.nodes if graph.nodes[n].kind != "op"]
    missing = [n for n in leaves if n not in values]
    if missing:
        raise KeyError(
            f"forward needs a value for every input and parameter; missing {missing}. "
            f"Pass values for exactly these nodes: {leaves}"
        )
    unknown = [k for k in values if k not in graph.nodes or graph.nodes[k].kind == "op"]
    if unknown:
        raise KeyError(
            f"values given for {unknown}, which are not input or parameter nodes of the graph; "
            f"its inputs and parameters are {leaves}"
        )
    out: dict[str, Any] = {}
    for name in order:
        node = graph.nodes[name]
        if node.kind == "op":
            out[name] = OPS[node.op][1](*[out[s] for s, _ in node.inputs])
        else:
            out[name] = values[name]
    return order, out


def forward(graph: Graph, values: dict[str, np.ndarray]) -> dict[str, Any]:
    """Evaluate every node of a DAG.

    Parameters
    ----------
    graph : Graph without recurrent edges (unroll a recurrent one first)
    values : dict name -> ndarray for every input and parameter node (not modified)

    Returns
    -------
    dict name -> value of every node, in topological order

    Raises
    ------
    CycleError if the graph has a cycle (a recurrent graph): backprop's order does not exist.
    """
    return _evaluate(graph, values)[1]


class Gradients(dict):
    """dict node name -> gradient of the loss with respect to that node's value (every node).

    Attributes
    ----------
    loss_value : float, the value of the loss node
    per_use : dict name -> list of ``(consumer, gradient through that use)``; a node used several
        times (a shared weight) has one entry per use, and its gradient is their sum
    """

    def __init__(self, grads: dict[str, Any], loss_value: float, per_use: dict[str, list]) -> None:
        super().__init__(grads)
        self.loss_value = loss_value
        self.per_use = per_use


def _resolve_loss(graph, loss):
    loss = graph.loss if loss is None else loss
    if loss is None:
        sinks = [n for n, feeds in graph.edges.items() if not feeds]
        if len(sinks) != 1:
            raise ValueError(
                f"which node is the loss? The graph has no .loss and its final nodes are {sinks}; "
                "pass loss='name' or set graph.loss"
            )
        loss = sinks[0]
    if loss not in graph.nodes:
        raise KeyError(f"loss node {loss!r} is not in the graph; nodes are {list(graph.nodes)}")
    return loss


def backprop(graph: Graph, values: dict[str, np.ndarray], loss: str | None = None) -> Gradients:
    """Reverse-mode differentiation of a scalar node over a DAG.

    Nodes are visited in reverse topological order, so a node's gradient is complete (summed over
    all of its uses) before it is passed to the node's arguments.

    Parameters
    ----------
    graph : Graph without recurrent edges
    values : dict name -> ndarray for every input and parameter node (not modified)
    loss : str, the scalar node to differentiate; defaults to ``graph.loss``, or to the only
        node that feeds nothing

    Returns
    -------
    Gradients : dict name -> dloss/dnode (an array shaped like the node's value) for every node,
        with ``.loss_value`` and ``.per_use``

    Raises
    ------
    CycleError if the graph has a cycle (unroll a recurrent graph first).
    """
    loss = _resolve_loss(graph, loss)
    order, vals = _evaluate(graph, values)
    if np.ndim(vals[loss]) != 0:
        raise ValueError(
            f"the loss node {loss!r} has shape {np.shape(vals[loss])}; backprop needs a scalar "
            "loss (use a 'weighted_sum' or 'squared_error' node)"
        )
    grads = {loss: np.ones_like(vals[loss], dtype=float)}  # dL/dL = 1
    per_use: dict[str, list] = {}
    for name in reversed(order):
        node = graph.nodes[name]
        if node.kind != "op" or name not in grads:
            continue
        args = [vals[s] for s, _ in node.inputs]
        assert node.op is not None  # Graph.op always names the operation of an op node
        local = OPS[node.op][2](grads[name], args, vals[name])
        for (src, _), d in zip(node.inputs, local):
            per_use.setdefault(src, []).append((name, d))
            grads[src] = d if src not in grads else grads[src] + d  # sum over uses
    full = {n: grads[n] if n in grads else np.zeros_like(vals[n], dtype=float) for n in order}
    return Gradients(full, float(vals[loss]), per_use)
