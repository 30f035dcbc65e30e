"""Lesson 5 exercises on training in practice: rnn_backward_truncated (reference in
:mod:`rnncourse.rnn.truncated`) and clip_gradients (reference in :mod:`rnncourse.optim`).

Truncation rule of the reference: chunks ``[0, k), [k, 2k), ...``; the gradient from step ``t``
into ``h_{t-1}`` is dropped exactly when ``t % k == 0`` and ``t > 0`` (the first chunk still
reaches ``h0``). The cut rules of the mistakes below are ``cut(t, k, T)``: whether that gradient
is dropped. Clipping is by the global norm ``sqrt(sum over all arrays of sum(g**2))``.
"""

from __future__ import annotations

import numpy as np

from rnncourse.checks.catalogue.bptt import SEQ_OUTPUTS, SEQ_SHAPES, bptt_variant, sequence_cases
from rnncourse.checks.engine import Alternative, FunctionExercise, Mistake

LESSON = "05_training_in_practice"



# ----------------------------------------------------------------------------- truncated BPTT
def _truncated_cases(rng):
    return sequence_cases(rng, with_k=True)


_CUT_MSG = ("the truncation cuts in the wrong place (one step off): chunks are the code indices "
            "[0, k), [k, 2k), ...; in the backward loop over t = T-1, ..., 0, pass zeros to "
            "index t-1 instead of dh_prev exactly when t % k == 0 (and t > 0).")


def _right_cut(t, k, T):
    return t > 0 and t % k == 0


def _last_chunk_start(k, T):
    return ((T - 1) // k) * k


def _last_k_start(k, T):
    return max(T - k, 0)


def _backpropagated_from(start):
    """A detector: dx is zero at every code index before ``start(k, T)`` (> 0) and not after it,
    whatever dh0 and the weight gradients hold: the loop never visited the earlier steps."""
    def detect(case, outputs):
        value = outputs.get("value")
        if outputs.get("status") != "returned" or not isinstance(value, list) or not value:
            return False
        k, T = case["inputs"]["k"], case["dims"]["T"]
        first = start(k, T)
        dx = value[0]
        if first <= 0 or not isinstance(dx, np.ndarray) or dx.ndim != 3 or dx.shape[1] != T:
            return False
        return bool(np.all(dx[:, :first] == 0) and np.any(dx[:, first:] != 0))
    return detect


RNN_BACKWARD_TRUNCATED = FunctionExercise(
    id="rnn_backward_truncated",
    lesson=LESSON,
    section="lesson 5, section 1 (Truncated backpropagation through time)",
    points=2,
    signature="rnn_backward_truncated(dh, cache, k) -> (dx, dh0, dWx, dWh, db)",
    reference="rnncourse.rnn.truncated:rnn_backward_truncated",
    arg_names=("dh", "cache", "k"),
    output_names=SEQ_OUTPUTS,
    cases=_truncated_cases,
    containers={"cache": ("list", "tuple")},
    shapes=SEQ_SHAPES,
    time_axes={"dx": 1},
    equivalents=("rnncourse.rnn.fast:rnn_backward_fast",),
    depends_on=("rnn_step_backward",),  # of lesson 4: no knock-on re-judge across lessons
    mistakes=(
        Mistake("no_cut", "nothing is cut: this is full BPTT. At every chunk start (code index "
                "t with t % k == 0 and t > 0) pass a zero gradient on to index t-1 instead of "
                "dh_prev.", bptt_variant(cut=lambda t, k, T: False)),
        Mistake("cut_at_top_of_loop", "the carried gradient is zeroed at the top of the loop "
                "when t % k == 0, before index t's backward pass: that drops what index t+1 "
                "sends to index t, one step late (and cuts h0's chunk off from the next). Drop "
                "what index t sends to index t-1: after index t's backward pass, when "
                "t % k == 0 and t > 0 (at the top of the loop that is when (t + 1) % k == 0).",
                bptt_variant(cut=lambda t, k, T: t >= 1 and (t - 1) % k == 0)),
        Mistake("cut_off_by_one_early", _CUT_MSG,
                bptt_variant(cut=lambda t, k, T: t > 0 and (t + 1) % k == 0)),
        Mistake("cut_off_by_one_late", _CUT_MSG,
                bptt_variant(cut=lambda t, k, T: t > 1 and (t - 1) % k == 0)),
        Mistake("cut_every_step", "the gradient is cut at every step, as if k = 1: cut only at "
                "chunk starts, where t % k == 0.", bptt_variant(cut=lambda t, k, T: t > 0)),
        Mistake("cut_into_h0", "dh0 is zero: the first chunk still passes its gradient back to "
                "h0; cut only between chunks (t % k == 0 with t > 0).",
                bptt_variant(cut=lambda t, k, T: t % k == 0)),
        Mistake("chunks_from_end", "the chunks are counted from the end of the sequence: they "
                "start at code index 0, [0, k), [k, 2k), ..., so the cuts are where t % k == 0 "
                "(t > 0), and only the LAST chunk may be shorter than k.",
                bptt_variant(cut=lambda t, k, T: t > 0 and (T - t) % k == 0)),
        Mistake("overwrite_shared", "the shared-weight gradients are overwritten at every time "
                "step instead of summed: accumulate dWx, dWh and db over all steps.",
                bptt_variant(accumulate=False, cut=_right_cut)),
        Mistake("only_last_chunk", "only the last chunk was backpropagated: truncation cuts the "
                "gradient between chunks, it does not skip them. Run the backward loop over "
                "every code index t = T-1, ..., 0, so every chunk's steps get dx and add to "
                "dWx, dWh and db, and cut only the gradient passed back across a chunk start.",
                bptt_variant(cut=_right_cut, stop=_last_chunk_start),
                detect=_backpropagated_from(_last_chunk_start)),
        Mistake("only_last_k_steps", "only the last k steps were backpropagated: truncation "
                "cuts the gradient between chunks [0, k), [k, 2k), ..., it does not skip steps. "
                "Run the backward loop over every code index t = T-1, ..., 0, and at each chunk "
                "start (t % k == 0, t > 0) pass zeros to index t-1 instead of dh_prev.",
                bptt_variant(cut=lambda t, k, T: False, stop=_last_k_start),
                detect=_backpropagated_from(_last_k_start)),
        Mistake("upstream_zeroed_at_cut", "at a chunk boundary the step's own upstream gradient "
                "was zeroed as well: the cut drops only the gradient carried across the "
                "boundary (the dh_prev of the chunk's first step); the last step of the chunk "
                "before still gets its dh[:, t], so it runs on dh[:, t] + zeros.",
                bptt_variant(cut=_right_cut,
                             upstream_cut=lambda t, k, T: t + 1 < T and (t + 1) % k == 0)),
    ),
)


# ----------------------------------------------------------------------------- clipping
def _clip_cases(rng):

    def grads(scale, shapes):
        return {name: scale * rng.standard_normal(shape) for name, shape in shapes.items()}

    def with_norm(g, norm):  # rescaled to exactly this global norm
        return {k: v * (norm / np.sqrt(sum(np.sum(a**2) for a in g.values()))) for k, v in g.items()}

    shapes = {"Wx": (3, 4), "Wh": (4, 4), "b": (4,)}
    big = grads(3.0, shapes)
    big["Wx"][0, 1] = 8.0  # one entry above max_norm, so clipping by value changes something
    equal_parts = {f"W{i}": v / np.linalg.norm(v) * 3.0
                   for i, v in enumerate(grads(1.0, {f"W{i}": (2, 3) for i in range(4)}).values())}
    specs = [
        ("3 arrays, global norm above max_norm", big, 5.0),
        # 0.25 < 0.4 < 0.5 = sqrt(0.25): the squared norm 0.16 is below max_norm, yet it must clip
        ("1 array, max_norm below 1 and the norm above it", with_norm(grads(1.0, {"W": (2, 3)}),
                                                                       0.4), 0.25),
        # sqrt(5) < 3 < 5: comparing the squared norm 9 with max_norm would scale it UP
        ("3 arrays, global norm below max_norm but above its square root",
         with_norm(grads(1.0, shapes), 3.0), 5.0),
        ("4 arrays each of norm 3 (global 6) with max_norm 4", equal_parts, 4.0),
        ("3 arrays, all zero (a zero gradient stays zero)",
         {k: np.zeros(shape) for k, shape in shapes.items()}, 1.0),
    ]
    cases = []
    for text, g, max_norm in specs:
        norm = float(np.sqrt(sum(np.sum(v**2) for v in g.values())))
        cases.append({"label": f"{text} ({norm:.3g} vs {max_norm:g})",
                      "dims": {"arrays": len(g)}, "inputs": {"grads": g, "max_norm": max_norm}})
    return cases


def _norm(grads, kind):
    """The norm a variant measures: ``"global"`` (right), ``"squared"`` (no sqrt), ``"sum"`` of
    per-array norms, or ``"spectral"`` (each 2-D array's largest singular value, ord=2)."""
    if kind == "sum":
        return float(sum(np.linalg.norm(g) for g in grads.values()))
    if kind == "spectral":
        return float(np.sqrt(sum(np.linalg.norm(g, ord=2) ** 2 for g in grads.values())))
    sq = sum(float(np.sum(g**2)) for g in grads.values())
    return sq if kind == "squared" else float(np.sqrt(sq))


def _clip_variant(per_tensor=False, by_value=False, norm_after=False, always=False, norm="global",
                  compare_squared=False, same_arrays=False, unguarded=False, eps=0.0):
    """A ``clip_gradients`` with chosen mistakes (or, with ``eps``, PyTorch's convention)."""
    def clip_gradients(grads, max_norm):
        total = _norm(grads, norm)
        if per_tensor:
            clipped = {k: g * min(1.0, max_norm / np.sqrt(np.sum(g**2))) for k, g in grads.items()}
        elif by_value:
            clipped = {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}
        elif unguarded:  # min(1, max_norm / total): divides by zero when every gradient is 0
            scale = min(1.0, max_norm / np.float64(total))
            clipped = {k: g * scale for k, g in grads.items()}
        elif eps:  # torch.nn.utils.clip_grad_norm_: max_norm / (total + 1e-6), clamped at 1
            clipped = {k: g * min(1.0, max_norm / (total + eps)) for k, g in grads.items()}
        else:
            over = total**2 > max_norm if compare_squared else total > max_norm
            scale = max_norm / total if (always or over) else 1.0
            if same_arrays and scale == 1.0:
                clipped = dict(grads)  # a new dict holding the caller's arrays
            else:
                clipped = {k: g * scale for k, g in grads.items()}
        if norm_after:
            total = _norm(clipped, "global")
        return clipped, total
    return clip_gradients


def _global_norm(grads):
    return float(np.sqrt(sum(np.sum(np.asarray(g) ** 2) for g in grads.values())))


def _returned_input_arrays(case, outputs):
    return outputs.get("status") == "returned" and any(
        str(item.get("output", "")).startswith("[0]") for item in outputs.get("shared", ()))


def _divided_by_zero(case, outputs):
    if _global_norm(case["inputs"]["grads"]) != 0.0:
        return False
    error = outputs.get("error") or {}
    return (error.get("type") == "ZeroDivisionError"
            or bool({"divide by zero", "invalid value"} & set(outputs.get("fp_errors", ()))))


def _epsilon_in_denominator(case, outputs):
    """PyTorch's ``max_norm / (total_norm + eps)``: every array scaled by one factor whose
    ``eps`` is positive and at most 1e-5, and total_norm itself right."""
    grads, max_norm = case["inputs"]["grads"], case["inputs"]["max_norm"]
    total = _global_norm(grads)
    value = outputs.get("value")
    if total <= max_norm or not isinstance(value, list) or len(value) != 2:
        return False
    clipped, got_total = value
    if not isinstance(clipped, dict) or set(clipped) != set(grads):
        return False
    if abs(float(got_total) - total) > 1e-12 * total:
        return False
    g = np.concatenate([np.ravel(grads[k]) for k in grads])
    c = np.concatenate([np.ravel(np.asarray(clipped[k], dtype=float)) for k in grads])
    scale = float(c @ g / (g @ g))
    eps = max_norm / scale - total
    return 0.0 < eps <= 1e-5 and np.allclose(c, g * scale, rtol=1e-12, atol=0.0)


_EPS_NOTE = ("Note: you scale by max_norm / (total_norm + eps) with a tiny eps, PyTorch's "
             "convention (torch.nn.utils.clip_grad_norm_ adds 1e-6). It differs from max_norm / "
             "total_norm only in the 7th digit and is accepted; scaling only when total_norm > "
             "max_norm, as the lesson does, needs no eps, because total_norm is then above zero.")

CLIP_GRADIENTS = FunctionExercise(
    id="clip_gradients",
    lesson=LESSON,
    section="lesson 5, section 4 (Gradient clipping)",
    points=1,
    signature="clip_gradients(grads, max_norm) -> (clipped, total_norm)",
    reference="rnncourse.optim:clip_gradients",
    arg_names=("grads", "max_norm"),
    output_names=("clipped", "total_norm"),
    cases=_clip_cases,
    alternatives=(Alternative("epsilon_in_denominator", _EPS_NOTE, _epsilon_in_denominator,
                              _clip_variant(eps=1e-6)),),
    mistakes=(
        Mistake("divided_by_zero", "divided by zero when every gradient is zero (total_norm = 0, "
                "so max_norm / total_norm is inf or NaN): scale only when total_norm > max_norm, "
                "which also guarantees total_norm > 0, so that a zero gradient stays zero.",
                _clip_variant(unguarded=True), detect=_divided_by_zero),
        Mistake("returned_input_arrays", "returned the caller's own arrays in clipped (the input "
                "dict itself, or a new dict holding the same arrays): clipped must hold new "
                "arrays, so that changing one never changes the other; multiply even when no "
                "clipping is needed (g * 1.0) or copy (g.copy()).",
                _clip_variant(same_arrays=True), detect=_returned_input_arrays),
        Mistake("per_tensor", "clipped each array separately: compute ONE global norm over all "
                "arrays, sqrt(sum of every g**2), and scale every array by the same factor "
                "max_norm / total_norm.", _clip_variant(per_tensor=True)),
        Mistake("by_value", "clipped by value (np.clip): clipping by norm rescales every array "
                "by max_norm / total_norm, which keeps the direction of the update.",
                _clip_variant(by_value=True)),
        Mistake("norm_after_clipping", "total_norm should be the norm BEFORE clipping (it is "
                "what you monitor during training); the clipped arrays are right.",
                _clip_variant(norm_after=True)),
        Mistake("always_rescale", "rescaled gradients that were already below max_norm: only "
                "scale when total_norm > max_norm.", _clip_variant(always=True)),
        Mistake("squared_norm_compared", "compared the squared norm (the sum of every g**2) "
                "with max_norm: compare the norm itself, sqrt(sum of every g**2) > max_norm. With "
                "max_norm = 5 a norm of 3 has square 9 > 5 and was scaled UP to 5; with max_norm "
                "below 1 a norm above it can have a square below it and is not clipped.",
                _clip_variant(compare_squared=True)),
        Mistake("no_sqrt", "the global norm is missing its square root: total_norm = "
                "sqrt(sum of all g**2).", _clip_variant(norm="squared")),
        Mistake("sum_of_norms", "added up the norms of the arrays: the global norm is the norm of "
                "all entries together, sqrt(sum over every array of sum(g**2)), which is smaller "
                "than the sum of the per-array norms.", _clip_variant(norm="sum")),
        Mistake("spectral_norm", "used the spectral norm (np.linalg.norm(g, ord=2) of a matrix "
                "is its largest singular value): the global norm is the plain L2 (Frobenius) "
                "norm of every entry, sqrt(sum of every g**2), e.g. np.linalg.norm(g) with no "
                "ord, or np.sqrt(np.sum(g**2)).", _clip_variant(norm="spectral")),
    ),
)

EXERCISES = (RNN_BACKWARD_TRUNCATED, CLIP_GRADIENTS)
