"""Lesson 1 exercise ``numerical_gradient(f, x, h=1e-5)`` (reference in :mod:`rnncourse.gradcheck`).

A case cannot carry a Python function across processes, so it names one from a fixed family and
carries its parameters, e.g. ``{"family": "quadratic", "A": array, "c": array}``;
:func:`make_test_function` (trusted code) turns that into ``f()`` reading the array ``x``:

- ``quadratic``: ``f = 0.5 * x . (A x) + c . x`` for ``x`` of shape (n,), ``A`` not symmetric
- ``sine``: ``f = sum(w * sin(x))`` for ``x`` of shape (m, n)
- ``tanh_layer``: ``f = sum(tanh(inp @ x) ** 2)`` for ``x`` of shape (D, H), ``inp`` (N, D)

Every family has curvature, so a one-sided difference is off by about ``h/2 * f''`` (~1e-6),
far above the tolerance, while a correct central difference agrees to about 1e-10.
"""

from __future__ import annotations

import numpy as np

from rnncourse.checks.engine import ArgBuilder, FunctionExercise, Mistake

LESSON = "01_feedforward_backprop"


FAMILIES = ("quadratic", "sine", "tanh_layer")


def make_test_function(spec, x):
    """Build the scalar function ``f()`` named by ``spec`` that reads the array ``x`` when called.

    Parameters
    ----------
    spec : dict with ``"family"`` (one of :data:`FAMILIES`) and that family's arrays
    x : ndarray, the array ``f`` reads (and ``numerical_gradient`` nudges)

    The function is named ``f``, so calling it wrongly reads ``f() takes 0 positional arguments
    but 1 was given``, in the learner's terms.
    """
    family = spec["family"]
    if family == "quadratic":
        A, c = np.array(spec["A"]), np.array(spec["c"])
        f = lambda: float(0.5 * x @ (A @ x) + c @ x)  # noqa: E731  (n,) @ (n, n) @ (n,) -> scalar
    elif family == "sine":
        w = np.array(spec["w"])
        f = lambda: float(np.sum(w * np.sin(x)))  # noqa: E731
    elif family == "tanh_layer":
        inp = np.array(spec["inp"])
        f = lambda: float(np.sum(np.tanh(inp @ x) ** 2))  # noqa: E731  (N, D) @ (D, H) -> (N, H)
    else:
        raise ValueError(f"unknown test-function family {family!r}; known: {FAMILIES}")
    f.__name__ = f.__qualname__ = "f"  # what an error in the learner's call of it names
    return f


def _cases(rng):
    n = 4
    cases = [
        {"label": "quadratic, x of shape (4,)", "dims": {"shape": [n]},
         "inputs": {"f": {"family": "quadratic",
                          "A": rng.standard_normal((n, n)) + 3.0 * np.eye(n),
                          "c": rng.standard_normal(n)},
                    "x": rng.standard_normal(n), "h": 1e-5}},
        {"label": "sine, x of shape (2, 3)", "dims": {"shape": [2, 3]},
         "inputs": {"f": {"family": "sine", "w": 1.0 + rng.random((2, 3))},
                    "x": rng.standard_normal((2, 3)), "h": 1e-5}},
        {"label": "tanh layer, x of shape (3, 2)", "dims": {"shape": [3, 2]},
         "inputs": {"f": {"family": "tanh_layer", "inp": rng.standard_normal((4, 3))},
                    "x": 0.5 * rng.standard_normal((3, 2)), "h": 1e-5}},
        {"label": "quadratic, x of shape (1,)", "dims": {"shape": [1]},
         "inputs": {"f": {"family": "quadratic", "A": np.array([[2.5]]), "c": np.array([0.3])},
                    "x": np.array([0.7]), "h": 1e-5}},
    ]
    return cases


# ----------------------------------------------------------------------------- mistakes
def _variant(one_sided=False, no_two=False, restore=True, on_copy=False, pass_x=False):
    def numerical_gradient(f, x, h=1e-5):
        if pass_x:  # f(x) where f() belongs: f reads x itself
            f = (lambda g: lambda: g(x))(f)
        grad = np.zeros_like(x)
        target = x.copy() if on_copy else x
        for i in np.ndindex(x.shape):
            old = target[i]
            target[i] = old + h
            fp = f()
            if one_sided:
                target[i] = old
                fm = f()
                grad[i] = (fp - fm) / h
            else:
                target[i] = old - h
                fm = f()
                grad[i] = (fp - fm) / (h if no_two else 2 * h)
            if restore:
                target[i] = old
        return grad
    return numerical_gradient


def _first_axis_loop(f, x, h=1e-5):
    """``for i in range(len(x))``: on a 2-D x, x[i] is a whole row (and ``old`` a view of it)."""
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def _rows_nudged_whole(case, outputs):
    """On an x with two or more axes, every row of the gradient is one repeated number: each
    x[i] nudged was a whole row (a loop over range(len(x)) instead of every entry)."""
    value = outputs.get("value")
    if (len(case["dims"]["shape"]) < 2 or outputs.get("status") != "returned"
            or not isinstance(value, np.ndarray) or list(value.shape) != case["dims"]["shape"]
            or value.dtype.kind != "f"):
        return False
    rows = value.reshape(value.shape[0], -1)
    return bool(np.all(rows == rows[:, :1]) and np.any(rows != 0))


def _f_called_with_arguments(case, outputs):
    error = outputs.get("error") or {}
    return (error.get("type") == "TypeError"
            and str(error.get("message", "")).startswith("f() takes 0 positional arguments"))


def _x_not_restored(case, outputs):
    return any(m["input"] == "x" and (m["max_change"] is None or m["max_change"] > 1e-12)
               for m in outputs.get("mutated", []))


class NumericalGradientExercise(FunctionExercise):
    """``numerical_gradient``: nudging ``x`` in place and putting it back is the method itself,
    and ``x[i] += h; x[i] -= 2h; x[i] += h`` may miss the old value by one rounding step."""

    mutation_tolerance = 1e-12


NUMERICAL_GRADIENT = NumericalGradientExercise(
    id="numerical_gradient",
    lesson=LESSON,
    section="lesson 1, section 5 (Backpropagation layer by layer)",
    points=2,
    signature="numerical_gradient(f, x, h=1e-5) -> array shaped like x",
    reference="rnncourse.gradcheck:numerical_gradient",
    arg_names=("f", "x", "h"),
    output_names=("grad",),
    returns="the numerical gradient, an array shaped like x",
    cases=_cases,
    arg_builders={"f": ArgBuilder(make_test_function, reads="x")},
    shapes={"grad": "the shape of x"},
    rtol=1e-6,
    atol=1e-8,
    mistakes=(
        Mistake("f_called_with_x", "f takes no arguments here: it reads x itself, so call f() "
                "after changing x in place (x[i] = old + h), and put x[i] back afterwards.",
                _variant(pass_x=True), detect=_f_called_with_arguments),
        Mistake("x_not_restored", "did not restore x: after your function returned, x was not "
                "what it was before. Put each entry back (x[i] = old) after evaluating f, or "
                "every later f() call sees a shifted x (and so does the caller).",
                _variant(restore=False), detect=_x_not_restored),
        Mistake("one_sided", "used a one-sided difference (f(x+h) - f(x)) / h: use the central "
                "difference (f(x+h) - f(x-h)) / (2h), which is far more accurate.",
                _variant(one_sided=True)),
        Mistake("missing_factor_two", "divided by h instead of 2h: the central difference spans "
                "from x-h to x+h, a distance of 2h.", _variant(no_two=True)),
        Mistake("first_axis_only", "the loop runs over range(len(x)), the first axis only: "
                "when x has two or more axes, x[i] is a whole row, so each nudge moves a whole "
                "row at once and every entry of a row gets the same number. Visit every entry: "
                "for i in np.ndindex(x.shape), then x[i] is one number.", _first_axis_loop,
                detect=_rows_nudged_whole),
        Mistake("nudged_copy", "the gradient is all zeros, so f never saw your nudges: f reads "
                "x itself, so change x in place (x[i] = old + h), not a copy of it.",
                _variant(on_copy=True)),
    ),
)

EXERCISES = (NUMERICAL_GRADIENT,)
