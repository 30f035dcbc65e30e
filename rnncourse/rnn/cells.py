"""The recurrent cells a :class:`~rnncourse.rnn.SequenceModel` can use: ``"rnn"`` and ``"lstm"``.

A cell knows its parameter shapes, its state, and which forward/backward functions to call
(teaching or fast path); the model around it does the rest. The state carried from one chunk of
a sequence into the next is ``h`` (N, H) for the vanilla RNN and the pair ``(h, c)`` for the
LSTM.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from rnncourse.rnn.core import rnn_backward, rnn_forward, rnn_step_forward
from rnncourse.rnn.fast import rnn_backward_fast, rnn_forward_fast
from rnncourse.rnn.lstm import lstm_backward, lstm_forward_from, lstm_step_forward
from rnncourse.rnn.lstm_fast import lstm_backward_fast, lstm_forward_fast
from rnncourse.rnn.truncated import rnn_backward_truncated


class RNNCell:
    """``h_t = tanh(x_t Wx + h_{t-1} Wh + b)``; the state is ``h``."""

    name, blocks = "rnn", 1

    def init_bias(self, H: int, dtype: npt.DTypeLike, forget_bias: float) -> np.ndarray:
        return np.zeros(H, dtype=dtype)

    def zero_state(self, N: int, H: int, dtype: npt.DTypeLike) -> Any:
        return np.zeros((N, H), dtype=dtype)

    def as_state(self, state: Any, N: int, H: int, dtype: npt.DTypeLike) -> Any:
        if np.shape(state) != (N, H):
            raise ValueError(f"h0 has shape {np.shape(state)}; expected (N, H) = {(N, H)}, "
                             "or pass h0=None for zeros")
        return np.asarray(state, dtype=dtype)

    def forward(self, x: np.ndarray, state: Any, p: dict[str, np.ndarray], fast: bool) -> tuple[np.ndarray, Any, Any]:
        """``(h (N, T, H), cache, final state)``."""
        forward = rnn_forward_fast if fast else rnn_forward
        h, cache = forward(x, state, p["Wx"], p["Wh"], p["b"])
        return h, cache, h[:, -1].copy()

    def backward(self, dh: np.ndarray, cache: Any, fast: bool, k: int | None) -> tuple[np.ndarray, ...]:
        """``(dWx, dWh, db)``: full BPTT, or truncated to chunks of ``k`` steps."""
        if fast:
            return rnn_backward_fast(dh, cache, k=k)[2:]
        if k is None:
            return rnn_backward(dh, cache)[2:]
        return rnn_backward_truncated(dh, cache, k)[2:]

    def step(self, x: np.ndarray, state: Any, p: dict[str, np.ndarray]) -> tuple[np.ndarray, Any]:
        """One step: ``(h_next, next state)``."""
        h, _ = rnn_step_forward(x, state, p["Wx"], p["Wh"], p["b"])
        return h, h


class LSTMCell:
    """The LSTM of :mod:`rnncourse.rnn.lstm`; the state is the pair ``(h, c)``.

    ``forget_bias`` is the initial value of the forget gate's bias block (``b[H:2H]``): 0 gives
    ``f = sigmoid(0) = 0.5`` at the start of training, 1 gives ``f ~ 0.73`` (Jozefowicz et al.
    2015 recommend 1).
    """

    name, blocks = "lstm", 4

    def init_bias(self, H: int, dtype: npt.DTypeLike, forget_bias: float) -> np.ndarray:
        b = np.zeros(4 * H, dtype=dtype)
        b[H:2 * H] = forget_bias
        return b

    def zero_state(self, N: int, H: int, dtype: npt.DTypeLike) -> Any:
        return (np.zeros((N, H), dtype=dtype), np.zeros((N, H), dtype=dtype))

    def as_state(self, state: Any, N: int, H: int, dtype: npt.DTypeLike) -> Any:
        pair = tuple(state) if isinstance(state, (tuple, list)) else (state, np.zeros((N, H)))
        if len(pair) != 2 or any(np.shape(s) != (N, H) for s in pair):
            shapes = [np.shape(s) for s in pair] if len(pair) == 2 else f"{len(pair)} arrays"
            raise ValueError(f"the LSTM state has shapes {shapes}; pass h0=(h, c), both of shape "
                             f"(N, H) = {(N, H)}, or h alone (c = 0), or None for zeros")
        return tuple(np.asarray(s, dtype=dtype) for s in pair)

    def forward(self, x: np.ndarray, state: Any, p: dict[str, np.ndarray], fast: bool) -> tuple[np.ndarray, Any, Any]:
        h0, c0 = state
        cache: Any
        if fast:
            h, cache = lstm_forward_fast(x, h0, p["Wx"], p["Wh"], p["b"], c0=c0)
            c_last = cache[2][-1].T  # cs, time- and feature-major: (T+1, H, N)
        else:
            h, cache = lstm_forward_from(x, h0, c0, p["Wx"], p["Wh"], p["b"])
            c_last = cache[-1][9]  # c_next of the last step
        return h, cache, (h[:, -1].copy(), c_last.copy())

    def backward(self, dh: np.ndarray, cache: Any, fast: bool, k: int | None) -> tuple[np.ndarray, ...]:
        if fast:
            return lstm_backward_fast(dh, cache, k=k)[2:]
        if k is not None:
            raise ValueError(f"k={k!r}: truncated BPTT inside one loss call needs the fast LSTM; "
                             "use SequenceModel(..., fast=True), or train(..., k=k), which cuts "
                             "the batches into chunks itself")
        return lstm_backward(dh, cache)[2:]

    def step(self, x: np.ndarray, state: Any, p: dict[str, np.ndarray]) -> tuple[np.ndarray, Any]:
        h, c, _ = lstm_step_forward(x, state[0], state[1], p["Wx"], p["Wh"], p["b"])
        return h, (h, c)


CELLS: dict[str, RNNCell | LSTMCell] = {"rnn": RNNCell(), "lstm": LSTMCell()}
