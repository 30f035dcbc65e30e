"""The class report's figures, drawn from :func:`~rnncourse.grading.reports.classview.summarise`.

Each ``plot_*`` takes the summary (or part of it) and an optional ``ax``; without one it draws on
a new :class:`matplotlib.figure.Figure` of its own (never pyplot, so no global state changes and
no display is needed) and returns the axes. :func:`png_bytes` renders an axes' figure.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure

FULL, PARTIAL, ZERO = "#1a7f37", "#d4a72c", "#b42318"


def _axes(ax, size=(6.4, 3.6)):
    if ax is not None:
        return ax
    return Figure(figsize=size, layout="constrained").add_subplot()


def plot_score_distribution(scores: list, ax=None):
    """Histogram of the counted rows' totals as a percentage of what was possible.

    Parameters
    ----------
    scores : list of ``{"total": float, "possible": float}``
    ax : matplotlib Axes or None (a new figure)
    """
    ax = _axes(ax)
    percent = [100.0 * s["total"] / s["possible"] for s in scores if s.get("possible")]
    bins = np.linspace(0, 100, 11)
    ax.hist(np.clip(percent, 0, 100), bins=bins, color="#3b6ea8", edgecolor="white")
    ax.set_xlim(0, 100)
    ax.set_xlabel("score (% of the points possible)")
    ax.set_ylabel("submissions")
    ax.set_title(f"Score distribution ({len(percent)} submissions)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return ax


def plot_item_outcomes(items: list, ax=None):
    """Stacked horizontal bars: per exercise and question, how many earned full, partial, zero.

    Parameters
    ----------
    items : the summary's ``items`` (each with ``id``, ``full``, ``partial``, ``zero``), drawn
        top to bottom in the order given
    ax : matplotlib Axes or None (a new figure, tall enough for the items)
    """
    ax = _axes(ax, size=(6.4, 0.9 + 0.32 * max(len(items), 1)))
    names = [i["id"] for i in items][::-1]
    y = np.arange(len(names))
    left = np.zeros(len(names))
    for key, colour, label in (("full", FULL, "full points"), ("partial", PARTIAL, "partial"),
                               ("zero", ZERO, "zero")):
        values = np.array([i[key] for i in items][::-1], dtype=float)
        ax.barh(y, values, left=left, color=colour, label=label, height=0.7)
        left += values
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlabel("submissions")
    ax.set_title("Points earned per exercise and question")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return ax


def plot_top_mistakes(reteach: list, ax=None, limit: int = 10):
    """Horizontal bars of the most frequent named mistakes (``exercise: mistake``)."""
    shown = reteach[:limit]
    ax = _axes(ax, size=(6.4, 0.9 + 0.32 * max(len(shown), 1)))
    labels = [f"{m['item']}: {m['mistake']}" for m in shown][::-1]
    ax.barh(np.arange(len(labels)), [m["count"] for m in shown][::-1], color=ZERO, height=0.7)
    ax.set_yticks(np.arange(len(labels)), labels, fontsize=8)
    ax.set_xlabel("students")
    ax.set_title("Named mistakes, most frequent first" if shown else "No named mistakes")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return ax


def plot_grading_time(timing: dict, ax=None):
    """Histogram of the seconds each submission took to grade."""
    ax = _axes(ax)
    seconds = [s["seconds"] for s in timing.get("per_submission", [])]
    ax.hist(seconds, bins=min(max(len(seconds), 1), 20), color="#6b5ca5", edgecolor="white")
    ax.set_xlabel("seconds to grade one submission")
    ax.set_ylabel("submissions")
    ax.set_title(f"Grading time: {timing.get('total_seconds', 0):.0f} s in total")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return ax


def png_bytes(ax, dpi: int = 110) -> bytes:
    """The PNG of the figure ``ax`` is drawn on."""
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


FIGURES = {
    "score_distribution": lambda s: plot_score_distribution(s["scores"]),
    "item_outcomes": lambda s: plot_item_outcomes(s["items"]),
    "top_mistakes": lambda s: plot_top_mistakes(s["reteach"]),
    "grading_time": lambda s: plot_grading_time(s["timing"]),
}
"""The report's figures by file stem, each drawn from the summary."""


def class_figures(summary: dict) -> dict:
    """``{stem: PNG bytes}`` of every figure of :data:`FIGURES`."""
    return {stem: png_bytes(draw(summary)) for stem, draw in FIGURES.items()}


__all__ = ["plot_score_distribution", "plot_item_outcomes", "plot_top_mistakes",
           "plot_grading_time", "png_bytes", "class_figures", "FIGURES"]
