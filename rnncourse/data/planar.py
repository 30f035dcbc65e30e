"""Planar (2-D) classification sets: interleaved spirals that no straight line can separate."""

from __future__ import annotations

import numpy as np

from rnncourse._validate import seed_value, whole_number


def spirals(n_per_class, n_classes=3, noise=0.2, seed=0):
    """Points on ``n_classes`` interleaved spiral arms, one arm per class.

    Point ``i`` of arm ``k`` sits at radius ``r = (i + 1) / n_per_class`` (so radii run from near
    0 to 1) and angle ``2 pi k / n_classes + 4 r + noise * z`` with ``z`` standard normal: the
    arms start together at the centre and each wraps about two-thirds of a turn. Because the
    arms wind round each other, a linear classifier stays near chance and a small MLP with a
    hidden layer separates them. Rows are grouped by class (all of class 0, then class 1, ...);
    shuffle before mini-batching.

    Parameters
    ----------
    n_per_class : int, points per class (>= 1)
    n_classes : int, number of arms C (>= 2)
    noise : float, standard deviation of the angle jitter in radians (>= 0)
    seed : int, seeds ``np.random.default_rng``

    Returns
    -------
    X : ndarray of shape (N, 2), float64 coordinates, N = n_per_class * n_classes, inside the
        unit disc
    y : ndarray of shape (N,), int64 class labels ``0 .. C - 1``

    Example
    -------
    Worked encoding without noise, 2 points per class, 2 classes: radii are 0.5 and 1.0; class 0
    has angles 2.0 and 4.0 rad, class 1 the same plus pi. So the first point is
    ``0.5 * (cos 2, sin 2) = (-0.208, 0.455)`` with label 0.

    >>> X, y = spirals(2, n_classes=2, noise=0.0)
    >>> X.round(3).tolist()
    [[-0.208, 0.455], [-0.654, -0.757], [0.208, -0.455], [0.654, 0.757]]
    >>> y.tolist()
    [0, 0, 1, 1]
    """
    n_per_class = whole_number("n_per_class", n_per_class, 1, "n_per_class=100")
    n_classes = whole_number("n_classes", n_classes, 2, "n_classes=3")
    seed = seed_value(seed)
    if not noise >= 0:
        raise ValueError(f"noise={noise!r} must be >= 0 (a standard deviation), e.g. noise=0.2")
    rng = np.random.default_rng(seed)
    r = np.arange(1, n_per_class + 1) / n_per_class  # (P,)
    arm = 2.0 * np.pi * np.arange(n_classes)[:, None] / n_classes  # (C, 1)
    angle = arm + 4.0 * r[None, :] + noise * rng.standard_normal((n_classes, n_per_class))  # (C, P)
    X = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=-1).reshape(-1, 2)  # (C * P, 2)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), n_per_class)
    return X, y
