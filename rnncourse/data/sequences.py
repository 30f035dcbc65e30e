"""Seeded synthetic sequence tasks: delayed echo, the adding problem, running parity, sine waves.

Every generator takes ``seed`` and draws all its randomness from ``np.random.default_rng(seed)``,
so the same arguments always give the same arrays. Arrays are batch-first: inputs ``x`` have shape
(N, T, D); classification targets have shape (N, T) and integer dtype; regression targets are
floats of shape (N, T, 1) or (N, 1).
"""

from __future__ import annotations

import numpy as np

from rnncourse._validate import seed_value, whole_number

#: Class 0 of :func:`delayed_echo` is the blank: the target for steps with nothing to echo yet.
BLANK = 0


def delayed_echo(n, T, delay, vocab_size=4, seed=0):
    """Sequences of random symbols where the target is the input from ``delay`` steps earlier.

    Symbol 0 is reserved as the *blank*. Inputs are drawn uniformly from the data symbols
    ``1 .. vocab_size - 1`` and one-hot encoded over all ``vocab_size`` symbols (so column 0 of
    ``x`` is always zero). The target at step ``t`` is the input symbol at step ``t - delay``;
    for the first ``delay`` steps there is nothing to echo yet, so the target is the blank 0 and
    ``mask`` is False there. A loss may either learn the blank (use every step) or ignore those
    steps (use only ``mask``). A model must remember each symbol for ``delay`` steps.

    Parameters
    ----------
    n : int, number of sequences N (>= 1)
    T : int, sequence length (>= 1)
    delay : int, how many steps back the target looks, ``0 <= delay < T``
    vocab_size : int, number of symbols V including the blank (>= 3)
    seed : int, seeds ``np.random.default_rng``

    Returns
    -------
    x : ndarray of shape (N, T, V), float64 one-hot inputs
    y : ndarray of shape (N, T), int64 targets in ``0 .. V - 1``
    mask : ndarray of shape (N, T), bool; True where the target is a real echo (``t >= delay``)

    Example
    -------
    Worked encoding, ``vocab_size=4``, ``delay=2``: the input symbols ``3 1 2 2 1`` are the
    one-hot rows ``[0,0,0,1] [0,1,0,0] [0,0,1,0] [0,0,1,0] [0,1,0,0]``; the targets are
    ``0 0 3 1 2`` (two blanks, then the input shifted right by two) and the mask is ``F F T T T``.

    >>> x, y, mask = delayed_echo(1, 6, delay=2, vocab_size=4, seed=0)
    >>> x.shape, y.shape, mask.shape
    ((1, 6, 4), (1, 6), (1, 6))
    >>> x[0].argmax(axis=1).tolist()   # the input symbols
    [3, 2, 2, 1, 1, 1]
    >>> y[0].tolist()                  # blank, blank, then the input two steps back
    [0, 0, 3, 2, 2, 1]
    >>> mask[0].tolist()
    [False, False, True, True, True, True]
    """
    n = whole_number("n", n, 1, "n=100")
    T = whole_number("T", T, 1, "T=20")
    vocab_size = whole_number("vocab_size", vocab_size, 3, "vocab_size=4 (blank + 3 symbols)")
    seed = seed_value(seed)
    delay = whole_number("delay", delay, 0, "delay=3")
    if delay >= T:
        raise ValueError(
            f"delay={delay} must be smaller than T={T}: a target needs the input {delay} steps "
            f"back; use delay < T, e.g. T={delay + 10} for this delay"
        )
    rng = np.random.default_rng(seed)
    symbols = rng.integers(1, vocab_size, size=(n, T))  # (N, T), never the blank
    x = np.eye(vocab_size)[symbols]  # (N, T, V)
    y = np.full((n, T), BLANK, dtype=np.int64)
    y[:, delay:] = symbols[:, : T - delay]
    mask = np.zeros((n, T), dtype=bool)
    mask[:, delay:] = True
    return x, y, mask


def adding_problem(n, T, seed=0):
    """The adding problem: add the two values that carry a marker.

    Each step holds two features: a value drawn uniformly from [0, 1) and a marker that is 1 at
    exactly two steps (chosen uniformly at random, distinct) and 0 elsewhere. The target is the
    sum of the two marked values, so it lies in [0, 2). Guessing 1.0 every time gives a mean
    squared error of about 1/6 (the variance of the sum of two uniforms), the usual chance level.

    Parameters
    ----------
    n : int, number of sequences N (>= 1)
    T : int, sequence length (>= 2, there must be room for two markers)
    seed : int, seeds ``np.random.default_rng``

    Returns
    -------
    x : ndarray of shape (N, T, 2), float64; ``x[..., 0]`` values, ``x[..., 1]`` markers
    y : ndarray of shape (N, 1), float64 sum of the two marked values

    Example
    -------
    Worked encoding with T=4: values ``0.5 0.1 0.7 0.2`` and markers ``1 0 1 0`` become rows
    ``[0.5, 1] [0.1, 0] [0.7, 1] [0.2, 0]``, and the target is ``0.5 + 0.7 = 1.2``.

    >>> x, y = adding_problem(1, 5, seed=0)
    >>> x.shape, y.shape
    ((1, 5, 2), (1, 1))
    >>> x[0].round(2).tolist()
    [[0.64, 0.0], [0.27, 1.0], [0.04, 0.0], [0.02, 1.0], [0.81, 0.0]]
    >>> round(float(y[0, 0]), 2)      # 0.27 + 0.02, up to rounding of the shown values
    0.29
    """
    n = whole_number("n", n, 1, "n=100")
    T = whole_number("T", T, 2, "T=50 (the two markers need two steps)")
    seed = seed_value(seed)
    rng = np.random.default_rng(seed)
    values = rng.random((n, T))  # (N, T)
    # two distinct marked steps per row: the first two entries of a random permutation
    marked = np.argsort(rng.random((n, T)), axis=1)[:, :2]  # (N, 2)
    markers = np.zeros((n, T))
    rows = np.arange(n)[:, None]
    markers[rows, marked] = 1.0
    x = np.stack([values, markers], axis=-1)  # (N, T, 2)
    y = values[rows, marked].sum(axis=1, keepdims=True)  # (N, 1)
    return x, y


def parity(n, T, seed=0):
    """Running parity of a bit stream: is the number of 1s seen so far odd?

    Parameters
    ----------
    n : int, number of sequences N (>= 1)
    T : int, sequence length (>= 1)
    seed : int, seeds ``np.random.default_rng``

    Returns
    -------
    x : ndarray of shape (N, T, 1), float64 bits (0.0 or 1.0)
    y : ndarray of shape (N, T), int64; ``y[:, t]`` is the XOR of bits ``0 .. t``

    Example
    -------
    Worked encoding: bits ``1 0 1 1 0`` become ``x = [[1.], [0.], [1.], [1.], [0.]]`` and the
    running parity is ``y = 1 1 0 1 1``.

    >>> x, y = parity(1, 6, seed=0)
    >>> x.shape, y.shape
    ((1, 6, 1), (1, 6))
    >>> x[0, :, 0].astype(int).tolist()
    [1, 1, 1, 0, 0, 0]
    >>> y[0].tolist()
    [1, 0, 1, 1, 1, 1]
    """
    n = whole_number("n", n, 1, "n=100")
    T = whole_number("T", T, 1, "T=20")
    seed = seed_value(seed)
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=(n, T))  # (N, T)
    y = (np.cumsum(bits, axis=1) % 2).astype(np.int64)
    return bits[..., None].astype(np.float64), y


def sine_waves(n, T, seed=0, freq_range=(0.02, 0.1), amplitude=1.0, noise=0.0):
    """Sine waves with random phase and frequency, for next-value prediction.

    Each sequence samples ``amplitude * sin(2 pi f t + phi)`` at ``t = 0 .. T`` with the frequency
    ``f`` (cycles per step) uniform in ``freq_range`` and the phase ``phi`` uniform in [0, 2 pi).
    The input is steps ``0 .. T-1`` and the target is the same wave one step later, steps
    ``1 .. T``, so ``y[:, t] == x[:, t + 1]`` for ``t < T - 1``. Optional Gaussian ``noise`` is
    added to the inputs only (the targets stay clean).

    Parameters
    ----------
    n : int, number of sequences N (>= 1)
    T : int, sequence length (>= 1)
    seed : int, seeds ``np.random.default_rng``
    freq_range : (float, float), ``0 < low <= high <= 0.5`` cycles per step (0.5 is Nyquist)
    amplitude : float, peak value (> 0)
    noise : float, standard deviation of the input noise (>= 0)

    Returns
    -------
    x : ndarray of shape (N, T, 1), float64 inputs
    y : ndarray of shape (N, T, 1), float64 next values

    Example
    -------
    Worked encoding: with f = 0.25 and phi = 0 the samples at t = 0..4 are ``0 1 0 -1 0``, so
    T=4 gives ``x = [[0], [1], [0], [-1]]`` and ``y = [[1], [0], [-1], [0]]``.

    >>> x, y = sine_waves(1, 4, seed=0, freq_range=(0.25, 0.25))
    >>> x.shape, y.shape
    ((1, 4, 1), (1, 4, 1))
    >>> x[0, :, 0].round(3).tolist()
    [0.992, -0.124, -0.992, 0.124]
    >>> y[0, :, 0].round(3).tolist()     # x shifted left by one, plus one new sample
    [-0.124, -0.992, 0.124, 0.992]
    """
    n = whole_number("n", n, 1, "n=100")
    T = whole_number("T", T, 1, "T=50")
    seed = seed_value(seed)
    try:
        low, high = (float(f) for f in freq_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"freq_range={freq_range!r} must be two numbers (low, high), "
            "e.g. freq_range=(0.02, 0.1)"
        ) from None
    if not 0 < low <= high <= 0.5:
        raise ValueError(
            f"freq_range={freq_range!r} needs 0 < low <= high <= 0.5 cycles per step "
            "(above 0.5 the samples alias), e.g. freq_range=(0.02, 0.1)"
        )
    if not amplitude > 0:
        raise ValueError(f"amplitude={amplitude!r} must be a positive number, e.g. amplitude=1.0")
    if not noise >= 0:
        raise ValueError(f"noise={noise!r} must be >= 0 (a standard deviation), e.g. noise=0.05")
    rng = np.random.default_rng(seed)
    freq = rng.uniform(low, high, size=(n, 1))  # (N, 1)
    phase = rng.uniform(0.0, 2.0 * np.pi, size=(n, 1))  # (N, 1)
    t = np.arange(T + 1)[None, :]  # (1, T + 1)
    wave = amplitude * np.sin(2.0 * np.pi * freq * t + phase)  # (N, T + 1)
    x = wave[:, :-1].copy()
    if noise > 0:
        x += noise * rng.standard_normal(x.shape)
    return x[..., None], wave[:, 1:, None]
