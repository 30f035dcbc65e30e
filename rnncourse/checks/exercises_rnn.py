"""Lessons 2-3 exercises on the RNN forward pass: rnn_step_forward and rnn_forward (references in
:mod:`rnncourse.rnn`), plus the seeded case builders the BPTT exercises share.

Letters: N batch, T time steps, D input size, H hidden size. ``Wh`` is never symmetric, so using
``Wh.T`` for ``Wh`` changes the values. The first case has D = H so that a transposed ``Wx``
gives wrong values rather than a shape error; the others have D != H, N = 1 or T = 1.
"""

from __future__ import annotations

import numpy as np

from rnncourse.checks.core import Exercise, Mistake, label

STEP_SIZES = [(2, 3, 3), (3, 4, 5), (1, 2, 3), (4, 5, 2)]  # (N, D, H)
SEQUENCE_SIZES = [(2, 4, 3, 3), (1, 3, 2, 4), (3, 1, 4, 3), (2, 6, 5, 2), (3, 5, 2, 4)]  # N, T, D, H
STEP_CACHE_NAMES = ("x", "h_prev", "Wx", "Wh", "h_next")


def rnn_params(rng, N, T, D, H):
    """Seeded inputs of an RNN: ``x`` (N, T, D), ``h0`` (N, H), ``Wx`` (D, H), ``Wh`` (H, H), ``b`` (H,)."""
    return {"x": rng.standard_normal((N, T, D)), "h0": 0.5 * rng.standard_normal((N, H)),
            "Wx": 0.5 * rng.standard_normal((D, H)), "Wh": 0.5 * rng.standard_normal((H, H)),
            "b": 0.2 * rng.standard_normal(H)}


def step(x, h_prev, Wx, Wh, b):
    """Trusted step forward used to build cases: returns ``(h_next, [x, h_prev, Wx, Wh, h_next])``."""
    h_next = np.tanh(x @ Wx + h_prev @ Wh + b)  # (N, D)@(D, H) + (N, H)@(H, H) -> (N, H)
    return h_next, [x, h_prev, Wx, Wh, h_next]


def sequence_cache(p):
    """The plain cache of a whole sequence: a list of T lists ``[x_t, h_prev, Wx, Wh, h_next]``."""
    cache, h = [], p["h0"]
    for t in range(p["x"].shape[1]):
        h, c = step(p["x"][:, t, :], h, p["Wx"], p["Wh"], p["b"])
        cache.append(c)
    return cache


# ----------------------------------------------------------------------------- step forward
def _step_cases(seed):
    rng = np.random.default_rng(seed + 10)
    cases = []
    for N, D, H in STEP_SIZES:
        p = rnn_params(rng, N, 1, D, H)
        inputs = {"x": p["x"][:, 0, :], "h_prev": p["h0"], "Wx": p["Wx"], "Wh": p["Wh"],
                  "b": p["b"]}
        cases.append({"label": label(N=N, D=D, H=H), "dims": {"N": N, "D": D, "H": H},
                      "inputs": inputs})
    return cases


def _step_variant(Wh_T=False, Wx_T=False, tanh=True, bias=True, recur=True):
    def rnn_step_forward(x, h_prev, Wx, Wh, b):
        a = x @ (Wx.T if Wx_T else Wx)
        if recur:
            a = a + h_prev @ (Wh.T if Wh_T else Wh)
        if bias:
            a = a + b
        h_next = np.tanh(a) if tanh else a
        return h_next, (x, h_prev, Wx, Wh, h_next)
    return rnn_step_forward


MSG_WH_T_FORWARD = ("used Wh.T where Wh belongs: h_next = tanh(x @ Wx + h_prev @ Wh + b); Wh's "
                    "rows index the old state and its columns the new one.")

RNN_STEP_FORWARD = Exercise(
    id="rnn_step_forward",
    lesson="02_recurrence_and_cycles",
    points=1,
    signature="rnn_step_forward(x, h_prev, Wx, Wh, b) -> (h_next, cache)",
    reference="rnncourse.rnn:rnn_step_forward",
    arg_names=("x", "h_prev", "Wx", "Wh", "b"),
    output_names=("h_next", "cache"),
    make_cases=_step_cases,
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
    ),
)


# ----------------------------------------------------------------------------- sequence forward
def _sequence_cases(seed):
    rng = np.random.default_rng(seed + 11)
    cases = []
    for N, T, D, H in SEQUENCE_SIZES:
        cases.append({"label": label(N=N, T=T, D=D, H=H), "dims": {"N": N, "T": T, "D": D, "H": H},
                      "inputs": rnn_params(rng, N, T, D, H)})
    return cases


def _forward_variant(carry=True, store_prev=False, Wh_T=False):
    def rnn_forward(x, h0, Wx, Wh, b):
        N, T, _ = x.shape
        h = np.zeros((N, T, h0.shape[1]))
        cache, h_prev = [], h0
        for t in range(T):
            h_next = np.tanh(x[:, t, :] @ Wx + h_prev @ (Wh.T if Wh_T else Wh) + b)
            cache.append((x[:, t, :], h_prev, Wx, Wh, h_next))
            h[:, t, :] = h_prev if store_prev else h_next
            if carry:
                h_prev = h_next
        return h, cache
    return rnn_forward


RNN_FORWARD = Exercise(
    id="rnn_forward",
    lesson="03_unrolling",
    points=2,
    signature="rnn_forward(x, h0, Wx, Wh, b) -> (h, cache)",
    reference="rnncourse.rnn:rnn_forward",
    arg_names=("x", "h0", "Wx", "Wh", "b"),
    output_names=("h", "cache"),
    make_cases=_sequence_cases,
    shapes={"h": "(N, T, H)"},
    time_axes={"h": 1},
    labels={"cache[t]": STEP_CACHE_NAMES},
    mistakes=(
        Mistake("h0_every_step", "the hidden state is not carried: every step used h0 instead of "
                "the previous step's state. Set h_prev = h_next at the end of each step.",
                _forward_variant(carry=False)),
        Mistake("stored_h_prev", "off by one in time: h[:, t] must be the state after step t "
                "(h_next), not the one before it.", _forward_variant(store_prev=True)),
        Mistake("Wh_transposed", MSG_WH_T_FORWARD, _forward_variant(Wh_T=True)),
    ),
)

EXERCISES = (RNN_STEP_FORWARD, RNN_FORWARD)
