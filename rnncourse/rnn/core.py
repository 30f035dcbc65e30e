"""The vanilla RNN, written to be read: one step forward/backward, and the sequence versions that
only loop over the step functions (full backpropagation through time).

    h_t = tanh(x_t Wx + h_{t-1} Wh + b)
"""

from __future__ import annotations

import numpy as np


def rnn_step_forward(x: np.ndarray, h_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray,
                     b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """One time step of a vanilla RNN.

    Parameters
    ----------
    x : ndarray of shape (N, D), input at this step
    h_prev : ndarray of shape (N, H), hidden state of the previous step
    Wx : ndarray of shape (D, H), input-to-hidden weights
    Wh : ndarray of shape (H, H), hidden-to-hidden weights
    b : ndarray of shape (H,), bias

    Returns
    -------
    h_next : ndarray of shape (N, H), ``tanh(x Wx + h_prev Wh + b)``
    cache : tuple ``(x, h_prev, Wx, Wh, h_next)``
    """
    a = x @ Wx + h_prev @ Wh + b  # (N, D)@(D, H) + (N, H)@(H, H) + (H,) -> (N, H)
    h_next = np.tanh(a)
    return h_next, (x, h_prev, Wx, Wh, h_next)


def rnn_step_backward(dh_next: np.ndarray, cache: tuple) -> tuple[np.ndarray, ...]:
    """Backward pass of :func:`rnn_step_forward`.

    Parameters
    ----------
    dh_next : ndarray of shape (N, H), gradient of the loss with respect to ``h_next``
    cache : tuple from :func:`rnn_step_forward`

    Returns
    -------
    dx : (N, D), dh_prev : (N, H), dWx : (D, H), dWh : (H, H), db : (H,)
    """
    x, h_prev, Wx, Wh, h_next = cache
    da = dh_next * (1.0 - h_next**2)  # through tanh; (N, H)
    dx = da @ Wx.T  # (N, H) @ (H, D) -> (N, D)
    dh_prev = da @ Wh.T  # (N, H) @ (H, H) -> (N, H)
    dWx = x.T @ da  # (D, N) @ (N, H) -> (D, H)
    dWh = h_prev.T @ da  # (H, N) @ (N, H) -> (H, H)
    db = da.sum(axis=0)  # (H,)
    return dx, dh_prev, dWx, dWh, db


def rnn_forward(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray,
                b: np.ndarray) -> tuple[np.ndarray, list[tuple]]:
    """Run the RNN over a whole sequence.

    Parameters
    ----------
    x : ndarray of shape (N, T, D)
    h0 : ndarray of shape (N, H), initial hidden state
    Wx : (D, H), Wh : (H, H), b : (H,)

    Returns
    -------
    h : ndarray of shape (N, T, H), the hidden state at every step
    cache : list of the T step caches, in time order
    """
    N, T, _ = x.shape
    H = h0.shape[1]
    h = np.empty((N, T, H), dtype=np.result_type(x, h0, Wx, Wh, b))
    cache = []
    h_prev = h0
    for t in range(T):
        h_prev, step_cache = rnn_step_forward(x[:, t, :], h_prev, Wx, Wh, b)
        h[:, t, :] = h_prev
        cache.append(step_cache)
    return h, cache


def rnn_backward(dh: np.ndarray, cache: list[tuple]) -> tuple[np.ndarray, ...]:
    """Full backpropagation through time.

    Parameters
    ----------
    dh : ndarray of shape (N, T, H), upstream gradient of the loss with respect to every hidden
        state (only the paths that leave the RNN at each step, not the path through h_{t+1})
    cache : list of step caches from :func:`rnn_forward`

    Returns
    -------
    dx : (N, T, D), dh0 : (N, H), dWx : (D, H), dWh : (H, H), db : (H,)
    """
    N, T, H = dh.shape
    x0, _, Wx, Wh, _ = cache[0]
    D = x0.shape[1]
    dx = np.empty((N, T, D), dtype=np.result_type(dh, x0))
    dWx = np.zeros_like(Wx, dtype=dx.dtype)
    dWh = np.zeros_like(Wh, dtype=dx.dtype)
    db = np.zeros(H, dtype=dx.dtype)
    dh_future = np.zeros((N, H), dtype=dx.dtype)  # dL/dh_t through h_{t+1}; zero after the end
    for t in reversed(range(T)):
        dh_total = dh[:, t, :] + dh_future  # a new array: dh itself is never modified
        dx[:, t, :], dh_future, dWx_t, dWh_t, db_t = rnn_step_backward(dh_total, cache[t])
        dWx += dWx_t  # shared weights: the gradient is the sum over time steps
        dWh += dWh_t
        db += db_t
    return dx, dh_future, dWx, dWh, db
