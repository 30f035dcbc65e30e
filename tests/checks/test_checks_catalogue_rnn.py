"""Checks of lessons 2-5 on the RNN: step/sequence forward, step backward, BPTT, truncated BPTT
and gradient clipping. References pass, every known mistake fails with its own message, and
hand-written correct alternatives (einsum, per-example loops, chunked truncation) pass."""

import re

import numpy as np
import pytest

from rnncourse import optim, rnn
from rnncourse.checks import EXERCISES, check
from rnncourse.gradcheck import gradient_check
from tests.checks.named_mistakes import (
    assert_fails_as,
    assert_mistake_is_named,
    assert_wording_covers_every_mistake,
    mistake_cases,
)

WORDING = {
    "rnn_step_forward": {
        "Wh_transposed": "used Wh.T where Wh belongs",
        "Wx_transposed": "used Wx.T where Wx belongs",
        "forgot_tanh": "forgot the tanh",
        "forgot_bias": "forgot the bias b",
        "forgot_h_prev": "ignored h_prev",
        "Wx_Wh_swapped": "swapped Wx and Wh",
        "sigmoid_not_tanh": "squashed with the sigmoid 1 / (1 + exp(-a))",
        "cached_preactivation": "the cache holds the pre-activation a",
    },
    "rnn_forward": {
        "returned_step_cache": "returned one step's cache (a 5-tuple x, h_prev, Wx, Wh, h_next) "
                               "as cache: rnn_forward's cache is the list of all T step caches",
        "caches_reversed": "the step caches are in reverse order",
        "x_batch_axis": "took the input of a step as x[t]",
        "h0_every_step": "the hidden state is not carried: every step used h0",
        "stored_h_prev": "off by one in time",
        "Wh_transposed": "used Wh.T where Wh belongs",
        "Wx_Wh_swapped": "swapped Wx and Wh",
    },
    "rnn_step_backward": {
        "Wh_not_transposed": "used Wh where Wh.T belongs",
        "Wx_not_transposed": "used Wx where Wx.T belongs",
        "tanh_on_preactivation": "wrong tanh derivative: 1 - a**2 on the pre-activation",
        "tanh_on_preactivation_without_b": "wrong tanh derivative: 1 - a**2 on the pre-activation",
        "tanh_no_square": "wrong tanh derivative: 1 - h_next without the square",
        "no_tanh_derivative": "skipped the tanh derivative",
        "mean_batch": "mean instead of sum over the batch",
        "dWh_uses_h_next": "dWh uses h_next where h_prev belongs",
        "tanh_at_h_prev": "the tanh derivative is taken at h_prev",
        "tanh_at_x": "the tanh derivative is taken at x",
        "tanh_applied_again": "wrong tanh derivative: 1 - tanh(h_next)**2 applies tanh twice",
        "dWh_transposed": "dWh is transposed: dWh = h_prev.T @ da",
        "dx_dh_prev_swapped": "dx and dh_prev are swapped",
        "dh_prev_zero": "dh_prev is all zeros",
        "mean_batch_db": "db is the mean over the batch instead of the sum",
    },
    "rnn_backward": {
        "overwrite_shared": "the shared-weight gradients are overwritten at every time step "
                            "instead of summed",
        "future_not_added": "the gradient from the next time step is not added",
        "upstream_dropped": "the upstream gradient is dropped",
        "forward_loop": "the time loop runs forward",
        "Wh_not_transposed": "used Wh where Wh.T belongs",
        "Wx_not_transposed": "used Wx where Wx.T belongs",
        "tanh_on_preactivation": "wrong tanh derivative: 1 - a**2 on the pre-activation",
        "tanh_on_preactivation_without_b": "wrong tanh derivative: 1 - a**2 on the pre-activation",
        "tanh_no_square": "wrong tanh derivative: 1 - h_next without the square",
        "mean_batch": "mean instead of sum over the batch",
        "tanh_at_h_prev": "the tanh derivative is taken at h_prev",
        "tanh_at_x": "the tanh derivative is taken at x",
        "tanh_applied_again": "wrong tanh derivative: 1 - tanh(h_next)**2 applies tanh twice",
        "dWh_transposed": "dWh is transposed: dWh = h_prev.T @ da",
        "dh0_zero": "dh0 is all zeros",
        "weights_divided_by_T": "dWx, dWh and db are divided by T",
        "step_zero_skipped": "step 1 (code index 0) is skipped",
        "last_step_counted_twice": "the last step's upstream gradient dh[:, T-1] is counted twice",
        "cache_off_by_one": "off by one in the cache",
    },
    "rnn_backward_truncated": {
        "no_cut": "nothing is cut: this is full BPTT",
        "cut_at_top_of_loop": "the carried gradient is zeroed at the top of the loop when "
                              "t % k == 0",
        "cut_off_by_one_early": "the truncation cuts in the wrong place (one step off)",
        "cut_off_by_one_late": "the truncation cuts in the wrong place (one step off)",
        "cut_every_step": "the gradient is cut at every step, as if k = 1",
        "cut_into_h0": "dh0 is zero",
        "chunks_from_end": "the chunks are counted from the end of the sequence",
        "overwrite_shared": "the shared-weight gradients are overwritten",
        "only_last_chunk": "only the last chunk was backpropagated",
        "only_last_k_steps": "only the last k steps were backpropagated",
        "upstream_zeroed_at_cut": "at a chunk boundary the step's own upstream gradient was "
                                  "zeroed as well",
    },
    "clip_gradients": {
        "divided_by_zero": "divided by zero when every gradient is zero",
        "returned_input_arrays": "returned the caller's own arrays in clipped (the input dict "
                                 "itself, or a new dict holding the same arrays)",
        "per_tensor": "clipped each array separately",
        "by_value": "clipped by value (np.clip)",
        "norm_after_clipping": "total_norm should be the norm BEFORE clipping",
        "always_rescale": "rescaled gradients that were already below max_norm",
        "squared_norm_compared": "compared the squared norm (the sum of every g**2) with "
                                 "max_norm",
        "no_sqrt": "the global norm is missing its square root",
        "sum_of_norms": "added up the norms of the arrays",
        "spectral_norm": "used the spectral norm (np.linalg.norm(g, ord=2) of a matrix is its "
                         "largest singular value)",
    },
}

MISTAKES = mistake_cases(WORDING)


def test_every_mistake_of_these_exercises_has_a_wording_test():
    assert_wording_covers_every_mistake(WORDING)


@pytest.mark.parametrize("ex_id, name", MISTAKES)
def test_each_known_mistake_fails_with_its_own_message(ex_id, name):
    assert_mistake_is_named(WORDING, ex_id, name)


def test_messages_say_which_time_steps_are_off():
    no_future = next(m for m in EXERCISES["rnn_backward"].mistakes
                     if m.name == "future_not_added")
    r = check("rnn_backward", no_future.variant)
    assert "Case 1 of 5 (N=2, T=4, D=3, H=5)" in r.message
    # maths steps 1..T (code index t-1), as the lessons count: only step T = 4 is right
    assert ("dx is off at time steps t = 1, 2, 3 of T = 4 (index t-1 in code: 0, 1, 2) by up to"
            in r.message)
    carry = next(m for m in EXERCISES["rnn_forward"].mistakes if m.name == "h0_every_step")
    assert ("h is off at time steps t = 2, 3, 4 of T = 4 (index t-1 in code: 1, 2, 3)"
            in check("rnn_forward", carry.variant).message)  # step 1 reads h0: right


@pytest.mark.parametrize("ex_id, ref", [
    ("rnn_step_forward", rnn.rnn_step_forward),
    ("rnn_forward", rnn.rnn_forward),
    ("rnn_step_backward", rnn.rnn_step_backward),
    ("rnn_backward", rnn.rnn_backward),
    ("rnn_backward_truncated", rnn.rnn_backward_truncated),
    ("clip_gradients", optim.clip_gradients),
])
def test_reference_passes(ex_id, ref):
    r = check(ex_id, ref)
    assert r.passed, r.message
    assert r.points == r.possible == EXERCISES[ex_id].points


def test_cases_cover_the_required_shapes():
    dims = [c["dims"] for c in EXERCISES["rnn_backward"].make_cases(0)]
    assert any(d["N"] == 1 for d in dims) and any(d["T"] == 1 for d in dims)
    assert any(d["D"] != d["H"] for d in dims)
    for case in EXERCISES["rnn_step_forward"].make_cases(0):
        Wh = case["inputs"]["Wh"]
        assert not np.allclose(Wh, Wh.T)
    clip = EXERCISES["clip_gradients"].make_cases(0)
    norms = [(np.sqrt(sum(np.sum(g**2) for g in c["inputs"]["grads"].values())),
              c["inputs"]["max_norm"]) for c in clip]
    assert any(n > m for n, m in norms) and any(n < m for n, m in norms)
    assert len(clip[0]["inputs"]["grads"]) >= 3
    # where comparing the squared norm gives the other answer, both ways round
    assert any(np.sqrt(m) < n < m for n, m in norms if m > 1)
    assert any(m < n < np.sqrt(m) for n, m in norms if m < 1)
    assert any(n == 0.0 for n, _ in norms)  # all-zero gradients


@pytest.mark.parametrize("ex_id", ["rnn_step_forward", "rnn_forward", "rnn_step_backward",
                                   "rnn_backward", "rnn_backward_truncated", "affine_forward",
                                   "affine_backward", "tanh_backward", "softmax_cross_entropy"])
def test_the_first_case_has_all_sizes_different_so_a_swap_is_a_shape_error(ex_id):
    cases = EXERCISES[ex_id].make_cases(0)
    sizes = {k: v for k, v in cases[0]["dims"].items() if k != "k"}
    assert len(set(sizes.values())) == len(sizes) >= 2, sizes
    # and a later case is square where it matters, so the same swap also shows as values
    if "D" in sizes and "H" in sizes:
        assert any(c["dims"]["D"] == c["dims"]["H"] for c in cases[1:])


def test_bptt_reference_agrees_with_numerical_gradients_on_a_case():
    """Independent evidence that the judged expectation is right: L = sum(h * dh)."""
    case = EXERCISES["rnn_backward"].make_cases(0)[1]
    dh, cache = case["inputs"]["dh"], case["inputs"]["cache"]
    x = np.stack([c[0] for c in cache], axis=1)
    h0, Wx, Wh = cache[0][1].copy(), cache[0][2].copy(), cache[0][3].copy()
    b = np.arctanh(cache[0][4]) - x[:, 0] @ Wx - h0 @ Wh
    b = b[0].copy()

    def loss():
        return float(np.sum(rnn.rnn_forward(x, h0, Wx, Wh, b)[0] * dh))

    h, fcache = rnn.rnn_forward(x, h0, Wx, Wh, b)
    dx, dh0, dWx, dWh, db = rnn.rnn_backward(dh, fcache)
    for name, analytic, param in [("dh0", dh0, h0), ("dWx", dWx, Wx), ("dWh", dWh, Wh),
                                  ("db", db, b), ("dx", dx, x)]:
        check = gradient_check(analytic, loss, param, f_scale=np.abs(h * dh).sum())
        assert check.passed, check.describe(name)


# ----------------------------------------------------------------------------- alternatives
def step_forward_einsum(x, h_prev, Wx, Wh, b):
    h_next = np.tanh(np.einsum("nd,dh->nh", x, Wx) + np.einsum("nk,kh->nh", h_prev, Wh) + b)
    return h_next, (x, h_prev, Wx, Wh, h_next)


def forward_with_own_step(x, h0, Wx, Wh, b):
    hs, cache, h = [], [], h0
    for t in range(x.shape[1]):
        h, c = step_forward_einsum(x[:, t], h, Wx, Wh, b)
        hs.append(h)
        cache.append(c)
    return np.stack(hs, axis=1), cache


def step_backward_per_example(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    dx, dh_prev = np.zeros_like(x), np.zeros_like(h_prev)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    for n in range(x.shape[0]):
        da = dh_next[n] * (1 - h_next[n] ** 2)
        dx[n], dh_prev[n] = Wx @ da, Wh @ da
        dWx += np.outer(x[n], da)
        dWh += np.outer(h_prev[n], da)
        db += da
    return dx, dh_prev, dWx, dWh, db


def backward_collect_then_sum(dh, cache):
    T = dh.shape[1]
    grads, dxs, future = [], [None] * T, np.zeros_like(dh[:, 0])
    for t in range(T - 1, -1, -1):
        dxs[t], future, *g = step_backward_per_example(dh[:, t] + future, cache[t])
        grads.append(g)
    dWx, dWh, db = (np.sum(parts, axis=0) for parts in zip(*grads))
    return np.stack(dxs, axis=1), future, dWx, dWh, db


def truncated_by_chunks(dh, cache, k):
    """Walk the chunks from the last to the first; each chunk starts with no gradient from the future."""
    N, T, H = dh.shape
    dx = np.zeros((N, T, cache[0][0].shape[1]))
    dWx, dWh, db = np.zeros_like(cache[0][2]), np.zeros_like(cache[0][3]), np.zeros(H)
    dh0 = np.zeros((N, H))
    for start in reversed(range(0, T, k)):
        future = np.zeros((N, H))
        for t in reversed(range(start, min(start + k, T))):
            dx[:, t], future, a, b_, c = rnn.rnn_step_backward(dh[:, t] + future, cache[t])
            dWx, dWh, db = dWx + a, dWh + b_, db + c
        if start == 0:
            dh0 = future
    return dx, dh0, dWx, dWh, db


def clip_concatenated(grads, max_norm):
    flat = np.concatenate([g.ravel() for g in grads.values()])
    norm = np.linalg.norm(flat)  # a numpy float64 is fine
    factor = max_norm / norm if norm > max_norm else 1.0
    return {k: factor * g for k, g in grads.items()}, norm


def clip_tensorflow_style(grads, max_norm):
    """tf.clip_by_global_norm: scale = max_norm / max(total, max_norm) (never divides by 0)."""
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    return {k: g * (max_norm / max(total, max_norm)) for k, g in grads.items()}, total


@pytest.mark.parametrize("ex_id, fn", [
    ("rnn_step_forward", step_forward_einsum),
    ("rnn_forward", forward_with_own_step),
    ("rnn_step_backward", step_backward_per_example),
    ("rnn_backward", backward_collect_then_sum),
    ("rnn_backward_truncated", truncated_by_chunks),
    ("clip_gradients", clip_concatenated),
    ("clip_gradients", clip_tensorflow_style),
])
def test_correct_alternatives_pass(ex_id, fn):
    r = check(ex_id, fn)
    assert r.passed, r.message
    assert r.message == f"All {len(EXERCISES[ex_id].make_cases(0))} test cases pass."


def test_truncated_with_k_at_least_T_is_full_bptt_and_k_1_cuts_everywhere():
    case = next(c for c in EXERCISES["rnn_backward_truncated"].make_cases(0)
                if c["inputs"]["k"] >= c["dims"]["T"])
    dh, cache = case["inputs"]["dh"], [tuple(c) for c in case["inputs"]["cache"]]
    full = rnn.rnn_backward(dh, cache)
    for a, b in zip(truncated_by_chunks(dh, cache, case["inputs"]["k"]), full):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-14)
    # k = 1: every step keeps only its own upstream gradient, so each step's backward pass
    # sees dh[:, t] alone, and dh0 is what step 0 sends back
    T = dh.shape[1]
    per_step = [rnn.rnn_step_backward(dh[:, t], cache[t]) for t in range(T)]
    expected = (np.stack([p[0] for p in per_step], axis=1), per_step[0][1],
                sum(p[2] for p in per_step), sum(p[3] for p in per_step),
                sum(p[4] for p in per_step))
    for got in (rnn.rnn_backward_truncated(dh, cache, 1), truncated_by_chunks(dh, cache, 1)):
        for a, b in zip(got, expected):
            assert np.allclose(a, b, rtol=1e-12, atol=1e-14)
    assert check("rnn_backward_truncated", lambda dh, cache, k: truncated_by_chunks(
        dh, cache, 1)).mistake == "cut_every_step"


def test_clipping_in_place_is_reported():
    def in_place(grads, max_norm):
        norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
        if norm > max_norm:
            for g in grads.values():
                g *= max_norm / norm
        return grads, norm

    r = check("clip_gradients", in_place)
    assert not r.passed and r.mistake == "returned_input_arrays"
    assert "changed its input grads['Wx'], grads['Wh'], grads['b'] in place" in r.message


def test_missing_key_in_clipped_dict():
    def drops_bias(grads, max_norm):
        clipped, norm = optim.clip_gradients(grads, max_norm)
        clipped.pop("b", None)
        return clipped, norm

    r = check("clip_gradients", drops_bias)
    assert "clipped has missing key(s) ['b']; return one entry per key of the input" in r.message


# ----------------------------------------------------------------------------- learners' wrong answers
# Written as a learner would (issue 11): each fails and is named, never "No known mistake".
def step_forward_swapped(x, h_prev, Wx, Wh, b):
    h_next = np.tanh(x @ Wh + h_prev @ Wx + b)
    return h_next, (x, h_prev, Wx, Wh, h_next)


def forward_returns_last_step_cache(x, h0, Wx, Wh, b):
    h, h_prev = np.zeros((x.shape[0], x.shape[1], h0.shape[1])), h0
    for t in range(x.shape[1]):
        h_prev, cache = rnn.rnn_step_forward(x[:, t], h_prev, Wx, Wh, b)
        h[:, t] = h_prev
    return h, cache  # only the last step's 5-tuple


def make_step_backward(tanh_at="h_next", dWh_T=False, swap=False, zero_dh_prev=False):
    def rnn_step_backward(dh_next, cache):
        x, h_prev, Wx, Wh, h_next = cache
        if tanh_at == "tanh(h_next)":
            da = dh_next * (1 - np.tanh(h_next) ** 2)
        else:
            da = dh_next * (1 - {"h_next": h_next, "h_prev": h_prev, "x": x}[tanh_at] ** 2)
        dx = da @ Wx.T
        dh_prev = np.zeros_like(h_prev) if zero_dh_prev else da @ Wh.T
        dWh = da.T @ h_prev if dWh_T else h_prev.T @ da
        if swap:
            return dh_prev, dx, x.T @ da, dWh, da.sum(axis=0)
        return dx, dh_prev, x.T @ da, dWh, da.sum(axis=0)
    return rnn_step_backward


def make_rnn_backward(step_backward=rnn.rnn_step_backward, zero_dh0=False, over_T=False,
                      skip_step_0=False, carry_last=False, k=None, top_of_loop=False,
                      from_end=False):
    def rnn_backward(dh, cache, *maybe_k):
        N, T, H = dh.shape
        dx = np.zeros((N, T, cache[0][0].shape[1]))
        dWx, dWh, db = np.zeros_like(cache[0][2]), np.zeros_like(cache[0][3]), np.zeros(H)
        dnext = dh[:, -1].copy() if carry_last else np.zeros((N, H))
        for t in range(T - 1, 0 if skip_step_0 else -1, -1):
            if top_of_loop and t % maybe_k[0] == 0:
                dnext = np.zeros((N, H))
            dx[:, t], dnext, a, b_, c = step_backward(dh[:, t] + dnext, cache[t])
            dWx, dWh, db = dWx + a, dWh + b_, db + c
            if from_end and t > 0 and (T - t) % maybe_k[0] == 0:
                dnext = np.zeros((N, H))
        if over_T:
            dWx, dWh, db = dWx / T, dWh / T, db / T
        return dx, (np.zeros((N, H)) if zero_dh0 else dnext), dWx, dWh, db
    return rnn_backward


def clip_squared(grads, max_norm):
    sq = sum(np.sum(g**2) for g in grads.values())
    scale = max_norm / np.sqrt(sq) if sq > max_norm else 1
    return {k: g * scale for k, g in grads.items()}, float(np.sqrt(sq))


def _norm(grads):
    return float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))


def clip_returns_input_dict(grads, max_norm):
    total = _norm(grads)
    if total <= max_norm:
        return grads, total
    return {k: g * (max_norm / total) for k, g in grads.items()}, total


def clip_returns_same_arrays(grads, max_norm):
    total = _norm(grads)
    scale = max_norm / total if total > max_norm else None
    return {k: (g if scale is None else g * scale) for k, g in grads.items()}, total


def clip_unguarded(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads.values()))  # a numpy float: 1/0 is inf
    scale = min(1.0, max_norm / total)
    return {k: g * scale for k, g in grads.items()}, float(total)


def clip_unguarded_python_float(grads, max_norm):
    total = _norm(grads)  # a Python float: 1/0 raises ZeroDivisionError
    scale = min(1.0, max_norm / total)
    return {k: g * scale for k, g in grads.items()}, total


def clip_sum_of_norms(grads, max_norm):
    total = sum(np.linalg.norm(g) for g in grads.values())
    scale = max_norm / total if total > max_norm else 1.0
    return {k: g * scale for k, g in grads.items()}, total


def clip_spectral(grads, max_norm):
    total = np.sqrt(sum(np.linalg.norm(g, ord=2) ** 2 for g in grads.values()))
    scale = max_norm / total if total > max_norm else 1.0
    return {k: g * scale for k, g in grads.items()}, total


def clip_pytorch(grads, max_norm):
    total = _norm(grads)
    coef = min(1.0, max_norm / (total + 1e-6))  # torch.nn.utils.clip_grad_norm_
    return {k: g * coef for k, g in grads.items()}, total


WRONG_ANSWERS = [
    ("rnn_step_forward", step_forward_swapped, "Wx_transposed or Wx_Wh_swapped",
     " Or: swapped Wx and Wh"),
    ("rnn_forward", forward_returns_last_step_cache, "returned_step_cache",
     "Likely mistake: returned one step's cache (a 5-tuple x, h_prev, Wx, Wh, h_next) as cache"),
    ("rnn_step_backward", make_step_backward(tanh_at="h_prev"), "tanh_at_h_prev",
     "Likely mistake: the tanh derivative is taken at h_prev"),
    ("rnn_step_backward", make_step_backward(tanh_at="x"), "tanh_at_x",
     "Likely mistake: the tanh derivative is taken at x"),
    ("rnn_step_backward", make_step_backward(tanh_at="tanh(h_next)"), "tanh_applied_again",
     "Likely mistake: wrong tanh derivative: 1 - tanh(h_next)**2 applies tanh twice"),
    ("rnn_step_backward", make_step_backward(dWh_T=True), "dWh_transposed",
     "Likely mistake: dWh is transposed"),
    ("rnn_step_backward", make_step_backward(swap=True), "dx_dh_prev_swapped",
     "Likely mistake: dx and dh_prev are swapped"),
    ("rnn_step_backward", make_step_backward(zero_dh_prev=True), "dh_prev_zero",
     "Likely mistake: dh_prev is all zeros"),
    ("rnn_backward", make_rnn_backward(make_step_backward(tanh_at="h_prev")), "tanh_at_h_prev",
     "Likely mistake: the tanh derivative is taken at h_prev"),
    ("rnn_backward", make_rnn_backward(make_step_backward(dWh_T=True)), "dWh_transposed",
     "Likely mistake: dWh is transposed"),
    ("rnn_backward", make_rnn_backward(zero_dh0=True), "dh0_zero",
     "Likely mistake: dh0 is all zeros"),
    ("rnn_backward", make_rnn_backward(over_T=True), "weights_divided_by_T",
     "Likely mistake: dWx, dWh and db are divided by T"),
    ("rnn_backward", make_rnn_backward(skip_step_0=True), "step_zero_skipped",
     "Likely mistake: step 1 (code index 0) is skipped"),
    ("rnn_backward", make_rnn_backward(carry_last=True), "last_step_counted_twice",
     "Likely mistake: the last step's upstream gradient dh[:, T-1] is counted twice"),
    ("rnn_backward_truncated", make_rnn_backward(top_of_loop=True), "cut_at_top_of_loop",
     "Likely mistake: the carried gradient is zeroed at the top of the loop"),
    ("rnn_backward_truncated", make_rnn_backward(from_end=True), "chunks_from_end",
     "Likely mistake: the chunks are counted from the end of the sequence"),
    ("clip_gradients", clip_squared, "squared_norm_compared",
     "Likely mistake: compared the squared norm"),
    ("clip_gradients", clip_returns_input_dict, "returned_input_arrays",
     "Likely mistake: returned the caller's own arrays in clipped"),
    ("clip_gradients", clip_returns_same_arrays, "returned_input_arrays",
     "Likely mistake: returned the caller's own arrays in clipped"),
    ("clip_gradients", clip_unguarded, "divided_by_zero",
     "Likely mistake: divided by zero when every gradient is zero"),
    ("clip_gradients", clip_unguarded_python_float, "divided_by_zero",
     "Details: raised ZeroDivisionError: float division by zero (line "),
    ("clip_gradients", clip_sum_of_norms, "sum_of_norms",
     "Likely mistake: added up the norms of the arrays"),
    ("clip_gradients", clip_spectral, "spectral_norm",
     "Likely mistake: used the spectral norm"),
]


@pytest.mark.parametrize("ex_id, fn, name, words", WRONG_ANSWERS,
                         ids=[f"{w[0]}-{w[2]}" for w in WRONG_ANSWERS])
def test_learners_wrong_answers_are_named(ex_id, fn, name, words):
    assert_fails_as(ex_id, fn, name, words)


def test_squared_norm_fails_both_ways_round():
    """max_norm < 1: a norm above it has a square below it (not clipped); max_norm = 5: a norm of
    3 has square 9 > 5 and is scaled UP."""
    ex = EXERCISES["clip_gradients"]
    below_one = next(c for c in ex.make_cases(0) if c["inputs"]["max_norm"] < 1)
    up = next(c for c in ex.make_cases(0) if "above its square root" in c["label"])
    for case in (below_one, up):
        verdict = ex.judge(case, ex.call(clip_squared, case))
        assert not verdict.passed and verdict.mistake in ("squared_norm_compared",
                                                           "always_rescale")
    assert ex.judge(below_one, ex.call(clip_squared, below_one)).mistake == "squared_norm_compared"
    clipped, _ = clip_squared(up["inputs"]["grads"], 5.0)
    assert np.isclose(np.sqrt(sum(np.sum(g**2) for g in clipped.values())), 5.0)  # scaled up


def test_pytorch_epsilon_passes_with_a_kind_note_and_other_epsilons_do_not():
    r = check("clip_gradients", clip_pytorch)
    assert r.passed and r.points == EXERCISES["clip_gradients"].points
    assert r.message.startswith("All 5 test cases pass.\nNote: you scale by max_norm / "
                                "(total_norm + eps) with a tiny eps, PyTorch's convention")
    assert r.message.count("Note:") == 1

    def clip_big_eps(grads, max_norm):  # 1e-3 is not a rounding convention: a wrong answer
        total = _norm(grads)
        coef = min(1.0, max_norm / (total + 1e-3))
        return {k: g * coef for k, g in grads.items()}, total

    assert not check("clip_gradients", clip_big_eps).passed

    def clip_eps_wrong_total(grads, max_norm):
        clipped, total = clip_pytorch(grads, max_norm)
        return clipped, total + 1e-6

    assert not check("clip_gradients", clip_eps_wrong_total).passed


def test_sequence_backward_gets_a_list_of_step_tuples_as_rnn_forward_returns():
    seen = []

    def records(dh, cache):
        seen.append((type(cache), type(cache[0])))
        return rnn.rnn_backward(dh, cache)

    for ex_id in ("rnn_backward", "rnn_backward_truncated"):
        seen.clear()
        fn = records if ex_id == "rnn_backward" else (lambda dh, cache, k: (
            seen.append((type(cache), type(cache[0]))), rnn.rnn_backward_truncated(dh, cache, k))[1])
        assert check(ex_id, fn).passed
        assert set(seen) == {(list, tuple)}

    def pops(dh, cache):  # consumes the caller's list: reported, not an AttributeError
        out = rnn.rnn_backward(dh, list(cache))
        while cache:
            cache.pop()
        return out

    r = check("rnn_backward", pops)
    assert not r.passed and "It changed its input cache in place" in r.message
    assert "AttributeError" not in r.message


def test_a_correct_but_slow_function_is_told_it_is_slow_not_endless():
    import time

    def slow(dh, cache):
        time.sleep(0.2)
        return rnn.rnn_backward(dh, cache)

    r = check("rnn_backward", slow, time_limit=0.5)
    assert not r.passed
    assert r.message.startswith("Case 3 of 5 (N=3, T=1, D=4, H=3): took longer than 0.5 s, the "
                                "time limit for all the cases together: the 2 cases before this "
                                "one took 4")
    assert re.search(r"took 4\d\d ms \(2\d\d ms each\) and this one did not finish in the "
                     r"\d\d ms left; the "
                     r"reference takes (less than 0\.1|[\d.]+) ms on this case\. If", r.message)
    assert "your function is right but too slow" in r.message
    assert "never ends" not in r.message
    assert r.message.endswith("(2 of 5 cases pass.)")
