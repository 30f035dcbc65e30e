"""Last-bit noise in numpy's ``tanh``, ``exp`` and ``log``: a stand-in for another CPU's maths library.

Another machine may round these functions differently in the last bit. :func:`install` wraps
them so that about 30% of the elements of every float64 result move by one unit in the last place,
in a direction drawn from a seeded generator; :func:`uninstall` puts numpy back. A stored output
or a claim that survives it does not hang on the exact bits one machine produces.

Two users: the portability test copies this file into a scratch IPython profile's ``startup/``
folder, where IPython runs it as ``__main__`` before the notebook (seed from
``RNNCOURSE_ULP_NOISE_SEED``); ``tests/test_lesson_demos.py`` loads it as a module and calls
:func:`install` / :func:`uninstall` around a demonstration.
"""

import functools
import os

import numpy as np

NAMES = ("tanh", "exp", "log")
_ORIGINALS = {name: getattr(np, name) for name in NAMES}


def _with_last_bit_noise(ufunc, rng):
    @functools.wraps(ufunc)
    def noisy(*args, **kwargs):
        result = ufunc(*args, **kwargs)
        if isinstance(result, np.ndarray) and result.dtype == np.float64 and result.size:
            moved = rng.random(result.shape) < 0.3
            direction = np.inf if rng.random() < 0.5 else -np.inf
            result[moved] = np.nextafter(result[moved], direction)
        return result

    return noisy


def install(seed):
    """Replace numpy's tanh/exp/log by noisy versions drawing from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    for name in NAMES:
        setattr(np, name, _with_last_bit_noise(_ORIGINALS[name], rng))


def uninstall():
    """Put numpy's own tanh/exp/log back."""
    for name, ufunc in _ORIGINALS.items():
        setattr(np, name, ufunc)


if __name__ == "__main__":  # run by IPython as a start-up file
    install(int(os.environ.get("RNNCOURSE_ULP_NOISE_SEED", "1")))
