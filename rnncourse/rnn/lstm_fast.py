"""A fast path for the LSTM: the same numbers as :mod:`rnncourse.rnn.lstm`, less Python.

As for the vanilla RNN (:mod:`rnncourse.rnn.fast`), only the recurrence needs a loop over time:

* forward: the input projections of a block of B steps are ONE matrix product
  ``(B*N, D) @ (D, 4H)``, written straight into a preallocated time-major gate buffer of shape
  (T, N, 4H); the loop adds ``h_{t-1} Wh`` (one ``(N, H) @ (H, 4H)`` product), applies the
  gate nonlinearities in place and updates ``c`` and ``h`` in preallocated (T+1, N, H) buffers;
* backward: the loop only propagates ``dh`` and ``dc`` and stores every step's pre-activation
  gradient ``da_t`` in a block-sized buffer; after each block of steps, the block's share of
  every weight gradient is ONE product: ``dWx += X^T DA``, ``dWh += Hprev^T DA``,
  ``dx = DA Wx^T`` (and ``db += sum(DA)``).
  Blocks are :func:`rnncourse.rnn.fast.time_blocks` (cache-sized; one block for small problems).

The sigmoid is ``(1 + tanh(a/2)) / 2`` as in the teaching code. The forward pass halves the
i, f, o columns of ``Wx``, ``Wh`` and ``b`` once (multiplying by 0.5 is exact), so one ``tanh``
call covers all four blocks of a step and the sigmoids only need ``0.5 * t + 0.5`` after it.
The backward pass computes the local derivatives of a block's steps in a few vectorised calls
before looping over them; the loop only propagates ``dh`` and ``dc`` (seven array operations per step). Both
functions keep the dtype of their inputs (float32 stays float32) and never modify them.
"""

from __future__ import annotations

import numpy as np

from rnncourse.rnn.fast import _check_truncation, time_blocks


def _halve_sigmoid_columns(W, H):
    """A copy of ``W`` (..., 4H) whose i, f and o blocks are halved (exact: a power of two)."""
    W = W.copy()
    W[..., :2 * H] *= 0.5
    W[..., 3 * H:] *= 0.5
    return W


def lstm_forward_fast(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray,
                      c0: np.ndarray | None = None) -> tuple[np.ndarray, tuple]:
    """Run the LSTM over a whole sequence; same result as :func:`rnncourse.rnn.lstm_forward`.

    Parameters
    ----------
    x : ndarray of shape (N, T, D)
    h0 : ndarray of shape (N, H), initial hidden state
    Wx : ndarray of shape (D, 4H), Wh : ndarray of shape (H, 4H), b : ndarray of shape (4H,)
    c0 : None (zeros, as in :func:`~rnncourse.rnn.lstm_forward`) or ndarray of shape (N, H)

    Returns
    -------
    h : ndarray of shape (N, T, H), a new C-contiguous array
    cache : tuple ``(xs, hs, cs, gates, tanh_cs, Wx, Wh)`` for :func:`lstm_backward_fast`, all
        time-major: ``xs`` (T, N, D), ``hs`` and ``cs`` (T+1, N, H) starting with ``h0``/``c0``
        (so ``cs[-1]`` is the final cell state), ``gates`` (T, N, 4H) the activated i, f, g, o,
        ``tanh_cs`` (T, N, H)
    """
    N, T, D = x.shape
    H = h0.shape[1]
    dtype = np.result_type(x, h0, Wx, Wh, b, np.float32)
    Wx = np.asarray(Wx, dtype=dtype)
    Wh = np.asarray(Wh, dtype=dtype)
    b = np.asarray(b, dtype=dtype)

    xs = np.empty((T, N, D), dtype=dtype)
    xs[...] = x.transpose(1, 0, 2)
    hs = np.empty((T + 1, N, H), dtype=dtype)
    cs = np.empty((T + 1, N, H), dtype=dtype)
    hs[0] = h0
    cs[0] = 0.0 if c0 is None else c0
    Wh_half = _halve_sigmoid_columns(Wh, H)  # a_ifo / 2, so that sigmoid = (1 + tanh) / 2
    Wx_half, b_half = _halve_sigmoid_columns(Wx, H), _halve_sigmoid_columns(b, H)
    gates = np.empty((T, N, 4 * H), dtype=dtype)
    tanh_cs = np.empty((T, N, H), dtype=dtype)
    rec = np.empty((N, 4 * H), dtype=dtype)  # h_{t-1} Wh, reused at every step
    ig = np.empty((N, H), dtype=dtype)
    for start, stop in time_blocks(T, N * 4 * H * dtype.itemsize):
        B = stop - start  # input projections of a block of steps: ONE GEMM (B*N, D) @ (D, 4H)
        np.matmul(xs[start:stop].reshape(B * N, D), Wx_half,
                  out=gates[start:stop].reshape(B * N, 4 * H))
        gates[start:stop] += b_half
        for t in range(start, stop):
            np.matmul(hs[t], Wh_half, out=rec)  # (N, H) @ (H, 4H) -> (N, 4H)
            a = gates[t]
            a += rec
            np.tanh(a, out=a)  # g = tanh(a_g); tanh(a/2) for i, f, o
            for s in (a[:, :2 * H], a[:, 3 * H:]):  # i and f are adjacent: one strided view
                s *= 0.5
                s += 0.5
            i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            c = cs[t + 1]
            np.multiply(f, cs[t], out=c)  # c_t = f * c_{t-1} + i * g
            np.multiply(i, g, out=ig)
            c += ig
            np.tanh(c, out=tanh_cs[t])
            np.multiply(o, tanh_cs[t], out=hs[t + 1])  # h_t = o * tanh(c_t)
    h = np.ascontiguousarray(hs[1:].transpose(1, 0, 2))  # (N, T, H)
    return h, (xs, hs, cs, gates, tanh_cs, Wx, Wh)


def lstm_backward_fast(dh: np.ndarray, cache: tuple, k: int | None = None) -> tuple[np.ndarray, ...]:
    """Backpropagation through time for the LSTM; same result as :func:`rnncourse.rnn.lstm_backward`.

    Parameters
    ----------
    dh : ndarray of shape (N, T, H), upstream gradient with respect to every hidden state
    cache : tuple from :func:`lstm_forward_fast`
    k : None (full BPTT) or int >= 1: truncated BPTT in chunks ``[0, k), [k, 2k), ...``; at a
        chunk's first step neither ``dh`` nor ``dc`` is passed back into the previous chunk

    Returns
    -------
    dx : (N, T, D), dh0 : (N, H), dWx : (D, 4H), dWh : (H, 4H), db : (4H,)
    """
    k = _check_truncation(k)
    xs, hs, cs, gates, tanh_cs, Wx, Wh = cache
    N, T, H = dh.shape
    D = xs.shape[2]
    dtype = np.result_type(hs, dh)
    dh_tm = dh.transpose(1, 0, 2)  # a time-major view, read only

    blocks = time_blocks(T, N * 4 * H * dtype.itemsize, reverse=True)
    steps = max(stop - start for start, stop in blocks)
    da = np.empty((steps, N, 4 * H), dtype=dtype)  # da[t - start] becomes dL/da_t, one block at a time
    da_blocks = da.reshape(steps, N, 4, H)  # a view: the four gate blocks of every da[j]
    dh_t = np.empty((N, H), dtype=dtype)  # total dL/dh_t
    dc = np.zeros((N, H), dtype=dtype)  # dL/dc_t; zero beyond the last step
    dnext = np.zeros((N, H), dtype=dtype)  # dL/dh_t arriving through step t+1
    tmp = np.empty((N, H), dtype=dtype)
    WhT = np.ascontiguousarray(Wh.T)  # a copy: OpenBLAS multiplies by it faster than by the view
    WxT = np.ascontiguousarray(Wx.T)
    dWx = np.zeros((D, 4 * H), dtype=dtype)
    dWh = np.zeros((H, 4 * H), dtype=dtype)
    db = np.zeros(4 * H, dtype=dtype)
    dx_tm = np.empty((T, N, D), dtype=dtype)
    for start, stop in blocks:
        # every local derivative of the block's steps, in a few vectorised calls
        blk = slice(start, stop)
        i, f, g, o = (gates[blk, :, s * H:(s + 1) * H] for s in range(4))  # (B, N, H) views
        from_c = np.empty((stop - start, N, 3, H), dtype=dtype)  # da_i, da_f, da_g = dc * from_c
        np.multiply(g, i * (1.0 - i), out=from_c[:, :, 0])  # sigmoid' = s (1 - s); c = f c_ + i g
        np.multiply(cs[start:stop], f * (1.0 - f), out=from_c[:, :, 1])
        np.multiply(g, g, out=from_c[:, :, 2])
        np.subtract(1.0, from_c[:, :, 2], out=from_c[:, :, 2])  # tanh' = 1 - g^2
        from_c[:, :, 2] *= i
        tc = tanh_cs[blk]
        o_dtanh = 1.0 - tc * tc  # dc += dh * o (1 - tanh(c)^2)
        o_dtanh *= o
        from_h = tc * o * (1.0 - o)  # da_o = dh * tanh(c) * sigmoid'(a_o)
        for t in range(stop - 1, start - 1, -1):
            j = t - start
            np.add(dh_tm[t], dnext, out=dh_t)
            np.multiply(dh_t, from_h[j], out=da[j][:, 3 * H:])  # da_o
            np.multiply(dh_t, o_dtanh[j], out=tmp)
            dc += tmp  # dc_t = dc from step t+1 + the path through h_t
            np.multiply(dc[:, None, :], from_c[j], out=da_blocks[j, :, :3])  # da_i, da_f, da_g
            dc *= f[j]  # dL/dc_{t-1} = dL/dc_t * f_t: the additive path
            np.matmul(da[j], WhT, out=dnext)  # (N, 4H) @ (4H, H) -> (N, H)
            if k is not None and t % k == 0 and t != 0:  # cut: nothing reaches the previous chunk
                dnext[...] = 0.0
                dc[...] = 0.0
        # the block's weight gradients while its da is still in cache: GEMMs over B*N rows
        B = stop - start
        DA = da[:B].reshape(B * N, 4 * H)
        dWx += xs[blk].reshape(B * N, D).T @ DA  # (D, B*N) @ (B*N, 4H) -> (D, 4H)
        dWh += hs[start:stop].reshape(B * N, H).T @ DA  # (H, B*N) @ (B*N, 4H) -> (H, 4H)
        np.matmul(DA, WxT, out=dx_tm[blk].reshape(B * N, D))  # (B*N, 4H) @ (4H, D)
        db += DA.sum(axis=0)  # (4H,)
    dx = np.ascontiguousarray(dx_tm.transpose(1, 0, 2))  # (N, T, D)
    return dx, dnext, dWx, dWh, db
