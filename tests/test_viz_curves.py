"""rnncourse.viz.curves: what each plot draws (artists counted), that it draws on the given axes,
returns them, leaves inputs and global matplotlib state alone, and rejects bad input clearly."""

import copy
from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from rnncourse.viz import curves
from rnncourse.viz.curves import (
    OKABE_ITO,
    plot_decision_boundary,
    plot_gradient_flow,
    plot_loss_curves,
    plot_sequence_prediction,
    plot_time_contributions,
)


@pytest.fixture(autouse=True)
def agg_backend():
    """Draw with Agg, and put the previous backend back afterwards."""
    import matplotlib.pyplot as plt

    previous = matplotlib.get_backend()
    plt.switch_backend("Agg")
    yield
    plt.close("all")
    plt.switch_backend(previous)


def new_ax():
    """Axes on a figure that pyplot does not track (no global figure registry involved)."""
    return Figure().add_subplot()


def snapshot_rcparams():
    return copy.deepcopy(dict(matplotlib.rcParams))


def rendered(ax):
    """Draw the figure to make sure it renders, then return ax."""
    ax.figure.canvas.draw()
    return ax


def solid_lines(ax):
    return [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]


def dashed_lines(ax):
    return [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]


# ----------------------------------------------------------------------------- loss curves
def test_loss_curves_one_sequence_draws_one_line_with_labels():
    ax = new_ax()
    out = plot_loss_curves([2.0, 1.5, 1.0, 0.8], ax=ax)
    assert out is ax
    rendered(ax)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), [2.0, 1.5, 1.0, 0.8])
    np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2, 3])
    assert ax.get_xlabel() == "iteration" and ax.get_ylabel() == "loss"
    assert ax.get_title()
    assert ax.get_legend() is None


def test_loss_curves_several_histories_with_chance_and_legend():
    ax = new_ax()
    hist = SimpleNamespace(loss=np.array([1.2, 1.0, 0.9]))
    plot_loss_curves([hist, [1.1, 0.7]], ax=ax, labels=["a", "b"], chance=np.log(3))
    rendered(ax)
    assert len(solid_lines(ax)) == 2
    (chance,) = dashed_lines(ax)
    np.testing.assert_allclose(chance.get_ydata(), [np.log(3)] * 2)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["a", "b", "chance (1.1)"]
    # distinct Okabe-Ito colours
    colours = {to_hex(ln.get_color()).upper() for ln in solid_lines(ax)}
    assert len(colours) == 2 and colours <= set(OKABE_ITO.values())


def test_loss_curves_from_2d_array_and_dict():
    ax = new_ax()
    plot_loss_curves(np.ones((3, 5)), ax=ax)
    assert len(ax.get_lines()) == 3
    ax = new_ax()
    plot_loss_curves({"train": [1, 0.5], "val": [1.1, 0.7]}, ax=ax)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "val"]


def test_loss_curves_smoothing_is_a_trailing_moving_average():
    ax = new_ax()
    raw = np.array([4.0, 0.0, 2.0, 6.0, 1.0])
    plot_loss_curves(raw, ax=ax, smooth=2)
    faint, smooth = ax.get_lines()
    np.testing.assert_array_equal(faint.get_ydata(), raw)
    assert faint.get_alpha() < 1
    # by hand: first value alone, then means of consecutive pairs
    np.testing.assert_allclose(smooth.get_ydata(), [4.0, 2.0, 1.0, 4.0, 3.5])


def test_loss_curves_log_scale():
    ax = plot_loss_curves([1.0, 0.1, 0.01], ax=new_ax(), log=True)
    assert ax.get_yscale() == "log"
    assert "log" in ax.get_ylabel()


def test_loss_curves_does_not_mutate_input():
    raw = np.array([3.0, 2.0, 1.0])
    before = raw.copy()
    plot_loss_curves(raw, ax=new_ax(), smooth=2)
    np.testing.assert_array_equal(raw, before)


@pytest.mark.parametrize(
    "args,kwargs,match",
    [
        (([1.0, 2.0],), dict(labels=["a", "b"]), r"labels=\['a', 'b'\] has 2 entries but there are 1 histories"),
        (([1.0, 2.0],), dict(smooth=0), r"smooth=0 must be a window length >= 1 or None, e\.g\. smooth=20"),
        (([1.0, 0.0],), dict(log=True), r"log=True needs positive losses but the smallest is 0\.0; use log=False"),
        (([],), {}, r"no histories to plot: got an empty sequence"),
        (([[1.0, 2.0], "ab"],), {}, r"history 1 is not a sequence of numbers"),
        (("loss",), {}, r"histories must be a sequence of numbers.*got str"),
        (({},), {}, r"no histories to plot: got an empty dict"),
        (([1.0],), dict(chance="high"), r"chance='high' must be a number"),
    ],
)
def test_loss_curves_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_loss_curves(*args, ax=new_ax(), **kwargs)


# ----------------------------------------------------------------------------- decision boundary
def quadrant_predict(P):
    """Class 1 right of x = 0, class 0 left: a rule we can check pixel by pixel."""
    return (P[:, 0] > 0).astype(int)


def test_decision_boundary_regions_and_points():
    X = np.array([[-1.0, 0.0], [-0.5, 1.0], [1.0, -1.0], [0.5, 0.5], [0.7, 0.1]])
    y = np.array([0, 0, 1, 1, 1])
    X0, y0 = X.copy(), y.copy()
    ax = new_ax()
    out = plot_decision_boundary(quadrant_predict, X, y, ax=ax, resolution=50)
    assert out is ax
    rendered(ax)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 2  # one per class
    np.testing.assert_array_equal(scatters[0].get_offsets(), X[y == 0])
    np.testing.assert_array_equal(scatters[1].get_offsets(), X[y == 1])
    assert len(ax.collections) == 3  # the filled contour set plus the two scatters
    assert ax.get_xlim()[0] < -1.0 and ax.get_xlim()[1] > 1.0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_decision_boundary_accepts_scores_and_asks_predict_for_the_grid():
    seen = {}

    def scores(P):
        seen["shape"] = P.shape
        return np.column_stack([-P[:, 1], P[:, 1], np.zeros(len(P))])  # (M, 3)

    X = np.array([[0.0, -1.0], [0.0, 1.0], [1.0, 0.5]])
    plot_decision_boundary(scores, X, np.array([0, 1, 2]), ax=new_ax(), resolution=30)
    assert seen["shape"] == (900, 2)


@pytest.mark.parametrize(
    "predict,X,y,kwargs,match",
    [
        ("model", [[0, 0]], [0], {}, r"predict must be a function.*got str"),
        (quadrant_predict, [[0, 0, 0]], [0], {}, r"X has shape \(1, 3\); it must be \(N, 2\)"),
        (quadrant_predict, [[0, 0], [1, 1]], [0.5, 1.0], {}, r"y has shape \(2,\) and dtype float64"),
        (quadrant_predict, [[0, 0], [1, 1]], [0], {}, r"y has shape \(1,\).*must be \(2,\)"),
        (quadrant_predict, [[0, 0], [1, 1]], [0, 1], dict(resolution=1), r"resolution=1 must be a whole number >= 2"),
        (lambda P: P[:5, 0], [[0, 0], [1, 1]], [0, 1], {}, r"predict returned shape \(5,\) for 400 grid points"),
        (lambda P: P[:, 0] + 0.5, [[0, 0], [1, 1]], [0, 1], {}, r"non-negative integer labels"),
        (lambda P: np.full(len(P), 9), [[0, 0], [1, 1]], [0, 1], {}, r"10 classes found but only 7"),
    ],
)
def test_decision_boundary_errors(predict, X, y, kwargs, match):
    kwargs.setdefault("resolution", 20)
    with pytest.raises(ValueError, match=match):
        plot_decision_boundary(predict, np.array(X, dtype=float), np.array(y), ax=new_ax(), **kwargs)


# ----------------------------------------------------------------------------- gradient flow
def test_gradient_flow_one_curve_per_row_on_log_axis():
    lags = np.arange(10)
    norms = np.stack([0.5**lags, 1.5**lags])  # (2, 10)
    ax = new_ax()
    out = plot_gradient_flow(norms, ax=ax, labels=["vanishing", "exploding"])
    assert out is ax
    rendered(ax)
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[1].get_ydata(), 1.5**lags)
    assert ax.get_yscale() == "log"
    assert "lag" in ax.get_xlabel() and "norm" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["vanishing", "exploding"]


def test_gradient_flow_ragged_list_linear_axis_and_zeros_allowed():
    ax = plot_gradient_flow([[1.0, 0.5, 0.0], [1.0, 2.0]], ax=new_ax(), log=False, xlabel="time step t")
    assert [len(ln.get_ydata()) for ln in ax.get_lines()] == [3, 2]
    assert ax.get_yscale() == "linear" and ax.get_xlabel() == "time step t"
    # exact zeros (a truncation window) are fine on a log axis too
    rendered(plot_gradient_flow([1.0, 0.1, 0.0, 0.0], ax=new_ax()))


def test_gradient_flow_errors():
    with pytest.raises(ValueError, match=r"norm curve 0 has a negative entry \(-1\.0\); norms are >= 0"):
        plot_gradient_flow([1.0, -1.0], ax=new_ax())
    with pytest.raises(ValueError, match=r"labels=\['x'\] has 1 entries but there are 2 norm curves"):
        plot_gradient_flow([[1.0], [2.0]], ax=new_ax(), labels=["x"])


# ----------------------------------------------------------------------------- time contributions
def test_time_contributions_one_bar_per_step():
    ax = new_ax()
    out = plot_time_contributions([0.1, 0.3, 0.2, 1.0], ax=ax)
    assert out is ax
    rendered(ax)
    bars = ax.patches
    assert len(bars) == 4
    np.testing.assert_allclose([b.get_height() for b in bars], [0.1, 0.3, 0.2, 1.0])
    assert ax.get_xlabel() == "time step t" and "dWh" in ax.get_ylabel()


def test_time_contributions_takes_frobenius_norms_of_matrices():
    terms = np.zeros((3, 2, 2))
    terms[0] = [[3.0, 0.0], [0.0, 4.0]]  # norm 5
    terms[2] = [[1.0, 1.0], [1.0, 1.0]]  # norm 2
    before = terms.copy()
    ax = plot_time_contributions(terms, ax=new_ax())
    np.testing.assert_allclose([b.get_height() for b in ax.patches], [5.0, 0.0, 2.0])
    np.testing.assert_array_equal(terms, before)


def test_time_contributions_errors():
    with pytest.raises(ValueError, match=r"contribs has shape \(2, 3\); pass \(T,\) per-step sizes or \(T, H, H\)"):
        plot_time_contributions(np.ones((2, 3)), ax=new_ax())
    with pytest.raises(ValueError, match=r"contribs has a negative entry \(-2\.0\)"):
        plot_time_contributions([1.0, -2.0], ax=new_ax())


# ----------------------------------------------------------------------------- sequence prediction
def test_sequence_prediction_picks_a_sample_and_shifts_targets():
    x = np.arange(12, dtype=float).reshape(2, 6, 1)  # (N, T, 1)
    y = x + 1
    pred = y + 0.1
    ax = new_ax()
    out = plot_sequence_prediction(x, y, pred, ax=ax, sample=1)
    assert out is ax
    rendered(ax)
    inp, tgt, prd = ax.get_lines()
    np.testing.assert_array_equal(inp.get_xdata(), np.arange(6))
    np.testing.assert_array_equal(inp.get_ydata(), x[1, :, 0])
    np.testing.assert_array_equal(tgt.get_xdata(), np.arange(1, 7))
    np.testing.assert_array_equal(tgt.get_ydata(), y[1, :, 0])
    np.testing.assert_array_equal(prd.get_ydata(), pred[1, :, 0])
    assert tgt.get_linestyle() == "--"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["input", "target", "prediction"]


def test_sequence_prediction_without_predictions_and_1d():
    ax = plot_sequence_prediction(np.zeros(5), np.ones((5, 1)), ax=new_ax(), shift=0)
    assert len(ax.get_lines()) == 2
    np.testing.assert_array_equal(ax.get_lines()[1].get_xdata(), np.arange(5))


def test_sequence_prediction_errors():
    with pytest.raises(ValueError, match=r"inputs has shape \(2, 5\); pass \(N, T, 1\)"):
        plot_sequence_prediction(np.zeros((2, 5)), np.zeros((2, 5)), ax=new_ax())
    with pytest.raises(ValueError, match=r"targets have 4 steps but inputs have 5"):
        plot_sequence_prediction(np.zeros(5), np.zeros(4), ax=new_ax())
    with pytest.raises(ValueError, match=r"sample=3 is out of range for inputs with 2 sequences"):
        plot_sequence_prediction(np.zeros((2, 5, 1)), np.zeros((2, 5, 1)), ax=new_ax(), sample=3)
    with pytest.raises(ValueError, match=r"shift=-1 must be a whole number >= 0"):
        plot_sequence_prediction(np.zeros(5), np.zeros(5), ax=new_ax(), shift=-1)


# ----------------------------------------------------------------------------- shared behaviour
ALL_PLOTS = {
    "loss": lambda ax: plot_loss_curves([[3.0, 2.0, 1.0], [2.0, 1.5, 1.0]], ax=ax, smooth=2, chance=1.0, log=True),
    "boundary": lambda ax: plot_decision_boundary(
        quadrant_predict, np.array([[-1.0, 0.0], [1.0, 1.0]]), np.array([0, 1]), ax=ax, resolution=20
    ),
    "flow": lambda ax: plot_gradient_flow([1.0, 0.5, 0.25], ax=ax),
    "contrib": lambda ax: plot_time_contributions([0.2, 0.5, 1.0], ax=ax),
    "sequence": lambda ax: plot_sequence_prediction(np.zeros(4), np.ones(4), np.ones(4), ax=ax),
}


@pytest.mark.parametrize("name", sorted(ALL_PLOTS))
def test_given_axes_is_used_and_global_state_is_untouched(name):
    import matplotlib.pyplot as plt

    before = snapshot_rcparams()
    figures_before = plt.get_fignums()
    ax = new_ax()
    assert ALL_PLOTS[name](ax) is ax
    rendered(ax)
    assert snapshot_rcparams() == before
    assert plt.get_fignums() == figures_before  # no stray pyplot figure when ax is given


@pytest.mark.parametrize("name", sorted(ALL_PLOTS))
def test_without_axes_a_new_figure_is_made(name):
    import matplotlib.pyplot as plt

    before = snapshot_rcparams()
    n_figures = len(plt.get_fignums())
    ax = ALL_PLOTS[name](None)
    assert ax is not None and ax.figure.number in plt.get_fignums()
    assert len(plt.get_fignums()) == n_figures + 1
    assert snapshot_rcparams() == before
    plt.close(ax.figure)


def test_palette_is_okabe_ito():
    assert OKABE_ITO["orange"] == "#E69F00" and OKABE_ITO["bluish green"] == "#009E73"
    assert len(set(curves.LINE_COLORS)) == 8 and set(curves.CLASS_COLORS) <= set(OKABE_ITO.values())
