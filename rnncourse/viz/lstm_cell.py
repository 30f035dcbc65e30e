"""A drawing of one LSTM step as a computational graph, laid out by hand so that it stays legible.

:func:`draw_lstm_cell` puts the cell-state path along the top (``c_{t-1} -> f*c_{t-1} -> c_t ->``
the next step), the four gates in one column fed by the pre-activation ``a``, and the output
``h_t = o*tanh(c_t)`` at the bottom right. Every edge is a straight segment between two node
centres that passes through no other node, so no arrow can be read as feeding a node it does
not feed. Node labels are text boxes with gid ``'node:NAME'``; arrows have gid
``'edge:SRC->DST'``. Global matplotlib state is never changed.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.patches import FancyArrowPatch

from rnncourse.viz.palette import OKABE_ITO

#: Font size (points) of every label; at the default size the figure is about 880 px wide, so a
#: label is about 14 px tall when JupyterLab shows it at full size.
FONT_SIZE = 12.0
#: The default figure size (inches).
FIGSIZE = (9.0, 4.6)

_KIND_COLORS = {"input": OKABE_ITO["sky blue"], "op": OKABE_ITO["bluish green"],
                "gate": OKABE_ITO["yellow"], "out": "#FFFFFF"}
_HIGHLIGHT = OKABE_ITO["vermillion"]

#: name -> (label, x, y, kind), in data units.
NODES = {
    "c_(t-1)": (r"$c_{t-1}$", 0.0, 3.2, "input"),
    "x_t": (r"$x_t$", 0.0, 0.7, "input"),
    "h_(t-1)": (r"$h_{t-1}$", 0.0, -0.7, "input"),
    "a": (r"$a$", 1.7, 0.0, "op"),
    "f": (r"$f = \sigma(a_f)$", 4.0, 2.0, "gate"),
    "i": (r"$i = \sigma(a_i)$", 4.0, 0.7, "gate"),
    "g": (r"$g = \tanh(a_g)$", 4.0, -0.6, "gate"),
    "o": (r"$o = \sigma(a_o)$", 4.0, -2.2, "gate"),
    "f*c_(t-1)": (r"$f \odot c_{t-1}$", 6.6, 3.2, "op"),
    "i*g": (r"$i \odot g$", 6.6, 0.05, "op"),
    "c_t": (r"$c_t$ = sum", 8.9, 3.2, "op"),
    "tanh(c_t)": (r"$\tanh(c_t)$", 8.9, 0.7, "op"),
    "h_t": (r"$h_t = o \odot \tanh(c_t)$", 8.9, -2.2, "op"),
    "step t+1 (c)": ("step $t{+}1$", 11.4, 3.2, "out"),
    "loss, step t+1": ("loss, step $t{+}1$", 12.1, -2.2, "out"),
}

#: The edges of one step, source -> targets.
EDGES = {
    "x_t": ["a"], "h_(t-1)": ["a"],
    "a": ["f", "i", "g", "o"],
    "c_(t-1)": ["f*c_(t-1)"], "f": ["f*c_(t-1)"],
    "i": ["i*g"], "g": ["i*g"],
    "f*c_(t-1)": ["c_t"], "i*g": ["c_t"],
    "c_t": ["tanh(c_t)", "step t+1 (c)"],
    "tanh(c_t)": ["h_t"], "o": ["h_t"],
    "h_t": ["loss, step t+1"],
}

#: The additive cell-state path, drawn in vermillion.
CELL_PATH = ("c_(t-1)", "f*c_(t-1)", "c_t", "step t+1 (c)")


def _box_edge_point(centre, towards, half_w, half_h):
    """Where the segment from ``centre`` towards ``towards`` leaves a box of the given half sizes."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    scale = min(half_w / abs(dx) if dx else float("inf"), half_h / abs(dy) if dy else float("inf"))
    return centre[0] + scale * dx, centre[1] + scale * dy


def draw_lstm_cell(ax: Axes | None = None, highlight_cell_path: bool = True,
                   title: str | None = None) -> Axes:
    """Draw one LSTM step (gate order i, f, g, o) with the cell-state path along the top.

    Parameters
    ----------
    ax : matplotlib Axes or None (a new figure of size :data:`FIGSIZE` is made)
    highlight_cell_path : draw :data:`CELL_PATH` and its edges in vermillion
    title : str or None

    Returns
    -------
    ax : the Axes drawn on; node text boxes have gid ``'node:NAME'`` and arrows
        ``'edge:SRC->DST'``; every arrow is straight, on the segment between the two centres
    """
    if ax is None:
        _, ax = plt.subplots(figsize=FIGSIZE)
    xs = [x for _, x, _, _ in NODES.values()]
    ys = [y for _, _, y, _ in NODES.values()]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 1.2)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_axis_off()
    on_path = set(CELL_PATH) if highlight_cell_path else set()
    texts = {}
    for name, (label, x, y, kind) in NODES.items():
        hl = name in on_path
        texts[name] = ax.text(
            x, y, label, ha="center", va="center", fontsize=FONT_SIZE, zorder=4, gid=f"node:{name}",
            bbox=dict(boxstyle="round,pad=0.35", facecolor=to_rgba(_KIND_COLORS[kind], 0.55),
                      edgecolor=_HIGHLIGHT if hl else "#222222", linewidth=2.4 if hl else 1.0,
                      linestyle="--" if kind == "out" else "-"))
    # the boxes' sizes are known only once the text is laid out: measure them, in data units
    renderer = ax.figure.canvas.get_renderer()
    inverse = ax.transData.inverted()
    half = {}
    for name, text in texts.items():
        text.update_bbox_position_size(renderer)
        box = text.get_bbox_patch().get_window_extent(renderer)
        (x0, y0), (x1, y1) = inverse.transform([(box.x0, box.y0), (box.x1, box.y1)])
        half[name] = ((x1 - x0) / 2, (y1 - y0) / 2)
    for source, targets in EDGES.items():
        for target in targets:
            a = NODES[source][1:3]
            b = NODES[target][1:3]
            start = _box_edge_point(a, b, *half[source])
            end = _box_edge_point(b, a, *half[target])
            on = source in on_path and target in on_path
            arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14,
                                    shrinkA=1.5, shrinkB=1.5, color=_HIGHLIGHT if on else "#444444",
                                    linewidth=2.4 if on else 1.2, zorder=2)
            arrow.set_gid(f"edge:{source}->{target}")
            ax.add_patch(arrow)
    if title:
        ax.set_title(title, fontsize=FONT_SIZE)
    return ax
