"""The fast RNN path gives the teaching path's numbers, for full and truncated BPTT, in both dtypes."""

import numpy as np
import pytest

from rnncourse.gradcheck import gradient_check, rel_error
from rnncourse.rnn import fast as fast_module
from rnncourse.rnn import rnn_backward, rnn_backward_fast, rnn_backward_truncated, rnn_forward, rnn_forward_fast

NAMES = ("dx", "dh0", "dWx", "dWh", "db")
SHAPES = [(1, 1, 3, 4), (1, 6, 5, 3), (4, 1, 2, 6), (3, 7, 4, 5), (8, 12, 6, 10)]


def make_problem(N, T, D, H, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    arrays = (
        rng.standard_normal((N, T, D)),
        rng.standard_normal((N, H)),
        0.5 * rng.standard_normal((D, H)),
        0.5 * rng.standard_normal((H, H)) + 0.3 * np.triu(np.ones((H, H)), 1),
        0.1 * rng.standard_normal(H),
        rng.standard_normal((N, T, H)),
    )
    return tuple(a.astype(dtype) for a in arrays)


@pytest.mark.parametrize("N,T,D,H", SHAPES)
@pytest.mark.parametrize("k", [None, 1, 2, 3, 100])
def test_fast_equals_teaching_path_float64(N, T, D, H, k):
    x, h0, Wx, Wh, b, dh = make_problem(N, T, D, H, seed=N + T + D + H)
    h_ref, cache_ref = rnn_forward(x, h0, Wx, Wh, b)
    h, cache = rnn_forward_fast(x, h0, Wx, Wh, b)
    assert h.shape == (N, T, H) and h.flags.c_contiguous
    assert rel_error(h, h_ref) <= 1e-10
    ref = rnn_backward(dh, cache_ref) if k is None else rnn_backward_truncated(dh, cache_ref, k)
    got = rnn_backward_fast(dh, cache, k=k)
    for name, g, r in zip(NAMES, got, ref):
        assert g.shape == r.shape, name
        assert rel_error(g, r) <= 1e-10, name


@pytest.mark.parametrize("k", [None, 4])
def test_both_backward_strategies_agree(monkeypatch, k):
    # the step-by-step tanh' branch (large arrays) and the vectorised one (small) give one answer
    x, h0, Wx, Wh, b, dh = make_problem(3, 9, 4, 5, seed=3)
    _, cache = rnn_forward_fast(x, h0, Wx, Wh, b)
    monkeypatch.setattr(fast_module, "SMALL_BYTES", 0)
    big = rnn_backward_fast(dh, cache, k=k)
    monkeypatch.setattr(fast_module, "SMALL_BYTES", 1 << 40)
    small = rnn_backward_fast(dh, cache, k=k)
    _, cache_ref = rnn_forward(x, h0, Wx, Wh, b)
    ref = rnn_backward(dh, cache_ref) if k is None else rnn_backward_truncated(dh, cache_ref, k)
    for name, a, c, r in zip(NAMES, big, small, ref):
        assert rel_error(a, r) <= 1e-10 and rel_error(c, r) <= 1e-10, name


def test_fast_gradients_match_numerical_gradient():
    x, h0, Wx, Wh, b, G = make_problem(2, 5, 3, 4, seed=11)

    def loss():
        return float(np.sum(rnn_forward_fast(x, h0, Wx, Wh, b)[0] * G))

    h, cache = rnn_forward_fast(x, h0, Wx, Wh, b)
    for name, g, arr in zip(("x", "h0", "Wx", "Wh", "b"), rnn_backward_fast(G, cache), (x, h0, Wx, Wh, b)):
        check = gradient_check(g, loss, arr, f_scale=np.abs(h * G).sum())
        assert check.passed, check.describe(name)


@pytest.mark.parametrize("k", [None, 3])
def test_float32_is_preserved_and_close(k):
    x64, h064, Wx64, Wh64, b64, dh64 = make_problem(4, 10, 5, 6, seed=5)
    x, h0, Wx, Wh, b, dh = (a.astype(np.float32) for a in (x64, h064, Wx64, Wh64, b64, dh64))
    h, cache = rnn_forward_fast(x, h0, Wx, Wh, b)
    grads = rnn_backward_fast(dh, cache, k=k)
    assert h.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)
    h_ref, cache_ref = rnn_forward(x64, h064, Wx64, Wh64, b64)
    ref = (rnn_backward(dh64, cache_ref) if k is None
           else rnn_backward_truncated(dh64, cache_ref, k))
    np.testing.assert_allclose(h, h_ref, rtol=1e-4, atol=1e-5)
    for name, g, r in zip(NAMES, grads, ref):
        np.testing.assert_allclose(g, r, rtol=1e-3, atol=1e-4, err_msg=name)


def test_inputs_are_not_mutated():
    arrays = make_problem(3, 6, 4, 5, seed=8)
    before = [a.copy() for a in arrays]
    x, h0, Wx, Wh, b, dh = arrays
    h, cache = rnn_forward_fast(x, h0, Wx, Wh, b)
    rnn_backward_fast(dh, cache)
    rnn_backward_fast(dh, cache, k=2)
    for a, c in zip(before, arrays):
        np.testing.assert_array_equal(a, c)


def test_editing_the_returned_h_does_not_change_the_gradients():
    x, h0, Wx, Wh, b, dh = make_problem(2, 4, 3, 3, seed=9)
    h, cache = rnn_forward_fast(x, h0, Wx, Wh, b)
    first = rnn_backward_fast(dh, cache)
    h[...] = 0.0
    second = rnn_backward_fast(dh, cache)
    for a, c in zip(first, second):
        np.testing.assert_array_equal(a, c)


def test_backward_can_run_twice_on_one_cache():
    x, h0, Wx, Wh, b, dh = make_problem(2, 6, 3, 4, seed=10)
    _, cache = rnn_forward_fast(x, h0, Wx, Wh, b)
    a = rnn_backward_fast(dh, cache, k=2)
    c = rnn_backward_fast(dh, cache, k=2)
    for u, v in zip(a, c):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("bad", [0, -1, 1.5, "3", True])
def test_bad_k_is_rejected_with_advice(bad):
    x, h0, Wx, Wh, b, dh = make_problem(1, 3, 2, 2, seed=1)
    _, cache = rnn_forward_fast(x, h0, Wx, Wh, b)
    with pytest.raises(ValueError, match="must be a whole number >= 1, e.g. k=10") as info:
        rnn_backward_fast(dh, cache, k=bad)
    assert f"k={bad!r}" in str(info.value)


# ----------------------------------------------------------------------------- the LSTM
@pytest.mark.parametrize("N,T,D,H,k", [(1, 1, 3, 4, None), (2, 7, 3, 5, None), (3, 6, 4, 2, 4),
                                       (2, 9, 2, 3, 3), (4, 5, 5, 5, 1)])
def test_lstm_fast_equals_teaching_path_float64(N, T, D, H, k):
    from rnncourse.rnn import lstm_backward, lstm_backward_fast, lstm_forward, lstm_forward_fast
    rng = np.random.default_rng(N * 1000 + T)
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx, Wh = 0.5 * rng.standard_normal((D, 4 * H)), 0.5 * rng.standard_normal((H, 4 * H))
    b, dh = 0.3 * rng.standard_normal(4 * H), rng.standard_normal((N, T, H))
    h, cache = lstm_forward(x, h0, Wx, Wh, b)
    h_fast, cache_fast = lstm_forward_fast(x, h0, Wx, Wh, b)
    assert np.max(np.abs(h - h_fast)) < 1e-10
    fast = lstm_backward_fast(dh, cache_fast, k=k)
    if k is None:
        teach = lstm_backward(dh, cache)
    else:  # truncated: each chunk alone, its dh0 only from the first chunk
        teach = _lstm_truncated_by_chunks(dh, cache, k)
    for a, b_ in zip(teach, fast):
        assert a.shape == b_.shape and np.max(np.abs(a - b_)) < 1e-10


def _lstm_truncated_by_chunks(dh, cache, k):
    from rnncourse.rnn import lstm_step_backward
    N, T, H = dh.shape
    dx = np.zeros((N, T, cache[0][0].shape[1]))
    grads = [np.zeros_like(cache[0][3]), np.zeros_like(cache[0][4]), np.zeros(4 * H)]
    for start in reversed(range(0, T, k)):
        dh_f, dc_f = np.zeros((N, H)), np.zeros((N, H))
        for t in reversed(range(start, min(start + k, T))):
            dx[:, t], dh_f, dc_f, *g = lstm_step_backward(dh[:, t] + dh_f, dc_f, cache[t])
            grads = [a + b for a, b in zip(grads, g)]
        if start == 0:
            dh0 = dh_f
    return (dx, dh0, *grads)


def _lstm_problem(seed, N=3, T=6, D=4, H=5):
    rng = np.random.default_rng(seed)
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx, Wh = 0.5 * rng.standard_normal((D, 4 * H)), 0.5 * rng.standard_normal((H, 4 * H))
    return x, h0, Wx, Wh, 0.3 * rng.standard_normal(4 * H), rng.standard_normal((N, T, H))


def test_a_cache_still_held_is_never_overwritten_by_the_next_forward_pass():
    """The forward reuses its buffers only once nothing refers to them: two forward passes before
    their backward passes each keep their own numbers (and a view of the cache also holds it)."""
    from rnncourse.rnn import lstm_backward, lstm_backward_fast, lstm_forward, lstm_forward_fast
    first, second = _lstm_problem(1), _lstm_problem(2)
    _, cache1 = lstm_forward_fast(*first[:5])
    _, cache2 = lstm_forward_fast(*second[:5])
    cells = cache2[2]  # only a view of the second cache's gate buffer
    del cache2
    _, cache3 = lstm_forward_fast(*first[:5])
    assert not np.shares_memory(cache3[3], cache1[3]) and not np.shares_memory(cache3[3], cells)
    expected_cells = np.stack([step[2].T for step in lstm_forward(*second[:5])[1]])  # c_prev
    assert np.max(np.abs(cells[:-1] - expected_cells)) < 1e-12, "the held view was overwritten"
    teach = lstm_backward(first[5], lstm_forward(*first[:5])[1])
    for cache in (cache1, cache3):
        for a, b in zip(teach, lstm_backward_fast(first[5], cache)):
            assert np.max(np.abs(a - b)) < 1e-10


def test_a_released_cache_is_reused_by_the_next_forward_pass_of_the_same_shape():
    from rnncourse.rnn import lstm_forward_fast
    problem = _lstm_problem(3)
    _, cache = lstm_forward_fast(*problem[:5])
    addresses = [a.__array_interface__["data"][0] for a in (cache[0], cache[3], cache[4])]
    del cache
    _, cache = lstm_forward_fast(*_lstm_problem(4)[:5])
    assert [a.__array_interface__["data"][0] for a in (cache[0], cache[3], cache[4])] == addresses
    _, other = lstm_forward_fast(*_lstm_problem(5, T=7)[:5])  # another shape: new buffers
    assert not np.shares_memory(other[3], cache[3])


def test_lstm_fast_keeps_float32_and_its_inputs_and_takes_c0():
    from rnncourse.rnn import lstm_backward_fast, lstm_forward_fast, lstm_forward_from
    rng = np.random.default_rng(0)
    args = [rng.standard_normal(s) for s in ((2, 5, 3), (2, 4), (3, 16), (4, 16), (16,))]
    copies = [a.copy() for a in args]
    c0 = rng.standard_normal((2, 4))
    h, cache = lstm_forward_fast(*args, c0=c0)
    assert np.max(np.abs(h - lstm_forward_from(args[0], args[1], c0, *args[2:])[0])) < 1e-12
    assert all(np.array_equal(a, c) for a, c in zip(args, copies))
    h32, cache32 = lstm_forward_fast(*[a.astype(np.float32) for a in args])
    grads = lstm_backward_fast(np.ones((2, 5, 4), np.float32), cache32)
    assert h32.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)


@pytest.mark.parametrize("block_bytes", [1, 200, 10**9])  # one step, a few steps, all steps per block
@pytest.mark.parametrize("k", [None, 3])
def test_blocked_products_give_the_same_numbers(monkeypatch, block_bytes, k):
    """Input projections and weight gradients are computed per block of steps; any block size
    gives the teaching path's numbers, for both cells."""
    from rnncourse.rnn import (
        fast,
        lstm_backward,
        lstm_backward_fast,
        lstm_forward,
        lstm_forward_fast,
        rnn_backward_truncated,
    )
    monkeypatch.setattr(fast, "BLOCK_BYTES", block_bytes)
    assert len(fast.time_blocks(7, 100)) == {1: 7, 200: 4, 10**9: 1}[block_bytes]
    rng = np.random.default_rng(5)
    N, T, D, H = 2, 7, 3, 4
    x, h0, dh = rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((N, T, H))
    Wx, Wh, b = rng.standard_normal((D, H)), 0.5 * rng.standard_normal((H, H)), rng.standard_normal(H)
    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    h_fast, cache_fast = rnn_forward_fast(x, h0, Wx, Wh, b)
    teach = rnn_backward(dh, cache) if k is None else rnn_backward_truncated(dh, cache, k)
    assert np.max(np.abs(h - h_fast)) < 1e-12
    for a, b_ in zip(teach, rnn_backward_fast(dh, cache_fast, k=k)):
        assert np.max(np.abs(a - b_)) < 1e-12
    Wx4, Wh4, b4 = rng.standard_normal((D, 4 * H)), 0.5 * rng.standard_normal((H, 4 * H)), rng.standard_normal(4 * H)
    h, cache = lstm_forward(x, h0, Wx4, Wh4, b4)
    h_fast, cache_fast = lstm_forward_fast(x, h0, Wx4, Wh4, b4)
    assert np.max(np.abs(h - h_fast)) < 1e-12
    if k is None:
        for a, b_ in zip(lstm_backward(dh, cache), lstm_backward_fast(dh, cache_fast)):
            assert np.max(np.abs(a - b_)) < 1e-12


# ----------------------------------------------------------------------------- float32 LSTM
def _lstm_case(N, T, D, H, seed):
    rng = np.random.default_rng(seed)
    arrays = (rng.standard_normal((N, T, D)), 0.5 * rng.standard_normal((N, H)),
              rng.standard_normal((D, 4 * H)) / np.sqrt(D), rng.standard_normal((H, 4 * H)) / np.sqrt(H),
              0.3 * rng.standard_normal(4 * H), rng.standard_normal((N, T, H)))
    return tuple(a.astype(np.float32) for a in arrays)  # float32 inputs, exactly representable


def _lstm_rounding_bound(dtype, D, H, T, reference):
    """What rounding alone may change in one output of a length-T LSTM, from the standard model:
    a dot product of length m is off by at most ``m * u * sum |terms|`` (u = unit roundoff), and
    the elementwise steps (tanh, the sigmoid, products) add a few u each. BPTT chains ``T`` such
    steps and each output sums at most ``N * T`` products, so the bound is
    ``(D + 1 + H + N * T + 10 * T) * u * max |reference|`` per output array. This assumes the
    per-step Jacobians do not amplify errors (weights scaled by 1/sqrt(fan-in), as here)."""
    u = np.finfo(dtype).eps / 2
    N = reference.shape[0] if reference.ndim == 3 else 1
    return (D + 1 + H + N * T + 10 * T) * u * float(np.max(np.abs(reference)))


def _lstm_fast_errors(N, T, D, H, seed):
    """Largest |fast float32 - teaching float64| of h and every gradient, and its rounding bound."""
    from rnncourse.rnn import lstm_backward, lstm_backward_fast, lstm_forward, lstm_forward_fast
    x, h0, Wx, Wh, b, dh = _lstm_case(N, T, D, H, seed)
    h32, cache32 = lstm_forward_fast(x, h0, Wx, Wh, b)
    fast = (h32,) + lstm_backward_fast(dh, cache32)
    args64 = [a.astype(np.float64) for a in (x, h0, Wx, Wh, b)]
    h64, cache64 = lstm_forward(*args64)
    ref = (h64,) + lstm_backward(dh.astype(np.float64), cache64)
    assert all(f.dtype == np.float32 for f in fast)
    return [(float(np.max(np.abs(f - r))), _lstm_rounding_bound(np.float32, D, H, T, r))
            for f, r in zip(fast, ref)]


@pytest.mark.parametrize("N,T,D,H", [(1, 25, 65, 100), (8, 30, 16, 64), (4, 12, 5, 33)])
def test_lstm_fast_float32_is_within_rounding_error_of_float64(N, T, D, H):
    """The float32 fast path differs from the float64 teaching path only by rounding."""
    for (err, bound), name in zip(_lstm_fast_errors(N, T, D, H, seed=T), ("h",) + NAMES):
        assert err <= bound, f"{name}: {err:.3g} > {bound:.3g}"


@pytest.mark.parametrize("wrong", ["gate order", "gradient blocks"])
def test_the_rounding_bound_catches_a_wrong_fast_path(monkeypatch, wrong):
    """Test the tester: swapping two gates in the forward pass, or two gradient blocks when the
    public order is restored, is far outside the rounding bound."""
    from rnncourse.rnn import lstm_fast
    if wrong == "gate order":
        monkeypatch.setattr(lstm_fast, "_INTERNAL", (3, 1, 0, 2))  # i and f swapped
    else:
        public = lstm_fast._to_public
        monkeypatch.setattr(lstm_fast, "_to_public",
                            lambda W, H: np.concatenate([public(W, H)[..., H:2 * H],
                                                         public(W, H)[..., :H],
                                                         public(W, H)[..., 2 * H:]], axis=-1))
    errors = _lstm_fast_errors(8, 30, 16, 64, seed=3)
    worst = max(err / bound for err, bound in errors)
    assert worst > 100, errors
