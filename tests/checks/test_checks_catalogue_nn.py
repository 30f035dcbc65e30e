"""Checks of lessons 0-1: the warm-up, affine/tanh layers, softmax cross-entropy and
numerical_gradient. The references pass, every known mistake fails with its own message, and
hand-written correct alternatives (loops, einsum, other formulas) pass."""

import numpy as np
import pytest

from rnncourse import gradcheck, nn
from rnncourse.checks import EXERCISES, check
from rnncourse.checks.catalogue.warmup import warmup_sum_of_squares
from tests.checks.named_mistakes import (
    assert_fails_as,
    assert_mistake_is_named,
    assert_wording_covers_every_mistake,
    mistake_cases,
)

WORDING = {
    "warmup_sum_of_squares": {
        "square_of_sum": "squared the sum instead of summing the squares",
        "no_square": "forgot to square",
        "abs_sum": "summed the absolute values |x|",
        "mean_not_sum": "took the mean of the squares (np.mean) instead of their sum",
        "square_root": "took the square root of the sum of squares",
        "one_axis_only": "summed along one axis only",
        "dot_with_itself": "x @ x (or np.dot(x, x)) is the sum of squares only for a 1-D x",
        "zero_d_array": "returned a 0-d numpy array (one number inside np.array)",
    },
    "affine_forward": {
        "forgot_bias": "forgot to add the bias: out = x @ W + b",
        "W_transposed": "used W.T where W belongs",
        "W_before_x": "multiplied in the wrong order, W @ x",
        "elementwise_product": "x * W multiplies entry by entry",
        "no_cache": "returned only out",
        "cache_without_b": "the cache leaves b out",
        "cache_with_out": "the cache holds out as well",
    },
    "affine_backward": {
        "mean_batch": "mean instead of sum over the batch for dW and db",
        "mean_batch_db": "db is the mean over the batch instead of the sum",
        "mean_batch_dW": "dW is divided by the batch size",
        "dx_W_not_transposed": "dx uses W where W.T belongs",
        "dW_transposed": "dW is transposed",
        "dW_x_not_transposed": "dW uses x where x.T belongs: dW = x.T @ dout",
        "dx_transposed": "dx is transposed: dx = dout @ W.T",
        "db_wrong_axis": "db is summed over the wrong axis",
        "db_not_summed": "db is dout itself",
    },
    "tanh_backward": {
        "tanh_applied_again": "wrong tanh derivative: the cache already holds tanh(x)",
        "tanh_no_square": "wrong tanh derivative: 1 - tanh(x) without the square",
        "forgot_dout": "did not multiply by the upstream gradient",
        "squared_the_difference": "wrong tanh derivative: (1 - h)**2 squares the difference",
        "derivative_sign_flipped": "the tanh derivative has the wrong sign",
    },
    "softmax_cross_entropy": {
        "softmax_overflow": "softmax overflowed on large scores",
        "loss_summed": "summed over the batch instead of averaging",
        "loss_summed_only": "the loss is summed over the batch instead of averaged",
        "dscores_not_divided": "dscores is N times too large",
        "forgot_minus_one": "forgot to subtract 1 at the true class",
        "indexed_columns": "indexed p[:, y] where p[np.arange(N), y] belongs",
        "indexed_columns_loss": "indexed p[:, y] where p[np.arange(N), y] belongs",
        "indexed_columns_grad": "indexed p[:, y] where p[np.arange(N), y] belongs",
        "gradient_sign_flipped": "dscores has the wrong sign",
        "row_max_without_keepdims": "the row maximum lost its axis",
        "row_sum_without_keepdims": "the row sum lost its axis",
    },
    "numerical_gradient": {
        "f_called_with_x": "f takes no arguments here: it reads x itself",
        "x_not_restored": "did not restore x",
        "one_sided": "used a one-sided difference",
        "missing_factor_two": "divided by h instead of 2h",
        "nudged_copy": "the gradient is all zeros, so f never saw your nudges",
        "first_axis_only": "the loop runs over range(len(x)), the first axis only",
    },
}

MISTAKES = mistake_cases(WORDING)


def test_every_mistake_of_these_exercises_has_a_wording_test():
    assert_wording_covers_every_mistake(WORDING)


@pytest.mark.parametrize("ex_id, name", MISTAKES)
def test_each_known_mistake_fails_with_its_own_message(ex_id, name):
    assert_mistake_is_named(WORDING, ex_id, name)


# ----------------------------------------------------------------------------- references
@pytest.mark.parametrize("ex_id, ref", [
    ("warmup_sum_of_squares", warmup_sum_of_squares),
    ("affine_forward", nn.affine_forward),
    ("affine_backward", nn.affine_backward),
    ("tanh_backward", nn.tanh_backward),
    ("softmax_cross_entropy", nn.softmax_cross_entropy),
    ("numerical_gradient", gradcheck.numerical_gradient),
])
def test_reference_passes(ex_id, ref):
    r = check(ex_id, ref)
    assert r.passed, r.message
    assert r.points == r.possible == EXERCISES[ex_id].points
    assert "All" in r.message and "test cases pass" in r.message


# ----------------------------------------------------------------------------- alternatives
def warmup_loop(x):
    total = 0
    for v in np.ravel(x):
        total += v * v
    return total  # a numpy float is fine


def affine_forward_einsum(x, W, b):
    return np.einsum("nd,dm->nm", x, W) + b[None, :], (x, W, b)


def affine_forward_loop(x, W, b):
    out = np.zeros((x.shape[0], W.shape[1]))
    for n in range(x.shape[0]):
        for m in range(W.shape[1]):
            out[n, m] = sum(x[n, d] * W[d, m] for d in range(x.shape[1])) + b[m]
    return out, (x, W, b)


def affine_backward_loop(dout, cache):
    x, W, b = cache
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    for n in range(x.shape[0]):
        dx[n] = W @ dout[n]
        dW += np.outer(x[n], dout[n])
        db += dout[n]
    return dx, dW, db


def affine_backward_einsum(dout, cache):
    x, W, _ = cache
    return (np.einsum("nm,dm->nd", dout, W), np.einsum("nd,nm->dm", x, dout),
            np.einsum("nm->m", dout))


def tanh_backward_expanded(dout, cache):
    return dout - dout * cache * cache


def softmax_ce_probs(scores, y):
    N = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    d = p.copy()
    d[np.arange(N), y] -= 1
    return loss, d / N


def softmax_ce_loop(scores, y):
    N, C = scores.shape
    loss, d = 0.0, np.zeros_like(scores)
    for n in range(N):
        m = max(scores[n])
        e = np.exp(scores[n] - m)
        lse = m + np.log(e.sum())
        loss += (lse - scores[n, y[n]]) / N
        d[n] = e / e.sum() / N
        d[n, y[n]] -= 1.0 / N
    return np.array(loss), d  # a 0-d array is accepted as a number


def numgrad_flat(f, x, h=1e-5):
    grad = np.zeros(x.size)
    flat = x.reshape(-1)  # a view: nudging it nudges x
    for i in range(x.size):
        old = flat[i]
        flat[i] = old + h
        fp = f()
        flat[i] = old - h
        fm = f()
        flat[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad.reshape(x.shape)


def numgrad_increments(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        x[i] += h
        fp = f()
        x[i] -= 2 * h
        fm = f()
        x[i] += h  # may differ from the original by one rounding step: still "restored"
        grad[i] = (fp - fm) / (2 * h)
    return grad


@pytest.mark.parametrize("ex_id, fn", [
    ("warmup_sum_of_squares", warmup_loop),
    ("warmup_sum_of_squares", lambda x: float(np.dot(x.ravel(), x.ravel()))),
    ("affine_forward", affine_forward_einsum),
    ("affine_forward", affine_forward_loop),
    ("affine_backward", affine_backward_loop),
    ("affine_backward", affine_backward_einsum),
    ("tanh_backward", tanh_backward_expanded),
    ("softmax_cross_entropy", softmax_ce_probs),
    ("softmax_cross_entropy", softmax_ce_loop),
    ("numerical_gradient", numgrad_flat),
    ("numerical_gradient", numgrad_increments),
])
def test_correct_alternatives_pass(ex_id, fn):
    r = check(ex_id, fn)
    assert r.passed, r.message


def test_numerical_gradient_agrees_with_analytic_gradients_of_the_test_functions():
    """The trusted test functions are what they claim: compare with hand-derived gradients."""
    from rnncourse.checks.catalogue.gradcheck import make_test_function

    ex = EXERCISES["numerical_gradient"]
    for case in ex.make_cases(0):
        spec, x = case["inputs"]["f"], case["inputs"]["x"].copy()
        if spec["family"] == "quadratic":
            exact = 0.5 * (spec["A"] + spec["A"].T) @ x + spec["c"]
            scale = np.abs(x) @ np.abs(spec["A"]) @ np.abs(x) + np.abs(spec["c"]) @ np.abs(x)
        elif spec["family"] == "sine":
            exact = spec["w"] * np.cos(x)
            scale = np.abs(spec["w"]).sum()
        else:
            t = np.tanh(spec["inp"] @ x)
            exact = spec["inp"].T @ (2 * t * (1 - t**2))
            scale = float(np.size(t))  # a sum of tanh(.)**2, each at most 1
        result = gradcheck.gradient_check(exact, make_test_function(spec, x), x, f_scale=float(scale))
        assert result.passed, result.describe(f"the {spec['family']} test function")


def test_softmax_large_scores_case_really_overflows_a_naive_softmax():
    ex = EXERCISES["softmax_cross_entropy"]
    large = [c for c in ex.make_cases(0) if c["large"]]
    assert large and np.abs(large[0]["inputs"]["scores"]).max() > 990
    with np.errstate(all="ignore"):
        assert not np.isfinite(np.exp(large[0]["inputs"]["scores"])).all()


# ----------------------------------------------------------------------------- learners' wrong answers
# Written as a learner would (issue 11): each fails and is named, never "No known mistake".
def softmax_columns(scores, y):
    N = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[:, y]))  # whole columns, an (N, N) block
    d = p.copy()
    d[np.arange(N), y] -= 1
    return loss, d / N


def softmax_sign_flipped(scores, y):
    N = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    onehot = np.zeros_like(p)
    onehot[np.arange(N), y] = 1
    return -np.mean(np.log(p[np.arange(N), y])), (onehot - p) / N


def affine_backward_x_dout(dout, cache):
    x, W, b = cache
    return dout @ W.T, x @ dout, dout.sum(axis=0)


def numgrad_calls_f_with_x(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


WRONG_ANSWERS = [
    ("softmax_cross_entropy", softmax_columns, "indexed_columns_loss",
     "Likely mistake: indexed p[:, y] where p[np.arange(N), y] belongs"),
    ("softmax_cross_entropy", softmax_sign_flipped, "gradient_sign_flipped",
     "Likely mistake: dscores has the wrong sign"),
    ("affine_backward", affine_backward_x_dout, "dW_x_not_transposed",
     "Likely mistake: dW uses x where x.T belongs"),
    ("numerical_gradient", numgrad_calls_f_with_x, "f_called_with_x",
     "Likely mistake: f takes no arguments here: it reads x itself"),
]
"""(exercise id, a learner's wrong answer, the mistake it must be named as, words of the message)."""


@pytest.mark.parametrize("ex_id, fn, name, words", WRONG_ANSWERS,
                         ids=[f"{w[0]}-{w[2]}" for w in WRONG_ANSWERS])
def test_learners_wrong_answers_are_named(ex_id, fn, name, words):
    assert_fails_as(ex_id, fn, name, words)


def test_x_at_dout_is_named_both_as_a_shape_error_and_as_wrong_values():
    """x @ dout raises when N != D (case 1) and gives wrong values when N == D (case 2)."""
    ex = EXERCISES["affine_backward"]
    first, square = ex.make_cases(0)[:2]
    assert len(set(first["dims"].values())) == 3  # N, D, M all different
    assert len(set(square["dims"].values())) == 1
    raised = ex.judge(first, ex.call(affine_backward_x_dout, first))
    assert raised.mistake == "dW_x_not_transposed" and "raised ValueError: matmul" in raised.message
    assert "line " in raised.message and "x @ dout" in raised.message  # the learner's own line
    values = ex.judge(square, ex.call(affine_backward_x_dout, square))
    assert values.mistake == "dW_x_not_transposed" and "dW is off by up to" in values.message


def test_calling_f_with_x_names_f_not_the_checker():
    r = check("numerical_gradient", numgrad_calls_f_with_x)
    assert "raised TypeError: f() takes 0 positional arguments but 1 was given (line " in r.message
    assert "in numgrad_calls_f_with_x: fp = f(x)" in r.message
