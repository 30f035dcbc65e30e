"""Optimisers that update a dict of parameters in place, and global-norm gradient clipping.

Every optimiser has ``step(params, grads)``; ``params`` and ``grads`` are dicts of arrays with
the same keys. The optimiser keeps its own state (velocities, moments) per key.
"""

from __future__ import annotations

import numpy as np


def _check_lr(lr):
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning rate lr={lr!r} must be a positive number, e.g. lr=0.01")
    return float(lr)


class SGD:
    """Plain gradient descent: ``p -= lr * g``."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = _check_lr(lr)

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        for k, g in grads.items():
            params[k] -= self.lr * g


class Momentum:
    """Gradient descent with (heavy-ball) momentum: ``v = mu v - lr g; p += v``."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = _check_lr(lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum={momentum!r} must be in [0, 1), e.g. 0.9")
        self.momentum = momentum
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        for k, g in grads.items():
            v = self.velocity.get(k)
            if v is None:
                v = np.zeros_like(params[k])
            v = self.momentum * v - self.lr * g
            self.velocity[k] = v
            params[k] += v


class Adagrad:
    """Adagrad: per-entry step sizes shrink with the sum of squared past gradients."""

    def __init__(self, lr: float = 0.1, eps: float = 1e-8) -> None:
        self.lr = _check_lr(lr)
        self.eps = eps
        self.cache: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        for k, g in grads.items():
            c = self.cache.get(k)
            if c is None:
                c = np.zeros_like(params[k])
            c = c + g * g
            self.cache[k] = c
            params[k] -= self.lr * g / (np.sqrt(c) + self.eps)


class Adam:
    """Adam (Kingma & Ba, 2015) with bias-corrected first and second moments."""

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        self.lr = _check_lr(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}
        self.t = 0

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        self.t += 1
        for k, g in grads.items():
            m = self.m.get(k, np.zeros_like(params[k]))
            v = self.v.get(k, np.zeros_like(params[k]))
            m = self.beta1 * m + (1 - self.beta1) * g
            v = self.beta2 * v + (1 - self.beta2) * (g * g)
            self.m[k], self.v[k] = m, v
            m_hat = m / (1 - self.beta1**self.t)
            v_hat = v / (1 - self.beta2**self.t)
            params[k] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def global_norm(grads: dict[str, np.ndarray]) -> float:
    """``sqrt(sum over every array g in grads of sum(g**2))``, as a Python float."""
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values())))


def clip_gradients(grads: dict[str, np.ndarray], max_norm: float) -> tuple[dict[str, np.ndarray], float]:
    """Rescale all gradients together so that their global L2 norm is at most ``max_norm``.

    The global norm is ``sqrt(sum over every array g in grads of sum(g**2))``. When it exceeds
    ``max_norm`` every array is multiplied by the same factor ``max_norm / total_norm``, so the
    gradient keeps its direction (with plain SGD so does the update; an optimizer such as Adam,
    which rescales each coordinate, changes it anyway); otherwise the gradients are returned
    unchanged (as copies).

    Parameters
    ----------
    grads : dict name -> ndarray
    max_norm : positive float

    Returns
    -------
    clipped : dict name -> ndarray, new arrays (``grads`` is not modified)
    total_norm : float, the global norm before clipping
    """
    if not np.isfinite(max_norm) or max_norm <= 0:
        raise ValueError(f"max_norm={max_norm!r} must be a positive number, e.g. max_norm=5.0")
    total_norm = global_norm(grads)
    scale = max_norm / total_norm if total_norm > max_norm else 1.0
    clipped = {k: np.asarray(g) * scale for k, g in grads.items()}
    return clipped, total_norm


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adagrad": Adagrad, "adam": Adam}
