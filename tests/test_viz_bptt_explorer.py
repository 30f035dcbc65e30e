"""Tests for rnncourse.viz.bptt_explorer against numerical derivatives of an RNN written out here."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnncourse.gradcheck import gradient_check  # noqa: E402
from rnncourse.rnn import rnn_forward  # noqa: E402
from rnncourse.viz.bptt_explorer import (  # noqa: E402
    LOSS_PLACEMENTS,
    BPTTTrace,
    bptt_explorer,
    bptt_trace,
    describe_trace,
    example_problem,
    plot_gradient_parts,
)

N, T, D, H = 2, 5, 3, 4


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    p = {"x": rng.standard_normal((N, T, D)), "h0": 0.5 * rng.standard_normal((N, H)),
         "Wx": 0.5 * rng.standard_normal((D, H)), "Wh": 0.6 * rng.standard_normal((H, H)),
         "b": 0.2 * rng.standard_normal(H)}
    G = rng.standard_normal((N, T, H))  # the loss is sum(h * G), so dh = G
    return p, G


def _loss(p, G, Wh_steps=None, nudge=None):
    """sum_t sum(h_t * G_t), written out; Wh_steps[t] replaces Wh at step t only, and
    nudge=(t, delta) adds delta to h_t before the later steps read it."""
    h = p["h0"]
    total = 0.0
    for t in range(T):
        Wh = p["Wh"] if Wh_steps is None else Wh_steps[t]
        h = np.tanh(p["x"][:, t] @ p["Wx"] + h @ Wh + p["b"])
        if nudge is not None and nudge[0] == t:
            h = h + nudge[1]
        total += float(np.sum(h * G[:, t]))
    return total


def _scale(p, G):
    """The size of the terms the loss adds up: sum |h_t * G_t|."""
    h, _ = rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    return float(np.abs(h * G).sum())


def _trace(p, G):
    _, cache = rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    return bptt_trace(G, cache)


def test_total_is_the_total_derivative_and_splits_into_upstream_plus_future():
    p, G = _problem()
    tr = _trace(p, G)
    for t in range(T):
        delta = np.zeros((N, H))
        check = gradient_check(tr.total[:, t], lambda t=t, delta=delta: _loss(p, G, nudge=(t, delta)), delta,
                               f_scale=_scale(p, G))
        assert check.passed, check.describe(f"total[:, {t}]")
    np.testing.assert_array_equal(tr.upstream, G)
    np.testing.assert_array_equal(tr.future[:, -1], 0.0)
    np.testing.assert_allclose(tr.total, tr.upstream + tr.future, rtol=0, atol=1e-15)
    # the future part is not trivial: it differs from zero before the last step
    assert np.all(np.abs(tr.future[:, :-1]).max(axis=(0, 2)) > 1e-3)


def test_each_dWh_term_is_the_gradient_through_that_steps_use_of_Wh():
    p, G = _problem(1)
    tr = _trace(p, G)
    Wh_steps = np.stack([p["Wh"].copy() for _ in range(T)])  # (T, H, H), one private copy per step
    check = gradient_check(tr.dWh_terms, lambda: _loss(p, G, Wh_steps=Wh_steps), Wh_steps,
                           f_scale=_scale(p, G))
    assert check.passed, check.describe("dWh_terms")
    num = check.numerical
    # a sum and a norm of the terms err at most by the sum and the norm of their bounds
    assert np.all(np.abs(tr.dWh - num.sum(axis=0)) <= check.bound.sum(axis=0))
    assert np.all(np.abs(tr.contributions() - np.linalg.norm(num, axis=(1, 2)))
                  <= np.linalg.norm(check.bound, axis=(1, 2)))


def test_other_gradients_match_numerical_ones():
    p, G = _problem(2)
    tr = _trace(p, G)
    for name, got in (("Wx", tr.dWx), ("b", tr.db), ("h0", tr.dh0), ("x", tr.dx)):
        check = gradient_check(got, lambda: _loss(p, G), p[name], f_scale=_scale(p, G))
        assert check.passed, check.describe(name)


def test_trace_leaves_its_inputs_alone_and_norms_are_per_step():
    p, G = _problem(3)
    _, cache = rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    G_before = G.copy()
    cache_before = [[a.copy() for a in c] for c in cache]
    tr = bptt_trace(G, cache)
    np.testing.assert_array_equal(G, G_before)
    for c, c0 in zip(cache, cache_before):
        for a, a0 in zip(c, c0):
            np.testing.assert_array_equal(a, a0)
    norms = tr.norms()
    assert set(norms) == {"upstream", "future", "total"}
    np.testing.assert_allclose(norms["upstream"], [np.linalg.norm(G[:, t]) for t in range(T)])


def test_trace_errors_echo_the_bad_input():
    p, G = _problem()
    _, cache = rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    with pytest.raises(ValueError, match=r"dh has shape \(2, 4\); pass the upstream gradient"):
        bptt_trace(np.zeros((2, 4)), cache)
    with pytest.raises(ValueError, match=r"cache has 4 steps but dh has T=5"):
        bptt_trace(G, cache[:4])


def test_plot_gradient_parts_draws_the_three_norms_on_the_given_axes():
    p, G = _problem()
    tr = _trace(p, G)
    rc = dict(plt.rcParams)
    fig, ax = plt.subplots()
    try:
        out = plot_gradient_parts(tr, ax=ax)
        assert out is ax
        lines = ax.get_lines()
        assert len(lines) == 3
        norms = tr.norms()
        for line, name in zip(lines, ("upstream", "future", "total")):
            np.testing.assert_allclose(line.get_ydata(), norms[name])
        assert ax.get_xlabel() == "time step t"
        assert len(ax.get_legend().get_texts()) == 3
        plot_gradient_parts(tr, ax=ax, log=True)
        assert ax.get_yscale() == "log"
    finally:
        plt.close(fig)
    assert dict(plt.rcParams) == rc
    with pytest.raises(TypeError, match="got dict; make one with bptt_trace"):
        plot_gradient_parts({"total": 1})


def test_example_problem_has_the_asked_spectral_radius_and_loss_placement():
    for loss_at, steps in (("every step", range(6)), ("last step only", [5]),
                           ("middle step only", [3])):
        dh, cache = example_problem(T=6, loss_at=loss_at, radius=1.3)
        Wh = cache[0][3]
        assert max(abs(np.linalg.eigvals(Wh))) == pytest.approx(1.3, rel=1e-12)
        nonzero = [t for t in range(6) if np.any(dh[:, t] != 0)]
        assert nonzero == list(steps)
    with pytest.raises(ValueError, match="loss_at='sometimes' is not known; choose one of"):
        example_problem(loss_at="sometimes")
    with pytest.raises(ValueError, match="radius=-1 must be a finite number >= 0"):
        example_problem(radius=-1)


def test_describe_trace_prints_one_row_per_step():
    dh, cache = example_problem(T=4)
    text = describe_trace(bptt_trace(dh, cache))
    rows = text.splitlines()
    assert len(rows) == 5 and rows[0].startswith("step")
    assert rows[-1].split()[2] == "0.0000"  # no future after the last step


def test_explorer_controls_change_the_numbers_shown():
    ex = bptt_explorer(T=6)
    try:
        assert ex.loss_at.description and ex.radius.description
        first_text, first_contrib = ex.text, ex.trace.contributions()
        ex.radius.value = 1.8
        assert ex.text != first_text
        assert not np.allclose(ex.trace.contributions(), first_contrib)
        ex.loss_at.value = "last step only"
        assert np.count_nonzero(ex.trace.norms()["upstream"]) == 1
        assert isinstance(ex.trace, BPTTTrace)
        assert set(ex.loss_at.options) == set(LOSS_PLACEMENTS)
    finally:
        plt.close("all")
