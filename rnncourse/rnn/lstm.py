"""The LSTM, written to be read: one step forward/backward, and the sequence versions that only
loop over the step functions (full backpropagation through time).

    a   = x_t Wx + h_{t-1} Wh + b                     (N, 4H), four blocks of H columns:
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), tanh(a_g), sigmoid(a_o)   (order of torch.nn.LSTM)
    c_t = f * c_{t-1} + i * g                          the cell state: updated by a SUM
    h_t = o * tanh(c_t)                                the hidden state

Going back one step along the cell state multiplies the gradient by the forget gate only:
``dc_{t-1} = dc_t * f_t`` (plus the paths through the gates, which reach ``c_{t-1}`` via h).
"""

from __future__ import annotations

import numpy as np

#: The gate blocks of ``a``, ``Wx``, ``Wh`` and ``b``, in order (as in torch.nn.LSTM).
GATES = ("i", "f", "g", "o")


def sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-a))``, computed as ``(1 + tanh(a/2)) / 2``.

    The tanh form never overflows (``exp(-a)`` does for ``a < -709``) and needs no branches.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_step_forward(x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, Wx: np.ndarray,
                      Wh: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple]:
    """One time step of an LSTM.

    Parameters
    ----------
    x : ndarray of shape (N, D), input at this step
    h_prev : ndarray of shape (N, H), hidden state of the previous step
    c_prev : ndarray of shape (N, H), cell state of the previous step
    Wx : ndarray of shape (D, 4H), input-to-gates weights, blocks i, f, g, o
    Wh : ndarray of shape (H, 4H), hidden-to-gates weights, blocks i, f, g, o
    b : ndarray of shape (4H,), gate biases, blocks i, f, g, o

    Returns
    -------
    h_next : ndarray of shape (N, H), ``o * tanh(c_next)``
    c_next : ndarray of shape (N, H), ``f * c_prev + i * g``
    cache : tuple ``(x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next)``, every gate (N, H)
    """
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b  # (N, D)@(D, 4H) + (N, H)@(H, 4H) + (4H,) -> (N, 4H)
    i = sigmoid(a[:, 0 * H:1 * H])  # input gate: how much of the candidate to write
    f = sigmoid(a[:, 1 * H:2 * H])  # forget gate: how much of the old cell state to keep
    g = np.tanh(a[:, 2 * H:3 * H])  # candidate values, in (-1, 1)
    o = sigmoid(a[:, 3 * H:4 * H])  # output gate: how much of the cell to show in h
    c_next = f * c_prev + i * g  # (N, H)
    h_next = o * np.tanh(c_next)  # (N, H)
    return h_next, c_next, (x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next)


def lstm_step_backward(dh_next: np.ndarray, dc_next: np.ndarray, cache: tuple) -> tuple[np.ndarray, ...]:
    """Backward pass of :func:`lstm_step_forward`.

    Parameters
    ----------
    dh_next : ndarray of shape (N, H), gradient of the loss with respect to ``h_next``
    dc_next : ndarray of shape (N, H), gradient with respect to ``c_next`` that arrives from
        the next step (through ``c_{t+1} = f_{t+1} * c_t + ...``); zeros at the last step
    cache : tuple from :func:`lstm_step_forward`

    Returns
    -------
    dx : (N, D), dh_prev : (N, H), dc_prev : (N, H), dWx : (D, 4H), dWh : (H, 4H), db : (4H,)
    """
    x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next = cache
    tanh_c = np.tanh(c_next)
    do = dh_next * tanh_c  # h = o * tanh(c)
    # c_next reaches the loss twice: through h_next (via tanh) and through the next step's cell
    dc = dc_next + dh_next * o * (1.0 - tanh_c**2)  # (N, H)
    di = dc * g  # c_next = f * c_prev + i * g
    df = dc * c_prev
    dg = dc * i
    dc_prev = dc * f  # the additive path: one step back is a multiplication by f only
    da = np.concatenate([  # through each gate's nonlinearity, blocks i, f, g, o: (N, 4H)
        di * i * (1.0 - i),  # sigmoid'(a) = s (1 - s)
        df * f * (1.0 - f),
        dg * (1.0 - g**2),  # tanh'(a) = 1 - tanh(a)^2
        do * o * (1.0 - o),
    ], axis=1)
    dx = da @ Wx.T  # (N, 4H) @ (4H, D) -> (N, D)
    dh_prev = da @ Wh.T  # (N, 4H) @ (4H, H) -> (N, H)
    dWx = x.T @ da  # (D, N) @ (N, 4H) -> (D, 4H)
    dWh = h_prev.T @ da  # (H, N) @ (N, 4H) -> (H, 4H)
    db = da.sum(axis=0)  # (4H,)
    return dx, dh_prev, dc_prev, dWx, dWh, db


def lstm_forward_from(x: np.ndarray, h0: np.ndarray, c0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray,
                      b: np.ndarray) -> tuple[np.ndarray, list[tuple]]:
    """Run the LSTM over a whole sequence from a given hidden AND cell state.

    :func:`lstm_forward` is this with ``c0 = 0``; a training loop that carries the state from
    one chunk of a long sequence into the next needs the cell state too. The final cell state
    is ``cache[-1][9]`` (``c_next`` of the last step).

    Parameters
    ----------
    x : ndarray of shape (N, T, D)
    h0 : ndarray of shape (N, H), c0 : ndarray of shape (N, H)
    Wx : (D, 4H), Wh : (H, 4H), b : (4H,)

    Returns
    -------
    h : ndarray of shape (N, T, H), the hidden state at every step
    cache : list of the T step caches, in time order
    """
    N, T, _ = x.shape
    H = h0.shape[1]
    h = np.empty((N, T, H), dtype=np.result_type(x, h0, c0, Wx, Wh, b))
    cache = []
    h_prev, c_prev = h0, c0
    for t in range(T):
        h_prev, c_prev, step_cache = lstm_step_forward(x[:, t, :], h_prev, c_prev, Wx, Wh, b)
        h[:, t, :] = h_prev
        cache.append(step_cache)
    return h, cache


def lstm_forward(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray,
                 b: np.ndarray) -> tuple[np.ndarray, list[tuple]]:
    """Run the LSTM over a whole sequence; the cell state starts at zero (``c0 = 0``).

    Parameters
    ----------
    x : ndarray of shape (N, T, D)
    h0 : ndarray of shape (N, H), initial hidden state
    Wx : (D, 4H), Wh : (H, 4H), b : (4H,), gate blocks in the order i, f, g, o

    Returns
    -------
    h : ndarray of shape (N, T, H), the hidden state at every step
    cache : list of the T step caches from :func:`lstm_step_forward`, in time order
    """
    return lstm_forward_from(x, h0, np.zeros_like(h0), Wx, Wh, b)


def lstm_backward(dh: np.ndarray, cache: list[tuple]) -> tuple[np.ndarray, ...]:
    """Full backpropagation through time for the LSTM.

    Parameters
    ----------
    dh : ndarray of shape (N, T, H), upstream gradient of the loss with respect to every hidden
        state (only the paths that leave the LSTM at each step)
    cache : list of step caches from :func:`lstm_forward`

    Returns
    -------
    dx : (N, T, D), dh0 : (N, H), dWx : (D, 4H), dWh : (H, 4H), db : (4H,)
        (``c0`` is a constant zero, so its gradient is not returned)
    """
    N, T, H = dh.shape
    x0, _, _, Wx, Wh = cache[0][:5]
    D = x0.shape[1]
    dx = np.empty((N, T, D), dtype=np.result_type(dh, x0))
    dWx = np.zeros_like(Wx, dtype=dx.dtype)
    dWh = np.zeros_like(Wh, dtype=dx.dtype)
    db = np.zeros(4 * H, dtype=dx.dtype)
    dh_future = np.zeros((N, H), dtype=dx.dtype)  # dL/dh_t through step t+1
    dc_future = np.zeros((N, H), dtype=dx.dtype)  # dL/dc_t through step t+1; zero after the end
    for t in reversed(range(T)):
        dx[:, t, :], dh_future, dc_future, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t, :] + dh_future, dc_future, cache[t])
        dWx += dWx_t  # shared weights: the gradient is the sum over time steps
        dWh += dWh_t
        db += db_t
    return dx, dh_future, dWx, dWh, db
