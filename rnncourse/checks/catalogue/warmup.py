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


def _mean_of_squares(x):
    return float(np.mean(x**2))


def _norm(x):
    return float(np.sqrt(np.sum(x**2)))


def _first_axis_only(x):
    return np.sum(x**2, axis=0)


def _dot_with_itself(x):
    return float(x @ x)


def _zero_d_array(x):
    return np.array(np.sum(x**2))


def _matmul_refused(case, outputs):
    """``x @ x`` (or ``np.dot(x, x)``) raised on an x with two or more axes."""
    error = outputs.get("error") or {}
    text = str(error.get("message", ""))
    return (len(case["dims"]["shape"]) >= 2 and error.get("type") == "ValueError"
            and ("matmul" in text or "not aligned" in text))


def _returned_zero_d_array(case, outputs):
    value = outputs.get("value")
    return (outputs.get("status") == "returned" and isinstance(value, np.ndarray)
            and value.ndim == 0)


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
    output_names=("S(x)",),
    returns="S(x), the sum of the squares of every entry of x, as a float",
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
        Mistake("mean_not_sum", "took the mean of the squares (np.mean) instead of their sum: "
                "S(x) adds up every x_i ** 2 without dividing by the number of entries; use "
                "np.sum(x ** 2).", _mean_of_squares),
        Mistake("square_root", "took the square root of the sum of squares (the length of x, "
                "as np.linalg.norm(x) gives it): S(x) is the sum of the squares itself, "
                "np.sum(x ** 2), with no square root.", _norm),
        Mistake("one_axis_only", "summed along one axis only, which leaves an array with one "
                "sum per column when x has several axes: S(x) adds up every entry whatever the "
                "shape of x, so use np.sum(x ** 2) with no axis argument.", _first_axis_only),
        Mistake("dot_with_itself", "x @ x (or np.dot(x, x)) is the sum of squares only for a "
                "1-D x; for an x with several axes it is a matrix product, which fails or gives "
                "a matrix. Square every entry and add them all up: np.sum(x ** 2).",
                _dot_with_itself, detect=_matmul_refused),
        Mistake("zero_d_array", "returned a 0-d numpy array (one number inside np.array) where "
                "the lesson asks for a Python float: wrap the result in float(...), e.g. "
                "float(np.sum(x ** 2)).", _zero_d_array, detect=_returned_zero_d_array),
    ),
)

EXERCISES = (WARMUP,)
