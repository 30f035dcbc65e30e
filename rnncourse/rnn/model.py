"""A many-to-many sequence model: a recurrent cell with an affine read-out at every time step.

    h_t = tanh(x_t Wx + h_{t-1} Wh + b)        (N, H)    the recurrence (rnncourse.rnn), or an
                                                         LSTM (cell="lstm", rnncourse.rnn.lstm)
    s_t = h_t Wy + by                          (N, C)    the read-out, the same at every step
    loss = softmax cross-entropy of s_t against class ids, or mean squared error against targets

Inputs are batch-first arrays of shape (N, T, D); characters or other symbols are one-hot encoded
with :func:`one_hot`. The pieces are forward/backward pairs, like the rest of the library:
:func:`temporal_affine_forward`/:func:`temporal_affine_backward` apply one affine layer to every
step at once, :func:`temporal_softmax_cross_entropy` and :func:`temporal_mse` are the losses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from rnncourse._validate import whole_number
from rnncourse.rnn.cells import CELLS

LOSSES = ("softmax", "mse")


def one_hot(ids: npt.ArrayLike, V: int, dtype: npt.DTypeLike = np.float64) -> np.ndarray:
    """One-hot encode integer ids.

    Parameters
    ----------
    ids : array-like of ints in ``[0, V)``, any shape S, e.g. (N, T)
    V : int, the vocabulary size
    dtype : the float dtype of the result

    Returns
    -------
    ndarray of shape S + (V,), with a single 1 in the last axis

    Example
    -------
    >>> one_hot([[2, 0]], 3).tolist()
    [[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]]
    """
    ids = np.asarray(ids)
    if not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"one_hot needs integer ids, got dtype {ids.dtype}; use ids.astype(int)")
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        bad = ids.min() if ids.min() < 0 else ids.max()
        raise ValueError(f"id {bad} is outside the vocabulary 0..{V - 1}; pass V > {bad}")
    out = np.zeros(ids.shape + (V,), dtype=dtype)
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


# ----------------------------------------------------------------------------- temporal layers
def temporal_affine_forward(h: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """The same affine layer applied at every time step.

    Parameters
    ----------
    h : ndarray of shape (N, T, H)
    W : ndarray of shape (H, C)
    b : ndarray of shape (C,)

    Returns
    -------
    out : ndarray of shape (N, T, C), ``out[:, t] = h[:, t] W + b``
    cache : tuple ``(h, W, b)``
    """
    out = h @ W + b  # (N, T, H) @ (H, C) -> (N, T, C)
    return out, (h, W, b)


def temporal_affine_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of :func:`temporal_affine_forward`.

    Returns
    -------
    dh : (N, T, H), dW : (H, C), db : (C,); the weight gradients are summed over N and T
    """
    h, W, _ = cache
    N, T, H = h.shape
    C = W.shape[1]
    dh = dout @ W.T  # (N, T, C) @ (C, H) -> (N, T, H)
    dW = h.reshape(N * T, H).T @ dout.reshape(N * T, C)  # (H, N*T) @ (N*T, C) -> (H, C)
    db = dout.sum(axis=(0, 1))  # (C,)
    return dh, dW, db


def _mask_weights(mask, shape):
    """Float weights of shape (N, T) from an optional mask, and how many steps count."""
    if mask is None:
        return None, shape[0] * shape[1]
    mask = np.asarray(mask)
    if mask.shape != shape:
        raise ValueError(f"mask has shape {mask.shape}; it must be (N, T) = {shape}, one flag per step")
    count = float(mask.sum())
    if count <= 0:
        raise ValueError("mask selects no time step; at least one entry must be True")
    return mask.astype(float), count


def temporal_softmax_cross_entropy(scores: np.ndarray, y: np.ndarray,
                                   mask: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy at every time step, averaged over the counted steps.

    Parameters
    ----------
    scores : ndarray of shape (N, T, C), unnormalised class scores
    y : ndarray of shape (N, T), integer class ids in ``[0, C)``
    mask : None or ndarray of shape (N, T), bool; steps where it is False do not count

    Returns
    -------
    loss : float, ``-sum_{n,t} mask * log p[n, t, y[n, t]] / sum(mask)`` (mean over N*T if no mask)
    dscores : ndarray of shape (N, T, C), the gradient of ``loss``
    """
    N, T, C = scores.shape
    if np.shape(y) != (N, T):
        raise ValueError(f"targets y have shape {np.shape(y)}; expected (N, T) = {(N, T)} class ids")
    weights, count = _mask_weights(mask, (N, T))
    shifted = scores - scores.max(axis=2, keepdims=True)  # stable: the largest exponent is 0
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))  # (N, T, C)
    rows, ids = np.arange(N * T), np.asarray(y).reshape(N * T)
    picked = log_probs.reshape(N * T, C)[rows, ids].reshape(N, T)  # log p of the right class
    if weights is not None:
        picked = picked * weights
    loss = float(-picked.sum() / count)
    dscores = np.exp(log_probs)  # softmax probabilities, (N, T, C)
    dscores.reshape(N * T, C)[rows, ids] -= 1.0  # a view: subtracts 1 at every right class
    dscores /= count
    if weights is not None:
        dscores *= weights[..., None]
    return loss, dscores


def temporal_mse(pred: np.ndarray, target: np.ndarray, mask: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Mean squared error over every counted entry.

    Parameters
    ----------
    pred, target : ndarrays of shape (N, T, C)
    mask : None or ndarray of shape (N, T), bool; steps where it is False do not count

    Returns
    -------
    loss : float, ``sum(mask * (pred - target)**2) / (sum(mask) * C)``
    dpred : ndarray of shape (N, T, C)
    """
    N, T, C = pred.shape
    if np.shape(target) != (N, T, C):
        raise ValueError(f"targets have shape {np.shape(target)}; expected (N, T, C) = {(N, T, C)}")
    weights, count = _mask_weights(mask, (N, T))
    diff = pred - target
    if weights is not None:
        diff = diff * weights[..., None]  # masked steps contribute neither loss nor gradient
    denom = count * C
    return float(np.sum(diff * diff) / denom), 2.0 * diff / denom


# ----------------------------------------------------------------------------- the model
class SequenceModel:
    """A recurrent cell with a read-out at every step, trained on sequences of shape (N, T, D).

    Parameters
    ----------
    input_size : int D (the vocabulary size V for one-hot characters)
    hidden_size : int H
    output_size : int C (classes for ``"softmax"``, target dimensions for ``"mse"``)
    loss : ``"softmax"`` (targets are ids of shape (N, T)) or ``"mse"`` (targets (N, T, C))
    seed : int, seeds the weight initialisation
    dtype : np.float64 or np.float32, the dtype of the parameters and the computation
    fast : bool, use the fast path (:mod:`rnncourse.rnn.fast`, :mod:`rnncourse.rnn.lstm_fast`)
        instead of the teaching functions (same numbers)
    weight_scale : None or float; the standard deviation of every weight matrix. ``None`` uses
        ``1/sqrt(fan_in)``: ``Wx`` 1/sqrt(D), ``Wh`` and ``Wy`` 1/sqrt(H). Biases start at 0,
        except the LSTM's forget-gate block.
    cell : ``"rnn"`` (the vanilla RNN) or ``"lstm"`` (gate blocks i, f, g, o)
    forget_bias : float, the LSTM's initial forget-gate bias (default 1.0, Jozefowicz et al.
        2015; torch.nn.LSTM starts at 0); only for ``cell="lstm"``

    Attributes
    ----------
    params : dict ``{"Wx": (D, G), "Wh": (H, G), "b": (G,), "Wy": (H, C), "by": (C,)}`` with
        ``G = H`` for the RNN and ``G = 4H`` for the LSTM
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, loss: str = "softmax",
                 seed: int | None = 0, dtype: npt.DTypeLike = np.float64, fast: bool = False,
                 weight_scale: float | None = None, cell: str = "rnn",
                 forget_bias: float | None = None) -> None:
        sizes = {"input_size": input_size, "hidden_size": hidden_size, "output_size": output_size}
        for name, value in sizes.items():
            whole_number(name, value, 1, f"{name}=16")
        if loss not in LOSSES:
            raise ValueError(f"loss={loss!r} is not known; choose one of {list(LOSSES)}")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype={dtype} is not supported; use np.float64 or np.float32")
        if cell not in CELLS:
            raise ValueError(f"cell={cell!r} is not known; choose one of {list(CELLS)}")
        if forget_bias is not None and cell != "lstm":
            raise ValueError(f"forget_bias={forget_bias!r} only applies to cell='lstm'; "
                             "drop it or pass cell='lstm'")
        forget_bias = 1.0 if forget_bias is None else float(forget_bias)
        D, H, C = int(input_size), int(hidden_size), int(output_size)
        self.input_size, self.hidden_size, self.output_size = D, H, C
        self.loss_type, self.dtype, self.fast = loss, dtype, bool(fast)
        self.cell = CELLS[cell]
        rng = np.random.default_rng(seed)

        def weights(fan_in, fan_out):
            std = weight_scale if weight_scale is not None else 1.0 / np.sqrt(fan_in)
            return (std * rng.standard_normal((fan_in, fan_out))).astype(dtype)

        G = self.cell.blocks * H  # the gate blocks side by side
        self.params = {
            "Wx": weights(D, G),
            "Wh": weights(H, G),
            "b": self.cell.init_bias(H, dtype, forget_bias),
            "Wy": weights(H, C),
            "by": np.zeros(C, dtype=dtype),
        }

    def __repr__(self):
        return (f"SequenceModel(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"output_size={self.output_size}, loss={self.loss_type!r}, "
                f"dtype=np.{self.dtype.name}, fast={self.fast}, cell={self.cell.name!r})")

    # ------------------------------------------------------------------ helpers
    def init_state(self, N: int) -> Any:
        """A zero state: ``h`` of shape (N, H), or the pair ``(h, c)`` for the LSTM."""
        return self.cell.zero_state(N, self.hidden_size, self.dtype)

    def _inputs(self, x, h0):
        x = np.asarray(x)
        if x.ndim != 3 or x.shape[2] != self.input_size:
            hint = (f"; encode ids with one_hot(ids, {self.input_size})" if x.ndim == 2 else "")
            raise ValueError(
                f"x has shape {x.shape}; this model expects (N, T, {self.input_size})"
                f" (batch, time, input_size){hint}")
        x = x.astype(self.dtype, copy=False)
        N = x.shape[0]
        if h0 is None:
            return x, self.init_state(N)
        return x, self.cell.as_state(h0, N, self.hidden_size, self.dtype)

    def _rnn_forward(self, x, h0):
        """``(h (N, T, H), cache, final state)`` of the cell."""
        return self.cell.forward(x, h0, self.params, self.fast)

    # ------------------------------------------------------------------ inference
    def hidden_states(self, x: np.ndarray, h0: Any = None) -> np.ndarray:
        """Every hidden state: ndarray of shape (N, T, H) for ``x`` of shape (N, T, D).

        ``h0``: None (zeros), or the state to start from (``h`` of shape (N, H); for the LSTM
        the pair ``(h, c)``, or ``h`` alone with ``c = 0``).
        """
        x, h0 = self._inputs(x, h0)
        return self._rnn_forward(x, h0)[0]

    def final_state(self, x: np.ndarray, h0: Any = None) -> Any:
        """The state after the last step (``h``, or ``(h, c)`` for the LSTM), to carry on from."""
        x, h0 = self._inputs(x, h0)
        return self._rnn_forward(x, h0)[2]

    def scores(self, x: np.ndarray, h0: Any = None) -> np.ndarray:
        """The read-out at every step, shape (N, T, C): class scores, or predictions for mse."""
        h = self.hidden_states(x, h0)
        return temporal_affine_forward(h, self.params["Wy"], self.params["by"])[0]

    def predict(self, x: np.ndarray, h0: Any = None) -> np.ndarray:
        """Class ids of shape (N, T) for ``"softmax"``; the predictions (N, T, C) for ``"mse"``."""
        s = self.scores(x, h0)
        return s.argmax(axis=2) if self.loss_type == "softmax" else s

    # ------------------------------------------------------------------ training
    def loss(self, x: np.ndarray, y: np.ndarray, h0: Any = None, k: int | None = None,
             mask: np.ndarray | None = None) -> tuple[float, dict[str, np.ndarray], Any]:
        """Loss and gradients of every parameter for one batch of sequences.

        Parameters
        ----------
        x : ndarray of shape (N, T, D)
        y : ndarray of shape (N, T) of class ids (``"softmax"``), or (N, T, C) targets
            (``"mse"``; (N, T) is accepted when C = 1)
        h0 : None (zeros) or the initial state (see :meth:`hidden_states`)
        k : None (full BPTT) or int >= 1, backpropagate through chunks of ``k`` steps only
        mask : None or ndarray of shape (N, T), bool; steps that count in the loss

        Returns
        -------
        loss : float
        grads : dict keyed like ``params``
        h_last : the final state (a copy, to carry into the next chunk of a long sequence):
            ndarray of shape (N, H), or the pair ``(h, c)`` for the LSTM
        """
        x, h0 = self._inputs(x, h0)
        p = self.params
        h, cache, last = self._rnn_forward(x, h0)
        scores, out_cache = temporal_affine_forward(h, p["Wy"], p["by"])  # (N, T, C)
        if self.loss_type == "softmax":
            loss, dscores = temporal_softmax_cross_entropy(scores, y, mask)
        else:
            y = np.asarray(y, dtype=self.dtype)
            if y.ndim == 2 and self.output_size == 1:
                y = y[..., None]
            loss, dscores = temporal_mse(scores, y, mask)
        dscores = dscores.astype(self.dtype, copy=False)
        dh, dWy, dby = temporal_affine_backward(dscores, out_cache)
        if k is not None:
            k = whole_number("truncation length k", k, 1, "k=10")
        dWx, dWh, db = self.cell.backward(dh, cache, self.fast, k)
        grads = {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}
        return loss, grads, last


def sample(model: SequenceModel, start_id: int, length: int, rng: np.random.Generator | int | None,
           temperature: float = 1.0, h0: Any = None) -> np.ndarray:
    """Generate ids one at a time, feeding each sampled id back in as the next input.

    Parameters
    ----------
    model : SequenceModel with ``loss="softmax"`` and ``input_size == output_size`` (a vocabulary)
    start_id : int, the first input id
    length : int >= 0, how many ids to generate
    rng : np.random.Generator (or an int seed), draws the samples
    temperature : float > 0; below 1 sharpens the distribution, above 1 flattens it
    h0 : None (zeros) or the initial state for N = 1 (``(h, c)`` for an LSTM)

    Returns
    -------
    ndarray of shape (length,) of ids (``start_id`` is not included)
    """
    V = model.input_size
    if model.loss_type != "softmax" or model.output_size != V:
        raise ValueError(f"sample needs a softmax model whose outputs are its inputs' vocabulary; "
                         f"got {model!r}")
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature={temperature!r} must be a positive number, e.g. 1.0")
    if not 0 <= start_id < V:
        raise ValueError(f"start_id={start_id!r} is outside the vocabulary 0..{V - 1}")
    rng = np.random.default_rng(rng)
    p = model.params
    state = model.init_state(1) if h0 is None else model.cell.as_state(h0, 1, model.hidden_size,
                                                                         model.dtype)
    idx = int(start_id)
    out = np.empty(int(length), dtype=np.int64)
    for i in range(int(length)):
        x = one_hot([idx], V, dtype=model.dtype)  # (1, V)
        h, state = model.cell.step(x, state, p)  # h: (1, H)
        s = (h @ p["Wy"] + p["by"])[0] / temperature  # (1, H) @ (H, V) -> (V,)
        probs = np.exp(s - s.max())
        idx = int(rng.choice(V, p=probs / probs.sum()))
        out[i] = idx
    return out
