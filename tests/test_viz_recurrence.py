"""Tests for rnncourse.viz.recurrence: lag_counts against hand-counted tables, plot_counts and
plot_count_tables (one shared colour scale, one colour bar)."""

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnncourse.viz.recurrence import lag_counts, plot_count_tables, plot_counts

INPUTS = np.array([[1, 2, 1, 1],
                   [2, 2, 1, 2]])
TARGETS = np.array([[0, 1, 2, 1],
                    [0, 2, 2, 1]])


def test_lag_counts_same_step_by_hand():
    # pairs (input, target) at the same step: (1,0) (2,1) (1,2) (1,1) (2,0) (2,2) (1,2) (2,1)
    expected = np.zeros((3, 3), dtype=np.int64)
    for i, j in [(1, 0), (2, 1), (1, 2), (1, 1), (2, 0), (2, 2), (1, 2), (2, 1)]:
        expected[i, j] += 1
    got = lag_counts(INPUTS, TARGETS, 0, 3, 3)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == np.int64


def test_lag_counts_one_step_back_by_hand():
    # target at t paired with input at t-1: row 0: (1,1) (2,2) (1,1); row 1: (2,2) (2,2) (1,1)
    expected = np.array([[0, 0, 0], [0, 3, 0], [0, 0, 3]])
    np.testing.assert_array_equal(lag_counts(INPUTS, TARGETS, 1, 3, 3), expected)


def test_lag_counts_mask_drops_targets():
    mask = np.array([[True, True, False, True],
                     [False, False, False, True]])
    # kept targets with t >= 1: (0,1): input 1 -> 1; (0,3): input 1 -> 1; (1,3): input 1 -> 1
    expected = np.array([[0, 0, 0], [0, 3, 0], [0, 0, 0]])
    np.testing.assert_array_equal(lag_counts(INPUTS, TARGETS, 1, 3, 3, mask=mask), expected)


def test_lag_counts_total_and_no_mutation():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 4, size=(5, 9))
    b = rng.integers(0, 3, size=(5, 9))
    a0, b0 = a.copy(), b.copy()
    counts = lag_counts(a, b, 3, 4, 3)
    assert counts.shape == (4, 3)
    assert counts.sum() == 5 * (9 - 3)
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)


@pytest.mark.parametrize("kwargs, words", [
    ({"lag": 4}, "lag=4 must be a whole number in 0 .. T-1 = 3"),
    ({"lag": -1}, "lag=-1"),
    ({"lag": True}, "lag=True"),
    ({"num_inputs": 2}, "raise num_inputs to at least 3"),
    ({"num_targets": 2}, "raise num_targets to at least 3"),
])
def test_lag_counts_errors(kwargs, words):
    args = {"lag": 1, "num_inputs": 3, "num_targets": 3, **kwargs}
    with pytest.raises(ValueError, match=words.replace(".", r"\.")):
        lag_counts(INPUTS, TARGETS, **args)


def test_lag_counts_shape_errors():
    with pytest.raises(ValueError, match=r"must both have shape \(N, T\)"):
        lag_counts(INPUTS[0], TARGETS[0], 0, 3, 3)
    with pytest.raises(ValueError, match="mask has shape"):
        lag_counts(INPUTS, TARGETS, 0, 3, 3, mask=np.ones((2, 3), dtype=bool))


def test_plot_counts_writes_every_count_and_labels():
    before = dict(plt.rcParams)
    counts = np.array([[5, 0], [1, 12], [3, 3]])
    fig, ax = plt.subplots()
    out = plot_counts(counts, ax=ax, row_label="x[t-2]", col_label="y[t]",
                      row_names=["a", "b", "c"], col_names=["p", "q"], title="T")
    assert out is ax
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(["5", "0", "1", "12", "3", "3"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["p", "q"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "y[t]" and ax.get_ylabel() == "x[t-2]" and ax.get_title() == "T"
    # the brightest cell gets dark text, a dark cell light text
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours["12"] == "black" and colours["0"] == "white"
    assert dict(plt.rcParams) == before
    plt.close(fig)


def test_plot_counts_new_figure_and_errors():
    ax = plot_counts(np.zeros((2, 2), dtype=int))  # all zeros must not divide by zero
    assert len(ax.texts) == 4
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="pass a non-empty 2-D table"):
        plot_counts(np.zeros(3))
    with pytest.raises(ValueError, match="give one name per row and per column"):
        plot_counts(np.zeros((2, 2)), row_names=["a"])


def test_plot_counts_vmax_sets_the_colour_scale_and_the_text_colour():
    fig, ax = plt.subplots()
    plot_counts(np.array([[10, 0], [0, 10]]), ax=ax, vmax=100)
    assert ax.images[0].get_clim() == (0, 100)
    # 10 of 100 is a dark cell, so its number is written in white
    assert {t.get_color() for t in ax.texts} == {"white"}
    plt.close(fig)
    for bad in (0, -1, np.inf, "10", True):
        with pytest.raises(ValueError, match="must be a positive number"):
            plot_counts(np.ones((2, 2)), vmax=bad)


def test_plot_count_tables_share_one_scale_and_one_colour_bar():
    before = dict(plt.rcParams)
    small = np.array([[1, 2], [3, 4]])
    large = np.array([[40, 0], [0, 30]])
    fig, axes = plt.subplots(1, 2)
    out, bar = plot_count_tables([small, large], axes=axes, row_labels=["x[t]", "x[t-2]"],
                                 col_label="y[t]", titles=["same", "two back"])
    assert out == list(axes)
    # the same colour limits in every panel: 0 .. the largest count of all tables
    assert [ax.images[0].get_clim() for ax in axes] == [(0, 40), (0, 40)]
    # exactly one colour bar, labelled, and its scale is the shared one
    assert len(fig.axes) == 3
    assert bar.ax.get_ylabel() == "count"
    assert bar.mappable.get_clim() == (0, 40)
    assert [ax.get_ylabel() for ax in axes] == ["x[t]", "x[t-2]"]
    assert [ax.get_title() for ax in axes] == ["same", "two back"]
    assert all(ax.get_xlabel() == "y[t]" for ax in axes)
    # on the shared scale the small table's cells are all dark (white text)
    assert {t.get_color() for t in axes[0].texts} == {"white"}
    assert dict(plt.rcParams) == before
    plt.close(fig)


def test_plot_count_tables_new_figure_and_errors():
    axes, bar = plot_count_tables([np.zeros((2, 2), dtype=int)] * 3)  # all zeros: no division by 0
    assert len(axes) == 3 and len(axes[0].figure.axes) == 4
    assert axes[0].images[0].get_clim() == (0, 1)
    plt.close(axes[0].figure)
    with pytest.raises(ValueError, match="tables is empty"):
        plot_count_tables([])
    with pytest.raises(ValueError, match="table 1 has shape"):
        plot_count_tables([np.ones((2, 2)), np.ones(3)])
    fig, axes = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="got 2 tables but 1 titles; give one per table"):
        plot_count_tables([np.ones((2, 2))] * 2, axes=axes, titles=["one"])
    with pytest.raises(ValueError, match="got 3 tables but 2 axes"):
        plot_count_tables([np.ones((2, 2))] * 3, axes=axes)
    plt.close(fig)
