"""Lesson 2 exercise ``rnn_step_forward(x, h_prev, Wx, Wh, b)`` (reference in :mod:`rnncourse.rnn`).

The cases are built by :mod:`rnncourse.checks.catalogue.rnn_cases`.
"""

from __future__ import annotations

import numpy as np

from rnncourse.checks.catalogue.rnn_cases import (
    MSG_SWAPPED_FORWARD,
    MSG_WH_T_FORWARD,
    STEP_CACHE_NAMES,
    STEP_SIZES,
    rnn_params,
)
from rnncourse.checks.engine import FunctionExercise, Mistake, label

LESSON = "02_recurrence_and_cycles"


# ----------------------------------------------------------------------------- step forward
def _step_cases(rng):
    cases = []
    for N, D, H in STEP_SIZES:
        p = rnn_params(rng, N, 1, D, H)
        inputs = {"x": p["x"][:, 0, :], "h_prev": p["h0"], "Wx": p["Wx"], "Wh": p["Wh"],
                  "b": p["b"]}
        cases.append({"label": label(N=N, D=D, H=H), "dims": {"N": N, "D": D, "H": H},
                      "inputs": inputs})
    return cases


def _step_variant(Wh_T=False, Wx_T=False, tanh=True, bias=True, recur=True, swap=False,
                  sigmoid=False, cache_a=False):
    """An ``rnn_step_forward`` with chosen mistakes; ``sigmoid`` squashes with the logistic
    sigmoid instead of tanh, ``cache_a`` puts the pre-activation in the cache where h_next
    belongs."""
    def rnn_step_forward(x, h_prev, Wx, Wh, b):
        if swap:
            Wx, Wh = Wh, Wx
        a = x @ (Wx.T if Wx_T else Wx)
        if recur:
            a = a + h_prev @ (Wh.T if Wh_T else Wh)
        if bias:
            a = a + b
        h_next = (1.0 / (1.0 + np.exp(-a))) if sigmoid else np.tanh(a) if tanh else a
        return h_next, (x, h_prev, Wx, Wh, a if cache_a else h_next)
    return rnn_step_forward


RNN_STEP_FORWARD = FunctionExercise(
    id="rnn_step_forward",
    lesson=LESSON,
    section="lesson 2, section 2 (The RNN cell)",
    points=1,
    signature="rnn_step_forward(x, h_prev, Wx, Wh, b) -> (h_next, cache)",
    reference="rnncourse.rnn:rnn_step_forward",
    arg_names=("x", "h_prev", "Wx", "Wh", "b"),
    output_names=("h_next", "cache"),
    cases=_step_cases,
    shapes={"h_next": "(N, H)"},
    labels={"cache": STEP_CACHE_NAMES},
    mistakes=(
        Mistake("Wh_transposed", MSG_WH_T_FORWARD, _step_variant(Wh_T=True)),
        Mistake("Wx_transposed", "used Wx.T where Wx belongs: Wx has shape (D, H), so the input "
                "term is x @ Wx.", _step_variant(Wx_T=True)),
        Mistake("forgot_tanh", "forgot the tanh: h_next = tanh(x @ Wx + h_prev @ Wh + b), not "
                "the pre-activation itself.", _step_variant(tanh=False)),
        Mistake("forgot_bias", "forgot the bias b inside the tanh.", _step_variant(bias=False)),
        Mistake("forgot_h_prev", "ignored h_prev: without the h_prev @ Wh term there is no "
                "recurrence.", _step_variant(recur=False)),
        Mistake("Wx_Wh_swapped", MSG_SWAPPED_FORWARD, _step_variant(swap=True)),
        Mistake("sigmoid_not_tanh", "squashed with the sigmoid 1 / (1 + exp(-a)) where the "
                "vanilla RNN uses tanh: h_next = np.tanh(x @ Wx + h_prev @ Wh + b), with values "
                "in (-1, 1).", _step_variant(sigmoid=True)),
        Mistake("cached_preactivation", "the cache holds the pre-activation a = x @ Wx + "
                "h_prev @ Wh + b where h_next belongs: the cache is (x, h_prev, Wx, Wh, h_next), "
                "because the backward pass needs tanh's output, 1 - h_next**2.",
                _step_variant(cache_a=True)),
    ),
)

EXERCISES = (RNN_STEP_FORWARD,)
