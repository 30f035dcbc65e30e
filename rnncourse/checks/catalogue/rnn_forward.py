"""Lesson 3 exercise ``rnn_forward(x, h0, Wx, Wh, b)`` (reference in :mod:`rnncourse.rnn`).

The cases are built by :mod:`rnncourse.checks.catalogue.rnn_cases`.
"""

from __future__ import annotations

import numpy as np

from rnncourse.checks.catalogue.rnn_cases import (
    MSG_SWAPPED_FORWARD,
    MSG_WH_T_FORWARD,
    SEQUENCE_SIZES,
    STEP_CACHE_NAMES,
    rnn_params,
)
from rnncourse.checks.engine import FunctionExercise, Mistake, label

LESSON = "03_unrolling"


# ----------------------------------------------------------------------------- sequence forward
def _sequence_cases(rng):
    cases = []
    for N, T, D, H in SEQUENCE_SIZES:
        cases.append({"label": label(N=N, T=T, D=D, H=H), "dims": {"N": N, "T": T, "D": D, "H": H},
                      "inputs": rnn_params(rng, N, T, D, H)})
    return cases


def _forward_variant(carry=True, store_prev=False, Wh_T=False, swap=False, last_cache=False,
                     reverse_cache=False, x_first_axis=False):
    """An ``rnn_forward`` with chosen mistakes; ``reverse_cache`` returns the step caches last
    step first, ``x_first_axis`` takes step t's input as ``x[t]`` (a batch row) for ``x[:, t]``."""
    def rnn_forward(x, h0, Wx, Wh, b):
        N, T, _ = x.shape
        h = np.zeros((N, T, h0.shape[1]))
        cache, h_prev = [], h0
        A, B = (Wh, Wx) if swap else (Wx, Wh)
        for t in range(T):
            x_t = x[t] if x_first_axis else x[:, t, :]
            h_next = np.tanh(x_t @ A + h_prev @ (B.T if Wh_T else B) + b)
            cache.append((x_t, h_prev, Wx, Wh, h_next))
            h[:, t, :] = h_prev if store_prev else h_next
            if carry:
                h_prev = h_next
        if last_cache:
            return h, cache[-1]
        return h, (cache[::-1] if reverse_cache else cache)
    return rnn_forward


def _indexed_batch_axis(case, outputs):
    """``x[t]`` where ``x[:, t]`` belongs: a (T, D) slice meets the (N, H) state and numpy
    refuses, naming a (T, D) or (T, H) shape, or ``x[t]`` runs past the N rows."""
    error = outputs.get("error") or {}
    dims = case["dims"]
    N, T, D, H = dims["N"], dims["T"], dims["D"], dims["H"]
    if outputs.get("status") != "raised" or N == T:
        return False
    text = str(error.get("message", ""))
    if error.get("type") == "IndexError":
        return f"out of bounds for axis 0 with size {N}" in text
    return error.get("type") == "ValueError" and (f"({T},{D})" in text or f"({T},{H})" in text)


def _returned_step_cache(case, outputs):
    """cache is ONE step's cache (5 arrays) where the list of T step caches belongs."""
    value = outputs.get("value")
    if outputs.get("status") != "returned" or not isinstance(value, list) or len(value) != 2:
        return False
    cache = value[1]
    return (isinstance(cache, list) and len(cache) == len(STEP_CACHE_NAMES)
            and all(isinstance(item, np.ndarray) for item in cache))


RNN_FORWARD = FunctionExercise(
    id="rnn_forward",
    lesson=LESSON,
    section="lesson 3, section 4 (Exercise: rnn_forward)",
    points=2,
    signature="rnn_forward(x, h0, Wx, Wh, b) -> (h, cache)",
    reference="rnncourse.rnn:rnn_forward",
    arg_names=("x", "h0", "Wx", "Wh", "b"),
    output_names=("h", "cache"),
    cases=_sequence_cases,
    shapes={"h": "(N, T, H)"},
    time_axes={"h": 1},
    equivalents=("rnncourse.rnn.fast:rnn_forward_fast",),
    depends_on=("rnn_step_forward",),  # of lesson 2: no knock-on re-judge across lessons
    labels={"cache[t]": STEP_CACHE_NAMES},
    mistakes=(
        Mistake("returned_step_cache", "returned one step's cache (a 5-tuple x, h_prev, Wx, Wh, "
                "h_next) as cache: rnn_forward's cache is the list of all T step caches, in time "
                "order (cache[t-1] is step t's 5-tuple). Append each step's cache to a list and "
                "return the list.", _forward_variant(last_cache=True),
                detect=_returned_step_cache),
        Mistake("h0_every_step", "the hidden state is not carried: every step used h0 instead of "
                "the previous step's state. Set h_prev = h_next at the end of each step.",
                _forward_variant(carry=False)),
        Mistake("stored_h_prev", "off by one in time: h[:, t-1] must be h_t, the state after "
                "step t (the h_next that step returns), not h_{t-1}, the one before it.",
                _forward_variant(store_prev=True)),
        Mistake("Wh_transposed", MSG_WH_T_FORWARD, _forward_variant(Wh_T=True)),
        Mistake("Wx_Wh_swapped", MSG_SWAPPED_FORWARD, _forward_variant(swap=True)),
        Mistake("caches_reversed", "the step caches are in reverse order: cache must be in time "
                "order, cache[t-1] is step t's (cache[0] is step 1's, cache[-1] step T's). "
                "Append each step's cache as you go, without reversing the list or inserting at "
                "its front.", _forward_variant(reverse_cache=True)),
        Mistake("x_batch_axis", "took the input of a step as x[t], which is example t of the "
                "batch (all its time steps, shape (T, D)): x has shape (N, T, D), so step t's "
                "input is x[:, t-1, :], shape (N, D); in a loop for t in range(T), x[:, t, :].",
                _forward_variant(x_first_axis=True), detect=_indexed_batch_axis),
    ),
)

EXERCISES = (RNN_FORWARD,)
