"""An ipywidgets explorer that unrolls a recurrent graph one time step at a time.

    from rnncourse.viz.unrolling_explorer import unrolling_explorer
    unrolling_explorer()          # a slider "time steps T" above the drawing of unroll(cell, T)

Moving the slider redraws :func:`rnncourse.viz.graphs.draw_unrolled` for the new ``T`` and prints
one line that counts what unrolling built (:func:`describe_unrolled`), e.g.
``T=3: 26 nodes, 33 edges; Wx, Wh, b each used 3 times``. The drawing is rendered to a PNG with a
standalone :class:`matplotlib.figure.Figure` (no pyplot figure manager, no global state), and the
Output widget's ``outputs`` are set directly (:mod:`rnncourse.viz.slider_output`), so the
explorer behaves the same inside and outside a running kernel (which is what lets a plain test
move the slider and read the new text).
"""

from __future__ import annotations

import numbers

import ipywidgets as widgets
from matplotlib.figure import Figure

from rnncourse.graph import Graph, rnn_cell_graph, unroll
from rnncourse.viz.graphs import draw_unrolled
from rnncourse.viz.slider_output import png_bytes, show_figure_and_line

DPI = 90  # readable labels; a slider move stays fast for T <= 6


def _times(k):
    return "1 time" if k == 1 else f"{k} times"


def describe_unrolled(graph, T):
    """One deterministic line that counts what ``unroll(graph, T)`` contains.

    Parameters
    ----------
    graph : rnncourse.graph.Graph, a recurrent graph (e.g. :func:`rnncourse.graph.rnn_cell_graph`)
    T : int >= 1, the number of time steps

    Returns
    -------
    str, e.g. ``'T=3: 26 nodes, 33 edges; Wx, Wh, b each used 3 times'`` for the RNN cell with its
    loss: the number of nodes and edges of the unrolled DAG, and how many operations use each
    shared parameter (when the parameters are used a different number of times each is listed,
    ``'W used 2 times, c used 1 time'``).

    Examples
    --------
    >>> describe_unrolled(rnn_cell_graph(), 1)
    'T=1: 12 nodes, 11 edges; Wx, Wh, b each used 1 time'
    """
    dag = unroll(graph, T)
    edges = dag.edges
    n_edges = sum(len(targets) for targets in edges.values())
    uses = {p: len(edges[p]) for p in dag.names("param")}
    line = f"T={int(T)}: {len(dag.nodes)} nodes, {n_edges} edges"
    if not uses:
        return line + "; no parameters"
    counts = set(uses.values())
    if len(counts) == 1 and len(uses) > 1:
        return line + f"; {', '.join(uses)} each used {_times(counts.pop())}"
    return line + "; " + ", ".join(f"{p} used {_times(k)}" for p, k in uses.items())


def render_unrolled_png(graph, T, highlight=None, dpi=DPI):
    """PNG bytes of ``draw_unrolled(graph, T)`` on a figure whose width grows with ``T``.

    The scale (points per step) stays the same for every ``T``, so moving a slider makes the chain
    grow to the right instead of shrinking the drawing.

    Parameters
    ----------
    graph : rnncourse.graph.Graph with recurrent edges
    T : int >= 1
    highlight : names in the recurrent graph to draw in vermillion (see ``draw_unrolled``)
    dpi : int, resolution of the PNG

    Returns
    -------
    bytes, a PNG image
    """
    fig = Figure(figsize=(max(5.0, 2.0 * (T + 1)), 5.5))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.91))  # no bbox_inches="tight": it would draw twice
    draw_unrolled(graph, T, ax=ax, highlight=highlight)
    # a figure title, not an axes title: placing an axes title costs an extra layout pass
    fig.suptitle(f"The recurrent graph unrolled over T={T} step{'s' if T != 1 else ''}", y=0.985)
    return png_bytes(fig, dpi)


def _check_args(graph, max_T, T):
    if not isinstance(graph, Graph):
        raise TypeError(
            f"graph must be a rnncourse.graph.Graph (e.g. rnn_cell_graph()), got "
            f"{type(graph).__name__}; pass None for the RNN cell"
        )
    if not graph.is_recurrent:
        raise ValueError(
            f"graph {graph!r} has no recurrent (Delayed) edge, so there is nothing to unroll; "
            "build it with Delayed('h') on the edge that comes from the previous step"
        )
    for name, value, low in (("max_T", max_T, 1), ("T", T, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    if T > max_T:
        raise ValueError(f"T={T!r} is larger than max_T={max_T!r}; start with T <= max_T")


def unrolling_explorer(graph=None, max_T=6, T=1, highlight=None):
    """A slider that unrolls a recurrent graph step by step, redrawing the DAG as it moves.

    Parameters
    ----------
    graph : rnncourse.graph.Graph with recurrent edges, or None for
        :func:`rnncourse.graph.rnn_cell_graph` ``()``; not modified
    max_T : int >= 1, the slider's largest value (drawing stays fast up to about 6)
    T : int in [1, max_T], the starting value
    highlight : names in the recurrent graph to draw in vermillion, e.g. ``['Wh', 'hWh']``

    Returns
    -------
    ipywidgets.VBox with ``children == (slider, output)``: an ``IntSlider`` described
    "time steps T" and an ``Output`` holding the line from :func:`describe_unrolled` followed by
    the drawing. The box also has attributes ``.slider`` and ``.output``.
    """
    graph = rnn_cell_graph() if graph is None else graph
    _check_args(graph, max_T, T)
    slider = widgets.IntSlider(value=T, min=1, max=max_T, step=1, description="time steps T",
                               continuous_update=False, style={"description_width": "initial"})
    output = widgets.Output(layout=widgets.Layout(min_height="520px"))

    def show(change=None):
        steps = slider.value
        png = render_unrolled_png(graph, steps, highlight=highlight)
        show_figure_and_line(output, png, f"<unrolled graph, T={steps}>",
                             describe_unrolled(graph, steps), line_first=True)

    slider.observe(show, names="value")
    show()
    box = widgets.VBox([slider, output])
    box.slider = slider
    box.output = output
    return box
