"""A fast path for the LSTM: the same numbers as :mod:`rnncourse.rnn.lstm`, less Python.

Only the recurrence needs a loop over time, and each step of it is one matrix product. Inside,
every array is time-major AND feature-major, the batch being the last (contiguous) axis: a
step's gate block is then one contiguous (H, N) array, so each elementwise call works on
contiguous memory (on the (N, H) column slices of a batch-first (N, 4H) array the same calls
took up to twice as long at small sizes; benchmarks/README.md).

* forward: step t's inputs are stacked in one buffer ``ZT`` of shape (D+1+H, T+1, N):
  ``ZT[:, t] = [x_t; 1; h_{t-1}]`` (transposed; the row of ones carries the bias). One product
  ``W^T ZT[:, t]`` with the stacked weights ``W = [Wx; b; Wh]`` of shape (D+1+H, 4H) gives the
  step's pre-activations straight into the gate buffer, with no separate addition of the input
  projection, the recurrent product and the bias. The loop applies the nonlinearities in place
  and writes ``h_t`` into ``ZT[:, t+1]``, where the next step's product reads it;
* backward: the loop only propagates ``dh`` and ``dc`` and stores every step's pre-activation
  gradient ``da_t`` in a block-sized buffer; after each block of steps, ONE product over the
  block's B*N columns gives its share of ``dWx``, ``db`` and ``dWh`` together (D+1+H, 4H), and
  one more gives ``dx``.
  Blocks are :func:`rnncourse.rnn.fast.time_blocks` (cache-sized; one block for small problems).

The four gate blocks are stored in the order o, i, f, g (the public order
i, f, g, o is restored in the gradients), so that the three sigmoid gates are adjacent (one call
each for their arithmetic) and so are the three gates the cell-state gradient drives (i, f, g).
The sigmoid is ``(1 + tanh(a/2)) / 2`` as in the teaching code: the sigmoid columns of ``W`` are
halved once (multiplying by 0.5 is exact), so one ``tanh`` call covers all four blocks of a step
and the sigmoids only need ``0.5 * t + 0.5`` after it. Both functions keep the dtype of their
inputs (float32 stays float32) and never modify them.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

from rnncourse.rnn.fast import _check_truncation, time_blocks

#: Where each internal gate block (o, i, f, g) comes from in the public order (i, f, g, o).
_INTERNAL = (3, 0, 1, 2)

_WORKSPACE = threading.local()


def _scratch(name, shape, dtype):
    """An uninitialised array of ``shape`` for the backward pass's temporaries, reused from call to
    call (per thread): fresh memory costs a page fault per page on first touch, which at small
    sizes took half the backward pass. Only temporaries that never leave the call live here."""
    size = int(np.prod(shape))
    buffers = _WORKSPACE.__dict__.setdefault("buffers", {})
    flat = buffers.get((name, dtype))
    if flat is None or flat.size < size:
        flat = buffers[(name, dtype)] = np.empty(size, dtype=dtype)
    return flat[:size].reshape(shape)


_FREE_REFERENCES = 3
"""References to a pooled forward buffer that nobody else holds: the pool's, the local name's and
:func:`sys.getrefcount`'s own argument (a view, or a cache tuple, still in use adds one)."""


def _forward_buffer(name, shape, dtype):
    """An uninitialised array for the forward's cache, reused from the previous call (per thread) when
    it has the same shape and dtype and NOTHING else refers to it any more (no cache tuple, no view):
    a training loop's forward then writes into memory it already touched, instead of page-faulting
    through hundreds of megabytes of fresh mappings at every call. A buffer still held (e.g. two
    forward passes before their backward passes) is never reused: a new one is made."""
    pool = _WORKSPACE.__dict__.setdefault("forward", {})
    old = pool.get(name)
    if old is not None and old.shape == shape and old.dtype == dtype and sys.getrefcount(old) <= _FREE_REFERENCES:
        return old
    del old
    pool[name] = fresh = np.empty(shape, dtype=dtype)
    return fresh


def _to_internal(W, H):
    """``W`` (..., 4H) with its gate blocks reordered from i, f, g, o to o, i, f, g (a copy)."""
    return np.concatenate([W[..., s * H:(s + 1) * H] for s in _INTERNAL], axis=-1)


def _to_public(W, H):
    """Inverse of :func:`_to_internal`: blocks o, i, f, g back to i, f, g, o (a copy)."""
    o, i, f, g = (W[..., s * H:(s + 1) * H] for s in range(4))
    return np.concatenate([i, f, g, o], axis=-1)


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
    cache : tuple ``(ZT, W, cs, gates, tanh_cs)`` for :func:`lstm_backward_fast`, time-major and
        feature-major (batch last): ``ZT`` (D+1+H, T+1, N) with ``ZT[:, t] = [x_t; 1; h_{t-1}]``
        transposed (``ZT[:, T]`` holds only ``h_{T-1}``), ``W`` (D+1+H, 4H) the stacked
        ``[Wx; b; Wh]``, ``gates`` (T+1, 5H, N) the activated gates o, i, f, g of each step
        followed by ``c_{t-1}``, ``cs`` (T+1, H, N) a view of that last block (``cs[0]`` is
        ``c0``, ``cs[-1].T`` the final cell state), ``tanh_cs`` (T, H, N); ``W`` and ``gates``
        hold their gate blocks in the internal order o, i, f, g
    """
    N, T, D = x.shape
    H = h0.shape[1]
    K = D + 1 + H
    dtype = np.result_type(x, h0, Wx, Wh, b, np.float32)

    W = np.empty((K, 4 * H), dtype=dtype)  # [Wx; b; Wh], blocks o, i, f, g
    W[:D] = _to_internal(np.asarray(Wx), H)
    W[D] = _to_internal(np.asarray(b), H)
    W[D + 1:] = _to_internal(np.asarray(Wh), H)
    WT_half = np.ascontiguousarray(W.T)  # (4H, D+1+H)
    WT_half[:3 * H] *= 0.5  # a_oif / 2, so that sigmoid = (1 + tanh) / 2 (exact)

    # ZT[:, t] = [x_t; 1; h_{t-1}] (K, N); feature-major outermost, so that the columns of a
    # block of steps, ZT[:, start:stop], are one (K, B*N) matrix for the weight gradients
    ZT = _forward_buffer("ZT", (K, T + 1, N), dtype)
    ZT[:D, :T] = x.transpose(2, 1, 0)
    ZT[D] = 1.0
    ZT[:D, T] = 0.0  # never read as an input; defined all the same
    ZT[D + 1:, 0] = h0.T
    # gates[t] = [o; i; f; g; c_{t-1}]: the cell state sits below g, so [i; f] * [g; c_{t-1}]
    # is ONE multiplication; gates[T] holds only the final cell state in its last block
    gates = _forward_buffer("gates", (T + 1, 5 * H, N), dtype)
    gates[T, :4 * H] = 0.0
    cs = gates[:, 4 * H:]  # (T+1, H, N) view: cs[t] = c_{t-1}, cs[0] = c0, cs[T] = c_{T-1}
    cs[0] = 0.0 if c0 is None else np.asarray(c0).T
    tanh_cs = _forward_buffer("tanh_cs", (T, H, N), dtype)
    prod = np.empty((2 * H, N), dtype=dtype)  # [i * g; f * c_{t-1}]
    for t in range(T):
        a = gates[t]
        a4 = a[:4 * H]
        np.matmul(WT_half, ZT[:, t], out=a4)  # (4H, D+1+H) @ (D+1+H, N) -> (4H, N)
        np.tanh(a4, out=a4)  # g = tanh(a_g); tanh(a/2) for o, i, f
        s = a[:3 * H]  # the three sigmoid gates, adjacent
        s *= 0.5
        s += 0.5
        np.multiply(a[H:3 * H], a[3 * H:], out=prod)  # [i; f] * [g; c_{t-1}]
        c = cs[t + 1]
        np.add(prod[:H], prod[H:], out=c)  # c_t = i * g + f * c_{t-1}
        np.tanh(c, out=tanh_cs[t])
        np.multiply(a[:H], tanh_cs[t], out=ZT[D + 1:, t + 1])  # h_t = o * tanh(c_t)
    h = np.ascontiguousarray(ZT[D + 1:, 1:].transpose(2, 1, 0))  # (N, T, H)
    return h, (ZT, W, cs, gates, tanh_cs)


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
    ZT, W, cs, gates, tanh_cs = cache
    N, T, H = dh.shape
    K = ZT.shape[0]
    D = K - 1 - H
    dtype = np.result_type(ZT, dh)

    blocks = time_blocks(T, N * 4 * H * dtype.itemsize, reverse=True)
    steps = max(stop - start for start, stop in blocks)
    # da[j] = [spare; da_o; da_i; da_f; da_g] of step start + j: dL/da_t is da[j, H:], and
    # the spare block receives dh_t * o (1 - tanh(c_t)^2) in the same call as da_o
    da = _scratch("da", (steps, 5 * H, N), dtype)
    da_blocks = da.reshape(steps, 5, H, N)  # a view: the five blocks of every da[j]
    dh_t = np.empty((H, N), dtype=dtype)  # total dL/dh_t
    dc = np.zeros((H, N), dtype=dtype)  # dL/dc_t; zero beyond the last step
    dnext = np.zeros((H, N), dtype=dtype)  # dL/dh_t arriving through step t+1
    Wh, Wx = W[D + 1:], W[:D]  # (H, 4H) and (D, 4H), contiguous rows of W
    dW = np.zeros((K, 4 * H), dtype=dtype)  # [dWx; db; dWh], blocks o, i, f, g
    dx = np.empty((N, T, D), dtype=dtype)
    DA = _scratch("DA", (4 * H, steps, N), dtype)  # a block's dL/da, as (4H, B*N) columns
    for start, stop in blocks:
        # every local derivative of the block's steps, in a few vectorised calls
        B = stop - start
        blk = slice(start, stop)
        dhT = _scratch("dhT", (B, H, N), dtype)  # feature-major: every step's (H, N) contiguous
        dhT[...] = dh[:, blk].transpose(1, 2, 0)
        sig = gates[blk, :3 * H]  # o, i, f: (B, 3H, N)
        dsig = _scratch("dsig", (B, 3 * H, N), dtype)
        np.subtract(1.0, sig, out=dsig)
        dsig *= sig  # sigmoid' = s (1 - s)
        o, i, f, g = (gates[blk, s * H:(s + 1) * H] for s in range(4))  # (B, H, N) views
        from_c = _scratch("from_c", (B, 3, H, N), dtype)  # da_i, da_f, da_g = dc * from_c
        np.multiply(g, dsig[:, H:2 * H], out=from_c[:, 0])  # c = f c_ + i g
        np.multiply(cs[blk], dsig[:, 2 * H:], out=from_c[:, 1])
        np.multiply(g, g, out=from_c[:, 2])
        np.subtract(1.0, from_c[:, 2], out=from_c[:, 2])  # tanh' = 1 - g^2
        from_c[:, 2] *= i
        tc = tanh_cs[blk]
        from_h = _scratch("from_h", (B, 2, H, N), dtype)  # times dh_t: [path into c_t, da_o]
        np.multiply(tc, tc, out=from_h[:, 0])  # dc += dh * o (1 - tanh(c)^2)
        np.subtract(1.0, from_h[:, 0], out=from_h[:, 0])
        from_h[:, 0] *= o
        np.multiply(dsig[:, :H], tc, out=from_h[:, 1])  # da_o = dh * tanh(c) * sigmoid'(a_o)
        for t in range(stop - 1, start - 1, -1):
            j = t - start
            np.add(dhT[j], dnext, out=dh_t)
            np.multiply(dh_t, from_h[j], out=da_blocks[j, :2])  # [into c_t; da_o]
            dc += da[j, :H]  # dc_t = dc from step t+1 + the path through h_t
            np.multiply(dc, from_c[j], out=da_blocks[j, 2:])  # da_i, da_f, da_g
            dc *= f[j]  # dL/dc_{t-1} = dL/dc_t * f_t: the additive path
            np.matmul(Wh, da[j, H:], out=dnext)  # (H, 4H) @ (4H, N) -> (H, N)
            if k is not None and t % k == 0 and t != 0:  # cut: nothing reaches the previous chunk
                dnext[...] = 0.0
                dc[...] = 0.0
        # the block's weight gradients while its da is still in cache: sums over B*N columns
        DA_blk = DA[:, :B]
        DA_blk[...] = da[:B, H:].transpose(1, 0, 2)  # copies rows of N: (4H, B, N)
        DA_cols = DA_blk.reshape(4 * H, B * N)  # a view
        dW += ZT[:, blk].reshape(K, B * N) @ DA_cols.T  # (D+1+H, B*N) @ (B*N, 4H): dWx, db, dWh
        dxT = _scratch("dxT", (D, B, N), dtype)
        np.matmul(Wx, DA_cols, out=dxT.reshape(D, B * N))  # (D, 4H) @ (4H, B*N)
        dx[:, blk] = dxT.transpose(2, 1, 0)  # (N, B, D)
    dW = _to_public(dW, H)
    return dx, np.ascontiguousarray(dnext.T), dW[:D], dW[D + 1:], dW[D]
