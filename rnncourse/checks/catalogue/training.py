"""Lesson 5 exercises on training in practice: rnn_backward_truncated (reference in
:mod:`rnncourse.rnn.truncated`) and clip_gradients (reference in :mod:`rnncourse.optim`).

Truncation rule of the reference: chunks ``[0, k), [k, 2k), ...``; the gradient from step ``t``
into ``h_{t-1}`` is dropped exactly when ``t % k == 0`` and ``t > 0`` (the first chunk still
reaches ``h0``). Clipping is by the global norm ``sqrt(sum over all arrays of sum(g**2))``.
"""

from __future__ import annotations

import numpy as np

from rnncourse.checks.engine import FunctionExercise, Mistake
from rnncourse.checks.catalogue.bptt import SEQ_OUTPUTS, SEQ_SHAPES, bptt_variant, sequence_cases

LESSON = "05_training_in_practice"



# ----------------------------------------------------------------------------- truncated BPTT
def _truncated_cases(rng):
    return sequence_cases(rng, with_k=True)


_CUT_MSG = ("the truncation cuts in the wrong place (one step off): chunks are [0, k), [k, 2k), "
            "...; drop the gradient passed from step t to step t-1 exactly when t % k == 0 "
            "(and t > 0).")

RNN_BACKWARD_TRUNCATED = FunctionExercise(
    id="rnn_backward_truncated",
    lesson=LESSON,
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
    mistakes=(
        Mistake("no_cut", "nothing is cut: this is full BPTT. At every chunk start (t % k == 0, "
                "t > 0) pass a zero gradient on to step t-1 instead of dh_prev.",
                bptt_variant(cut=lambda t, k: False)),
        Mistake("cut_off_by_one_early", _CUT_MSG,
                bptt_variant(cut=lambda t, k: t > 0 and (t + 1) % k == 0)),
        Mistake("cut_off_by_one_late", _CUT_MSG,
                bptt_variant(cut=lambda t, k: t > 1 and (t - 1) % k == 0)),
        Mistake("cut_every_step", "the gradient is cut at every step, as if k = 1: cut only at "
                "chunk starts, where t % k == 0.", bptt_variant(cut=lambda t, k: t > 0)),
        Mistake("cut_into_h0", "dh0 is zero: the first chunk still passes its gradient back to "
                "h0; cut only between chunks (t % k == 0 with t > 0).",
                bptt_variant(cut=lambda t, k: t % k == 0)),
        Mistake("overwrite_shared", "the shared-weight gradients are overwritten at every time "
                "step instead of summed: accumulate dWx, dWh and db over all steps.",
                bptt_variant(accumulate=False, cut=lambda t, k: t > 0 and t % k == 0)),
    ),
)


# ----------------------------------------------------------------------------- clipping
def _clip_cases(rng):

    def grads(scale, shapes):
        return {name: scale * rng.standard_normal(shape) for name, shape in shapes.items()}

    shapes = {"Wx": (3, 4), "Wh": (4, 4), "b": (4,)}
    big = grads(3.0, shapes)
    big["Wx"][0, 1] = 8.0  # one entry above max_norm, so clipping by value changes something
    equal_parts = {f"W{i}": v / np.linalg.norm(v) * 3.0
                   for i, v in enumerate(grads(1.0, {f"W{i}": (2, 3) for i in range(4)}).values())}
    specs = [
        ("3 arrays, global norm above max_norm", big, 5.0),
        ("3 arrays, global norm below max_norm", grads(0.1, shapes), 5.0),
        ("1 array, norm above max_norm", grads(4.0, {"W": (2, 3)}), 1.0),
        ("4 arrays each of norm 3 (global 6) with max_norm 4", equal_parts, 4.0),
        ("4 arrays far below max_norm", grads(1.0, {"a": (2,), "b": (3, 2), "c": (1,),
                                                    "d": (2, 2)}), 100.0),
    ]
    cases = []
    for text, g, max_norm in specs:
        norm = float(np.sqrt(sum(np.sum(v**2) for v in g.values())))
        cases.append({"label": f"{text} ({norm:.3g} vs {max_norm:g})",
                      "dims": {"arrays": len(g)}, "inputs": {"grads": g, "max_norm": max_norm}})
    return cases


def _clip_variant(per_tensor=False, by_value=False, norm_after=False, always=False,
                  no_sqrt=False):
    def clip_gradients(grads, max_norm):
        sq = sum(float(np.sum(g**2)) for g in grads.values())
        total = sq if no_sqrt else float(np.sqrt(sq))
        if per_tensor:
            clipped = {k: g * min(1.0, max_norm / np.sqrt(np.sum(g**2))) for k, g in grads.items()}
        elif by_value:
            clipped = {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}
        else:
            scale = max_norm / total if (always or total > max_norm) else 1.0
            clipped = {k: g * scale for k, g in grads.items()}
        if norm_after:
            total = float(np.sqrt(sum(np.sum(g**2) for g in clipped.values())))
        return clipped, total
    return clip_gradients


CLIP_GRADIENTS = FunctionExercise(
    id="clip_gradients",
    lesson=LESSON,
    points=1,
    signature="clip_gradients(grads, max_norm) -> (clipped, total_norm)",
    reference="rnncourse.optim:clip_gradients",
    arg_names=("grads", "max_norm"),
    output_names=("clipped", "total_norm"),
    cases=_clip_cases,
    mistakes=(
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
        Mistake("no_sqrt", "the global norm is missing its square root: total_norm = "
                "sqrt(sum of all g**2).", _clip_variant(no_sqrt=True)),
    ),
)

EXERCISES = (RNN_BACKWARD_TRUNCATED, CLIP_GRADIENTS)
