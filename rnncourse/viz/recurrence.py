"""Figures for "why sequences need memory": how often each input value meets each target value.

For a sequence task, :func:`lag_counts` counts how often input symbol ``i`` at step ``t - lag``
co-occurs with target ``j`` at step ``t``; :func:`plot_counts` draws such a table as an annotated
heat map. A table whose rows are all alike says the input at that lag tells nothing about the
target (no model that sees only that input can beat chance); a table with one bright cell per row
says the target is a function of it.

Both functions leave their inputs unchanged; :func:`plot_counts` draws on the ``ax`` it is given
(a new figure only when ``ax`` is None) and never changes global matplotlib state.
"""

from __future__ import annotations

import numbers

import numpy as np

#: A sequential colour map that stays readable under the common forms of colour blindness.
CMAP = "cividis"


def lag_counts(inputs, targets, lag, num_inputs, num_targets, mask=None):
    """Count how often input ``i`` at step ``t - lag`` meets target ``j`` at step ``t``.

    Parameters
    ----------
    inputs : ndarray of shape (N, T), int symbols in ``0 .. num_inputs - 1``
    targets : ndarray of shape (N, T), int classes in ``0 .. num_targets - 1``
    lag : int >= 0, how many steps before the target the input is taken (0 = the same step)
    num_inputs : int, the number of input symbols (rows of the table)
    num_targets : int, the number of target classes (columns of the table)
    mask : None or ndarray of shape (N, T), bool; only targets where ``mask`` is True count

    Returns
    -------
    counts : ndarray of shape (num_inputs, num_targets), int64; ``counts[i, j]`` is the number of
        pairs ``(n, t)`` with ``t >= lag``, ``mask[n, t]``, ``inputs[n, t - lag] == i`` and
        ``targets[n, t] == j``

    Example
    -------
    >>> lag_counts(np.array([[1, 2, 1]]), np.array([[0, 1, 2]]), 1, 3, 3).tolist()
    [[0, 0, 0], [0, 1, 0], [0, 0, 1]]
    """
    inputs = np.asarray(inputs)
    targets = np.asarray(targets)
    if inputs.ndim != 2 or inputs.shape != targets.shape:
        raise ValueError(
            f"inputs {inputs.shape} and targets {targets.shape} must both have shape (N, T); "
            "pass symbol ids, e.g. x.argmax(axis=2) for one-hot inputs"
        )
    T = inputs.shape[1]
    if isinstance(lag, bool) or not isinstance(lag, numbers.Integral) or not 0 <= lag < T:
        raise ValueError(f"lag={lag!r} must be a whole number in 0 .. T-1 = {T - 1}")
    if mask is None:
        mask = np.ones(targets.shape, dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != targets.shape:
        raise ValueError(f"mask has shape {mask.shape}; it must match targets {targets.shape}")
    for name, arr, size in (("inputs", inputs, num_inputs), ("targets", targets, num_targets)):
        if arr.size and (arr.min() < 0 or arr.max() >= size):
            raise ValueError(
                f"{name} hold values {int(arr.min())} .. {int(arr.max())}, outside 0 .. "
                f"{size - 1}; raise num_{name} to at least {int(arr.max()) + 1}"
            )
    src = inputs[:, : T - lag]  # (N, T - lag): the input lag steps before each target
    dst = targets[:, lag:]  # (N, T - lag)
    keep = mask[:, lag:]
    counts = np.zeros((num_inputs, num_targets), dtype=np.int64)
    np.add.at(counts, (src[keep], dst[keep]), 1)
    return counts


def plot_counts(counts, ax=None, row_label="input", col_label="target", row_names=None,
                col_names=None, title=None):
    """Draw a table of counts as a heat map with the count written in every cell.

    Parameters
    ----------
    counts : ndarray of shape (R, C), e.g. from :func:`lag_counts`
    ax : matplotlib Axes or None (a new figure is made)
    row_label, col_label : str, the axis labels (rows run down the y axis, columns along x)
    row_names, col_names : None or sequences of R (C) tick labels; None numbers them from 0
    title : str or None

    Returns
    -------
    ax : the Axes drawn on (the colour bar is left out; the numbers are in the cells)
    """
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.size == 0:
        raise ValueError(f"counts has shape {counts.shape}; pass a non-empty 2-D table (R, C)")
    R, C = counts.shape
    row_names = [str(i) for i in range(R)] if row_names is None else [str(s) for s in row_names]
    col_names = [str(j) for j in range(C)] if col_names is None else [str(s) for s in col_names]
    if len(row_names) != R or len(col_names) != C:
        raise ValueError(
            f"got {len(row_names)} row names and {len(col_names)} column names for a table of "
            f"shape {counts.shape}; give one name per row and per column"
        )
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(1.0 + 0.9 * C, 0.8 + 0.8 * R))
    top = counts.max() if counts.max() > 0 else 1
    ax.imshow(counts, cmap=CMAP, vmin=0, vmax=top, aspect="auto")
    for i in range(R):
        for j in range(C):
            bright = counts[i, j] > 0.6 * top  # cividis is light at the top: use dark text there
            ax.text(j, i, f"{counts[i, j]:g}", ha="center", va="center", fontsize=10,
                    color="black" if bright else "white")
    ax.set_xticks(range(C), col_names)
    ax.set_yticks(range(R), row_names)
    ax.set_xlabel(col_label)
    ax.set_ylabel(row_label)
    if title:
        ax.set_title(title)
    return ax
