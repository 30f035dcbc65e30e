"""Lesson 1 exercises on feedforward layers: affine_forward, affine_backward, tanh_backward and
softmax_cross_entropy (references in :mod:`rnncourse.nn`), each with its known mistakes.

Letters: N batch, D inputs, M outputs, C classes. The first case of each exercise (the one a
failing check usually reports) has N, D and M all different, so a transposed array shows as a
shape error; the second is square (N = D = M), where the same mistake gives wrong values.
"""

from __future__ import annotations

import numpy as np

from rnncourse.checks.engine import FunctionExercise, Mistake, label

LESSON = "01_feedforward_backprop"


_SIZES = [(2, 3, 4), (3, 3, 3), (1, 3, 2), (5, 2, 6)]  # (N, D, M)


# ----------------------------------------------------------------------------- affine_forward
def _affine_cases(rng):
    cases = []
    for N, D, M in _SIZES:
        inputs = {"x": rng.standard_normal((N, D)), "W": rng.standard_normal((D, M)),
                  "b": rng.standard_normal(M)}
        cases.append({"label": label(N=N, D=D, M=M), "dims": {"N": N, "D": D, "M": M},
                      "inputs": inputs})
    return cases


def _affine_forward_no_bias(x, W, b):
    return x @ W, (x, W, b)


def _affine_forward_W_T(x, W, b):
    return x @ W.T + b, (x, W, b)


def _affine_forward_W_first(x, W, b):
    return W @ x + b, (x, W, b)


def _affine_forward_elementwise(x, W, b):
    return x * W + b, (x, W, b)


def _affine_forward_no_cache(x, W, b):
    return x @ W + b


def _affine_forward_cache_without_b(x, W, b):
    return x @ W + b, (x, W)


def _affine_forward_cache_out(x, W, b):
    out = x @ W + b
    return out, (x, W, b, out)


AFFINE_FORWARD = FunctionExercise(
    id="affine_forward",
    lesson=LESSON,
    section="lesson 1, section 5 (Backpropagation layer by layer)",
    points=1,
    signature="affine_forward(x, W, b) -> (out, cache)",
    reference="rnncourse.nn:affine_forward",
    arg_names=("x", "W", "b"),
    output_names=("out", "cache"),
    cases=_affine_cases,
    shapes={"out": "(N, M)"},
    labels={"cache": ("x", "W", "b")},
    mistakes=(
        Mistake("forgot_bias", "forgot to add the bias: out = x @ W + b.", _affine_forward_no_bias),
        Mistake("W_transposed", "used W.T where W belongs: W has shape (D, M), so out = x @ W + b.",
                _affine_forward_W_T),
        Mistake("W_before_x", "multiplied in the wrong order, W @ x: the examples are the rows "
                "of x, so out = x @ W + b, (N, D) @ (D, M) -> (N, M).", _affine_forward_W_first),
        Mistake("elementwise_product", "x * W multiplies entry by entry; the layer needs the "
                "matrix product, out = x @ W + b (or np.dot(x, W) + b).",
                _affine_forward_elementwise),
        Mistake("no_cache", "returned only out: return the output and the cache, "
                "out, (x, W, b); affine_backward needs the cache.", _affine_forward_no_cache),
        Mistake("cache_without_b", "the cache leaves b out: return the cache (x, W, b), all "
                "three inputs, as the lesson asks.", _affine_forward_cache_without_b),
        Mistake("cache_with_out", "the cache holds out as well: return the cache (x, W, b), "
                "exactly the three inputs, as the lesson asks.", _affine_forward_cache_out),
    ),
)


# ----------------------------------------------------------------------------- affine_backward
def _affine_backward_cases(rng):
    cases = []
    for N, D, M in _SIZES:
        cache = [rng.standard_normal((N, D)), rng.standard_normal((D, M)), rng.standard_normal(M)]
        cases.append({"label": label(N=N, D=D, M=M), "dims": {"N": N, "D": D, "M": M},
                      "inputs": {"dout": rng.standard_normal((N, M)), "cache": cache}})
    return cases


def _affine_backward_variant(mean_dW=False, mean_db=False, dx_W=False, dW_T=False,
                             dW_x_not_T=False, dx_T=False, db_axis=0):
    """An ``affine_backward`` with chosen mistakes; ``db_axis`` is the axis db sums over (1: over
    the outputs, one number per example; None: not summed at all, db = dout)."""
    def variant(dout, cache):
        x, W, b = cache
        N = x.shape[0]
        dx = dout @ (W if dx_W else W.T)
        if dx_T:
            dx = W @ dout.T  # (D, M) @ (M, N) -> (D, N): dx transposed
        dW = (dout.T @ x) if dW_T else (x @ dout) if dW_x_not_T else (x.T @ dout)
        db = dout if db_axis is None else dout.sum(axis=db_axis)
        return dx, (dW / N if mean_dW else dW), (db / N if mean_db else db)
    return variant


AFFINE_BACKWARD = FunctionExercise(
    id="affine_backward",
    lesson=LESSON,
    section="lesson 1, section 5 (Backpropagation layer by layer)",
    points=2,
    signature="affine_backward(dout, cache) -> (dx, dW, db)",
    reference="rnncourse.nn:affine_backward",
    arg_names=("dout", "cache"),
    output_names=("dx", "dW", "db"),
    cases=_affine_backward_cases,
    containers={"cache": ("tuple",)},
    shapes={"dx": "(N, D)", "dW": "(D, M)", "db": "(M,)"},
    mistakes=(
        Mistake("mean_batch", "mean instead of sum over the batch for dW and db: each example "
                "adds its own contribution, so dW = x.T @ dout and db = dout.sum(axis=0) with no "
                "division by N (any averaging belongs in the loss).",
                _affine_backward_variant(mean_dW=True, mean_db=True)),
        Mistake("mean_batch_db", "db is the mean over the batch instead of the sum: "
                "db = dout.sum(axis=0).", _affine_backward_variant(mean_db=True)),
        Mistake("mean_batch_dW", "dW is divided by the batch size: dW = x.T @ dout, summed over "
                "the batch with no division.", _affine_backward_variant(mean_dW=True)),
        Mistake("dx_W_not_transposed", "dx uses W where W.T belongs: dx = dout @ W.T.",
                _affine_backward_variant(dx_W=True)),
        Mistake("dW_transposed", "dW is transposed: dW = x.T @ dout, of shape (D, M) like W.",
                _affine_backward_variant(dW_T=True)),
        Mistake("dW_x_not_transposed", "dW uses x where x.T belongs: dW = x.T @ dout, (D, N) @ "
                "(N, M) -> (D, M), the shape of W; x @ dout only runs when N = D, and then gives "
                "wrong values.", _affine_backward_variant(dW_x_not_T=True)),
        Mistake("dx_transposed", "dx is transposed: dx = dout @ W.T, (N, M) @ (M, D) -> (N, D), "
                "the shape of x.", _affine_backward_variant(dx_T=True)),
        Mistake("db_wrong_axis", "db is summed over the wrong axis: b has one entry per output "
                "column, so sum dout over the examples, the rows: db = dout.sum(axis=0), shape "
                "(M,).", _affine_backward_variant(db_axis=1)),
        Mistake("db_not_summed", "db is dout itself: b is added to every row, so its gradient "
                "adds up the rows of dout, db = dout.sum(axis=0), shape (M,) like b.",
                _affine_backward_variant(db_axis=None)),
    ),
)


# ----------------------------------------------------------------------------- tanh_backward
def _tanh_cases(rng):
    cases = []
    for N, H in [(3, 4), (1, 5), (2, 2), (4, 3)]:
        cache = np.tanh(1.5 * rng.standard_normal((N, H)))  # the forward output tanh(x)
        cases.append({"label": label(N=N, H=H), "dims": {"N": N, "H": H},
                      "inputs": {"dout": rng.standard_normal((N, H)), "cache": cache}})
    return cases


def _tanh_again(dout, cache):
    return dout * (1.0 - np.tanh(cache) ** 2)


def _tanh_no_square(dout, cache):
    return dout * (1.0 - cache)


def _tanh_no_dout(dout, cache):
    return 1.0 - cache**2


def _tanh_square_outside(dout, cache):
    return dout * (1.0 - cache) ** 2


def _tanh_sign_flipped(dout, cache):
    return dout * (cache**2 - 1.0)


TANH_BACKWARD = FunctionExercise(
    id="tanh_backward",
    lesson=LESSON,
    section="lesson 1, section 5 (Backpropagation layer by layer)",
    points=1,
    signature="tanh_backward(dout, cache) -> dx    (cache holds tanh(x))",
    reference="rnncourse.nn:tanh_backward",
    arg_names=("dout", "cache"),
    output_names=("dx",),
    cases=_tanh_cases,
    shapes={"dx": "(N, H)"},
    mistakes=(
        Mistake("tanh_applied_again", "wrong tanh derivative: the cache already holds tanh(x), "
                "so the derivative is 1 - cache**2 (don't apply tanh to it again).", _tanh_again),
        Mistake("tanh_no_square", "wrong tanh derivative: 1 - tanh(x) without the square; it is "
                "1 - tanh(x)**2, i.e. dx = dout * (1 - cache**2).", _tanh_no_square),
        Mistake("forgot_dout", "did not multiply by the upstream gradient: dx = dout * "
                "(1 - cache**2) (chain rule).", _tanh_no_dout),
        Mistake("squared_the_difference", "wrong tanh derivative: (1 - h)**2 squares the "
                "difference; the square belongs on h alone, 1 - h**2, so dx = dout * "
                "(1 - cache**2).", _tanh_square_outside),
        Mistake("derivative_sign_flipped", "the tanh derivative has the wrong sign: h**2 - 1 is "
                "negative, while tanh only rises, 1 - h**2 >= 0; dx = dout * (1 - cache**2).",
                _tanh_sign_flipped),
    ),
)


# ----------------------------------------------------------------------------- softmax + CE
def _softmax_cases(rng):
    cases = []
    # the last is square (N = C): a row max or row sum without keepdims=True then runs, and
    # each gives its own wrong values instead of the same broadcasting error
    for N, C, offset, note in [(4, 5, 0.0, ""), (1, 3, 0.0, ""), (3, 4, 1000.0, "large"),
                               (6, 2, 0.0, ""), (3, 3, 0.0, "")]:
        scores = 2.0 * rng.standard_normal((N, C))
        if offset:  # rows around +1000 and -1000: exp overflows or underflows without a shift
            scores = scores + offset * np.where(np.arange(N) % 2 == 0, 1.0, -1.0)[:, None]
        y = rng.integers(0, C, size=N)
        text = label(N=N, C=C) + (", scores around +-1000" if note else "")
        cases.append({"label": text, "dims": {"N": N, "C": C}, "large": bool(note),
                      "inputs": {"scores": scores, "y": y}})
    return cases


def _softmax_variant(naive=False, loss_sum=False, grad_sum=False, no_minus_one=False,
                     columns_in_loss=False, columns_in_grad=False, sign=1.0, max_keepdims=True,
                     sum_keepdims=True):
    """A ``softmax_cross_entropy`` with chosen mistakes; ``columns_in_*`` index ``p[:, y]`` (whole
    columns: an (N, N) block) where ``p[np.arange(N), y]`` (one entry per row) belongs;
    ``max_keepdims``/``sum_keepdims`` False drop ``keepdims=True`` from the row max / row sum."""
    def variant(scores, y):
        N = scores.shape[0]
        shifted = scores if naive else scores - scores.max(axis=1, keepdims=max_keepdims)
        e = np.exp(shifted)
        p = e / e.sum(axis=1, keepdims=sum_keepdims)
        losses = -np.log(p[:, y] if columns_in_loss else p[np.arange(N), y])
        loss = float(losses.sum() if loss_sum else losses.mean())
        d = p.copy()
        if columns_in_grad:
            d[:, y] -= 1.0
        elif not no_minus_one:
            d[np.arange(N), y] -= 1.0
        return loss, sign * (d if grad_sum else d / N)
    return variant


_MSG_COLUMNS = ("indexed p[:, y] where p[np.arange(N), y] belongs: p[:, y] takes whole columns "
                "(an (N, N) block: every example's probability of every example's class), while "
                "the loss needs one entry per row, example n's probability of its own class "
                "y[n]. Use p[np.arange(N), y] in the loss and d[np.arange(N), y] -= 1 in the "
                "gradient.")


def _overflowed(case, outputs):
    value = outputs.get("value")
    if not case.get("large") or outputs.get("status") != "returned" or not isinstance(value, list):
        return False
    return any(not np.all(np.isfinite(np.asarray(v, dtype=float)))
               for v in value if isinstance(v, (float, int, np.ndarray)))


SOFTMAX_CROSS_ENTROPY = FunctionExercise(
    id="softmax_cross_entropy",
    lesson=LESSON,
    section="lesson 1, section 5 (Backpropagation layer by layer)",
    points=2,
    signature="softmax_cross_entropy(scores, y) -> (loss, dscores)",
    reference="rnncourse.nn:softmax_cross_entropy",
    arg_names=("scores", "y"),
    output_names=("loss", "dscores"),
    cases=_softmax_cases,
    shapes={"dscores": "(N, C)"},
    mistakes=(
        Mistake("softmax_overflow", "softmax overflowed on large scores (around +-1000 here): "
                "exp(1000) is inf and exp(-1000) is 0, giving NaN or inf. Subtract each row's "
                "maximum from the scores before exp; the probabilities do not change.",
                _softmax_variant(naive=True), detect=_overflowed),
        Mistake("loss_summed", "summed over the batch instead of averaging: the loss is the mean "
                "over the N examples, so divide both the loss and dscores by N.",
                _softmax_variant(loss_sum=True, grad_sum=True)),
        Mistake("loss_summed_only", "the loss is summed over the batch instead of averaged "
                "(dscores is right): divide the loss by N.", _softmax_variant(loss_sum=True)),
        Mistake("dscores_not_divided", "dscores is N times too large: the loss is a mean over "
                "the batch, so dscores = (softmax(scores) - one_hot(y)) / N.",
                _softmax_variant(grad_sum=True)),
        Mistake("forgot_minus_one", "forgot to subtract 1 at the true class: dscores = "
                "(softmax(scores) - one_hot(y)) / N.", _softmax_variant(no_minus_one=True)),
        Mistake("indexed_columns", _MSG_COLUMNS,
                _softmax_variant(columns_in_loss=True, columns_in_grad=True)),
        Mistake("indexed_columns_loss", _MSG_COLUMNS, _softmax_variant(columns_in_loss=True)),
        Mistake("indexed_columns_grad", _MSG_COLUMNS, _softmax_variant(columns_in_grad=True)),
        Mistake("gradient_sign_flipped", "dscores has the wrong sign: the gradient of the loss "
                "is (softmax(scores) - one_hot(y)) / N, probabilities minus the one-hot, so "
                "gradient descent lowers the wrong classes' scores and raises the true one's.",
                _softmax_variant(sign=-1.0)),
        Mistake("row_max_without_keepdims", "the row maximum lost its axis: scores.max(axis=1) "
                "has shape (N,), which numpy lines up with the columns, not the rows. Keep it "
                "as a column, scores.max(axis=1, keepdims=True) of shape (N, 1), so each row "
                "subtracts its own maximum.", _softmax_variant(max_keepdims=False)),
        Mistake("row_sum_without_keepdims", "the row sum lost its axis: e.sum(axis=1) has shape "
                "(N,), which numpy lines up with the columns, not the rows. Keep it as a column, "
                "e.sum(axis=1, keepdims=True) of shape (N, 1), so each row is divided by its own "
                "sum.", _softmax_variant(sum_keepdims=False)),
    ),
)

EXERCISES = (AFFINE_FORWARD, AFFINE_BACKWARD, TANH_BACKWARD, SOFTMAX_CROSS_ENTROPY)
