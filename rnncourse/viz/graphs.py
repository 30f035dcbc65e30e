"""Drawings of computational graphs with matplotlib only (no graphviz).

- :func:`draw_graph` draws a graph (a :class:`rnncourse.graph.Graph` or a plain edges dict)
  left to right, layered by longest-path depth; recurrent edges (and, for a cyclic edges dict,
  the edges that close a cycle) are drawn as curved arrows so the loop is visible.
- :func:`draw_unrolled` draws ``unroll(graph, T)`` with time running left to right, one column
  per step, and each shared parameter drawn ONCE below the steps with an arrow to every use.

Colours are from the colour-blind-safe Okabe-Ito palette; inputs are rounded squares, parameters
diamonds and operations circles. Every artist carries a ``gid`` (``'node:NAME'``,
``'edge:SRC->DST'``, ``'step:T'``) so that it can be found again. Global matplotlib state
(rcParams, styles) is never changed.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.colors import to_rgba
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, RegularPolygon

from rnncourse.graph import CycleError, Graph, unroll
from rnncourse.graph.toposort import topological_sort
from rnncourse.viz.palette import OKABE_ITO

KIND_COLORS = {"input": OKABE_ITO["sky blue"], "param": OKABE_ITO["orange"], "op": OKABE_ITO["bluish green"]}
HIGHLIGHT = OKABE_ITO["vermillion"]
EDGE_COLOR = "#444444"
R = 0.3  # node radius, in data units


# ----------------------------------------------------------------------------- graph description
def _describe(graph):
    """(kinds, ops, plain edges, curved edges) of a Graph or of an edges dict."""
    if isinstance(graph, Graph):
        kinds = {n: node.kind for n, node in graph.nodes.items()}
        ops = {n: node.op for n, node in graph.nodes.items()}
        delayed = {(s, t) for s, t, _ in graph.delayed_edges}
        pairs = [(s, n.name) for n in graph.nodes.values() for s, _ in n.inputs]
        graph._check_sources()
    elif isinstance(graph, dict):
        try:
            topological_sort(graph)  # validates the dict (TypeError with advice if malformed)
        except CycleError:
            pass  # cyclic graphs are drawn too; bad input raises its TypeError here
        nodes = list(dict.fromkeys([*graph, *(t for ts in graph.values() for t in ts)]))
        kinds = dict.fromkeys(nodes, "op")
        ops = dict.fromkeys(nodes)
        delayed = set()
        pairs = [(s, t) for s, ts in graph.items() for t in ts]
    else:
        raise TypeError(
            f"draw_graph needs a rnncourse.graph.Graph or an edges dict, got {type(graph).__name__}"
        )
    return kinds, ops, pairs, delayed


def _back_edges(nodes, pairs, delayed):
    """Edges to draw curved: delayed ones, plus the back edges a depth-first search finds."""
    succ = {n: [] for n in nodes}
    for s, t in pairs:
        if (s, t) not in delayed:
            succ[s].append(t)
    back = set(delayed)
    state = {}
    for root in nodes:
        if root in state:
            continue
        stack = [(root, iter(succ[root]))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(succ[nxt])))
    return back


def _layers(nodes, forward_pairs):
    """Longest-path depth of every node; sources sit just before their earliest consumer."""
    preds = {n: [] for n in nodes}
    succ = {n: [] for n in nodes}
    for s, t in forward_pairs:
        preds[t].append(s)
        succ[s].append(t)
    order = topological_sort({n: succ[n] for n in nodes})
    depth = {}
    for n in order:
        depth[n] = 1 + max((depth[p] for p in preds[n]), default=-1)
    for n in order:
        if not preds[n] and succ[n]:
            depth[n] = max(0, min(depth[c] for c in succ[n]) - 1)
    return depth, preds, succ


def _order_layers(depth, preds, succ, key0=None):
    """Order the nodes inside each layer by the barycentre of their neighbours (a few sweeps)."""
    layers = {}
    for n, d in depth.items():
        layers.setdefault(d, []).append(n)
    rank = {}
    for d in sorted(layers):
        for i, n in enumerate(layers[d]):
            rank[n] = i
    for sweep in range(4):
        neigh = preds if sweep % 2 == 0 else succ
        for d in sorted(layers, reverse=sweep % 2 == 1):
            def bary(n, neigh=neigh):
                nb = [rank[m] for m in neigh[n] if m in rank]
                return sum(nb) / len(nb) if nb else rank[n]
            layers[d].sort(key=lambda n: ((key0(n) if key0 else 0), bary(n)))
            for i, n in enumerate(layers[d]):
                rank[n] = i
    return layers


# ----------------------------------------------------------------------------- artists
def _node_patch(kind, xy, color, lw, r=R):
    face = to_rgba(KIND_COLORS.get(kind, "#BBBBBB"), 0.35)
    if kind == "input":
        s = 1.6 * r
        return FancyBboxPatch((xy[0] - s / 2, xy[1] - s / 2), s, s, boxstyle=f"round,pad=0,rounding_size={0.25 * s}",
                              facecolor=face, edgecolor=color, linewidth=lw, zorder=3)
    if kind == "param":
        return RegularPolygon(xy, numVertices=4, radius=1.2 * r, orientation=0, facecolor=face,
                              edgecolor=color, linewidth=lw, zorder=3)
    return Circle(xy, r, facecolor=face, edgecolor=color, linewidth=lw, zorder=3)


def _arrow(ax, a, b, gid, color, lw, rad=0.0, shrink=None, alpha=1.0, zorder=2, ls="-", gap=1.12 * R):
    """Add an arrow from ``a`` to ``b`` (data coordinates) stopping ``gap`` short of both centres.

    Straight arrows are shortened here, in data units, which is much faster than letting
    matplotlib clip the path against the nodes; curved ones use ``shrink`` (points) instead.
    """
    if rad == 0.0 and shrink is None:
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = (dx * dx + dy * dy) ** 0.5 or 1.0
        ux, uy = dx / length, dy / length
        a = (a[0] + gap * ux, a[1] + gap * uy)
        b = (b[0] - gap * ux, b[1] - gap * uy)
        shrink = 0.0
    elif shrink is None:
        shrink = _pts(ax) * gap
    patch = FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=max(6.0, _pts(ax) * 0.32),
                            connectionstyle=f"arc3,rad={rad}", color=color, linewidth=lw,
                            shrinkA=shrink, shrinkB=shrink, alpha=alpha, zorder=zorder, linestyle=ls)
    patch.set_gid(gid)
    ax.add_artist(patch)  # not add_patch: the limits are already fixed, skip the extent update
    return patch


def _pts(ax):
    """Points per data unit along x (the axes have equal aspect)."""
    return ax._rnncourse_pts  # set by _frame before any artist is added


def _frame(ax, xs, ys, margin=0.8, extra_top=0.0):
    """Fix limits and equal aspect, and record how many points one data unit spans."""
    x0, x1 = min(xs) - margin, max(xs) + margin
    y0, y1 = min(ys) - margin, max(ys) + margin + extra_top
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    ax.apply_aspect()
    fig = ax.figure
    pos = ax.get_position()
    width_pts = pos.width * fig.get_figwidth() * 72.0
    height_pts = pos.height * fig.get_figheight() * 72.0
    ax._rnncourse_pts = min(width_pts / (x1 - x0), height_pts / (y1 - y0))


def _fontsize(ax, labels, cap=11.0):
    longest = max((len(lab) for lab in labels), default=1)
    fit = 2 * R * _pts(ax) * 0.85 / (0.8 * max(longest, 2))
    return max(4.5, min(cap, fit))


def _highlight_set(highlight):
    if highlight is None:
        return set()
    if isinstance(highlight, CycleError):
        return set(highlight.cycle)
    if isinstance(highlight, str):
        return {highlight}
    return set(highlight)


def _new_ax(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


# ----------------------------------------------------------------------------- draw_graph
def draw_graph(graph, ax=None, highlight=None, title=None):
    """Draw a computational graph left to right.

    Parameters
    ----------
    graph : rnncourse.graph.Graph, or an edges dict node -> list of nodes it feeds (then every
        node is drawn as a plain circle); cyclic graphs are drawn too
    ax : matplotlib Axes or None (a new figure is made)
    highlight : node name, iterable of node names, or a :class:`CycleError` (its ``.cycle``):
        those nodes, and every edge between two of them, are drawn in vermillion
    title : str or None

    Returns
    -------
    ax : the Axes drawn on. Node patches have gid ``'node:NAME'``, arrows ``'edge:SRC->DST'``;
        recurrent edges (and edges closing a cycle) are curved and labelled "t-1".
    """
    kinds, ops, pairs, delayed = _describe(graph)
    nodes = list(kinds)
    hl = _highlight_set(highlight)
    curved = _back_edges(nodes, pairs, delayed)
    depth, preds, succ = _layers(nodes, [p for p in pairs if p not in curved and p[0] != p[1]])
    layers = _order_layers(depth, preds, succ)
    dx, dy = 1.5, 1.15
    pos = {}
    for d, members in layers.items():
        for i, n in enumerate(members):
            pos[n] = (d * dx, -(i - (len(members) - 1) / 2) * dy)
    ax = _new_ax(ax, (max(4.0, 1.3 * (max(depth.values(), default=0) + 2)), 4.0))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    _frame(ax, xs or [0], ys or [0], margin=0.9, extra_top=0.5 if curved else 0.0)
    fs = _fontsize(ax, nodes)
    for n in nodes:
        color = HIGHLIGHT if n in hl else "#222222"
        patch = _node_patch(kinds[n], pos[n], color, 2.6 if n in hl else 1.2)
        patch.set_gid(f"node:{n}")
        ax.add_artist(patch)
        ax.text(*pos[n], str(n), ha="center", va="center", fontsize=fs, zorder=4)
        if ops[n]:
            ax.text(pos[n][0], pos[n][1] - 1.55 * R, ops[n], ha="center", va="top",
                    fontsize=0.75 * fs, color="#555555", zorder=4,
                    bbox=dict(facecolor="white", edgecolor="none", pad=0.5, alpha=0.85))
    seen = {}
    for s, t in pairs:
        k = seen[(s, t)] = seen.get((s, t), 0) + 1  # the same edge twice: bend the second copy
        on = s in hl and t in hl
        color, lw = (HIGHLIGHT, 2.4) if on else (EDGE_COLOR, 1.2)
        gid = f"edge:{s}->{t}"
        if s == t:  # self-loop: a small loop on top of the node
            x, y = pos[s]
            _arrow(ax, (x - 0.5 * R, y + 0.85 * R), (x + 0.5 * R, y + 0.85 * R), gid, color, lw,
                   rad=-2.2, shrink=0)
            ax.text(x, y + 2.2 * R, "t-1" if (s, t) in delayed else "", ha="center", fontsize=0.75 * fs)
        elif (s, t) in curved:
            a, b = pos[s], pos[t]
            rad = 0.45 if a[0] >= b[0] else -0.45
            _arrow(ax, a, b, gid, color, lw, rad=rad, ls="--" if (s, t) in delayed else "-")
            if (s, t) in delayed:
                lag = {(x, y): k for x, y, k in graph.delayed_edges}[(s, t)]
                mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2  # apex of the arc3 curve:
                ax.text(mx + 0.5 * rad * (b[1] - a[1]), my - 0.5 * rad * (b[0] - a[0]) + 0.08,
                        f"t-{lag}", ha="center", va="bottom", fontsize=0.8 * fs, color=color, zorder=4)
        else:
            _arrow(ax, pos[s], pos[t], gid, color, lw, rad=0.25 * (k - 1))
    if title:
        ax.set_title(title)
    return ax


# ----------------------------------------------------------------------------- draw_unrolled
def _cell_layout(graph):
    """Position (dx within the step column, level) of every non-parameter node of the cell,
    flowing bottom to top; nodes fed by a recurrent edge go left, nodes feeding one go right."""
    cell = [n for n, node in graph.nodes.items() if node.kind != "param"]
    pairs = [(s, n.name) for n in graph.nodes.values() for s, lag in n.inputs
             if lag == 0 and s in graph.nodes and graph.nodes[s].kind != "param"]
    depth, preds, succ = _layers(cell, pairs)
    rec_in = {t for _, t, _ in graph.delayed_edges}
    rec_out = {s for s, _, _ in graph.delayed_edges}
    layers = _order_layers(depth, preds, succ, key0=lambda n: (n in rec_out) - (n in rec_in))
    width = max(len(m) for m in layers.values())
    spot = {}
    for d, members in layers.items():
        for i, n in enumerate(members):
            spot[n] = ((i - (len(members) - 1) / 2) * 1.05, d * 1.05)
    for members in layers.values():  # a node alone in its level sits in line with its neighbours
        if len(members) == 1:
            n = members[0]
            near = [spot[m][0] for m in preds[n] + succ[n]]
            if near:
                spot[n] = (sum(near) / len(near), spot[n][1])
    return spot, width


_SUB = str.maketrans("-0123456789", "\u208b\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089")


def _label(name, t):
    """``h`` at step 3 -> ``h\u2083`` (unicode subscripts: no mathtext, so drawing stays fast)."""
    return name if t is None else name + str(t).translate(_SUB)


def draw_unrolled(graph, T, ax=None, highlight=None, title=None):
    """Draw the recurrent ``graph`` unrolled over ``T`` steps, time running left to right.

    Each step is a shaded column holding one copy of the cell (flowing bottom to top); arrows
    between columns are the recurrent edges; each parameter is drawn ONCE below the steps, with an
    arrow to every use, because every step shares it.

    Parameters
    ----------
    graph : rnncourse.graph.Graph with recurrent edges (e.g. :func:`rnncourse.graph.rnn_cell_graph`)
    T : int >= 1
    ax : matplotlib Axes or None (a new figure is made)
    highlight : name or iterable of names IN THE RECURRENT GRAPH (e.g. ``['Wh', 'hWh']``): every
        copy of them, and every edge between two of them, is drawn in vermillion
    title : str or None

    Returns
    -------
    ax : the Axes drawn on; gids as in :func:`draw_graph`, plus ``'step:t'`` for the columns
    """
    dag = unroll(graph, T)
    hl = _highlight_set(highlight)
    spot, width = _cell_layout(graph)
    col = max(1.6, 1.05 * width + 0.55)
    top = max(y for _, y in spot.values())
    pos = {}
    for n, node in dag.nodes.items():
        if node.kind != "param" and node.time is not None:
            sx, sy = spot[node.base]
            pos[n] = (node.time * col + sx, sy)
    # parameters left to right in the order of where they are used inside a step (fewer crossings)
    lane = {p: sum(spot[dag.nodes[c].base][0] for c in dag.edges[p]) / max(len(dag.edges[p]), 1)
            for p in dag.names("param")}
    params = sorted(dag.names("param"), key=lambda p: lane[p])
    centre = (1 + T) * col / 2
    gap = max(1.1, min(col, T * col / max(len(params), 1)))
    for i, p in enumerate(params):
        pos[p] = (centre + (i - (len(params) - 1) / 2) * gap, -1.35)
    total = dag.loss
    if total is not None and dag.nodes[total].time is None:
        pos[total] = (centre, top + 1.0)
    ax = _new_ax(ax, (max(4.5, 1.5 * (T + 1)), 4.5))
    xs = [p[0] for p in pos.values()] + [col / 2, T * col + col / 2]  # whole step columns
    ys = [p[1] for p in pos.values()] + [-0.7]
    _frame(ax, xs, ys, margin=0.55)
    fs = _fontsize(ax, [_label(node.base, node.time) for node in dag.nodes.values()])
    for t in range(1, T + 1):
        box = FancyBboxPatch((t * col - col / 2 + 0.08, -0.78), col - 0.16, top + 1.18,
                             boxstyle="round,pad=0,rounding_size=0.2", facecolor="#F0F0F0",
                             edgecolor="none", zorder=0)
        box.set_gid(f"step:{t}")
        ax.add_artist(box)
        ax.text(t * col - col / 2 + 0.2, top + 0.32, f"t={t}", ha="left", va="top",
                fontsize=max(6.0, 0.85 * fs), color="#555555", zorder=1)
    for n, node in dag.nodes.items():
        on = node.base in hl
        patch = _node_patch(node.kind, pos[n], HIGHLIGHT if on else "#222222", 2.4 if on else 1.0)
        patch.set_gid(f"node:{n}")
        ax.add_artist(patch)
        ax.text(*pos[n], _label(node.base, node.time), ha="center", va="center", fontsize=fs, zorder=4)
    for n, node in dag.nodes.items():
        for s, _ in node.inputs:
            src = dag.nodes[s]
            on = src.base in hl and node.base in hl
            shared = src.kind == "param"
            crosses = src.time is not None and node.time is not None and src.time != node.time
            if on:
                color, lw, alpha, z = HIGHLIGHT, 2.0, 1.0, 2.5
            elif shared:
                color, lw, alpha, z = KIND_COLORS["param"], 0.9, 0.75, 1
            else:
                color, lw, alpha, z = EDGE_COLOR, 1.0, 1.0, 2
            _arrow(ax, pos[s], pos[n], f"edge:{s}->{n}", color, lw, rad=-0.15 if crosses else 0.0,
                   alpha=alpha, zorder=z, ls="--" if crosses else "-")
    if params:
        ax.text(centre, -1.35 - 1.25 * R, "shared by every step", ha="center", va="top",
                fontsize=max(6.0, 0.85 * fs), color="#555555")
    if title:
        ax.set_title(title)
    return ax
