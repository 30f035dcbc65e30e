"""Figures for "why sequences need memory": how often each input value meets each target value.

For a sequence task, :func:`lag_counts` counts how often input symbol ``i`` at step ``t - lag``
co-occurs with target ``j`` at step ``t``; :func:`plot_counts` draws such a table as an annotated
heat map, and :func:`plot_count_tables` draws several side by side on **one** colour scale with
one colour bar, so that equal colours mean equal counts in every panel. A table whose rows are all
alike says the input at that lag tells nothing about the target (no model that sees only that
input can beat chance); a table with one bright cell per row says the target is a function of it.

The functions leave their inputs unchanged; the plotting functions draw on the ``ax``/``axes``
they are given (a new figure only when that is None) and never change global matplotlib state.
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
                col_names=None, title=None, vmax=None):
    """Draw a table of counts as a heat map with the count written in every cell.

    Parameters
    ----------
    counts : ndarray of shape (R, C), e.g. from :func:`lag_counts`
    ax : matplotlib Axes or None (a new figure is made)
    row_label, col_label : str, the axis labels (rows run down the y axis, columns along x)
    row_names, col_names : None or sequences of R (C) tick labels; None numbers them from 0
    title : str or None
    vmax : None or number > 0, the count drawn in the brightest colour (the scale starts at 0);
        None uses this table's largest count. Give several tables the same ``vmax`` to compare
        them by colour (:func:`plot_count_tables` does this).

    Returns
    -------
    ax : the Axes drawn on; ``ax.images[0]`` is the heat map (pass it to ``fig.colorbar`` for a
        colour bar; the numbers are also written in the cells)
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
    if vmax is None:
        top = counts.max() if counts.max() > 0 else 1
    elif isinstance(vmax, bool) or not isinstance(vmax, numbers.Real) or not 0 < vmax < np.inf:
        raise ValueError(f"vmax={vmax!r} must be a positive number (or None for the table's maximum)")
    else:
        top = vmax
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(1.0 + 0.9 * C, 0.8 + 0.8 * R))
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


def plot_count_tables(tables, axes=None, row_labels="input", col_label="target", row_names=None,
                      col_names=None, titles=None, colorbar_label="count"):
    """Draw several count tables side by side on one shared colour scale, with one colour bar.

    Every panel maps 0 to the darkest colour and the largest count of **all** the tables to the
    brightest, so the same colour means the same count everywhere.

    Parameters
    ----------
    tables : sequence of K ndarrays of shape (R_k, C_k), e.g. from :func:`lag_counts`
    axes : sequence of K matplotlib Axes of one figure, or None (a new figure with one row of K)
    row_labels : str for every panel, or a sequence of K str
    col_label : str, the column label of every panel
    row_names, col_names : as for :func:`plot_counts`, the same for every panel
    titles : None or a sequence of K str
    colorbar_label : str, written along the colour bar

    Returns
    -------
    axes : list of the K Axes drawn on
    colorbar : the one matplotlib Colorbar, placed beside all the panels

    Example
    -------
    >>> axes, bar = plot_count_tables([same_step, two_back], axes=[ax1, ax2])  # doctest: +SKIP
    """
    tables = [np.asarray(t) for t in tables]
    if not tables:
        raise ValueError("tables is empty; pass at least one count table, e.g. [lag_counts(...)]")
    K = len(tables)
    for k, t in enumerate(tables):
        if t.ndim != 2 or t.size == 0:
            raise ValueError(f"table {k} has shape {t.shape}; pass non-empty 2-D tables (R, C)")
    row_labels = [row_labels] * K if isinstance(row_labels, str) else list(row_labels)
    titles = [None] * K if titles is None else list(titles)
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, K, figsize=(0.5 + 4.2 * K, 3.6), squeeze=False)
        axes = axes[0]
    axes = list(np.ravel(axes))
    for name, given in (("axes", axes), ("row_labels", row_labels), ("titles", titles)):
        if len(given) != K:
            raise ValueError(f"got {K} tables but {len(given)} {name}; give one per table")
    largest = max(float(t.max()) for t in tables)
    vmax = largest if largest > 0 else 1
    for table, ax, row_label, title in zip(tables, axes, row_labels, titles):
        plot_counts(table, ax=ax, row_label=row_label, col_label=col_label, row_names=row_names,
                    col_names=col_names, title=title, vmax=vmax)
    colorbar = axes[0].figure.colorbar(axes[0].images[0], ax=axes, label=colorbar_label)
    return axes, colorbar
