"""The teaching LSTM (rnncourse.rnn.lstm) against central-difference gradients, in float64, and
a GRU step checked by hand.

Every analytic gradient is compared with central differences of a scalar loss
``L = sum(h * G) (+ sum(c * Gc))`` for fixed random ``G``, so ``dL/dh = G`` is the upstream
gradient, within the error bound of central differences (``gradient_check``). The tests also
prove that the check can fail: a deliberately wrong backward is flagged.
"""

import numpy as np
import pytest

from rnncourse.gradcheck import gradient_check
from rnncourse.rnn import (
    gru_forward,
    gru_step_forward,
    lstm_backward,
    lstm_forward,
    lstm_forward_from,
    lstm_step_backward,
    lstm_step_forward,
    sigmoid,
)

SHAPES = [(1, 1, 3, 4), (1, 5, 2, 3), (3, 1, 4, 2), (2, 4, 5, 3), (3, 6, 3, 5)]  # (N, T, D, H)


def make_params(N, D, H, seed, T=None):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, D) if T is None else (N, T, D))
    h0 = rng.standard_normal((N, H))
    c0 = rng.standard_normal((N, H))
    Wx = 0.4 * rng.standard_normal((D, 4 * H))
    Wh = 0.4 * rng.standard_normal((H, 4 * H))
    b = 0.2 * rng.standard_normal(4 * H)
    return x, h0, c0, Wx, Wh, b


def _step_gradcheck(N, D, H, backward=lstm_step_backward):
    """The gradient check of every gradient of one step, by name."""
    x, h_prev, c_prev, Wx, Wh, b = make_params(N, D, H, seed=N * 100 + D * 10 + H)
    rng = np.random.default_rng(1)
    G, Gc = rng.standard_normal((N, H)), rng.standard_normal((N, H))

    def loss():
        h, c, _ = lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
        return float(np.sum(h * G) + np.sum(c * Gc))

    h, c, cache = lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
    scale = np.abs(h * G).sum() + np.abs(c * Gc).sum()
    grads = backward(G, Gc, cache)
    names = ("x", "h_prev", "c_prev", "Wx", "Wh", "b")
    arrays = (x, h_prev, c_prev, Wx, Wh, b)
    return {n: gradient_check(g, loss, a, f_scale=scale) for n, g, a in zip(names, grads, arrays)}


@pytest.mark.parametrize("N,D,H", [(1, 3, 4), (3, 4, 2), (2, 5, 5), (4, 2, 6)])
def test_step_backward_matches_numerical_gradient(N, D, H):
    for name, check in _step_gradcheck(N, D, H).items():
        assert check.passed, check.describe(name)


def test_the_gradient_check_catches_a_wrong_backward():
    """Test the tester: the sigmoid derivative written as for tanh must be caught."""
    def wrong(dh_next, dc_next, cache):
        x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next = cache
        tc = np.tanh(c_next)
        dc = dc_next + dh_next * o * (1 - tc**2)
        da = np.concatenate([dc * g * (1 - i**2), dc * c_prev * (1 - f**2),
                             dc * i * (1 - g**2), dh_next * tc * (1 - o**2)], axis=1)
        return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)

    checks = _step_gradcheck(2, 3, 4, backward=wrong)
    assert not checks["Wx"].passed and not checks["b"].passed
    assert checks["c_prev"].passed  # the additive path does not go through the gates


@pytest.mark.parametrize("factor", [1.01, 0.99])
def test_the_gradient_check_catches_a_backward_off_by_one_percent(factor):
    def off(dh_next, dc_next, cache):
        return tuple(factor * g for g in lstm_step_backward(dh_next, dc_next, cache))

    checks = _step_gradcheck(1, 3, 4, backward=off)
    assert not any(check.passed for check in checks.values()), checks


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_sequence_backward_matches_numerical_gradient(N, T, D, H):
    x, h0, _, Wx, Wh, b = make_params(N, D, H, seed=7 * T + H, T=T)
    G = np.random.default_rng(2).standard_normal((N, T, H))

    def loss():
        return float(np.sum(lstm_forward(x, h0, Wx, Wh, b)[0] * G))

    h, cache = lstm_forward(x, h0, Wx, Wh, b)
    dx, dh0, dWx, dWh, db = lstm_backward(G, cache)
    for name, analytic, arr in [("x", dx, x), ("h0", dh0, h0), ("Wx", dWx, Wx),
                                ("Wh", dWh, Wh), ("b", db, b)]:
        assert analytic.shape == arr.shape, name
        check = gradient_check(analytic, loss, arr, f_scale=np.abs(h * G).sum())
        assert check.passed, check.describe(name)


def test_sequence_backward_is_only_a_loop_over_the_step_backward():
    x, h0, _, Wx, Wh, b = make_params(2, 3, 4, seed=3, T=5)
    G = np.random.default_rng(4).standard_normal((2, 5, 4))
    _, cache = lstm_forward(x, h0, Wx, Wh, b)
    dh, dc = np.zeros((2, 4)), np.zeros((2, 4))
    for t in reversed(range(5)):
        _, dh, dc, *_ = lstm_step_backward(G[:, t] + dh, dc, cache[t])
    assert np.allclose(lstm_backward(G, cache)[1], dh, rtol=0, atol=1e-14)


def test_step_forward_by_hand_and_the_gate_order():
    """N = 1, D = 1, H = 1: blocks i, f, g, o are the columns of Wx in that order."""
    x, h, c = np.array([[1.0]]), np.array([[0.0]]), np.array([[2.0]])
    Wx = np.array([[0.5, 1.0, -0.5, 2.0]])  # a_i, a_f, a_g, a_o for x = 1
    Wh, b = np.zeros((1, 4)), np.zeros(4)
    h_next, c_next, cache = lstm_step_forward(x, h, c, Wx, Wh, b)
    i, f, g, o = 1 / (1 + np.exp(-0.5)), 1 / (1 + np.exp(-1.0)), np.tanh(-0.5), 1 / (1 + np.exp(-2.0))
    assert np.isclose(c_next[0, 0], f * 2.0 + i * g)
    assert np.isclose(h_next[0, 0], o * np.tanh(f * 2.0 + i * g))
    assert len(cache) == 10 and np.isclose(cache[6][0, 0], f) and np.isclose(cache[7][0, 0], g)


def test_sigmoid_is_the_logistic_function_and_never_overflows():
    a = np.array([-800.0, -3.0, 0.0, 2.0, 800.0])
    with np.errstate(all="raise"):
        s = sigmoid(a)
    assert np.allclose(s[1:4], 1 / (1 + np.exp(-a[1:4])), rtol=1e-15, atol=0)
    assert s[0] == 0.0 and s[-1] == 1.0


def test_lstm_forward_starts_from_a_zero_cell_and_from_accepts_one():
    x, h0, c0, Wx, Wh, b = make_params(2, 3, 4, seed=5, T=3)
    h, cache = lstm_forward(x, h0, Wx, Wh, b)
    assert np.array_equal(cache[0][2], np.zeros_like(h0))
    h_from, cache_from = lstm_forward_from(x, h0, np.zeros_like(h0), Wx, Wh, b)
    assert np.array_equal(h, h_from)
    h_c, _ = lstm_forward_from(x, h0, c0, Wx, Wh, b)
    assert not np.allclose(h, h_c)


def test_inputs_are_not_mutated():
    x, h0, _, Wx, Wh, b = make_params(2, 3, 4, seed=6, T=4)
    copies = [a.copy() for a in (x, h0, Wx, Wh, b)]
    G = np.ones((2, 4, 4))
    lstm_backward(G, lstm_forward(x, h0, Wx, Wh, b)[1])
    assert all(np.array_equal(a, c) for a, c in zip((x, h0, Wx, Wh, b), copies))
    assert np.array_equal(G, np.ones((2, 4, 4)))


# ----------------------------------------------------------------------------- GRU
def test_gru_step_by_hand():
    """H = 1, D = 1: r, z, n and h = z h_prev + (1 - z) n."""
    x, h = np.array([[1.0]]), np.array([[0.5]])
    Wx = np.array([[0.3, -0.4, 0.8]])  # r, z, n
    Wh = np.array([[0.2, 0.6, -1.0]])
    b = np.array([0.1, 0.0, 0.2])
    r = 1 / (1 + np.exp(-(0.3 + 0.5 * 0.2 + 0.1)))
    z = 1 / (1 + np.exp(-(-0.4 + 0.5 * 0.6)))
    n = np.tanh(0.8 + (r * 0.5) * -1.0 + 0.2)
    assert np.isclose(gru_step_forward(x, h, Wx, Wh, b)[0, 0], z * 0.5 + (1 - z) * n)


def test_gru_with_a_closed_update_gate_keeps_its_state():
    rng = np.random.default_rng(0)
    x, h0 = rng.standard_normal((2, 30, 3)), rng.standard_normal((2, 4))
    Wx, Wh = rng.standard_normal((3, 12)), rng.standard_normal((4, 12))
    b = np.zeros(12)
    b[4:8] = 40.0  # z = 1: h_t = h_{t-1}
    h = gru_forward(x, h0, Wx, Wh, b)
    assert h.shape == (2, 30, 4) and np.allclose(h[:, -1], h0)
