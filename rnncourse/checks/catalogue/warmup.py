"""Lesson 0 warm-up exercise: ``warmup_sum_of_squares(x) -> float``.

The learner writes a one-line function to try the check workflow before any real exercise:

    def warmup_sum_of_squares(x):
        return float(np.sum(x ** 2))     # x : ndarray of any shape
"""

from __future__ import annotations

import numpy as np

from rnncourse.checks.engine import FunctionExercise, Mistake

LESSON = "00_welcome"



def warmup_sum_of_squares(x):
    """Sum of the squares of every entry of ``x``.

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    float, ``sum_i x_i ** 2``
    """
    return float(np.sum(np.square(x)))


def _square_of_sum(x):
    return float(np.sum(x)) ** 2


def _no_square(x):
    return float(np.sum(x))


def _abs_sum(x):
    return float(np.sum(np.abs(x)))


def _make_cases(rng):
    cases = []
    for shape in [(5,), (2, 3), (1,), (4, 2, 2)]:
        x = rng.standard_normal(shape) * 2.0
        cases.append({"label": f"x of shape {shape}", "dims": {"shape": list(shape)},
                      "inputs": {"x": x}})
    cases.append({"label": "x of shape (3,), all entries negative or small",
                  "dims": {"shape": [3]}, "inputs": {"x": np.array([-1.5, -2.0, -0.25])}})
    return cases


WARMUP = FunctionExercise(
    id="warmup_sum_of_squares",
    lesson=LESSON,
    section="lesson 0 (Your first exercise: a warm-up)",
    points=1,
    signature="warmup_sum_of_squares(x) -> float",
    reference="rnncourse.checks.catalogue.warmup:warmup_sum_of_squares",
    arg_names=("x",),
    output_names=("total",),
    cases=_make_cases,
    rtol=1e-9,
    atol=1e-12,
    mistakes=(
        Mistake("square_of_sum", "squared the sum instead of summing the squares: square each "
                "entry first (x ** 2), then add them up.", _square_of_sum),
        Mistake("no_square", "forgot to square: this is the plain sum of x; add up x ** 2.",
                _no_square),
        Mistake("abs_sum", "summed the absolute values |x| instead of the squares x ** 2.",
                _abs_sum),
    ),
)

EXERCISES = (WARMUP,)
