"""The gated recurrent unit (GRU, Cho et al. 2014), forward only: shown for comparison with the
LSTM, not an exercise.

    r   = sigmoid(x Wx_r + h_{t-1} Wh_r + b_r)           reset gate      (N, H)
    z   = sigmoid(x Wx_z + h_{t-1} Wh_z + b_z)           update gate     (N, H)
    n   = tanh(x Wx_n + (r * h_{t-1}) Wh_n + b_n)        candidate       (N, H)
    h_t = z * h_{t-1} + (1 - z) * n

Three gate blocks (r, z, n) instead of the LSTM's four, and no separate cell state: the hidden
state itself is updated by a weighted SUM, so along it one step back multiplies the gradient by
``z`` (plus the paths through the gates), the role the forget gate plays in the LSTM. (Cho et
al. write ``h_t = z * h_{t-1} + (1 - z) * n`` as here; torch.nn.GRU uses the same form.)
"""

from __future__ import annotations

import numpy as np

from rnncourse.rnn.lstm import sigmoid


def gru_step_forward(x: np.ndarray, h_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One GRU step.

    Parameters
    ----------
    x : ndarray of shape (N, D), h_prev : ndarray of shape (N, H)
    Wx : ndarray of shape (D, 3H), Wh : ndarray of shape (H, 3H), b : ndarray of shape (3H,);
        blocks in the order r, z, n

    Returns
    -------
    h_next : ndarray of shape (N, H)
    """
    H = h_prev.shape[1]
    ax = x @ Wx + b  # (N, D) @ (D, 3H) -> (N, 3H)
    ah = h_prev @ Wh[:, :2 * H]  # (N, H) @ (H, 2H) -> (N, 2H): r and z see h_prev
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H:2 * H] + ah[:, H:])
    n = np.tanh(ax[:, 2 * H:] + (r * h_prev) @ Wh[:, 2 * H:])  # (N, H) @ (H, H)
    return z * h_prev + (1.0 - z) * n


def gru_forward(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Run the GRU over a sequence: ``x`` (N, T, D), ``h0`` (N, H) -> ``h`` (N, T, H)."""
    N, T, _ = x.shape
    h = np.empty((N, T, h0.shape[1]), dtype=np.result_type(x, h0, Wx, Wh, b))
    h_prev = h0
    for t in range(T):
        h_prev = gru_step_forward(x[:, t, :], h_prev, Wx, Wh, b)
        h[:, t, :] = h_prev
    return h
