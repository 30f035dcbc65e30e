"""How far back a gradient reaches in a vanilla RNN and in an LSTM, and what the LSTM's
forget-gate bias at initialisation changes: numbers, a figure, and a slider widget.

The measurement: a freshly initialised :class:`~rnncourse.rnn.SequenceModel` (the same
initialisation training starts from) reads ``n`` sequences of the delayed-echo task; a loss
``L = sum(h_T * u)`` sits on the LAST step only, and BPTT (the teaching functions) gives
``dL/dx_t`` for every step. Its norm at ``t = T - 1 - lag`` says how strongly an input ``lag``
steps back can still change the loss, i.e. how much the weights can learn about it.
"""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from rnncourse._validate import whole_number
from rnncourse.data import delayed_echo
from rnncourse.rnn.core import rnn_backward, rnn_forward
from rnncourse.rnn.lstm import lstm_backward, lstm_forward, lstm_step_backward, sigmoid
from rnncourse.rnn.model import SequenceModel
from rnncourse.viz.curves import plot_gradient_flow
from rnncourse.viz.slider_output import figure_png, show_figure_and_line

#: Which state carries the gradient from one step to the one before it (see :func:`gradient_by_lag`).
CARRIES = ("both", "cell", "hidden")
#: The slider's range of forget-gate biases.
BIAS_RANGE = (-2.0, 6.0)
#: The y-range of the explorer's plot, fixed so that moving the slider moves the curve, not the axis.
EXPLORER_YLIM = (1e-20, 1e1)


def _bias(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"forget_bias={value!r} must be a finite number, e.g. forget_bias=1.0")
    return float(value)


def gradient_by_lag(cell, T=60, H=32, seed=0, forget_bias=1.0, n=16, carry="both"):
    """Norm of ``dL/dx_{T-1-lag}`` for every lag, for a loss on the last step of a fresh model.

    Parameters
    ----------
    cell : ``"rnn"`` or ``"lstm"``
    T : int >= 1, sequence length
    H : int >= 1, hidden size
    seed : int, seeds the model's weights, the data and the direction ``u``
    forget_bias : float, the LSTM's initial forget-gate bias (ignored for the RNN)
    n : int >= 1, number of sequences (the norm is over all of them)
    carry : for the LSTM, the state through which the gradient goes from step t to step t-1:
        ``"both"`` (the real BPTT), ``"cell"`` (only ``dc_prev`` is passed on, each step's
        ``dh_prev`` is dropped) or ``"hidden"`` (only ``dh_prev`` is passed on); the vanilla RNN
        has one state and takes ``"both"`` only

    Returns
    -------
    norms : ndarray of shape (T,); ``norms[lag] = ||dL/dx_{T-1-lag}||`` over the ``n``
        sequences, with ``L = sum(h_T * u)`` for a fixed random unit direction ``u`` per sequence
    """
    T = whole_number("T", T, 1, "T=60")
    H = whole_number("H", H, 1, "H=32")
    n = whole_number("n", n, 1, "n=16")
    if cell not in ("rnn", "lstm"):
        raise ValueError(f"cell={cell!r} is not known; choose 'rnn' or 'lstm'")
    if carry not in CARRIES or (cell == "rnn" and carry != "both"):
        allowed = "'both'" if cell == "rnn" else "'both', 'cell' or 'hidden'"
        raise ValueError(f"carry={carry!r} is not known for cell={cell!r}; choose {allowed}")
    extra = {"forget_bias": _bias(forget_bias)} if cell == "lstm" else {}
    model = SequenceModel(4, H, 4, seed=seed, cell=cell, **extra)
    p = model.params
    x, _, _ = delayed_echo(n, T, 0, seed=seed)  # (n, T, 4) one-hot symbols
    u = np.random.default_rng([seed, 2]).standard_normal((n, H))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    dh = np.zeros((n, T, H))
    dh[:, -1] = u  # the loss sits on the last step only
    h0 = np.zeros((n, H))
    if cell == "rnn":
        dx = rnn_backward(dh, rnn_forward(x, h0, p["Wx"], p["Wh"], p["b"])[1])[0]
    elif carry == "both":
        dx = lstm_backward(dh, lstm_forward(x, h0, p["Wx"], p["Wh"], p["b"])[1])[0]
    else:
        dx = _lstm_input_gradient_one_carry(dh, lstm_forward(x, h0, p["Wx"], p["Wh"], p["b"])[1],
                                            carry)
    return np.linalg.norm(dx, axis=(0, 2))[::-1].copy()  # (T,), lag 0 first


def _lstm_input_gradient_one_carry(dh, cache, carry):
    """``dL/dx`` of the LSTM when only one state (``"cell"`` or ``"hidden"``) carries the gradient
    back from each step to the one before it: ``(N, T, D)``."""
    N, T, H = dh.shape
    dx = np.zeros((N, T, cache[0][0].shape[1]))
    dh_future, dc_future = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dc_prev, _, _, _ = lstm_step_backward(dh[:, t] + dh_future, dc_future,
                                                                 cache[t])
        dh_future = dh_prev if carry == "hidden" else np.zeros_like(dh_prev)
        dc_future = dc_prev if carry == "cell" else np.zeros_like(dc_prev)
    return dx


def explorer_line(forget_bias, lstm_norms):
    """The explorer's text line, e.g. ``"forget bias 1.00: f = 0.73 at init, ..."``."""
    lag = len(lstm_norms) - 1
    return (f"forget bias {forget_bias:.2f}: f = sigmoid(bias) = {float(sigmoid(forget_bias)):.2f} "
            f"without input, |dL/dx| at lag {lag} = {lstm_norms[-1]:.1e}")


def draw_gradient_by_lag(forget_bias, lstm_norms, rnn_norms, ax):
    """Draw the LSTM's curve and the vanilla RNN's on ``ax`` (log scale, fixed range)."""
    plot_gradient_flow([lstm_norms, rnn_norms], ax=ax,
                       labels=[f"LSTM, forget bias {forget_bias:.2f}", "vanilla RNN"])
    ax.set_ylim(*EXPLORER_YLIM)
    ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(-20, 2, 4)))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}"))
    ax.set_ylabel("||dL/dx_(T-1-lag)|| (log scale)")
    ax.set_title("Gradient reaching an input lag steps back, at initialisation")
    ax.legend(frameon=False, loc="lower left")
    return ax


def forget_bias_explorer(T=60, H=32, seed=0, forget_bias=1.0, n=16):
    """A slider for the LSTM's initial forget-gate bias and a plot of gradient norm versus lag.

    Moving the slider reruns :func:`gradient_by_lag` for the LSTM (the vanilla RNN's curve is
    computed once) and replaces the Output's contents with the figure and one text line such as
    ``forget bias 1.00: f = sigmoid(bias) = 0.73 without input, |dL/dx| at lag 59 = 3.1e-08``.

    Parameters
    ----------
    T, H, seed, n : as in :func:`gradient_by_lag`
    forget_bias : float in :data:`BIAS_RANGE`, the slider's starting value

    Returns
    -------
    ipywidgets.VBox with ``children == (slider, output)``: ``slider`` is a FloatSlider described
    "forget-gate bias", ``output`` an ipywidgets.Output holding the figure and the line
    """
    import ipywidgets as widgets

    forget_bias = _bias(forget_bias)
    low, high = BIAS_RANGE
    if not low <= forget_bias <= high:
        raise ValueError(f"forget_bias={forget_bias!r} is outside the slider's range {low:g} .. "
                         f"{high:g}; start it inside, e.g. forget_bias=1.0")
    rnn_norms = gradient_by_lag("rnn", T, H, seed, n=n)
    slider = widgets.FloatSlider(value=forget_bias, min=low, max=high, step=0.25,
                                 description="forget-gate bias", readout_format=".2f",
                                 continuous_update=False, style={"description_width": "initial"},
                                 layout=widgets.Layout(width="520px"))
    output = widgets.Output()

    def redraw(change=None):
        bias = float(slider.value)
        lstm_norms = gradient_by_lag("lstm", T, H, seed, forget_bias=bias, n=n)
        png = figure_png(lambda ax: draw_gradient_by_lag(bias, lstm_norms, rnn_norms, ax))
        show_figure_and_line(output, png, f"<gradient by lag, forget bias {bias:.2f}>",
                             explorer_line(bias, lstm_norms))

    slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([slider, output])
