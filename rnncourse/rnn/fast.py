"""A fast path for the vanilla RNN: the same numbers as :mod:`rnncourse.rnn.core`, less Python.

The teaching functions loop over :func:`~rnncourse.rnn.core.rnn_step_forward` and
:func:`~rnncourse.rnn.core.rnn_step_backward`, so every step does its own small matrix products
for the inputs and the weight gradients and allocates new arrays. Only the recurrence itself
needs a loop over time; everything else can be done for all steps at once:

* forward: the input projections of all ``N*T`` positions are ONE matrix product
  ``(N*T, D) @ (D, H)``; the loop then only adds ``h_{t-1} Wh`` and applies ``tanh``, in place,
  into a preallocated time-major buffer ``hs`` of shape (T+1, N, H) (``hs[0] = h0``);
* backward: the loop only propagates ``da_t = (dh_t + da_{t+1} Wh^T) * (1 - h_t^2)`` and stores
  every ``da_t``; afterwards the stacked ``DA`` of shape (T*N, H) gives every weight gradient in
  one product: ``dWx = X^T DA``, ``dWh = Hprev^T DA``, ``dx = DA Wx^T``, ``db = sum(DA)``.

Both functions keep the dtype of their inputs (float32 stays float32) and never modify them.
"""

from __future__ import annotations

import numpy as np

from rnncourse._validate import whole_number


def _check_truncation(k):
    """Return ``k`` (None or an int >= 1), or raise the same error as the teaching version."""
    if k is None:
        return None
    return whole_number("truncation length k", k, 1, "k=10")


#: Below this many bytes per (T, N, H) array the backward pass computes tanh' for all steps in
#: one vectorised call (fewer Python calls); above it, step by step while the step's data is in cache.
SMALL_BYTES = 1 << 18


def rnn_forward_fast(x, h0, Wx, Wh, b):
    """Run the RNN over a whole sequence; same result as :func:`rnncourse.rnn.rnn_forward`.

    Parameters
    ----------
    x : ndarray of shape (N, T, D)
    h0 : ndarray of shape (N, H), initial hidden state
    Wx : ndarray of shape (D, H)
    Wh : ndarray of shape (H, H)
    b : ndarray of shape (H,)

    Returns
    -------
    h : ndarray of shape (N, T, H), a new C-contiguous array, dtype ``result_type`` of the inputs
        (at least float32)
    cache : tuple ``(xs, hs, Wx, Wh)`` for :func:`rnn_backward_fast`: ``xs`` of shape (T, N, D)
        is a time-major copy of ``x``, ``hs`` of shape (T+1, N, H) holds ``h0`` followed by every
        hidden state, time-major (``hs[t + 1]`` is ``h[:, t]``)
    """
    N, T, D = x.shape
    H = h0.shape[1]
    dtype = np.result_type(x, h0, Wx, Wh, b, np.float32)
    Wx = np.asarray(Wx, dtype=dtype)  # no copy when the dtype already matches
    Wh = np.asarray(Wh, dtype=dtype)
    b = np.asarray(b, dtype=dtype)

    xs = np.empty((T, N, D), dtype=dtype)  # time-major, so that every step's rows are contiguous
    xs[...] = x.transpose(1, 0, 2)
    hs = np.empty((T + 1, N, H), dtype=dtype)  # hs[t + 1] will be h_t
    hs[0] = h0
    A = hs[1:]  # the pre-activations are built where the hidden states will live
    np.matmul(xs.reshape(T * N, D), Wx, out=A.reshape(T * N, H))  # ONE GEMM: (T*N, D) @ (D, H)
    A += b
    rec = np.empty((N, H), dtype=dtype)  # reused for h_{t-1} Wh at every step
    for t in range(T):
        np.matmul(hs[t], Wh, out=rec)  # (N, H) @ (H, H) -> (N, H)
        a = hs[t + 1]  # a view of the buffer, (N, H)
        a += rec
        np.tanh(a, out=a)
    h = np.ascontiguousarray(hs[1:].transpose(1, 0, 2))  # (N, T, H), a copy: hs stays private
    return h, (xs, hs, Wx, Wh)


def rnn_backward_fast(dh, cache, k=None):
    """Backpropagation through time, full or truncated; same result as the teaching versions.

    With ``k=None`` this equals :func:`rnncourse.rnn.rnn_backward`; with an integer ``k`` it
    equals :func:`rnncourse.rnn.rnn_backward_truncated` (chunks ``[0, k), [k, 2k), ...``; no
    gradient crosses a chunk boundary, except that chunk 0 reaches ``h0``).

    Parameters
    ----------
    dh : ndarray of shape (N, T, H), upstream gradient with respect to every hidden state
    cache : tuple from :func:`rnn_forward_fast`
    k : None or int >= 1, the truncation length (None: full BPTT)

    Returns
    -------
    dx : (N, T, D), dh0 : (N, H), dWx : (D, H), dWh : (H, H), db : (H,)
    """
    k = _check_truncation(k)
    xs, hs, Wx, Wh = cache
    N, T, H = dh.shape
    D = xs.shape[2]
    dtype = np.result_type(hs, dh)
    dh_tm = dh.transpose(1, 0, 2)  # a time-major view, read only

    da = np.empty((T, N, H), dtype=dtype)  # da[t] becomes dL/da_t, the pre-activation gradient
    small = da.nbytes <= SMALL_BYTES
    if small:  # tanh' = 1 - h^2 for every step in two calls
        deriv = np.multiply(hs[1:], hs[1:])
        np.subtract(1.0, deriv, out=deriv)
    else:
        tmp = np.empty((N, H), dtype=dtype)
    WhT = Wh.T  # a view; BLAS reads it transposed without a copy
    dnext = np.zeros((N, H), dtype=dtype)  # dL/dh_t arriving through h_{t+1}
    from_future = False  # nothing arrives from beyond the last step
    for t in range(T - 1, -1, -1):
        g = da[t]
        if from_future:
            np.add(dh_tm[t], dnext, out=g)
        else:
            g[...] = dh_tm[t]
        if small:
            g *= deriv[t]
        else:
            np.multiply(hs[t + 1], hs[t + 1], out=tmp)
            np.subtract(1.0, tmp, out=tmp)
            g *= tmp
        cut = k is not None and t % k == 0 and t != 0
        from_future = not cut
        if not cut:
            np.matmul(g, WhT, out=dnext)  # (N, H) @ (H, H) -> (N, H); at t = 0 this is dh0

    DA = da.reshape(T * N, H)  # every step's da, stacked (row t*N + n)
    dWx = xs.reshape(T * N, D).T @ DA  # ONE GEMM: (D, T*N) @ (T*N, H) -> (D, H)
    dWh = hs[:-1].reshape(T * N, H).T @ DA  # ONE GEMM: (H, T*N) @ (T*N, H) -> (H, H)
    db = DA.sum(axis=0)  # (H,)
    dx_tm = DA @ Wx.T  # (T*N, H) @ (H, D) -> (T*N, D)
    dx = np.ascontiguousarray(dx_tm.reshape(T, N, D).transpose(1, 0, 2))  # (N, T, D)
    return dx, dnext, dWx, dWh, db  # t = 0 never cuts, so dnext is dL/dh0
