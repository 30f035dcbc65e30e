"""Line and bar figures for the lessons: loss curves, decision regions, gradient flow through
time, per-step gradient contributions, and sequence predictions.

Every function draws on the ``ax`` it is given (creating a new figure only when ``ax`` is None),
returns that ``ax``, never modifies its inputs and never touches global matplotlib state
(no ``rcParams`` edits, no styles). Colours come from the Okabe-Ito palette, which stays
distinguishable under the common forms of colour blindness.
"""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib.ticker import MaxNLocator

from rnncourse._validate import whole_number
from rnncourse.viz.palette import CLASS_COLORS, LINE_COLORS, OKABE_ITO  # noqa: F401 (re-exported)


def _axes(ax):
    """``ax`` itself, or the axes of a new figure when ``ax`` is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(6.4, 4.0))
    return ax


def _curve(values, what, i):
    """``values`` (a sequence, or an object with ``.loss``) as a 1-D float array, else an error."""
    if hasattr(values, "loss"):
        values = values.loss
    try:
        arr = np.array(values, dtype=float)  # a copy: callers' arrays are never touched
    except (TypeError, ValueError):
        raise ValueError(
            f"{what} {i} is not a sequence of numbers (got {type(values).__name__}); pass a list "
            "or 1-D array of numbers, or an object with a .loss attribute"
        ) from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{what} {i} has shape {arr.shape}; each one must be a non-empty 1-D sequence of "
            "numbers"
        )
    return arr


def _is_single_sequence(obj):
    """True when ``obj`` is one sequence of numbers rather than a collection of sequences."""
    if hasattr(obj, "loss"):
        return True
    if isinstance(obj, np.ndarray):
        return obj.ndim == 1
    try:
        items = list(obj)
    except TypeError:
        return False
    return all(
        isinstance(v, numbers.Real) or (isinstance(v, np.ndarray) and v.ndim == 0) for v in items
    )


def _curves(data, what, plural):
    """One-or-many sequences as ``(names, arrays)``; ``names`` holds dict keys or None."""
    if isinstance(data, dict):
        if not data:
            raise ValueError(f"no {plural} to plot: got an empty dict; pass at least one sequence")
        names = [str(k) for k in data]
        return names, [_curve(v, what, k) for k, v in data.items()]
    if isinstance(data, (str, bytes)) or not (hasattr(data, "loss") or hasattr(data, "__iter__")):
        raise ValueError(
            f"{plural} must be a sequence of numbers, a list of such sequences, or objects with "
            f"a .loss attribute; got {type(data).__name__}"
        )
    if not hasattr(data, "loss") and not isinstance(data, np.ndarray):
        data = list(data)  # also accepts generators, which can be read only once
    if not hasattr(data, "loss") and len(data) == 0:
        raise ValueError(f"no {plural} to plot: got an empty sequence; pass at least one value")
    if _is_single_sequence(data):
        return [None], [_curve(data, what, 0)]
    return [None] * len(data), [_curve(v, what, i) for i, v in enumerate(data)]


def _labels(labels, names, n, plural):
    """Per-curve legend labels: ``labels`` if given (checked against ``n``), else the dict keys."""
    if labels is None:
        return names
    if isinstance(labels, str):
        labels = [labels]
    labels = list(labels)
    if len(labels) != n:
        raise ValueError(
            f"labels={labels!r} has {len(labels)} entries but there are {n} {plural}; "
            "give one label per curve"
        )
    return [str(s) for s in labels]


def _moving_average(values, window):
    """Trailing mean over the last ``window`` values (fewer at the start)."""
    csum = np.cumsum(values)
    out = csum.copy()
    out[window:] = csum[window:] - csum[:-window]
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return out / counts


def plot_loss_curves(histories, ax=None, labels=None, smooth=None, chance=None, log=False):
    """Plot one or several training-loss curves against the iteration number.

    Parameters
    ----------
    histories : one loss sequence (list or 1-D array), an object with a ``.loss`` attribute
        holding one, a list of those, a 2-D array with one curve per row, or a dict
        ``{label: sequence}``
    ax : matplotlib Axes or None; None creates a new figure
    labels : list of str or None, one legend label per curve
    smooth : int or None; a window length W >= 1 draws the raw curve faintly and a trailing
        W-point moving average on top
    chance : float or None; draws a dashed horizontal line at this loss, e.g. ``np.log(C)`` for
        softmax over C equally likely classes
    log : bool, use a logarithmic loss axis (all losses must then be positive)

    Returns
    -------
    ax : the Axes drawn on
    """
    names, curves = _curves(histories, "history", "histories")
    labels = _labels(labels, names, len(curves), "histories")
    if smooth is not None and (
        isinstance(smooth, bool) or not isinstance(smooth, numbers.Integral) or smooth < 1
    ):
        raise ValueError(f"smooth={smooth!r} must be a window length >= 1 or None, e.g. smooth=20")
    if log:
        lowest = min(float(np.nanmin(c)) for c in curves)
        if not lowest > 0:
            raise ValueError(
                f"log=True needs positive losses but the smallest is {lowest!r}; use log=False"
            )
    if chance is not None and not isinstance(chance, numbers.Real):
        raise ValueError(
            f"chance={chance!r} must be a number (a loss level) or None, e.g. chance=np.log(3)"
        )
    ax = _axes(ax)
    for i, (curve, label) in enumerate(zip(curves, labels)):
        color = LINE_COLORS[i % len(LINE_COLORS)]
        steps = np.arange(len(curve))
        if smooth is None:
            ax.plot(steps, curve, color=color, lw=1.5, label=label)
        else:
            ax.plot(steps, curve, color=color, lw=1.0, alpha=0.3)
            averaged = _moving_average(curve, min(int(smooth), len(curve)))
            ax.plot(steps, averaged, color=color, lw=2.0, label=label)
    if chance is not None:
        level = float(chance)
        ax.axhline(level, color=OKABE_ITO["black"], ls="--", lw=1.2, label=f"chance ({level:.3g})")
    if log:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss (log scale)" if log else "loss")
    ax.set_title("Training loss" + (f" ({smooth}-step moving average)" if smooth else ""))
    ax.grid(True, alpha=0.3)
    if any(label is not None for label in labels) or chance is not None:
        ax.legend(frameon=False)
    return ax


def plot_decision_boundary(predict, X, y, ax=None, resolution=200):
    """Colour the plane by a classifier's predicted class and scatter the labelled points on top.

    Parameters
    ----------
    predict : callable taking an ndarray of shape (M, 2) and returning either labels of shape
        (M,) or class scores of shape (M, C) (their argmax is used)
    X : ndarray of shape (N, 2), the points
    y : ndarray of shape (N,), their integer class labels
    ax : matplotlib Axes or None; None creates a new figure
    resolution : int >= 2, grid points along each axis (``predict`` sees resolution**2 points)

    Returns
    -------
    ax : the Axes drawn on
    """
    if not callable(predict):
        raise ValueError(
            f"predict must be a function from points (M, 2) to labels (M,), got "
            f"{type(predict).__name__}; e.g. predict=lambda P: model.forward(P).argmax(axis=1)"
        )
    X = np.array(X, dtype=float)
    y = np.array(y)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"X has shape {X.shape}; it must be (N, 2), one row per 2-D point")
    if y.shape != (X.shape[0],) or not (np.issubdtype(y.dtype, np.integer) and y.min() >= 0):
        raise ValueError(
            f"y has shape {y.shape} and dtype {y.dtype}; it must be ({X.shape[0]},) non-negative "
            "integer labels, one per row of X"
        )
    whole_number("resolution", resolution, 2, "resolution=200")
    lo, hi = X.min(axis=0), X.max(axis=0)  # (2,), (2,)
    pad = 0.1 * np.maximum(hi - lo, 1e-3)
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(gx, gy)  # (R, R) each
    grid = np.column_stack([xx.ravel(), yy.ravel()])  # (R*R, 2)
    out = np.asarray(predict(grid))
    M = grid.shape[0]
    if out.ndim == 2 and out.shape[0] == M:
        out = out.argmax(axis=1)
    whole = out.shape == (M,) and np.all(np.isfinite(out)) and np.all(out == np.round(out))
    if not whole or np.any(out < 0):
        raise ValueError(
            f"predict returned shape {out.shape} for {M} grid points; it must return (M,) "
            "non-negative integer labels or (M, C) class scores"
        )
    Z = out.astype(int).reshape(resolution, resolution)  # (R, R)
    n_classes = int(max(y.max(), Z.max())) + 1
    if n_classes > len(CLASS_COLORS):
        raise ValueError(
            f"{n_classes} classes found but only {len(CLASS_COLORS)} distinguishable colours "
            "are available; plot at most that many classes"
        )
    ax = _axes(ax)
    levels = np.arange(n_classes + 1) - 0.5  # one band per class label
    ax.contourf(xx, yy, Z, levels=levels, colors=CLASS_COLORS[:n_classes], alpha=0.3)
    for k in range(n_classes):
        pts = X[y == k]
        if len(pts):
            ax.scatter(
                pts[:, 0], pts[:, 1], s=18, color=CLASS_COLORS[k], edgecolors="black",
                linewidths=0.5, label=f"class {k}",
            )
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("Decision regions and data")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return ax


def plot_gradient_flow(
    norms, ax=None, log=True, labels=None, xlabel="time lag (steps back from the loss)"
):
    """Plot gradient norms against time lag (or time step): one curve per setting compared.

    Parameters
    ----------
    norms : 1-D sequence of non-negative numbers (one curve), a 2-D array (one curve per row) or
        a list of 1-D sequences (curves may differ in length); entry k is the norm k steps back
    ax : matplotlib Axes or None; None creates a new figure
    log : bool, logarithmic norm axis, where vanishing and exploding gradients look like straight
        lines; exact zeros (e.g. beyond a truncation window) are left out of a log plot
    labels : list of str or None, one legend label per curve
    xlabel : str, x-axis label; say "time step t" when entry k is step k instead of a lag

    Returns
    -------
    ax : the Axes drawn on
    """
    names, curves = _curves(norms, "norm curve", "norm curves")
    labels = _labels(labels, names, len(curves), "norm curves")
    for i, c in enumerate(curves):
        if np.any(c < 0):
            raise ValueError(
                f"norm curve {i} has a negative entry ({float(np.nanmin(c))!r}); norms are >= 0, "
                "pass np.linalg.norm of each gradient"
            )
    ax = _axes(ax)
    for i, (curve, label) in enumerate(zip(curves, labels)):
        color = LINE_COLORS[i % len(LINE_COLORS)]
        ax.plot(np.arange(len(curve)), curve, color=color, marker="o", ms=3, lw=1.5, label=label)
    if log:
        ax.set_yscale("log", nonpositive="mask")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("gradient norm (log scale)" if log else "gradient norm")
    ax.set_title("Gradient flow through time")
    ax.grid(True, which="major", alpha=0.3)
    if any(label is not None for label in labels):
        ax.legend(frameon=False)
    return ax


def plot_time_contributions(contribs, ax=None, ylabel="Frobenius norm of the step's dWh term"):
    """Bar chart of how much each time step contributes to a weight gradient.

    Parameters
    ----------
    contribs : ndarray of shape (T,), non-negative sizes (e.g. the Frobenius norm of each step's
        term in ``dWh = sum_t dWh_t``), or of shape (T, H, H), the per-step terms themselves, whose
        Frobenius norms are then taken
    ax : matplotlib Axes or None; None creates a new figure
    ylabel : str, y-axis label

    Returns
    -------
    ax : the Axes drawn on
    """
    arr = np.array(contribs, dtype=float)
    if arr.ndim == 3:
        arr = np.sqrt((arr**2).sum(axis=(1, 2)))  # (T,) Frobenius norms
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"contribs has shape {np.shape(contribs)}; pass (T,) per-step sizes or (T, H, H) "
            "per-step gradient terms"
        )
    if np.any(arr < 0):
        raise ValueError(
            f"contribs has a negative entry ({float(arr.min())!r}); pass sizes such as norms, "
            "or the (T, H, H) terms to have their norms taken"
        )
    ax = _axes(ax)
    ax.bar(np.arange(arr.size), arr, color=OKABE_ITO["blue"], edgecolor="black", linewidth=0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("time step t")
    ax.set_ylabel(ylabel)
    ax.set_title("Contribution of each time step to the gradient")
    ax.grid(True, axis="y", alpha=0.3)
    return ax


def _one_sequence(a, name, sample):
    """Row ``sample`` of an (N, T, 1) array, or a (T, 1) / (T,) array, as a 1-D float array."""
    arr = np.array(a, dtype=float)
    if arr.ndim == 3 and arr.shape[2] == 1:
        if not -arr.shape[0] <= sample < arr.shape[0]:
            raise ValueError(
                f"sample={sample!r} is out of range for {name} with {arr.shape[0]} sequences; "
                f"pick 0 .. {arr.shape[0] - 1}"
            )
        arr = arr[sample]
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} has shape {np.shape(a)}; pass (N, T, 1) (one sequence is picked with "
            "sample=...), (T, 1) or (T,)"
        )
    return arr


def plot_sequence_prediction(inputs, targets, predictions=None, ax=None, sample=0, shift=1):
    """Plot an input sequence, its targets and (optionally) a model's predictions over time.

    Parameters
    ----------
    inputs : ndarray of shape (N, T, 1), (T, 1) or (T,)
    targets : ndarray of the same kind, the values the model should output at each step
    predictions : ndarray of the same kind or None
    ax : matplotlib Axes or None; None creates a new figure
    sample : int, which sequence to draw when the arrays hold N of them
    shift : int, how many steps ahead a target lies; targets and predictions for step t are
        drawn at ``t + shift`` so a next-value target (shift=1) lines up with the input curve

    Returns
    -------
    ax : the Axes drawn on
    """
    x = _one_sequence(inputs, "inputs", sample)
    t = _one_sequence(targets, "targets", sample)
    if t.shape != x.shape:
        raise ValueError(
            f"targets have {t.size} steps but inputs have {x.size}; pass matching sequences"
        )
    p = None
    if predictions is not None:
        p = _one_sequence(predictions, "predictions", sample)
        if p.shape != x.shape:
            raise ValueError(
                f"predictions have {p.size} steps but inputs have {x.size}; pass matching sequences"
            )
    whole_number("shift", shift, 0, "shift=1 for next-value targets")
    ax = _axes(ax)
    steps = np.arange(x.size)
    ax.plot(steps, x, color=OKABE_ITO["sky blue"], lw=3.0, label="input")
    ax.plot(steps + shift, t, color=OKABE_ITO["black"], ls="--", lw=1.5, label="target")
    if p is not None:
        ax.plot(
            steps + shift, p, color=OKABE_ITO["vermillion"], marker="o", ms=3, lw=1.2,
            label="prediction",
        )
    ax.set_xlabel("time step")
    ax.set_ylabel("value")
    ax.set_title("Sequence prediction" if p is not None else "Sequence and targets")
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return ax
