"""Computational graphs: nodes and edges, ``topological_sort`` and ``CycleError``, reverse-mode
backprop over a DAG, and unrolling a recurrent graph in time.

Submodules: ``toposort`` (ordering and cycles), ``computation`` (the :class:`Graph`, its ops,
forward and backprop), ``unrolling`` (:func:`unroll`, :func:`rnn_cell_graph`, :func:`sequence_values`).
"""

from .computation import OPS, Delayed, Gradients, Graph, Node, backprop, evaluation_order, forward
from .toposort import CycleError, topological_sort
from .unrolling import rnn_cell_graph, sequence_values, unroll

__all__ = [
    "OPS",
    "CycleError",
    "Delayed",
    "Gradients",
    "Graph",
    "Node",
    "backprop",
    "evaluation_order",
    "forward",
    "rnn_cell_graph",
    "sequence_values",
    "topological_sort",
    "unroll",
]
