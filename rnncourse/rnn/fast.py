"""A fast path for the vanilla RNN: the same numbers as :mod:`rnncourse.rnn.core`, less Python.

The teaching functions loop over :func:`~rnncourse.rnn.core.rnn_step_forward` and
:func:`~rnncourse.rnn.core.rnn_step_backward`, so every step does its own small matrix products
for the inputs and the weight gradients and allocates new arrays. Only the recurrence itself
needs a loop over time; everything else can be done for all steps at once:

* forward: the input projections of many positions are ONE matrix product
  ``(B*N, D) @ (D, H)`` for a block of B steps; the loop then only adds ``h_{t-1} Wh`` and applies
  ``tanh``, in place, into a preallocated time-major buffer ``hs`` of shape (T+1, N, H)
  (``hs[0] = h0``);
* backward: the loop only propagates ``da_t = (dh_t + da_{t+1} Wh^T) * (1 - h_t^2)`` and stores
  the block's ``da_t`` in a block-sized buffer; after each block of steps the stacked ``DA`` of
  shape (B*N, H) gives the block's share of every weight gradient in one product:
  ``dWx += X^T DA``, ``dWh += Hprev^T DA``, ``db += sum(DA)``, ``dx = DA Wx^T``.

Blocks (:func:`time_blocks`) hold about :data:`BLOCK_BYTES` of gradient rows, so a block is
still in the CPU cache when its products run, and the backward pass never allocates a (T, N, H)
gradient buffer (fresh memory costs a page fault per 4 KB page on first touch, which on some
machines costs more than the arithmetic); a small problem is a single block of all T steps.

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

#: The batched matrix products (input projections, weight gradients) work on blocks of consecutive
#: steps whose gradient rows take about this many bytes: large enough for an efficient GEMM, small
#: enough that a block is still in the CPU cache when it is used. One block of all T steps would
#: read the whole (T*N, H) buffer back from main memory after the loop, which made the float64
#: fast path slower than the step-by-step teaching path on large problems.
BLOCK_BYTES = 1 << 19


def time_blocks(T: int, bytes_per_step: int, reverse: bool = False) -> list[tuple[int, int]]:
    """``(start, stop)`` ranges of consecutive steps covering ``0 .. T``, about :data:`BLOCK_BYTES`
    each; in time order, or from the last block to the first with ``reverse=True``."""
    steps = max(1, BLOCK_BYTES // max(1, bytes_per_step))
    blocks = [(a, min(a + steps, T)) for a in range(0, T, steps)]
    return blocks[::-1] if reverse else blocks


def rnn_forward_fast(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray,
                     b: np.ndarray) -> tuple[np.ndarray, tuple]:
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
    rec = np.empty((N, H), dtype=dtype)  # reused for h_{t-1} Wh at every step
    for start, stop in time_blocks(T, N * H * dtype.itemsize):
        B = stop - start  # input projections of a block of steps: ONE GEMM (B*N, D) @ (D, H)
        np.matmul(xs[start:stop].reshape(B * N, D), Wx, out=A[start:stop].reshape(B * N, H))
        A[start:stop] += b
        for t in range(start, stop):
            np.matmul(hs[t], Wh, out=rec)  # (N, H) @ (H, H) -> (N, H)
            a = hs[t + 1]  # a view of the buffer, (N, H)
            a += rec
            np.tanh(a, out=a)
    h = np.ascontiguousarray(hs[1:].transpose(1, 0, 2))  # (N, T, H), a copy: hs stays private
    return h, (xs, hs, Wx, Wh)


def rnn_backward_fast(dh: np.ndarray, cache: tuple, k: int | None = None) -> tuple[np.ndarray, ...]:
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

    blocks = time_blocks(T, N * H * dtype.itemsize, reverse=True)
    steps = max(stop - start for start, stop in blocks)
    da = np.empty((steps, N, H), dtype=dtype)  # da[t - start] becomes dL/da_t, one block at a time
    small = T * N * H * dtype.itemsize <= SMALL_BYTES
    if small:  # tanh' = 1 - h^2 for every step in two calls
        deriv = np.multiply(hs[1:], hs[1:])
        np.subtract(1.0, deriv, out=deriv)
    else:
        tmp = np.empty((N, H), dtype=dtype)
    WhT = np.ascontiguousarray(Wh.T)  # a copy: OpenBLAS multiplies by it faster than by the view
    WxT = np.ascontiguousarray(Wx.T)
    dnext = np.zeros((N, H), dtype=dtype)  # dL/dh_t arriving through h_{t+1}
    from_future = False  # nothing arrives from beyond the last step
    dWx = np.zeros((D, H), dtype=dtype)
    dWh = np.zeros((H, H), dtype=dtype)
    db = np.zeros(H, dtype=dtype)
    dx_tm = np.empty((T, N, D), dtype=dtype)
    for start, stop in blocks:
        for t in range(stop - 1, start - 1, -1):
            g = da[t - start]
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
        # the block's weight gradients while its da is still in cache: GEMMs over B*N rows
        B = stop - start
        DA = da[:B].reshape(B * N, H)
        dWx += xs[start:stop].reshape(B * N, D).T @ DA  # (D, B*N) @ (B*N, H) -> (D, H)
        dWh += hs[start:stop].reshape(B * N, H).T @ DA  # (H, B*N) @ (B*N, H) -> (H, H)
        np.matmul(DA, WxT, out=dx_tm[start:stop].reshape(B * N, D))  # (B*N, H) @ (H, D)
        db += DA.sum(axis=0)  # (H,)
    dx = np.ascontiguousarray(dx_tm.transpose(1, 0, 2))  # (N, T, D)
    return dx, dnext, dWx, dWh, db  # t = 0 never cuts, so dnext is dL/dh0
