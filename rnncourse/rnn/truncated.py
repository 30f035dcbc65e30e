"""Truncated backpropagation through time (TBPTT).

The forward pass runs over the whole sequence, carrying the hidden state from chunk to chunk; the
backward pass treats every chunk of ``k`` steps on its own: the gradient that would flow from the
first step of a chunk back into the previous chunk is dropped. With ``k >= T`` nothing is cut and
the result equals full BPTT (:func:`rnncourse.rnn.rnn_backward`).
"""

from __future__ import annotations

import numpy as np

from rnncourse._validate import whole_number
from rnncourse.rnn.core import rnn_step_backward


def rnn_backward_truncated(dh: np.ndarray, cache: list[tuple], k: int) -> tuple[np.ndarray, ...]:
    """Backpropagation through time, truncated to chunks of ``k`` steps.

    Chunks are ``[0, k), [k, 2k), ...``. Inside a chunk the gradient from the future is added as
    in :func:`rnn_backward`; at a chunk's first step ``t`` (``t % k == 0``) the gradient with
    respect to ``h_{t-1}`` is not passed back into the previous chunk.

    Parameters
    ----------
    dh : ndarray of shape (N, T, H), upstream gradient with respect to every hidden state
    cache : list of T step caches from :func:`rnncourse.rnn.rnn_forward`
    k : int >= 1, the truncation length

    Returns
    -------
    dx : (N, T, D), dh0 : (N, H), dWx : (D, H), dWh : (H, H), db : (H,)
        ``dh0`` is the gradient reaching the initial state from the first chunk only (zero
        contributions from later chunks, since they are cut off).
    """
    k = whole_number("truncation length k", k, 1, "k=10")
    N, T, H = dh.shape
    x0, _, Wx, Wh, _ = cache[0]
    D = x0.shape[1]
    dx = np.empty((N, T, D), dtype=np.result_type(dh, x0))
    dWx = np.zeros_like(Wx, dtype=dx.dtype)
    dWh = np.zeros_like(Wh, dtype=dx.dtype)
    db = np.zeros(H, dtype=dx.dtype)
    dh_future = np.zeros((N, H), dtype=dx.dtype)
    for t in reversed(range(T)):
        dx[:, t, :], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(
            dh[:, t, :] + dh_future, cache[t]
        )
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
        # at a chunk boundary the path into the previous chunk is cut (except into h0 from chunk 0)
        dh_future = dh_prev if (t % k != 0 or t == 0) else np.zeros_like(dh_prev)
    return dx, dh_future, dWx, dWh, db
