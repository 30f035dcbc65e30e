"""Truncated BPTT (rnncourse.rnn.truncated) against independent references.

* ``k >= T`` cuts nothing, so it must equal full BPTT exactly;
* ``k < T`` must equal running the teaching forward/backward on every chunk separately, with the
  hidden state carried from chunk to chunk, and summing the weight gradients (written out here);
* a single chunk is an ordinary RNN, so its gradients also match central differences.
"""

import numpy as np
import pytest

from rnncourse.gradcheck import gradient_check, rel_error
from rnncourse.rnn import rnn_backward, rnn_backward_truncated, rnn_forward


def make_problem(N, T, D, H, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, T, D))
    h0 = rng.standard_normal((N, H))
    Wx = 0.5 * rng.standard_normal((D, H))
    Wh = 0.5 * rng.standard_normal((H, H)) + 0.3 * np.triu(np.ones((H, H)), 1)
    b = 0.1 * rng.standard_normal(H)
    dh = rng.standard_normal((N, T, H))
    return x, h0, Wx, Wh, b, dh


def chunked_reference(x, h0, Wx, Wh, b, dh, k):
    """Truncated BPTT written independently: each chunk is its own short sequence."""
    N, T, D = x.shape
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh0 = None
    h_start = h0
    for start in range(0, T, k):
        stop = min(start + k, T)
        h_chunk, cache = rnn_forward(x[:, start:stop], h_start, Wx, Wh, b)
        gx, gh0, gWx, gWh, gb = rnn_backward(dh[:, start:stop], cache)
        dx[:, start:stop] = gx
        dWx += gWx
        dWh += gWh
        db += gb
        if start == 0:
            dh0 = gh0  # later chunks do not reach h0: their path back is cut
        h_start = h_chunk[:, -1]  # the state is carried forward ...
    return dx, dh0, dWx, dWh, db  # ... but no gradient flows back across a boundary


NAMES = ("dx", "dh0", "dWx", "dWh", "db")


@pytest.mark.parametrize("N,T,D,H", [(1, 1, 2, 3), (2, 5, 3, 4), (3, 7, 4, 2)])
@pytest.mark.parametrize("extra", [0, 1, 10])
def test_k_at_least_T_is_full_bptt_exactly(N, T, D, H, extra):
    x, h0, Wx, Wh, b, dh = make_problem(N, T, D, H, seed=T + extra)
    _, cache = rnn_forward(x, h0, Wx, Wh, b)
    full = rnn_backward(dh, cache)
    trunc = rnn_backward_truncated(dh, cache, T + extra)
    for name, a, c in zip(NAMES, full, trunc):
        np.testing.assert_array_equal(a, c, err_msg=name)


@pytest.mark.parametrize("N,T,D,H,k", [(2, 6, 3, 4, 1), (2, 6, 3, 4, 2), (1, 7, 2, 3, 3),
                                       (3, 10, 4, 5, 4), (2, 9, 5, 3, 8)])
def test_k_below_T_is_the_sum_of_independent_chunks(N, T, D, H, k):
    x, h0, Wx, Wh, b, dh = make_problem(N, T, D, H, seed=100 + k)
    _, cache = rnn_forward(x, h0, Wx, Wh, b)
    got = rnn_backward_truncated(dh, cache, k)
    ref = chunked_reference(x, h0, Wx, Wh, b, dh, k)
    for name, a, r in zip(NAMES, got, ref):
        assert a.shape == r.shape, name
        assert rel_error(a, r) <= 1e-12, name
    # and truncation really changed something compared with full BPTT
    full = rnn_backward(dh, cache)
    assert rel_error(got[3], full[3]) > 1e-6


def test_single_chunk_matches_numerical_gradient():
    # within a chunk, truncated BPTT is exact: with T <= k it is the gradient of the whole loss
    x, h0, Wx, Wh, b, G = make_problem(2, 4, 3, 5, seed=7)

    def loss():
        return float(np.sum(rnn_forward(x, h0, Wx, Wh, b)[0] * G))

    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    grads = rnn_backward_truncated(G, cache, 4)
    for name, g, arr in zip(NAMES, grads, (x, h0, Wx, Wh, b)):
        check = gradient_check(g, loss, arr, f_scale=np.abs(h * G).sum())
        assert check.passed, check.describe(name)


def test_truncated_gradient_is_gradient_of_detached_loss():
    # k < T: the result is the exact gradient of a loss in which h is "detached" at the boundary,
    # i.e. the second chunk's start state is a constant. Check dWh numerically that way.
    x, h0, Wx, Wh, b, G = make_problem(2, 6, 3, 4, seed=8)
    k = 3
    h_boundary = rnn_forward(x[:, :k], h0, Wx, Wh, b)[0][:, -1].copy()  # a constant

    def loss():
        h1 = rnn_forward(x[:, :k], h0, Wx, Wh, b)[0]
        h2 = rnn_forward(x[:, k:], h_boundary, Wx, Wh, b)[0]
        return float(np.sum(h1 * G[:, :k]) + np.sum(h2 * G[:, k:]))

    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    _, dh0, dWx, dWh, db = rnn_backward_truncated(G, cache, k)
    for name, g, arr in (("h0", dh0, h0), ("Wx", dWx, Wx), ("Wh", dWh, Wh), ("b", db, b)):
        check = gradient_check(g, loss, arr, f_scale=np.abs(h * G).sum())
        assert check.passed, check.describe(name)


def test_inputs_are_not_mutated():
    x, h0, Wx, Wh, b, dh = make_problem(2, 6, 3, 4, seed=9)
    before = [a.copy() for a in (x, h0, Wx, Wh, b, dh)]
    _, cache = rnn_forward(x, h0, Wx, Wh, b)
    rnn_backward_truncated(dh, cache, 2)
    for a, c in zip(before, (x, h0, Wx, Wh, b, dh)):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "4", None, True])
def test_bad_k_is_rejected_with_advice(bad):
    x, h0, Wx, Wh, b, dh = make_problem(1, 3, 2, 2, seed=1)
    _, cache = rnn_forward(x, h0, Wx, Wh, b)
    with pytest.raises(ValueError) as info:
        rnn_backward_truncated(dh, cache, bad)
    msg = str(info.value)
    assert f"k={bad!r}" in msg
    assert "must be a whole number >= 1" in msg
    assert "e.g. k=10" in msg
