"""Unrolling a recurrent graph in time, and the recurrent graph of the vanilla RNN cell.

``unroll(graph, T)`` copies every input and operation once per time step (``'h[1]'``,
``'x[2]'``, ...), keeps ONE node per parameter that every copy uses (shared weights), turns each
recurrent edge ``Delayed('h')`` at step t into an ordinary edge from ``'h[t-1]'``, and adds an
input node for each initial state (``'h[0]'``). The result is a DAG that backprop can handle.
"""

from __future__ import annotations

import numpy as np

from .computation import Delayed, Graph


def _copy_name(name, t):
    return f"{name}[{t}]"


def unroll(graph: Graph, T: int) -> Graph:
    """Turn a recurrent graph into a DAG with one copy of the cell per time step.

    Parameters
    ----------
    graph : Graph, usually with recurrent (:class:`Delayed`) edges; it is not modified
    T : int >= 1, the number of time steps

    Returns
    -------
    Graph, a DAG with

    - the parameters of ``graph`` once each, under the same names, shared by every step;
    - for every step t = 1..T, a copy ``'name[t]'`` of each input and operation;
    - an input ``'name[s]'`` (s <= 0) for each initial state a recurrent edge reaches back to,
      e.g. ``'h[0]'`` for ``Delayed('h')``;
    - if ``graph.loss`` is set: per-step losses ``'L[t]'`` and their sum, the node ``'L'``
      (named like ``graph.loss``), which becomes the loss of the unrolled graph.

    Every copy records the step in ``node.time`` and its original name in ``node.base``.

    Examples
    --------
    >>> dag = unroll(rnn_cell_graph(), 3)
    >>> dag.names('param')
    ['Wx', 'Wh', 'b']
    >>> dag.nodes['hWh[2]'].inputs
    (('h[1]', 0), ('Wh', 0))
    """
    if not isinstance(T, (int, np.integer)) or isinstance(T, bool) or T < 1:
        raise ValueError(f"T must be a positive int (the number of time steps), got {T!r}")
    T = int(T)
    graph._check_sources()
    nodes = graph.nodes
    out = Graph()
    for node in nodes.values():
        if node.kind == "param":
            out.param(node.name, base=node.name)

    def source(src, lag, t):
        if nodes[src].kind == "param":
            return src  # the one shared parameter
        return _copy_name(src, t - lag)

    # initial states: the values recurrent edges need from before step 1, oldest first
    initial = sorted(
        {(t - lag, src) for src, _, lag in graph.delayed_edges for t in range(1, T + 1)
         if t - lag < 1 and nodes[src].kind != "param"},
        key=lambda p: (p[0], list(nodes).index(p[1])),
    )
    for s, src in initial:
        out.input(_copy_name(src, s), time=s, base=src)

    for t in range(1, T + 1):
        for node in nodes.values():
            name = _copy_name(node.name, t)
            if node.kind == "input":
                out.input(name, time=t, base=node.name)
            elif node.kind == "op":
                args = [source(src, lag, t) for src, lag in node.inputs]
                assert node.op is not None  # Graph.op always names the operation of an op node
                out.op(name, node.op, *args, time=t, base=node.name)

    if graph.loss is not None:
        if graph.loss not in nodes or nodes[graph.loss].kind != "op":
            raise ValueError(f"graph.loss={graph.loss!r} is not an operation node of the graph")
        per_step = [_copy_name(graph.loss, t) for t in range(1, T + 1)]
        out.op(graph.loss, "add", *per_step, base=graph.loss)  # loss of a sequence = sum over steps
        out.loss = graph.loss
    return out


def rnn_cell_graph(loss: str = "weighted_sum") -> Graph:
    """The recurrent graph of the vanilla RNN cell ``h = tanh(x Wx + h_prev Wh + b)``.

    Nodes: inputs ``x`` (N, D); parameters ``Wx`` (D, H), ``Wh`` (H, H), ``b`` (H,); ops
    ``xWx = x @ Wx``, ``hWh = h_prev @ Wh`` (the recurrent edge ``Delayed('h')``: the self-loop
    through h), ``a = xWx + hWh + b``, ``h = tanh(a)``, and a scalar loss ``L``:

    - ``loss='weighted_sum'``: ``L = sum(h * g)`` with an input ``g`` (N, H) of fixed weights, so
      that dL/dh = g: feed ``g[t] = dh[:, t-1]`` to get the loss whose upstream gradients are the
      ``dh`` that :func:`rnncourse.rnn.rnn_backward` takes;
    - ``loss='squared_error'``: ``L = 0.5 * sum((h - y)**2)`` with a target input ``y`` (N, H).

    Returns
    -------
    Graph with ``loss='L'`` and one recurrent edge ``('h', 'hWh', 1)``
    """
    targets = {"weighted_sum": "g", "squared_error": "y"}
    if loss not in targets:
        raise ValueError(f"loss must be one of {sorted(targets)}, got {loss!r}")
    g = Graph(loss="L")
    g.input("x")
    g.param("Wx")
    g.param("Wh")
    g.param("b")
    g.op("xWx", "matmul", "x", "Wx")  # (N, D) @ (D, H) -> (N, H)
    g.op("hWh", "matmul", Delayed("h"), "Wh")  # (N, H) @ (H, H) -> (N, H)
    g.op("a", "add", "xWx", "hWh", "b")  # (N, H) + (N, H) + (H,)
    g.op("h", "tanh", "a")
    g.input(targets[loss])
    g.op("L", loss, "h", targets[loss])
    return g


def sequence_values(name: str, seq: np.ndarray) -> dict[str, np.ndarray]:
    """Split a batch-first sequence into the per-step values of an unrolled graph.

    Parameters
    ----------
    name : str, the node's name in the recurrent graph, e.g. ``'x'``
    seq : ndarray of shape (N, T, ...)

    Returns
    -------
    dict ``{'name[1]': seq[:, 0], ..., 'name[T]': seq[:, T-1]}`` (views, not copies)

    Example
    -------
    >>> sorted(sequence_values('x', np.zeros((2, 3, 4))))
    ['x[1]', 'x[2]', 'x[3]']
    """
    seq = np.asarray(seq)
    if seq.ndim < 2:
        raise ValueError(
            f"sequence_values({name!r}, ...) needs a batch-first array of shape (N, T, ...), got "
            f"shape {seq.shape}; add the batch axis with seq[None]"
        )
    return {_copy_name(name, t + 1): seq[:, t] for t in range(seq.shape[1])}
