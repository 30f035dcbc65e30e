"""Lesson 4 exercises on backpropagation through time: rnn_step_backward and rnn_backward
(references in :mod:`rnncourse.rnn`).

Every known mistake is a whole wrong implementation (:func:`step_backward_variant`,
:func:`bptt_variant`), so the judge can say "your outputs are exactly what this mistake gives".
The truncated-BPTT exercise reuses :func:`bptt_variant` with a cut rule.
"""

from __future__ import annotations

import numpy as np

from rnncourse.checks.catalogue.rnn_cases import SEQUENCE_SIZES, STEP_SIZES, rnn_params, sequence_cache, step
from rnncourse.checks.engine import FunctionExercise, Mistake, label

LESSON = "04_bptt"


OUTPUTS = ("dx", "dh_prev", "dWx", "dWh", "db")
SEQ_OUTPUTS = ("dx", "dh0", "dWx", "dWh", "db")


def step_backward_variant(Wh_not_T=False, Wx_not_T=False, deriv="right", mean=False,
                          dWh_from_next=False, dWh_T=False, swap_dx_dh=False, zero_dh_prev=False,
                          mean_db=False):
    """An ``rnn_step_backward`` with chosen mistakes.

    deriv : ``"right"`` (1 - h_next**2), ``"preactivation"`` (1 - a**2 with a the pre-activation
        recovered as arctanh(h_next)), ``"preactivation_no_b"`` (1 - a**2 with
        a = x Wx + h_prev Wh, all the cache allows without b), ``"no_square"`` (1 - h_next),
        ``"none"`` (no tanh derivative at all), ``"h_prev"`` (1 - h_prev**2), ``"x"``
        (1 - x**2) or ``"tanh_again"`` (1 - tanh(h_next)**2)
    dWh_T : dWh = da.T @ h_prev (transposed); swap_dx_dh : returns dh_prev where dx belongs and
    dx where dh_prev belongs; zero_dh_prev : returns zeros for dh_prev
    """
    def rnn_step_backward(dh_next, cache):
        x, h_prev, Wx, Wh, h_next = cache
        if deriv in ("h_prev", "x", "tanh_again"):
            at = {"h_prev": h_prev, "x": x, "tanh_again": np.tanh(h_next)}[deriv]
            da = dh_next * (1.0 - at**2)
        elif deriv == "preactivation":
            da = dh_next * (1.0 - np.arctanh(h_next) ** 2)
        elif deriv == "preactivation_no_b":
            a = x @ Wx + h_prev @ Wh  # (N, D)@(D, H) + (N, H)@(H, H) -> (N, H)
            da = dh_next * (1.0 - a**2)
        elif deriv == "no_square":
            da = dh_next * (1.0 - h_next)
        elif deriv == "none":
            da = dh_next
        else:
            da = dh_next * (1.0 - h_next**2)
        dx = da @ (Wx if Wx_not_T else Wx.T)
        dh_prev = da @ (Wh if Wh_not_T else Wh.T)
        if zero_dh_prev:
            dh_prev = np.zeros_like(h_prev)
        dWx = x.T @ da
        dWh = da.T @ h_prev if dWh_T else (h_next if dWh_from_next else h_prev).T @ da
        db = da.mean(axis=0) if mean_db else da.sum(axis=0)
        if mean:
            N = x.shape[0]
            dWx, dWh, db = dWx / N, dWh / N, db / N
        if swap_dx_dh:
            dx, dh_prev = dh_prev, dx
        return dx, dh_prev, dWx, dWh, db
    return rnn_step_backward


MSG_WH = ("used Wh where Wh.T belongs: the forward pass has h_prev @ Wh, so going back "
          "dh_prev = da @ Wh.T.")
MSG_WX = "used Wx where Wx.T belongs: the forward pass has x @ Wx, so dx = da @ Wx.T."
MSG_PRE = ("wrong tanh derivative: 1 - a**2 on the pre-activation a. tanh'(a) = 1 - tanh(a)**2 "
           "= 1 - h_next**2, so use the output h_next from the cache.")
MSG_NO_SQUARE = "wrong tanh derivative: 1 - h_next without the square; it is 1 - h_next**2."
MSG_NONE = ("skipped the tanh derivative: first da = dh * (1 - h_next**2), then use da for "
            "every gradient.")
MSG_MEAN = ("mean instead of sum over the batch for dWx, dWh and db: every example adds its "
            "contribution, so sum over the batch without dividing by N.")
MSG_DWH = ("dWh uses h_next where h_prev belongs: Wh multiplies h_prev in the forward pass, "
           "so dWh = h_prev.T @ da.")
MSG_AT_H_PREV = ("the tanh derivative is taken at h_prev: h_next = tanh(a), so tanh'(a) = "
                 "1 - h_next**2, from the step's own output h_next, not the state before it.")
MSG_AT_X = ("the tanh derivative is taken at x: tanh'(a) = 1 - h_next**2, from the step's output "
            "h_next (shape (N, H)), not the input x (shape (N, D)).")
MSG_TANH_AGAIN = ("wrong tanh derivative: 1 - tanh(h_next)**2 applies tanh twice. h_next already "
                  "is tanh(a), so tanh'(a) = 1 - h_next**2.")
MSG_DWH_T = ("dWh is transposed: dWh = h_prev.T @ da, (H, N) @ (N, H), with the old state's "
             "index first like Wh's rows; da.T @ h_prev is its transpose.")
MSG_SWAP = ("dx and dh_prev are swapped: return them in the order (dx, dh_prev, dWx, dWh, db), "
            "with dx = da @ Wx.T of shape (N, D) and dh_prev = da @ Wh.T of shape (N, H).")
MSG_MEAN_DB = ("db is the mean over the batch instead of the sum: every example adds its own "
               "contribution, so db = da.sum(axis=0), with no division by N (dWx and dWh are "
               "right).")
MSG_DH_PREV_ZERO = ("dh_prev is all zeros: the step's output depends on h_prev through "
                    "h_prev @ Wh, so dh_prev = da @ Wh.T; BPTT passes it back to the step before.")

STEP_MISTAKES = (
    Mistake("Wh_not_transposed", MSG_WH, step_backward_variant(Wh_not_T=True)),
    Mistake("Wx_not_transposed", MSG_WX, step_backward_variant(Wx_not_T=True)),
    Mistake("tanh_on_preactivation", MSG_PRE, step_backward_variant(deriv="preactivation")),
    Mistake("tanh_on_preactivation_without_b", MSG_PRE,
            step_backward_variant(deriv="preactivation_no_b")),
    Mistake("tanh_no_square", MSG_NO_SQUARE, step_backward_variant(deriv="no_square")),
    Mistake("no_tanh_derivative", MSG_NONE, step_backward_variant(deriv="none")),
    Mistake("mean_batch", MSG_MEAN, step_backward_variant(mean=True)),
    Mistake("dWh_uses_h_next", MSG_DWH, step_backward_variant(dWh_from_next=True)),
    Mistake("tanh_at_h_prev", MSG_AT_H_PREV, step_backward_variant(deriv="h_prev")),
    Mistake("tanh_at_x", MSG_AT_X, step_backward_variant(deriv="x")),
    Mistake("tanh_applied_again", MSG_TANH_AGAIN, step_backward_variant(deriv="tanh_again")),
    Mistake("dWh_transposed", MSG_DWH_T, step_backward_variant(dWh_T=True)),
    Mistake("dx_dh_prev_swapped", MSG_SWAP, step_backward_variant(swap_dx_dh=True)),
    Mistake("dh_prev_zero", MSG_DH_PREV_ZERO, step_backward_variant(zero_dh_prev=True)),
    Mistake("mean_batch_db", MSG_MEAN_DB, step_backward_variant(mean_db=True)),
)


def _step_cases(rng):
    cases = []
    for N, D, H in STEP_SIZES:
        p = rnn_params(rng, N, 1, D, H)
        _, cache = step(p["x"][:, 0, :], p["h0"], p["Wx"], p["Wh"], p["b"])
        cases.append({"label": label(N=N, D=D, H=H), "dims": {"N": N, "D": D, "H": H},
                      "inputs": {"dh_next": rng.standard_normal((N, H)), "cache": cache}})
    return cases


RNN_STEP_BACKWARD = FunctionExercise(
    id="rnn_step_backward",
    lesson=LESSON,
    section="lesson 4, section 3 (The backward pass of one step)",
    points=2,
    signature="rnn_step_backward(dh_next, cache) -> (dx, dh_prev, dWx, dWh, db)",
    reference="rnncourse.rnn:rnn_step_backward",
    arg_names=("dh_next", "cache"),
    output_names=OUTPUTS,
    cases=_step_cases,
    containers={"cache": ("tuple",)},
    shapes={"dx": "(N, D)", "dh_prev": "(N, H)", "dWx": "(D, H)", "dWh": "(H, H)", "db": "(H,)"},
    mistakes=STEP_MISTAKES,
)


# ----------------------------------------------------------------------------- full BPTT
def bptt_variant(step_backward=None, accumulate=True, add_future=True, add_upstream=True,
                 forward=False, cut=None, divide_by_T=False, zero_dh0=False, skip_first=False,
                 last_twice=False, cache_shift=0, upstream_cut=None, stop=None):
    """An ``rnn_backward`` built from a step backward, with chosen mistakes.

    cut : callable ``(t, k, T) -> bool`` or None; when given, the function takes a third
        argument ``k`` and drops the gradient passed from step t to step t-1 whenever
        ``cut(t, k, T)``
    divide_by_T : the weight gradients are averaged over time; zero_dh0 : dh0 returned as zeros;
    skip_first : the loop stops before step 0 (``range(T - 1, 0, -1)``); last_twice : the carried
        gradient starts as ``dh[:, T-1]``, so the last step's upstream gradient counts twice
    """
    step_backward = step_backward or step_backward_variant()

    def run(dh, cache, k=None):
        N, T, H = dh.shape
        D = cache[0][0].shape[1]
        dx = np.zeros((N, T, D))
        dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
        future = dh[:, T - 1, :].copy() if last_twice else np.zeros((N, H))
        low = stop(k, T) if stop is not None else (1 if skip_first else 0)
        steps = range(T) if forward else reversed(range(low, T))
        for t in steps:
            if not add_upstream and t != T - 1:
                total = future  # only the gradient from the next step
            elif upstream_cut is not None and upstream_cut(t, k, T):
                total = np.zeros_like(future)  # the step's own upstream gradient dropped too
            else:
                total = dh[:, t, :] + (future if add_future else 0.0)
            dx[:, t, :], future, dWx_t, dWh_t, db_t = step_backward(total,
                                                                     cache[t - cache_shift])
            if accumulate:
                dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
            else:
                dWx, dWh, db = dWx_t, dWh_t, db_t
            if cut is not None and cut(t, k, T):
                future = np.zeros_like(future)
        if divide_by_T:
            dWx, dWh, db = dWx / T, dWh / T, db / T
        return dx, (np.zeros_like(future) if zero_dh0 else future), dWx, dWh, db

    if cut is not None or stop is not None:
        return run
    return lambda dh, cache: run(dh, cache)


def sequence_cases(rng, with_k=False):
    """Cases of a whole sequence's backward pass (with a truncation length ``k`` if ``with_k``)."""
    sizes = [(2, 7, 3, 4, 5), (1, 5, 2, 4, 2), (2, 4, 3, 2, 1), (3, 3, 2, 4, 5), (2, 1, 3, 2, 2),
             (2, 6, 3, 3, 2)] if with_k else [s + (None,) for s in SEQUENCE_SIZES]
    cases = []
    for N, T, D, H, k in sizes:
        p = rnn_params(rng, N, T, D, H)
        inputs = {"dh": rng.standard_normal((N, T, H)), "cache": sequence_cache(p)}
        dims = {"N": N, "T": T, "D": D, "H": H}
        if with_k:
            inputs["k"] = k
            dims["k"] = k
        cases.append({"label": label(**dims), "dims": dims, "inputs": inputs})
    return cases


SEQ_SHAPES = {"dx": "(N, T, D)", "dh0": "(N, H)", "dWx": "(D, H)", "dWh": "(H, H)", "db": "(H,)"}

SHARED_SUM = "lesson 3, section 6 (Shared weights: the gradient is the sum over the uses)"
"""Where the lessons show that a shared weight's gradient is the sum over its uses."""

RNN_BACKWARD = FunctionExercise(
    id="rnn_backward",
    lesson=LESSON,
    section="lesson 4, section 4 (Full BPTT: upstream gradient plus gradient from the future)",
    points=3,
    signature="rnn_backward(dh, cache) -> (dx, dh0, dWx, dWh, db)",
    reference="rnncourse.rnn:rnn_backward",
    arg_names=("dh", "cache"),
    output_names=SEQ_OUTPUTS,
    cases=sequence_cases,
    containers={"cache": ("list", "tuple")},
    shapes=SEQ_SHAPES,
    time_axes={"dx": 1},
    equivalents=("rnncourse.rnn.fast:rnn_backward_fast",
                 "rnncourse.rnn.truncated:rnn_backward_truncated"),
    depends_on=("rnn_step_backward",),
    mistakes=(
        Mistake("overwrite_shared", "the shared-weight gradients are overwritten at every time "
                "step instead of summed: Wx, Wh and b are used at every step, so accumulate "
                "dWx += dWx_t, dWh += dWh_t, db += db_t over time.",
                bptt_variant(accumulate=False),
                section=SHARED_SUM),
        Mistake("future_not_added", "the gradient from the next time step is not added: each "
                "step's total gradient is its upstream gradient plus the dh_prev returned by the "
                "step after it; in the loop for t in reversed(range(T)), dh[:, t] + dh_prev.",
                bptt_variant(add_future=False)),
        Mistake("upstream_dropped", "the upstream gradient is dropped: only the gradient from "
                "the next step was used. In the loop for t in reversed(range(T)), each step "
                "needs dh[:, t] + dh_prev, dh_prev from the step after it.",
                bptt_variant(add_upstream=False)),
        Mistake("forward_loop", "the time loop runs forward: BPTT goes from step T down to step "
                "1 (for t in reversed(range(T)) in code) because each step needs the gradient "
                "from the step after it.", bptt_variant(forward=True)),
        Mistake("Wh_not_transposed", MSG_WH,
                bptt_variant(step_backward_variant(Wh_not_T=True))),
        Mistake("Wx_not_transposed", MSG_WX,
                bptt_variant(step_backward_variant(Wx_not_T=True))),
        Mistake("tanh_on_preactivation", MSG_PRE,
                bptt_variant(step_backward_variant(deriv="preactivation"))),
        Mistake("tanh_on_preactivation_without_b", MSG_PRE,
                bptt_variant(step_backward_variant(deriv="preactivation_no_b"))),
        Mistake("tanh_no_square", MSG_NO_SQUARE,
                bptt_variant(step_backward_variant(deriv="no_square"))),
        Mistake("mean_batch", MSG_MEAN, bptt_variant(step_backward_variant(mean=True))),
        Mistake("tanh_at_h_prev", MSG_AT_H_PREV,
                bptt_variant(step_backward_variant(deriv="h_prev"))),
        Mistake("tanh_at_x", MSG_AT_X, bptt_variant(step_backward_variant(deriv="x"))),
        Mistake("tanh_applied_again", MSG_TANH_AGAIN,
                bptt_variant(step_backward_variant(deriv="tanh_again"))),
        Mistake("dWh_transposed", MSG_DWH_T, bptt_variant(step_backward_variant(dWh_T=True))),
        Mistake("dh0_zero", "dh0 is all zeros: h0 feeds step 1 through h0 @ Wh, so dh0 is the "
                "dh_prev that step 1's backward pass (on cache[0]) returns, the gradient carried "
                "out of the loop.", bptt_variant(zero_dh0=True)),
        Mistake("weights_divided_by_T", "dWx, dWh and db are divided by T: a shared weight's "
                "gradient is the SUM of its contributions at every step, not their mean.",
                bptt_variant(divide_by_T=True),
                section=SHARED_SUM),
        Mistake("step_zero_skipped", "step 1 (code index 0) is skipped: the loop must visit "
                "t = T-1, ..., 1, 0 (for t in reversed(range(T))); range(T - 1, 0, -1) stops "
                "before 0, so dx[:, 0] and step 1's share of the weight gradients are missing "
                "and dh0 is wrong.", bptt_variant(skip_first=True)),
        Mistake("last_step_counted_twice", "the last step's upstream gradient dh[:, T-1] is "
                "counted twice: the gradient carried from the future starts at zero (nothing "
                "comes after step T), and every step, the last included, adds its own upstream "
                "gradient once.", bptt_variant(last_twice=True)),
        Mistake("cache_off_by_one", "off by one in the cache: in the loop for t in "
                "reversed(range(T)), t is the code index, so the step that gets dh[:, t] uses "
                "cache[t]. The lesson's cache[t-1] is step t's cache with t counted from 1, as "
                "in the maths; cache[t - 1] in the loop pairs each gradient with the step before "
                "(and index 0 with cache[-1], the last step).", bptt_variant(cache_shift=1)),
    ),
)

EXERCISES = (RNN_STEP_BACKWARD, RNN_BACKWARD)
