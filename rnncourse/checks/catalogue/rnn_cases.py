"""Seeded case builders the RNN exercises share (lessons 2-5); no exercises here.

Letters: N batch, T time steps, D input size, H hidden size. ``Wh`` is never symmetric, so using
``Wh.T`` for ``Wh`` changes the values. The first size (the case a failing check usually
reports) has N, T, D and H all different, so a swapped or transposed array shows as a shape
error; a later size has D = H, where the same mistake gives wrong values instead, and others
have N = 1 or T = 1.
"""

from __future__ import annotations

import numpy as np

STEP_SIZES = [(2, 3, 4), (3, 4, 4), (1, 2, 3), (4, 5, 2)]  # (N, D, H)
SEQUENCE_SIZES = [(2, 4, 3, 5), (1, 3, 2, 4), (3, 1, 4, 3), (2, 6, 3, 3), (3, 5, 2, 4)]  # N, T, D, H
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


MSG_WH_T_FORWARD = ("used Wh.T where Wh belongs: h_next = tanh(x @ Wx + h_prev @ Wh + b); Wh's "
                    "rows index the old state and its columns the new one.")
MSG_SWAPPED_FORWARD = ("swapped Wx and Wh: the input goes through Wx (D, H) and the previous "
                       "state through Wh (H, H), h_next = tanh(x @ Wx + h_prev @ Wh + b).")
