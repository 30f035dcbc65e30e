"""IPython start-up file for the portability test's "last-bit noise" variant (not a library module).

Another CPU's maths library may round ``tanh``, ``exp`` and ``log`` differently in the last bit.
This file, run by the kernel before the notebook, wraps those three numpy functions so that about
30% of the elements of every float64 result move by one unit in the last place, in a direction
drawn from a seeded generator (``RNNCOURSE_ULP_NOISE_SEED``). A stored output that survives it
does not hang on the exact bits one machine produces.
"""

import functools
import os

import numpy as _np

_rng = _np.random.default_rng(int(os.environ.get("RNNCOURSE_ULP_NOISE_SEED", "1")))


def _with_last_bit_noise(ufunc):
    @functools.wraps(ufunc)
    def noisy(*args, **kwargs):
        result = ufunc(*args, **kwargs)
        if isinstance(result, _np.ndarray) and result.dtype == _np.float64 and result.size:
            moved = _rng.random(result.shape) < 0.3
            direction = _np.inf if _rng.random() < 0.5 else -_np.inf
            result[moved] = _np.nextafter(result[moved], direction)
        return result

    return noisy


for _name in ("tanh", "exp", "log"):
    setattr(_np, _name, _with_last_bit_noise(getattr(_np, _name)))
