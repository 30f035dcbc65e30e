"""The teaching RNN (rnncourse.rnn.core) against central-difference gradients, in float64.

Every analytic gradient is compared with central differences of a scalar loss
``L = sum(out * G)`` for a fixed random ``G``, so ``dL/dout = G`` is the upstream gradient,
within the error bound of central differences (``gradient_check``). The tests also prove that
the check can fail: a deliberately wrong backward must be flagged.
"""

import numpy as np
import pytest

from rnncourse.gradcheck import gradient_check, rel_error
from rnncourse.rnn import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward

# (N, T, D, H): a single example, a single step, D != H in both directions
SHAPES = [(1, 1, 3, 4), (1, 5, 2, 3), (3, 1, 4, 2), (2, 4, 5, 3), (4, 6, 3, 5)]


def make_params(N, D, H, seed, T=None):
    """Random inputs and weights; Wh is made visibly non-symmetric so Wh vs Wh.T matters."""
    rng = np.random.default_rng(seed)
    shape_x = (N, D) if T is None else (N, T, D)
    x = rng.standard_normal(shape_x)
    h0 = rng.standard_normal((N, H))
    Wx = 0.5 * rng.standard_normal((D, H))
    Wh = 0.5 * rng.standard_normal((H, H))
    Wh += np.triu(np.ones((H, H)), 1) * 0.3  # non-symmetric even for H = 2
    b = 0.1 * rng.standard_normal(H)
    return x, h0, Wx, Wh, b


def assert_not_symmetric(Wh):
    if Wh.shape[0] > 1:
        assert rel_error(Wh, Wh.T) > 1e-3


# ----------------------------------------------------------------------------- one step
@pytest.mark.parametrize("N,D,H", [(1, 3, 4), (3, 4, 2), (2, 5, 5), (4, 2, 6)])
def test_step_backward_matches_numerical_gradient(N, D, H):
    x, h_prev, Wx, Wh, b = make_params(N, D, H, seed=N * 100 + D * 10 + H)
    assert_not_symmetric(Wh)
    G = np.random.default_rng(1).standard_normal((N, H))

    def loss():
        return float(np.sum(rnn_step_forward(x, h_prev, Wx, Wh, b)[0] * G))

    h_next, cache = rnn_step_forward(x, h_prev, Wx, Wh, b)
    scale = np.abs(h_next * G).sum()
    dx, dh_prev, dWx, dWh, db = rnn_step_backward(G, cache)
    for name, analytic, arr in [("x", dx, x), ("h_prev", dh_prev, h_prev), ("Wx", dWx, Wx),
                                ("Wh", dWh, Wh), ("b", db, b)]:
        assert analytic.shape == arr.shape, name
        check = gradient_check(analytic, loss, arr, f_scale=scale)
        assert check.passed, check.describe(name)


def test_step_forward_by_hand():
    # one example, D = 1, H = 2: tanh(x Wx + h Wh + b) computed entry by entry
    x = np.array([[2.0]])
    h = np.array([[0.5, -1.0]])
    Wx = np.array([[0.1, -0.2]])
    Wh = np.array([[0.3, 0.4], [-0.5, 0.6]])
    b = np.array([0.05, -0.05])
    a0 = 2.0 * 0.1 + 0.5 * 0.3 + (-1.0) * (-0.5) + 0.05
    a1 = 2.0 * (-0.2) + 0.5 * 0.4 + (-1.0) * 0.6 - 0.05
    h_next, _ = rnn_step_forward(x, h, Wx, Wh, b)
    np.testing.assert_allclose(h_next, [[np.tanh(a0), np.tanh(a1)]], rtol=1e-14)


# ----------------------------------------------------------------------------- full sequence
@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_rnn_backward_matches_numerical_gradient(N, T, D, H):
    x, h0, Wx, Wh, b = make_params(N, D, H, seed=N + 10 * T + 100 * D + 1000 * H, T=T)
    assert_not_symmetric(Wh)
    G = np.random.default_rng(2).standard_normal((N, T, H))

    def loss():
        return float(np.sum(rnn_forward(x, h0, Wx, Wh, b)[0] * G))

    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    assert h.shape == (N, T, H) and len(cache) == T
    dx, dh0, dWx, dWh, db = rnn_backward(G, cache)
    for name, analytic, arr in [("x", dx, x), ("h0", dh0, h0), ("Wx", dWx, Wx), ("Wh", dWh, Wh),
                                ("b", db, b)]:
        assert analytic.shape == arr.shape, name
        check = gradient_check(analytic, loss, arr, f_scale=np.abs(h * G).sum())
        assert check.passed, check.describe(name)


def test_forward_equals_a_loop_written_out():
    x, h0, Wx, Wh, b = make_params(2, 3, 4, seed=5, T=4)
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    ref = h0
    for t in range(4):
        ref = np.tanh(x[:, t] @ Wx + ref @ Wh + b)
        np.testing.assert_allclose(h[:, t], ref, rtol=1e-14, atol=0)


def test_loss_on_last_state_only_reaches_every_step():
    # upstream gradient only at the final step: BPTT must still give every x_t a gradient
    x, h0, Wx, Wh, b = make_params(2, 3, 4, seed=6, T=5)
    dh = np.zeros((2, 5, 4))
    dh[:, -1] = 1.0
    _, cache = rnn_forward(x, h0, Wx, Wh, b)
    dx = rnn_backward(dh, cache)[0]

    def loss():
        return float(rnn_forward(x, h0, Wx, Wh, b)[0][:, -1].sum())

    assert np.all(np.abs(dx[:, 0]) > 0)
    check = gradient_check(dx, loss, x, f_scale=np.abs(rnn_forward(x, h0, Wx, Wh, b)[0][:, -1]).sum())
    assert check.passed, check.describe("x")


# ----------------------------------------------------------------------------- no mutation
def test_inputs_are_not_mutated():
    x, h0, Wx, Wh, b = make_params(3, 4, 5, seed=7, T=6)
    dh = np.random.default_rng(3).standard_normal((3, 6, 5))
    originals = [a.copy() for a in (x, h0, Wx, Wh, b, dh)]
    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    rnn_backward(dh, cache)
    _, step_cache = rnn_step_forward(x[:, 0], h0, Wx, Wh, b)
    rnn_step_backward(dh[:, 0], step_cache)
    for before, after in zip(originals, (x, h0, Wx, Wh, b, dh)):
        np.testing.assert_array_equal(before, after)


# ----------------------------------------------------------------------------- test the tester
def _wrong_backward_Wh_not_transposed(dh, cache):
    """BPTT with the classic bug: dh_prev = da @ Wh instead of da @ Wh.T."""
    N, T, H = dh.shape
    x0, _, Wx, Wh, _ = cache[0]
    dx = np.empty((N, T, x0.shape[1]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
    dnext = np.zeros((N, H))
    for t in reversed(range(T)):
        x, h_prev, _, _, h_next = cache[t]
        da = (dh[:, t] + dnext) * (1 - h_next**2)
        dx[:, t] = da @ Wx.T
        dnext = da @ Wh  # BUG
        dWx += x.T @ da
        dWh += h_prev.T @ da
        db += da.sum(0)
    return dx, dnext, dWx, dWh, db


def _wrong_backward_overwrites(dh, cache):
    """BPTT that overwrites the shared-weight gradient at every step instead of summing it."""
    N, T, H = dh.shape
    dnext = np.zeros((N, H))
    dx = np.empty((N, T, cache[0][0].shape[1]))
    for t in reversed(range(T)):
        dx[:, t], dnext, dWx, dWh, db = rnn_step_backward(dh[:, t] + dnext, cache[t])  # BUG
    return dx, dnext, dWx, dWh, db


def _wrong_backward_drops_future(dh, cache):
    """'BPTT' that forgets the gradient arriving from h_{t+1}."""
    N, T, H = dh.shape
    dx = np.empty((N, T, cache[0][0].shape[1]))
    dWx = dWh = db = 0
    for t in reversed(range(T)):
        dx[:, t], dh_prev, a, c, d = rnn_step_backward(dh[:, t], cache[t])  # BUG: no dnext
        dWx, dWh, db = dWx + a, dWh + c, db + d
    return dx, dh_prev, dWx, dWh, db


@pytest.mark.parametrize("wrong, flagged", [
    (_wrong_backward_Wh_not_transposed, ("x", "h0", "Wx", "Wh", "b")),
    (_wrong_backward_overwrites, ("Wx", "Wh", "b")),
    (_wrong_backward_drops_future, ("x", "h0", "Wx", "Wh", "b")),
])
def test_gradient_check_flags_a_wrong_backward(wrong, flagged):
    x, h0, Wx, Wh, b = make_params(2, 3, 4, seed=8, T=4)
    G = np.random.default_rng(4).standard_normal((2, 4, 4))

    def loss():
        return float(np.sum(rnn_forward(x, h0, Wx, Wh, b)[0] * G))

    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    scale = np.abs(h * G).sum()
    got = dict(zip(("x", "h0", "Wx", "Wh", "b"), wrong(G, cache)))
    right = dict(zip(("x", "h0", "Wx", "Wh", "b"), rnn_backward(G, cache)))
    for name, arr in [("x", x), ("h0", h0), ("Wx", Wx), ("Wh", Wh), ("b", b)]:
        if name in flagged:
            check = gradient_check(got[name], loss, arr, f_scale=scale)
            assert not check.passed, f"the check failed to flag the wrong gradient of {name}"
        # and the correct backward passes on the same problem
        check = gradient_check(right[name], loss, arr, f_scale=scale)
        assert check.passed, check.describe(name)


def test_dtype_follows_inputs():
    x, h0, Wx, Wh, b = (a.astype(np.float32) for a in make_params(2, 3, 4, seed=9, T=3))
    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    grads = rnn_backward(np.ones_like(h), cache)
    assert h.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)
