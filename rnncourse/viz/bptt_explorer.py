"""Looking inside backpropagation through time: where each step's gradient comes from, and what
each step adds to ``dWh``.

Full BPTT (:func:`rnncourse.rnn.rnn_backward`) walks back from the last step. At step t the
total gradient of the loss with respect to the hidden state is a sum of two parts::

    total[t] = upstream[t] + future[t]
    upstream[t] = dh[:, t]                       the paths that leave the RNN at step t
    future[t]   = the gradient arriving through h_{t+1}   (zero at the last step)

and the shared weight's gradient is the sum of one term per step,
``dWh = sum_t h_{t-1}^T (total[t] * (1 - h_t**2))``. :func:`bptt_trace` records all of these;
:func:`plot_gradient_parts` draws the three norms per step; :func:`bptt_explorer` is an ipywidgets
explorer (where the loss sits, the spectral radius of ``Wh``) that redraws both figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator

from rnncourse.rnn.core import rnn_forward, rnn_step_backward
from rnncourse.viz.curves import plot_time_contributions
from rnncourse.viz.palette import OKABE_ITO

#: Where the explorer puts the loss: name -> which steps of T get an upstream gradient.
LOSS_PLACEMENTS = {
    "every step": lambda T: list(range(T)),
    "last step only": lambda T: [T - 1],
    "middle step only": lambda T: [T // 2],
}

_PARTS = (  # (field, legend label, colour, marker, line style)
    ("upstream", "upstream part  dh[:, t]", OKABE_ITO["orange"], "s", "--"),
    ("future", "from the future (through h\u209c\u208a\u2081)", OKABE_ITO["bluish green"], "^", ":"),
    ("total", "total  dL/dh\u209c", OKABE_ITO["blue"], "o", "-"),
)


@dataclass(frozen=True)
class BPTTTrace:
    """What full BPTT computed at every step (arrays are new; the inputs are untouched).

    Attributes
    ----------
    upstream : ndarray of shape (N, T, H), ``dh[:, t]``, the gradient leaving the RNN at step t
    future : ndarray of shape (N, T, H), the gradient reaching ``h_t`` through ``h_{t+1}``
        (zero at the last step)
    total : ndarray of shape (N, T, H), ``upstream + future``, the total derivative dL/dh_t
    dWh_terms : ndarray of shape (T, H, H), step t's term of ``dWh`` (they sum to ``dWh``)
    dx : (N, T, D), dh0 : (N, H), dWx : (D, H), dWh : (H, H), db : (H,), as from ``rnn_backward``
    """

    upstream: np.ndarray
    future: np.ndarray
    total: np.ndarray
    dWh_terms: np.ndarray
    dx: np.ndarray
    dh0: np.ndarray
    dWx: np.ndarray
    dWh: np.ndarray
    db: np.ndarray

    def norms(self):
        """dict ``{"upstream", "future", "total"}`` -> ndarray of shape (T,): the Frobenius norm
        over the batch and hidden units of that part at every step."""
        return {name: np.sqrt((getattr(self, name) ** 2).sum(axis=(0, 2))) for name, *_ in _PARTS}

    def contributions(self):
        """ndarray of shape (T,): the Frobenius norm of each step's term of ``dWh``."""
        return np.sqrt((self.dWh_terms**2).sum(axis=(1, 2)))


def bptt_trace(dh, cache):
    """Run full BPTT with the library's step backward and record every intermediate.

    Parameters
    ----------
    dh : ndarray of shape (N, T, H), the upstream gradient (as for ``rnn_backward``); not modified
    cache : list of T step caches from :func:`rnncourse.rnn.rnn_forward`

    Returns
    -------
    BPTTTrace
    """
    dh = np.asarray(dh)
    if dh.ndim != 3:
        raise ValueError(f"dh has shape {dh.shape}; pass the upstream gradient of shape (N, T, H)")
    N, T, H = dh.shape
    if len(cache) != T:
        raise ValueError(
            f"cache has {len(cache)} steps but dh has T={T}; pass the cache that rnn_forward "
            "returned for the same sequence"
        )
    D = cache[0][0].shape[1]
    dtype = np.result_type(dh, cache[0][0])
    upstream = np.array(dh, dtype=dtype, copy=True)
    future = np.zeros((N, T, H), dtype=dtype)
    total = np.zeros((N, T, H), dtype=dtype)
    dx = np.zeros((N, T, D), dtype=dtype)
    dWh_terms = np.zeros((T, H, H), dtype=dtype)
    dWx = np.zeros((D, H), dtype=dtype)
    db = np.zeros(H, dtype=dtype)
    dh_future = np.zeros((N, H), dtype=dtype)
    for t in reversed(range(T)):
        future[:, t] = dh_future
        total[:, t] = upstream[:, t] + dh_future
        dx[:, t], dh_future, dWx_t, dWh_terms[t], db_t = rnn_step_backward(total[:, t], cache[t])
        dWx += dWx_t
        db += db_t
    return BPTTTrace(upstream, future, total, dWh_terms, dx, dh_future, dWx,
                     dWh_terms.sum(axis=0), db)


def plot_gradient_parts(trace, ax=None, log=False, title="Upstream plus future, step by step"):
    """Draw, per time step, the norms of the upstream part, the part from the future and their sum.

    Parameters
    ----------
    trace : BPTTTrace from :func:`bptt_trace`
    ax : matplotlib Axes or None; None creates a new figure
    log : bool, logarithmic norm axis (exact zeros are then left out)
    title : str

    Returns
    -------
    ax : the Axes drawn on
    """
    if not isinstance(trace, BPTTTrace):
        raise TypeError(
            f"plot_gradient_parts needs a BPTTTrace, got {type(trace).__name__}; "
            "make one with bptt_trace(dh, cache)"
        )
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6.4, 4.0))
    norms = trace.norms()
    steps = np.arange(trace.total.shape[1])
    for name, label, color, marker, ls in _PARTS:
        wide = name == "total"  # drawn wide and underneath, so the parts stay visible on top of it
        ax.plot(steps, norms[name], color=color, marker=marker, ls=ls, lw=4.0 if wide else 1.8,
                ms=11 if wide else 6, alpha=0.4 if wide else 1.0, zorder=2 if wide else 3,
                label=label)
    if log:
        ax.set_yscale("log", nonpositive="mask")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("time step t")
    ax.set_ylabel("norm over batch and hidden units")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False, fontsize="small")
    return ax


# ----------------------------------------------------------------------------- the explorer
def example_problem(T=10, H=4, D=3, N=2, loss_at="every step", radius=0.9, seed=0):
    """A small seeded RNN and upstream gradient for exploring BPTT.

    ``Wh`` is ``radius`` times a random orthogonal matrix, so its spectral radius is exactly
    ``radius``; ``dh`` is standard normal at the steps that ``loss_at`` names and zero elsewhere.

    Parameters
    ----------
    T, H, D, N : ints >= 1, the sizes
    loss_at : one of the keys of :data:`LOSS_PLACEMENTS`
    radius : float >= 0, the spectral radius of ``Wh``
    seed : int

    Returns
    -------
    dh : ndarray of shape (N, T, H)
    cache : the list of step caches from ``rnn_forward``
    """
    if loss_at not in LOSS_PLACEMENTS:
        raise ValueError(f"loss_at={loss_at!r} is not known; choose one of {list(LOSS_PLACEMENTS)}")
    if not np.isfinite(radius) or radius < 0:
        raise ValueError(f"radius={radius!r} must be a finite number >= 0, e.g. 0.9")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, T, D))
    Wx = 0.5 * rng.standard_normal((D, H))
    Q, _ = np.linalg.qr(rng.standard_normal((H, H)))  # orthogonal: every eigenvalue has |.| = 1
    Wh = radius * Q
    b = np.zeros(H)
    h0 = np.zeros((N, H))
    _, cache = rnn_forward(x, h0, Wx, Wh, b)
    dh = np.zeros((N, T, H))
    steps = LOSS_PLACEMENTS[loss_at](T)
    dh[:, steps] = rng.standard_normal((N, len(steps), H))
    return dh, cache


def describe_trace(trace):
    """Plain-text table of the per-step norms of a :class:`BPTTTrace` (what the figures show)."""
    norms, contrib = trace.norms(), trace.contributions()
    lines = ["step  |upstream|  |future|   |total|   |dWh term|"]
    for t in range(len(contrib)):
        lines.append(f"{t:>4}  {norms['upstream'][t]:9.4f}  {norms['future'][t]:8.4f}  "
                     f"{norms['total'][t]:8.4f}  {contrib[t]:10.4f}")
    return "\n".join(lines)


class BPTTExplorer:
    """Controls and figures of :func:`bptt_explorer`.

    Attributes
    ----------
    loss_at : ipywidgets.Dropdown, where the loss sits
    radius : ipywidgets.FloatSlider, the spectral radius of Wh
    output : ipywidgets.Output, the two figures and the table of numbers
    widget : ipywidgets.VBox holding all of them (displayed when the explorer is)
    trace : BPTTTrace of the current setting
    text : str, the table printed under the figures
    """

    def __init__(self, T=10, H=4, D=3, N=2, seed=0):
        import ipywidgets as widgets

        self.sizes = {"T": T, "H": H, "D": D, "N": N, "seed": seed}
        self.loss_at = widgets.Dropdown(options=list(LOSS_PLACEMENTS), value="every step",
                                        description="loss at")
        self.radius = widgets.FloatSlider(value=0.9, min=0.1, max=2.0, step=0.1,
                                          description="radius of Wh", continuous_update=False,
                                          style={"description_width": "initial"})
        self.output = widgets.Output()
        self.widget = widgets.VBox([widgets.HBox([self.loss_at, self.radius]), self.output])
        self.trace, self.text = None, ""
        self.loss_at.observe(self._changed, names="value")
        self.radius.observe(self._changed, names="value")
        self.update()

    def _changed(self, _change):
        self.update()

    def update(self):
        """Recompute the trace for the current control values and redraw the figures."""
        import matplotlib.pyplot as plt
        from IPython.display import display

        dh, cache = example_problem(loss_at=self.loss_at.value, radius=self.radius.value,
                                    **self.sizes)
        self.trace = bptt_trace(dh, cache)
        self.text = describe_trace(self.trace)
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8), dpi=72)
        plot_gradient_parts(self.trace, ax=ax1)
        plot_time_contributions(self.trace.dWh_terms, ax=ax2)
        fig.suptitle(f"loss at {self.loss_at.value}, spectral radius of Wh = "
                     f"{self.radius.value:.1f}")
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.82, wspace=0.25)
        with self.output:
            self.output.clear_output(wait=True)
            display(fig)
            print(self.text)
        plt.close(fig)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def bptt_explorer(T=10, H=4, D=3, N=2, seed=0):
    """An ipywidgets explorer of BPTT: choose where the loss sits and the spectral radius of
    ``Wh``; it redraws the upstream/future/total norms per step and each step's ``dWh`` term, and
    prints the numbers. Display the returned :class:`BPTTExplorer` (last line of a cell)."""
    return BPTTExplorer(T=T, H=H, D=D, N=N, seed=seed)
