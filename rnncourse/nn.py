"""Feedforward layers as forward/backward pairs, softmax cross-entropy, and a small MLP.

Every ``*_forward`` returns ``(out, cache)``; the matching ``*_backward`` takes the upstream
gradient and that cache and returns the gradients of its inputs. No function modifies its
arguments.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


# ----------------------------------------------------------------------------- affine
def affine_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Affine (fully connected) layer ``out = x W + b``.

    Parameters
    ----------
    x : ndarray of shape (N, D)
    W : ndarray of shape (D, M)
    b : ndarray of shape (M,)

    Returns
    -------
    out : ndarray of shape (N, M)
    cache : tuple ``(x, W, b)``
    """
    out = x @ W + b  # (N, D) @ (D, M) -> (N, M)
    return out, (x, W, b)


def affine_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of :func:`affine_forward`.

    Parameters
    ----------
    dout : ndarray of shape (N, M), upstream gradient
    cache : tuple ``(x, W, b)`` from the forward pass

    Returns
    -------
    dx : ndarray of shape (N, D)
    dW : ndarray of shape (D, M)
    db : ndarray of shape (M,)
    """
    x, W, b = cache
    dx = dout @ W.T  # (N, M) @ (M, D) -> (N, D)
    dW = x.T @ dout  # (D, N) @ (N, M) -> (D, M)
    db = dout.sum(axis=0)  # summed, not averaged, over the batch
    return dx, dW, db


# ----------------------------------------------------------------------------- activations
def tanh_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise ``tanh``. Returns ``(out, cache)`` with ``cache = out``."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Backward of tanh: ``dx = dout * (1 - tanh(x)**2)``, where ``cache`` holds ``tanh(x)``."""
    return dout * (1.0 - cache**2)


def sigmoid_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numerically stable elementwise logistic sigmoid. Returns ``(out, cache)``, ``cache = out``."""
    out = np.empty_like(x, dtype=np.result_type(x, np.float32))
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out, out


def sigmoid_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Backward of sigmoid: ``dx = dout * s * (1 - s)``, where ``cache`` holds ``s = sigmoid(x)``."""
    return dout * cache * (1.0 - cache)


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise ``max(0, x)``. Returns ``(out, cache)`` with ``cache = x``."""
    return np.maximum(x, 0), x


def relu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Backward of ReLU: the gradient passes where the input was positive."""
    return dout * (cache > 0)


ACTIVATIONS = {
    "tanh": (tanh_forward, tanh_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "relu": (relu_forward, relu_backward),
}


# ----------------------------------------------------------------------------- loss
def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of ``scores`` (N, C), shifted by the row maximum so it never overflows."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy loss and its gradient.

    Parameters
    ----------
    scores : ndarray of shape (N, C), unnormalised class scores
    y : ndarray of shape (N,), integer labels in ``[0, C)``

    Returns
    -------
    loss : float, ``-mean_n log softmax(scores)[n, y[n]]``
    dscores : ndarray of shape (N, C), gradient of ``loss`` with respect to ``scores``
    """
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)  # stable: largest exponent is 0
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-log_probs[np.arange(N), y].mean())
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    return loss, dscores


# ----------------------------------------------------------------------------- a small MLP
class MLP:
    """A multilayer perceptron built only from the layer pairs above.

    ``affine -> activation -> ... -> affine`` followed by softmax cross-entropy.

    Parameters
    ----------
    sizes : sequence of int, e.g. ``(2, 16, 3)`` for 2 inputs, one hidden layer of 16, 3 classes
    activation : ``"tanh"``, ``"relu"`` or ``"sigmoid"``
    seed : int, seeds the weight initialisation
    weight_scale : float or None; ``None`` uses ``1/sqrt(fan_in)``

    Attributes
    ----------
    params : dict ``{"W1": (D, H1), "b1": (H1,), ...}``
    """

    def __init__(self, sizes: Sequence[int], activation: str = "tanh", seed: int = 0,
                 weight_scale: float | None = None) -> None:
        sizes = tuple(int(s) for s in sizes)
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                f"sizes={sizes!r}: give at least an input and an output size, all positive, "
                "e.g. MLP((2, 16, 3))"
            )
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation={activation!r} is not known; choose one of {sorted(ACTIVATIONS)}"
            )
        self.sizes = sizes
        self.activation = activation
        rng = np.random.default_rng(seed)
        self.params = {}
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            scale = weight_scale if weight_scale is not None else 1.0 / np.sqrt(fan_in)
            self.params[f"W{i}"] = scale * rng.standard_normal((fan_in, fan_out))
            self.params[f"b{i}"] = np.zeros(fan_out)

    @property
    def num_layers(self) -> int:
        return len(self.sizes) - 1

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Class scores of shape (N, C) for inputs ``x`` of shape (N, D)."""
        return self._forward(x)[0]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted class labels, shape (N,)."""
        return self.scores(x).argmax(axis=1)

    def _forward(self, x):
        act_f, _ = ACTIVATIONS[self.activation]
        caches = []
        h = x
        for i in range(1, self.num_layers + 1):
            h, c_aff = affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
            c_act = None
            if i < self.num_layers:
                h, c_act = act_f(h)
            caches.append((c_aff, c_act))
        return h, caches

    def loss(self, x: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """Loss and gradients: returns ``(loss, grads)`` with ``grads`` keyed like ``params``."""
        _, act_b = ACTIVATIONS[self.activation]
        scores, caches = self._forward(x)
        loss, d = softmax_cross_entropy(scores, y)
        grads = {}
        for i in range(self.num_layers, 0, -1):  # from the output back
            c_aff, c_act = caches[i - 1]
            if c_act is not None:
                d = act_b(d, c_act)
            d, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(d, c_aff)
        return loss, grads
