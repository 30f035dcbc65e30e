"""The machinery behind every exercise check: :class:`Exercise`, :class:`Mistake`, :class:`Verdict`,
:class:`Result`, and :func:`run_check` (make_cases -> call -> judge, aggregated).

An :class:`Exercise` knows how to turn a plain-data *case* into arguments (:meth:`Exercise.build_args`),
how to call a function on private copies of them (:meth:`Exercise.call`, no decisions), and how to
judge the plain *outputs* (:meth:`Exercise.judge`): it recomputes the expected values itself with
the reference, compares every returned value, and when they differ tries each known
:class:`Mistake` so the message can name the likely error.
"""

from __future__ import annotations

import html
import importlib
import time
from dataclasses import dataclass, field
from typing import Callable

from rnncourse.checks.compare import STRUCTURAL, compare, describe, summarize
from rnncourse.checks.running import build_args, invoke, plain, run_limited

DEFAULT_TIME_LIMIT = 5.0


@dataclass(frozen=True)
class Mistake:
    """A known wrong implementation and the message that names it.

    Attributes
    ----------
    name : str, short id such as ``"overwrite_shared"``
    message : str, what is likely wrong and what to do instead
    variant : callable with the exercise's signature that makes this mistake on purpose; the
        judge compares the learner's outputs with the variant's on the same case
    detect : callable ``(case, outputs) -> bool`` for mistakes recognised from the outputs
        themselves (a mutated input, NaN on large scores, an invalid order) rather than by
        comparing with ``variant``; ``variant`` is then only used by the tests
    """

    name: str
    message: str
    variant: Callable | None = None
    detect: Callable | None = None


@dataclass
class Verdict:
    """The judgement of one case: ``passed``, a ``message``, and the ``mistake`` name if one matched."""

    passed: bool
    message: str
    mistake: str | None = None
    label: str = ""


class Result:
    """The outcome of ``check(exercise_id, fn)``.

    Attributes
    ----------
    exercise_id : str
    passed : bool
    message : str, what passed or the first failing case (its shape) and what is wrong
    points, possible : int, points earned (all or nothing) and available
    mistake : str or None, the name of the known mistake that matched the first failing case
    verdicts : list of :class:`Verdict`, one per case that ran
    """

    def __init__(self, exercise_id, passed, message, points=0, possible=0, mistake=None,
                 verdicts=()):
        self.exercise_id = exercise_id
        self.passed = bool(passed)
        self.message = message
        self.points = points
        self.possible = possible
        self.mistake = mistake
        self.verdicts = list(verdicts)

    @property
    def headline(self):
        word = "✓ PASSED" if self.passed else "✗ FAILED"
        return f"{word}  {self.exercise_id}  ({self.points}/{self.possible} points)"

    def __str__(self):
        return f"{self.headline}\n{self.message}"

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        if self.passed:  # dark text on light fill: contrast above 7:1 for both panels
            border, fill, ink = "#1a7f37", "#e6f4ea", "#0b3d1c"
        else:
            border, fill, ink = "#b42318", "#fdecea", "#5c0b05"
        return (
            f'<div role="status" style="border:1px solid {border};border-left:6px solid {border};'
            f'background:{fill};color:{ink};padding:8px 12px;margin:4px 0;border-radius:4px;'
            f'font-family:system-ui,sans-serif;line-height:1.4">'
            f"<strong>{html.escape(self.headline)}</strong>"
            f'<div style="white-space:pre-wrap;margin-top:4px">{html.escape(self.message)}</div>'
            f"</div>"
        )


def _resolve(dotted):
    module, _, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass
class Exercise:
    """One catalogue entry: id, lesson, points, reference, cases and known mistakes.

    Attributes
    ----------
    id : str, also the name of the function the learner writes
    lesson : str, the lesson stem, e.g. ``"04_bptt"``
    points : int
    signature : str, e.g. ``"rnn_backward(dh, cache) -> (dx, dh0, dWx, dWh, db)"``
    reference : str, ``"module:function"`` of the reference implementation (imported lazily)
    arg_names : tuple of str, the parameters, in order (keys of ``case["inputs"]``)
    output_names : tuple of str; one name means the function returns that value itself
    make_cases : callable ``seed -> list of cases``; a case is a dict of plain data with
        ``"label"`` (the shapes, for messages), ``"dims"`` and ``"inputs"``
    mistakes : tuple of :class:`Mistake`, tried in order
    shapes : dict output name -> symbolic shape, e.g. ``{"dx": "(N, T, D)"}``
    time_axes : dict output name -> axis of time steps
    labels : dict output name -> names of a cache's items
    tuple_depth : dict input name -> how many list levels of a case input become tuples
    make_callable : callable ``(case, x) -> f`` for ``numerical_gradient``, building the trusted
        test function from its name in the case and the array ``x`` it reads
    rtol, atol : float, tolerances of every comparison
    mutation_tolerance : float, in-place changes up to this size are not reported
    custom_judge : callable ``(exercise, case, outputs) -> Verdict`` replacing the generic judge
    """

    id: str
    lesson: str
    points: int
    signature: str
    reference: str
    arg_names: tuple
    output_names: tuple
    make_cases: Callable
    mistakes: tuple = ()
    shapes: dict = field(default_factory=dict)
    time_axes: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    tuple_depth: dict = field(default_factory=dict)
    make_callable: Callable | None = None
    rtol: float = 1e-7
    atol: float = 1e-9
    mutation_tolerance: float = 0.0
    custom_judge: Callable | None = None

    # ---------------------------------------------------------------- the three steps
    @property
    def reference_function(self):
        return _resolve(self.reference)

    def build_args(self, case):
        """Fresh private arguments for one call, built from the plain ``case``."""
        return build_args(self.arg_names, self.tuple_depth, case, self.make_callable)

    def call(self, fn, case, time_limit=None):
        """Call ``fn`` on private copies of the case's inputs; return plain outputs (decides nothing)."""
        return invoke(fn, self.build_args(case), self.build_args(case), self.arg_names, time_limit)

    def run_trusted(self, fn, case):
        """Outputs of a trusted function (the reference or a variant) on private copies, or None."""
        status, value = run_limited(lambda: fn(*self.build_args(case)))
        return plain(value) if status == "returned" else None

    def expected(self, case):
        """The reference's outputs for ``case``, computed here on private copies."""
        status, value = run_limited(lambda: self.reference_function(*self.build_args(case)))
        if status != "returned":
            raise RuntimeError(f"the reference {self.reference} failed on {case['label']}: {value!r}")
        return plain(value)

    def judge(self, case, outputs):
        """Decide one case from its plain ``outputs``; never raises."""
        try:
            if self.custom_judge is not None:
                verdict = self.custom_judge(self, case, outputs)
            else:
                verdict = self._judge_generic(case, outputs)
        except Exception as exc:  # a bug in the checker must not look like the learner's
            verdict = Verdict(False, f"internal error in the checker ({type(exc).__name__}: "
                                     f"{exc}); please report it to the course maintainers")
        verdict.label = case.get("label", "")
        return verdict

    # ---------------------------------------------------------------- generic judging
    def status_message(self, outputs):
        """The message for an outcome that is not a returned value (or None), or None if fine."""
        status = outputs.get("status")
        if status == "timeout":
            limit = outputs.get("time_limit", DEFAULT_TIME_LIMIT)
            return (f"did not finish within the time limit ({limit:g} s): is there a loop that "
                    "never ends (a while loop whose condition never changes)?")
        if status == "raised":
            return exception_message(outputs["error"], self.id)
        if status != "returned":
            return f"no outputs to judge (status {status!r})"
        if outputs.get("value") is None:
            return f"returned None: did you forget return? It should return {self.returns_text}."
        return None

    @property
    def returns_text(self):
        names = self.output_names
        return names[0] if len(names) == 1 else f"({', '.join(names)})"

    def split_outputs(self, value):
        """The returned value as a list, one item per output name, or a message saying why not."""
        names = self.output_names
        if len(names) == 1:
            if isinstance(value, list):
                return None, (f"returned {len(value)} values; return just {names[0]} "
                              f"(not in a tuple or list)")
            return [value], None
        if not isinstance(value, list):
            return None, (f"returned {describe(value)}, expected {len(names)} values: "
                          f"return {self.returns_text} as a tuple")
        if len(value) != len(names):
            return None, (f"returned {len(value)} values, expected {len(names)}: "
                          f"{self.returns_text}")
        return value, None

    def compare_outputs(self, got, exp, equal_nan=False):
        problems = []
        for name, g, e in zip(self.output_names, got, exp):
            problems += compare(g, e, name, rtol=self.rtol, atol=self.atol, shapes=self.shapes,
                                time_axes=self.time_axes, equal_nan=equal_nan,
                                labels=self.labels)
        return problems

    def find_mistake(self, case, outputs, got, value_problems):
        """The first known mistake that explains ``outputs``, or None."""
        for mistake in self.mistakes:
            if mistake.detect is not None:
                try:
                    if mistake.detect(case, outputs):
                        return mistake
                except Exception:
                    pass
                continue
            if mistake.variant is None or not value_problems:
                continue
            variant_out = self.run_trusted(mistake.variant, case)
            if variant_out is None:
                continue
            v_list, bad = self.split_outputs(variant_out)
            if bad is None and not self.compare_outputs(got, v_list, equal_nan=True):
                return mistake
        return None

    def mutation_text(self, outputs):
        items = [m for m in outputs.get("mutated", [])
                 if m.get("max_change") is None or m["max_change"] > self.mutation_tolerance]
        if not items:
            return ""
        names = ", ".join(dict.fromkeys(m["input"] for m in items))
        first = items[0]
        detail = ""
        if first.get("entries") is not None:
            detail = f" ({first['entries']} entries of {first['input']} changed"
            detail += (f", by up to {first['max_change']:.3g})" if first["max_change"] is not None
                       else ")")
        return (f"it changed its input {names} in place{detail}: work on copies or build new "
                "arrays, because the caller still needs its inputs")

    def _judge_generic(self, case, outputs):
        early = self.status_message(outputs)
        if early:
            return Verdict(False, early)
        got, bad_count = self.split_outputs(outputs["value"])
        if bad_count:
            return Verdict(False, bad_count)
        exp, _ = self.split_outputs(self.expected(case))
        problems = self.compare_outputs(got, exp)
        structural = [p for p in problems if p.kind in STRUCTURAL]
        if structural:
            return Verdict(False, "; ".join(p.text for p in structural[:2]))
        mutation = self.mutation_text(outputs)
        if not problems and not mutation:
            return Verdict(True, "correct")
        mistake = self.find_mistake(case, outputs, got, problems)
        parts = []
        if mistake is not None:
            parts.append(f"Likely mistake: {mistake.message}")
        if problems:
            parts.append(("Details: " if mistake else "Wrong values: ")
                         + summarize(problems, self.output_names) + ".")
        if mutation and (mistake is None or mistake.detect is None):
            parts.append(mutation[0].upper() + mutation[1:] + ".")
        if mistake is None and problems:
            parts.append("No known mistake matches; compare each line with the equations "
                         "in the lesson.")
        return Verdict(False, " ".join(parts), mistake.name if mistake else None)


def exception_message(error, fn_name):
    """Message for a function that raised; ``error`` is from :func:`running.describe_exception`."""
    where = f" ({error['where']})" if error.get("where") else ""
    if error["type"] == "NotImplementedError":
        return (f"not written yet: replace the raise NotImplementedError line in {fn_name} with "
                "your code, then run this check again.")
    text = f": {error['message']}" if error.get("message") else ""
    return f"raised {error['type']}{text}{where}."


# ----------------------------------------------------------------------------- the runner
def run_check(exercise, fn, *, seed=0, time_limit=DEFAULT_TIME_LIMIT):
    """make_cases -> call (time-limited in total) -> judge every case -> one :class:`Result`."""
    if not callable(fn):
        return Result(exercise.id, False,
                      f"expected a function, got {describe(plain(fn))}: pass the function itself, "
                      f"e.g. check({exercise.id!r}, {exercise.id})", 0, exercise.points)
    cases = exercise.make_cases(seed)
    deadline = time.perf_counter() + time_limit
    verdicts = []
    for case in cases:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            outputs = {"status": "timeout", "mutated": []}
        else:
            outputs = exercise.call(fn, case, time_limit=remaining)
        if outputs["status"] == "timeout":
            outputs["time_limit"] = time_limit  # report the limit for the whole check
        verdicts.append(exercise.judge(case, outputs))
        if outputs["status"] == "timeout":
            break
    return aggregate(exercise, verdicts, len(cases))


def aggregate(exercise, verdicts, n_cases):
    """Fold per-case verdicts into one :class:`Result` (all or nothing)."""
    failed = [(i, v) for i, v in enumerate(verdicts) if not v.passed]
    if not failed and len(verdicts) == n_cases:
        return Result(exercise.id, True, f"All {n_cases} test cases pass.", exercise.points,
                      exercise.points, None, verdicts)
    i, first = failed[0]
    n_pass = sum(v.passed for v in verdicts)
    message = (f"Case {i + 1} of {n_cases} ({first.label}): {first.message}\n"
               f"({n_pass} of {n_cases} cases pass.)")
    return Result(exercise.id, False, message, 0, exercise.points, first.mistake, verdicts)


def random_array(rng, shape, scale=1.0):
    """Seeded float64 test data."""
    return scale * rng.standard_normal(shape)


def label(**dims):
    """``label(N=2, T=3)`` -> ``"N=2, T=3"``."""
    return ", ".join(f"{k}={v}" for k, v in dims.items())


__all__ = ["Exercise", "Mistake", "Verdict", "Result", "run_check", "aggregate",
           "exception_message", "random_array", "label", "DEFAULT_TIME_LIMIT"]
