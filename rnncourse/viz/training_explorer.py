"""An ipywidgets explorer: train a small MLP on 2-D points and watch what the learning rate and the
hidden size change.

    from rnncourse.data import spirals
    from rnncourse.viz.training_explorer import training_explorer
    X, y = spirals(100, seed=0)
    training_explorer(X, y)       # two sliders above a loss curve and the decision regions

Moving a slider retrains ``MLP((2, hidden, C))`` from the same seeded initialisation with full-batch
gradient descent (:func:`fit_mlp`), then shows one deterministic line
(:func:`describe_training`, e.g. ``learning rate 1, hidden units 16, 300 steps: final loss 0.1934,
accuracy 93.7%``) above a PNG of the loss curve and the decision regions. The PNG is drawn on a
standalone :class:`matplotlib.figure.Figure` (no pyplot, no global state) and the Output widget's
``outputs`` are set directly (:mod:`rnncourse.viz.slider_output`), so the explorer behaves the
same inside and outside a running kernel: a plain test can move a slider and read the new line.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from rnncourse._validate import whole_number
from rnncourse.nn import ACTIVATIONS, MLP
from rnncourse.optim import SGD
from rnncourse.viz.curves import plot_decision_boundary, plot_loss_curves
from rnncourse.viz.slider_output import png_bytes, show_figure_and_line

LR_OPTIONS = (0.03, 0.1, 0.3, 1.0, 3.0)
"""Learning rates offered by the slider: small enough to crawl, large enough to overshoot."""

HIDDEN_OPTIONS = (1, 2, 4, 8, 16, 32)
"""Hidden-layer sizes offered by the slider."""

DPI = 72  # small PNGs keep a slider move quick


# ----------------------------------------------------------------------------- training
def _check_data(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X has shape {X.shape}; it must be (N, D) with one row per example, N >= 1")
    if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(
            f"y has shape {y.shape} and dtype {y.dtype}; it must be ({X.shape[0]},) non-negative "
            "integer class labels, one per row of X"
        )
    return X, y


def fit_mlp(X, y, hidden=16, lr=1.0, steps=300, seed=0, activation="tanh"):
    """Train a one-hidden-layer MLP by full-batch gradient descent.

    Every step computes the loss and gradients on all of ``X`` (:meth:`rnncourse.nn.MLP.loss`) and
    updates every parameter by ``p -= lr * grad`` (:class:`rnncourse.optim.SGD`).

    Parameters
    ----------
    X : ndarray of shape (N, D), the inputs (not modified)
    y : ndarray of shape (N,), integer labels in ``[0, C)`` with ``C = y.max() + 1`` (not modified)
    hidden : int >= 1, the hidden-layer size H
    lr : float > 0, the learning rate
    steps : int >= 0, the number of updates
    seed : int, seeds the weight initialisation (same seed, same starting weights)
    activation : ``"tanh"``, ``"relu"`` or ``"sigmoid"``

    Returns
    -------
    model : rnncourse.nn.MLP with sizes ``(D, H, C)``, trained
    losses : list of ``steps + 1`` floats: the loss before each update, then the final loss
    """
    X, y = _check_data(X, y)
    hidden = whole_number("hidden", hidden, 1, "hidden=16")
    steps = whole_number("steps", steps, 0, "steps=300")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation={activation!r} is not known; choose one of {sorted(ACTIVATIONS)}")
    optimizer = SGD(lr)  # rejects lr <= 0 with its own message
    model = MLP((X.shape[1], hidden, int(y.max()) + 1), activation=activation, seed=seed)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):  # a too-large lr may overflow: reported below
        for _ in range(steps):
            loss, grads = model.loss(X, y)
            losses.append(loss)
            optimizer.step(model.params, grads)
        losses.append(model.loss(X, y)[0])
    return model, losses


def training_accuracy(model, X, y):
    """Fraction of the rows of ``X`` (N, D) whose predicted class equals ``y`` (N,), as a float."""
    X, y = _check_data(X, y)
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean(model.predict(X) == y))


def describe_training(lr, hidden, steps, final_loss, accuracy):
    """The explorer's one-line summary, e.g.
    ``'learning rate 1, hidden units 16, 300 steps: final loss 0.1934, accuracy 93.7%'``.

    A loss that is not a finite number (the run diverged) is reported as ``diverged``.

    >>> describe_training(0.3, 4, 100, 0.123456, 0.9)
    'learning rate 0.3, hidden units 4, 100 steps: final loss 0.1235, accuracy 90.0%'
    """
    loss = f"final loss {final_loss:.4f}" if np.isfinite(final_loss) else "diverged (loss not finite)"
    return f"learning rate {lr:g}, hidden units {hidden}, {steps} steps: {loss}, accuracy {100 * accuracy:.1f}%"


def render_training_png(losses, model, X, y, resolution=80, dpi=DPI, chance=None):
    """PNG bytes of the loss curve (left) and the decision regions with the data (right).

    Parameters
    ----------
    losses : sequence of float, the loss at every iteration
    model : an object with ``scores(P)`` returning class scores (M, C) for points P (M, 2)
    X : ndarray of shape (N, 2), y : ndarray of shape (N,), the labelled points
    resolution : int, grid points along each axis of the decision-region plot
    dpi : int, resolution of the PNG
    chance : float or None, a dashed reference loss (e.g. ``log C``)

    Returns
    -------
    bytes, a PNG image
    """
    fig = Figure(figsize=(10.0, 4.0))
    ax_loss, ax_regions = fig.subplots(1, 2, width_ratios=(1.0, 1.15))
    fig.subplots_adjust(left=0.07, right=0.87, bottom=0.13, top=0.92, wspace=0.25)  # fixed: fast
    finite = np.where(np.isfinite(losses), losses, np.nan)
    plot_loss_curves(finite, ax=ax_loss, chance=chance)
    with np.errstate(over="ignore", invalid="ignore"):
        plot_decision_boundary(lambda P: np.nan_to_num(model.scores(P)), X, y, ax=ax_regions,
                               resolution=resolution)
    return png_bytes(fig, dpi)


# ----------------------------------------------------------------------------- the widget
def _option(name, value, options):
    if value not in options:
        raise ValueError(f"{name}={value!r} is not one of the slider's options {tuple(options)}; "
                         f"pick one of them or pass {name}_options that include it")
    return value


def training_explorer(X, y, lr=1.0, hidden=16, steps=300, seed=0, lr_options=LR_OPTIONS,
                      hidden_options=HIDDEN_OPTIONS, resolution=80):
    """Sliders for the learning rate and the hidden size above a live loss curve and decision regions.

    Every slider move retrains from the same seeded initialisation (:func:`fit_mlp`) and replaces
    the Output's contents with the summary line (:func:`describe_training`) and the figure
    (:func:`render_training_png`). Keep ``steps`` and ``len(X)`` small so a move stays quick
    (300 steps on 300 points take a fraction of a second).

    Parameters
    ----------
    X : ndarray of shape (N, 2), y : ndarray of shape (N,) integer labels (neither is modified)
    lr : float, the starting learning rate, one of ``lr_options``
    hidden : int, the starting hidden size, one of ``hidden_options``
    steps : int >= 1, gradient-descent steps per run
    seed : int, seeds the initial weights (the same for every run, so only the sliders matter)
    lr_options, hidden_options : sequences of the values the sliders offer
    resolution : int >= 2, grid points per axis of the decision-region plot

    Returns
    -------
    ipywidgets.VBox with ``children == (lr_slider, hidden_slider, output)``: two
    ``SelectionSlider`` s described "learning rate" and "hidden units", and an ``Output`` holding
    the summary line then the PNG. The box also has attributes ``.lr_slider``,
    ``.hidden_slider``, ``.output``, ``.update()`` (retrain and redraw now) and, after each run,
    ``.summary`` (the line), ``.model`` and ``.losses``.
    """
    X, y = _check_data(X, y)
    if X.shape[1] != 2:
        raise ValueError(f"X has shape {X.shape}; the explorer draws 2-D points, so it must be (N, 2)")
    steps = whole_number("steps", steps, 1, "steps=300")
    lr_options = tuple(float(v) for v in lr_options)
    hidden_options = tuple(whole_number("hidden option", v, 1, "hidden_options=(4, 16)") for v in hidden_options)
    lr = _option("lr", float(lr), lr_options)
    hidden = _option("hidden", hidden, hidden_options)
    chance = float(np.log(int(y.max()) + 1))
    style = {"description_width": "initial"}
    lr_slider = widgets.SelectionSlider(options=[(f"{v:g}", v) for v in lr_options], value=lr,
                                        description="learning rate", continuous_update=False,
                                        style=style)
    hidden_slider = widgets.SelectionSlider(options=[(str(v), v) for v in hidden_options],
                                            value=hidden, description="hidden units",
                                            continuous_update=False, style=style)
    output = widgets.Output(layout=widgets.Layout(min_height="320px"))
    box = widgets.VBox([lr_slider, hidden_slider, output])

    def update(change=None):
        rate, size = lr_slider.value, hidden_slider.value
        model, losses = fit_mlp(X, y, hidden=size, lr=rate, steps=steps, seed=seed)
        summary = describe_training(rate, size, steps, losses[-1], training_accuracy(model, X, y))
        png = render_training_png(losses, model, X, y, resolution=resolution, chance=chance)
        box.summary, box.model, box.losses = summary, model, losses
        show_figure_and_line(output, png, f"<loss curve and decision regions: {summary}>", summary,
                             line_first=True)

    lr_slider.observe(update, names="value")
    hidden_slider.observe(update, names="value")
    box.lr_slider, box.hidden_slider, box.output, box.update = lr_slider, hidden_slider, output, update
    update()
    return box
