"""How far back a gradient reaches in a tanh RNN, as numbers and as a slider widget.

For ``h_t = tanh(x_t Wx + h_{t-1} Wh + b)`` (row vectors, as in :mod:`rnncourse.rnn`) the
Jacobian of one step is

    J_t = dh_t/dh_{t-1} = diag(1 - h_t**2) Wh^T                       (H, H)

and a gradient that travels ``lag`` steps back is multiplied by the product

    dh_T/dh_{T-lag} = J_T J_{T-1} ... J_{T-lag+1}                     (H, H)

Its size is bounded by the **spectral norm** of ``Wh`` (its largest singular value, ``||Wh||_2``):
every ``diag(1 - h_t**2)`` has norm at most 1, so

    ||dh_T/dh_{T-lag}||_2 <= ||Wh||_2 ** lag.

A spectral norm below 1 is therefore *sufficient* for the gradient to vanish, and a spectral norm
above 1 is *necessary* for it to explode. The **spectral radius** (the largest ``|eigenvalue|``,
never larger than the spectral norm) is the exact long-run rate only for the *linear* RNN
(``tanh'`` replaced by 1): ``||Wh**lag||_2 ** (1/lag) -> radius``. With tanh in between, the
radius alone decides neither: a non-normal ``Wh`` with radius below 1 (even 0) can make the
gradient grow for many steps, and saturated units can make it vanish when the radius is above 1.

:func:`jacobian_norms` measures ``||dh_T/dh_{T-lag}||_2`` for every lag along given hidden states;
:func:`random_rnn_states` runs a randomly driven RNN for a given ``Wh``;
:func:`gradient_norms_by_lag` does both for a random ``Wh`` with a chosen spectral radius;
:func:`spectral_radius` and :func:`spectral_norm` are the two numbers to compare;
:func:`gradient_explorer` puts it all behind a slider.
"""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from rnncourse._validate import whole_number
from rnncourse.rnn.fast import rnn_forward_fast
from rnncourse.viz.curves import plot_gradient_flow
from rnncourse.viz.palette import OKABE_ITO
from rnncourse.viz.slider_output import figure_png, show_figure_and_line

#: The y-range of the explorer's plot, fixed so that moving the slider moves the curves, not the axis.
EXPLORER_YLIM = (1e-16, 1e16)


def _positive_number(name, value, example):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) \
            or value <= 0:
        raise ValueError(f"{name}={value!r} must be a positive number, e.g. {name}={example}")
    return float(value)


def recurrent_matrix(H, radius, seed=0):
    """A random recurrent weight matrix with a given spectral radius.

    The matrix is a Gaussian matrix rescaled so that its largest eigenvalue modulus equals
    ``radius``; the same ``seed`` gives the same matrix up to that scale, so changing only
    ``radius`` only rescales it.

    Parameters
    ----------
    H : int >= 1, the hidden size
    radius : float > 0, the spectral radius wanted
    seed : int, seeds ``np.random.default_rng``

    Returns
    -------
    Wh : ndarray of shape (H, H), float64, with ``max |eigvals(Wh)| == radius``
    """
    H = whole_number("H", H, 1, "H=32")
    radius = _positive_number("radius", radius, 1.0)
    W = np.random.default_rng(seed).standard_normal((H, H))  # (H, H)
    return W * (radius / np.max(np.abs(np.linalg.eigvals(W))))


def spectral_radius(W):
    """The largest modulus of the eigenvalues of a square matrix, ``max |eigvals(W)|``.

    It sets the long-run rate of the powers of ``W`` (``||W**k||_2 ** (1/k) -> radius``) but not
    their size after a few steps. The eigenvalues of a nilpotent matrix (radius 0, e.g. strictly
    triangular) are badly conditioned: a change of ``1e-16`` in one entry of an ``H x H`` one can
    move them to about ``1e-16 ** (1/H)`` (0.3 for H = 32), so read its radius off its structure.
    """
    W = _square(W)
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def spectral_norm(W):
    """The largest singular value of a matrix, ``||W||_2``: no vector is stretched more than this.

    It is never smaller than :func:`spectral_radius`, and equal to it for a normal matrix
    (e.g. a symmetric one). It bounds every power: ``||W**k||_2 <= ||W||_2 ** k``.
    """
    W = _square(W)
    return float(np.linalg.norm(W, 2))


def _square(W):
    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W has shape {W.shape}; it must be a square matrix, (H, H)")
    return W


def jacobian_norms(Wh, h, linear=False):
    """Spectral norms of ``dh_T/dh_{T-lag}`` for every lag ``0 .. T`` along one sequence.

    Parameters
    ----------
    Wh : ndarray of shape (H, H), the recurrent weights
    h : ndarray of shape (T, H), the hidden states ``h_1 .. h_T`` of one sequence
        (for a batch from :func:`rnncourse.rnn.rnn_forward`, pass ``h[0]``)
    linear : bool; True drops the tanh derivative (``1 - h_t**2`` replaced by 1), giving the
        norms of ``(Wh^T)**lag`` for a linear RNN; ``h`` then only sets T

    Returns
    -------
    norms : ndarray of shape (T + 1,); ``norms[lag] = ||J_T J_{T-1} ... J_{T-lag+1}||_2`` with
        ``J_t = diag(1 - h_t**2) Wh^T``. ``norms[0]`` is 1 (the identity) and ``norms[T]`` is
        ``||dh_T/dh_0||_2``.
    """
    Wh = np.asarray(Wh, dtype=float)
    h = np.asarray(h, dtype=float)
    if Wh.ndim != 2 or Wh.shape[0] != Wh.shape[1]:
        raise ValueError(f"Wh has shape {Wh.shape}; it must be square, (H, H)")
    if h.ndim != 2 or h.shape[1] != Wh.shape[0]:
        hint = "; for a batch of shape (N, T, H) pass one sequence, h[0]" if h.ndim == 3 else ""
        raise ValueError(f"h has shape {h.shape}; it must be (T, H) = (T, {Wh.shape[0]}), the "
                         f"hidden states of one sequence{hint}")
    T, H = h.shape
    WhT = Wh.T
    norms = np.empty(T + 1)
    norms[0] = 1.0
    P = np.eye(H)  # dh_T/dh_{T-lag}, grown one factor at a time
    for lag in range(1, T + 1):
        h_t = h[T - lag]  # h_{T-lag+1} (row T-lag holds h_{T-lag+1}): the step being undone
        J = WhT if linear else (1.0 - h_t**2)[:, None] * WhT  # diag(1 - h_t^2) Wh^T, (H, H)
        P = P @ J  # (H, H) @ (H, H)
        norms[lag] = np.linalg.norm(P, 2)
    return norms


def random_rnn_states(Wh, T=40, seed=0, input_scale=0.3):
    """The hidden states of a tanh RNN with recurrent weights ``Wh``, driven by random inputs.

    The RNN starts from ``h_0 = 0``; the contribution ``x_t Wx`` of the input to every
    pre-activation has standard deviation about ``input_scale`` (larger values push tanh further
    into saturation, where its derivative ``1 - h_t**2`` is small).

    Parameters
    ----------
    Wh : ndarray of shape (H, H), the recurrent weights
    T : int >= 1, number of steps
    seed : int, seeds the inputs (a stream separate from :func:`recurrent_matrix`'s)
    input_scale : float > 0, standard deviation of the input drive ``x_t Wx``

    Returns
    -------
    h : ndarray of shape (T, H); row ``t - 1`` is ``h_t`` (math steps 1..T, code rows 0..T-1),
        ready for :func:`jacobian_norms`
    """
    Wh = np.asarray(Wh, dtype=float)
    if Wh.ndim != 2 or Wh.shape[0] != Wh.shape[1]:
        raise ValueError(f"Wh has shape {Wh.shape}; it must be square, (H, H)")
    T = whole_number("T", T, 1, "T=40")
    input_scale = _positive_number("input_scale", input_scale, 0.3)
    H = Wh.shape[0]
    rng = np.random.default_rng([seed, 1])  # a stream separate from the one that drew Wh
    Wx = input_scale * rng.standard_normal((H, H)) / np.sqrt(H)  # (D, H) with D = H
    x = rng.standard_normal((1, T, H))  # (1, T, D): x_t Wx has entries of std ~ input_scale
    h, _ = rnn_forward_fast(x, np.zeros((1, H)), Wx, Wh, np.zeros(H))  # (1, T, H)
    return h[0]


def gradient_norms_by_lag(radius, H=32, T=40, seed=0, input_scale=0.3):
    """Run a random tanh RNN whose ``Wh`` has spectral radius ``radius``; measure the Jacobians.

    ``Wh`` comes from :func:`recurrent_matrix` with the same ``seed``, so different radii use the
    same matrix, rescaled; the states come from :func:`random_rnn_states`.

    Parameters
    ----------
    radius : float > 0, spectral radius of ``Wh``
    H : int >= 1, hidden size
    T : int >= 1, number of steps
    seed : int, seeds the weights and the inputs
    input_scale : float > 0, standard deviation of the input drive ``x_t Wx``

    Returns
    -------
    tanh_norms : ndarray of shape (T + 1,), ``||dh_T/dh_{T-lag}||_2`` of the tanh RNN, lag 0..T
    linear_norms : ndarray of shape (T + 1,), the same without the tanh derivative,
        ``||(Wh^T)**lag||_2``
    """
    H = whole_number("H", H, 1, "H=32")
    T = whole_number("T", T, 1, "T=40")
    input_scale = _positive_number("input_scale", input_scale, 0.3)
    Wh = recurrent_matrix(H, radius, seed)
    h = random_rnn_states(Wh, T, seed, input_scale)  # (T, H)
    return jacobian_norms(Wh, h), jacobian_norms(Wh, h, linear=True)


def explorer_line(radius, tanh_norms, norm=None):
    """The explorer's text line, e.g. ``"radius 1.50: |dh_T/dh_0| = 3.2e+04"``.

    With ``norm`` (the spectral norm of ``Wh``) it reads
    ``"radius 1.50, spectral norm 2.52: |dh_T/dh_0| = 3.2e+04"``.
    """
    matrix = f"radius {radius:.2f}" + ("" if norm is None else f", spectral norm {norm:.2f}")
    return f"{matrix}: |dh_T/dh_0| = {tanh_norms[-1]:.1e}"


def draw_gradient_norms(radius, tanh_norms, linear_norms, ax, norm=None):
    """Draw the two curves of :func:`gradient_norms_by_lag` on ``ax`` (log scale, fixed range).

    With ``norm`` (the spectral norm of ``Wh``) two reference lines are added: the upper bound
    ``norm ** lag`` that no curve can cross, and ``radius ** lag``, the long-run rate of the
    linear RNN.
    """
    plot_gradient_flow([tanh_norms, linear_norms], ax=ax,
                       labels=["tanh RNN (measured)", "linear RNN (tanh' = 1)"])
    ax.axhline(1.0, color=OKABE_ITO["black"], lw=0.8, ls=":")
    if norm is not None:
        lag = np.arange(len(tanh_norms))
        with np.errstate(over="ignore", under="ignore"):
            ax.plot(lag, float(norm) ** lag, color=OKABE_ITO["black"], lw=1.2, ls="--",
                    label="bound ||Wh||_2^lag")
            ax.plot(lag, float(radius) ** lag, color=OKABE_ITO["reddish purple"], lw=1.2,
                    ls="-.", label="radius^lag")
    ax.set_ylim(*EXPLORER_YLIM)
    ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(-16, 17, 4)))  # few labels: fast
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}"))  # plain text, no mathtext
    ax.set_ylabel("||dh_T / dh_(T-lag)|| (log scale)")
    ax.set_title(f"Gradient norm versus time lag, spectral radius of Wh = {radius:.2f}"
                 if norm is None else
                 f"Wh: spectral radius {radius:.2f}, spectral norm {norm:.2f}")
    ax.legend(frameon=False, loc="lower left")
    return ax


def _figure_png(radius, tanh_norms, linear_norms, norm=None):
    """The explorer's figure as base64 PNG text, drawn without pyplot (no global state)."""
    return figure_png(lambda ax: draw_gradient_norms(radius, tanh_norms, linear_norms, ax, norm=norm))


def gradient_explorer(H=32, T=40, seed=0, radius=1.0, input_scale=0.3):
    """A slider for the spectral radius of ``Wh`` and a plot of gradient norm versus time lag.

    Moving the slider reruns :func:`gradient_norms_by_lag` (a few milliseconds) and replaces the
    Output's contents with the figure (the two curves, the bound ``||Wh||_2 ** lag`` and
    ``radius ** lag``) and one text line with both numbers of the matrix, such as
    ``radius 1.50, spectral norm 2.52: |dh_T/dh_0| = 3.2e+04``. Only the scale changes with the
    slider, so the ratio spectral norm / radius stays the same.

    Parameters
    ----------
    H, T, seed, input_scale : as in :func:`gradient_norms_by_lag`
    radius : float in [0.25, 3.0], the slider's starting value

    Returns
    -------
    ipywidgets.VBox with ``children == (slider, output)``: ``slider`` is a FloatSlider described
    "spectral radius of Wh", ``output`` an ipywidgets.Output holding the figure and the line
    """
    import ipywidgets as widgets

    H = whole_number("H", H, 1, "H=32")
    T = whole_number("T", T, 1, "T=40")
    input_scale = _positive_number("input_scale", input_scale, 0.3)
    radius = _positive_number("radius", radius, 1.0)
    if not 0.25 <= radius <= 3.0:
        raise ValueError(f"radius={radius!r} is outside the slider's range 0.25 .. 3.0; "
                         "start it inside, e.g. radius=1.0")
    slider = widgets.FloatSlider(value=radius, min=0.25, max=3.0, step=0.05,
                                 description="spectral radius of Wh", readout_format=".2f",
                                 continuous_update=False, style={"description_width": "initial"},
                                 layout=widgets.Layout(width="520px"))
    output = widgets.Output()

    def redraw(change=None):
        r = float(slider.value)
        tanh_norms, linear_norms = gradient_norms_by_lag(r, H, T, seed, input_scale)
        norm = spectral_norm(recurrent_matrix(H, r, seed))
        show_figure_and_line(output, _figure_png(r, tanh_norms, linear_norms, norm),
                             f"<gradient norms, radius {r:.2f}>", explorer_line(r, tanh_norms, norm))

    slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([slider, output])
