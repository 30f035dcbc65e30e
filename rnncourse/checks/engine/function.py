"""Function exercises: the learner writes a function with a pinned signature; we call it and judge.

A :class:`FunctionExercise` knows how to turn a plain-data *case* into arguments
(:meth:`~FunctionExercise.build_args`), how to call a function on private copies of them
(:meth:`~FunctionExercise.call`, no decisions), and how to judge the plain *outputs*
(:meth:`~FunctionExercise.judge_outputs`): it recomputes the expected values itself with the
reference, compares every returned value, and when they differ tries each known
:class:`Mistake` so the message can name the likely error.

What one exercise does differently is a subclass overriding a method (``judge_outputs`` for
``topological_sort``, ``mutation_tolerance`` for ``numerical_gradient``), and an input that is
not plain data is declared with an :class:`ArgBuilder`; the engine and the grader never look
for one exercise or one argument name.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from rnncourse.checks.engine.calls import build_args, describe_exception, invoke, run_limited
from rnncourse.checks.engine.compare import STRUCTURAL, compare, describe, merge_dtypes, summarize
from rnncourse.checks.engine.plaindata import plain
from rnncourse.checks.engine.protocol import DEFAULT_TIME_LIMIT, Exercise
from rnncourse.checks.engine.result import Verdict


def load_function(dotted):
    """The function named ``"module:function"`` (importing the module).

    Raises
    ------
    ValueError
        for a name without ``:``, saying how to write it.
    """
    module, sep, name = str(dotted).partition(":")
    if not sep or not module or not name:
        raise ValueError(f"{dotted!r} is not a function name; write it as 'module:function', "
                         "e.g. 'rnncourse.rnn:rnn_backward'")
    return getattr(importlib.import_module(module), name)


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
    section : str, where the lessons explain what this mistake gets wrong, when that is not the
        exercise's own ``section`` (e.g. a shared weight's gradient summed over time, lesson 3)
    """

    name: str
    message: str
    variant: Callable | None = None
    detect: Callable | None = None
    section: str = ""


@dataclass(frozen=True)
class Alternative:
    """A way of computing the answer that differs from the reference's in the last digits only
    (a convention, not a mistake): outputs that match it pass, with ``note`` shown to the learner.

    Attributes
    ----------
    name : str, short id such as ``"epsilon_in_denominator"``
    note : str, a kind sentence saying what was recognised and why it is fine here
    detect : callable ``(case, outputs) -> bool``, True when the outputs are this alternative's
    variant : callable with the exercise's signature computing this alternative (for the tests)
    """

    name: str
    note: str
    detect: Callable
    variant: Callable | None = None


@dataclass(frozen=True)
class ArgBuilder:
    """An input that is not plain data, built by trusted code from its plain description.

    The argument becomes ``build(case["inputs"][name], the private argument named reads)``, in
    the checker and inside the grader's kernel alike (the harness carries ``build``'s source, so
    ``build`` must be a top-level function, with a name of its own, that uses only numpy and the
    standard library).
    ``numerical_gradient``'s ``f`` is ``ArgBuilder(make_test_function, reads="x")``.
    """

    build: Callable
    reads: str


@dataclass
class FunctionExercise(Exercise):
    """An exercise answered by a function with the signature ``signature``.

    Attributes
    ----------
    id : str, also the name of the function the learner writes
    lesson : str, the lesson stem, e.g. ``"04_bptt"``
    points : int
    signature : str, e.g. ``"rnn_backward(dh, cache) -> (dx, dh0, dWx, dWh, db)"``
    reference : str, ``"module:function"`` of the reference implementation (imported lazily)
    arg_names : tuple of str, the parameters, in order (keys of ``case["inputs"]``)
    output_names : tuple of str; one name means the function returns that value itself
    cases : callable ``rng -> list of cases`` (``rng`` a seeded ``numpy.random.Generator``); a
        case is a dict of plain data with ``"label"`` (the shapes, for messages), ``"dims"`` and
        ``"inputs"``
    mistakes : tuple of :class:`Mistake`, tried in order
    alternatives : tuple of :class:`Alternative`, accepted variants that are not bit-exact
    shapes : dict output name -> symbolic shape, e.g. ``{"dx": "(N, T, D)"}``
    time_axes : dict output name -> axis of time steps
    labels : dict output name -> names of a cache's items
    containers : dict input name -> the container of each list level of a case input, outermost
        first: ``("list", "tuple")`` for a sequence cache (a list of T step-cache tuples, as
        ``rnn_forward`` returns it), ``("tuple",)`` for one step's cache
    arg_builders : dict input name -> :class:`ArgBuilder`, for inputs that are not plain data
    equivalents : tuple of ``"module:function"``, library functions besides ``reference`` that
        compute the same thing (calling one counts as calling the reference)
    depends_on : tuple of exercise ids whose functions the answer calls (knock-on failures:
        :mod:`~rnncourse.checks.engine.dependencies`)
    returns : str, what the function returns in the lesson's words (for "returned None"); by
        default the output names, ``"(h, cache)"``
    rtol, atol : float, tolerances of every comparison
    section : str, the lesson section that teaches what the exercise asks, e.g. ``"lesson 4,
        section 4 (Full BPTT: upstream gradient plus gradient from the future)"``; a
        :class:`Mistake` may name a section of its own (:meth:`section_for`)
    """

    id: str
    lesson: str
    points: int
    signature: str
    reference: str
    arg_names: tuple
    output_names: tuple
    cases: Callable
    mistakes: tuple = ()
    alternatives: tuple = ()
    shapes: dict = field(default_factory=dict)
    time_axes: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    containers: dict = field(default_factory=dict)
    arg_builders: dict = field(default_factory=dict)
    equivalents: tuple = ()
    depends_on: tuple = ()
    returns: str = ""
    rtol: float = 1e-7
    atol: float = 1e-9
    section: str = ""

    # ---------------------------------------------------------------- the protocol
    def make_cases(self, seed):
        return self.cases(np.random.default_rng(self.case_seed(seed)))

    def accepts(self, answer):
        if callable(answer):
            return None
        return (f"expected a function, got {describe(plain(answer))}: pass the function itself, "
                f"e.g. check({self.id!r}, {self.id})")

    def reference_names(self):
        return (self.reference,) + tuple(self.equivalents)

    def section_for(self, mistake):
        for known in self.mistakes:
            if known.name == mistake and known.section:
                return known.section
        return self.section

    def harness_spec(self):
        return {"arg_names": list(self.arg_names),
                "containers": {name: list(kinds) for name, kinds in self.containers.items()},
                "builders": {name: [b.build.__name__, b.reads]
                             for name, b in self.arg_builders.items()}}

    def harness_functions(self):
        return {b.build.__name__: b.build for b in self.arg_builders.values()}

    def preload(self):
        for name in self.reference_names():
            load_function(name)

    # ---------------------------------------------------------------- the three steps
    @property
    def reference_function(self):
        return load_function(self.reference)

    def build_args(self, case):
        """Fresh private arguments for one call, built from the plain ``case``."""
        builders = {name: (b.build, b.reads) for name, b in self.arg_builders.items()}
        return build_args(self.arg_names, self.containers, case, builders)

    def call(self, answer, case, time_limit=None):
        """Call ``answer`` on private copies of the case's inputs; return plain outputs."""
        return invoke(answer, self.build_args(case), self.build_args(case), self.arg_names,
                      time_limit)

    def run_trusted(self, fn, case):
        """Outputs of a trusted function (the reference or a variant) on private copies, or None."""
        outcome = self.trusted_outcome(fn, case)
        return outcome.get("value") if outcome["status"] == "returned" else None

    def trusted_outcome(self, fn, case):
        """What a trusted function (a mistake's variant) does on private copies of ``case``:
        ``{"status": "returned", "value": plain}`` or ``{"status": "raised", "error": {...}}``."""
        args = self.build_args(case)
        status, value = run_limited(lambda: fn(*args))
        if status == "returned":
            return {"status": status, "value": plain(value)}
        return {"status": status, "error": describe_exception(value)}

    def expected(self, case):
        """The reference's outputs for ``case``, computed here on private copies."""
        status, value = run_limited(lambda: self.reference_function(*self.build_args(case)))
        if status != "returned":
            raise RuntimeError(f"the reference {self.reference} failed on {case['label']}: {value!r}")
        return plain(value)

    def reference_seconds(self, case, repeats=3):
        """How long the reference takes on ``case`` (the best of a few runs), in seconds."""
        best = float("inf")
        for _ in range(repeats):
            args = self.build_args(case)
            start = time.perf_counter()
            run_limited(lambda args=args: self.reference_function(*args))
            best = min(best, time.perf_counter() - start)
        return best

    # ---------------------------------------------------------------- generic judging
    def status_message(self, outputs, case=None):
        """The message for an outcome that is not a returned value (or None), or None if fine."""
        status = outputs.get("status")
        if status == "timeout":
            return self.timeout_message(outputs, case)
        if status == "raised":
            error = outputs["error"]
            text = exception_message(error, self.id)
            if error.get("type") == "TypeError" and not error.get("where"):
                text = (text[:-1] + f": the function itself could not be called this way; "
                        f"give it the parameters of {self.id}({', '.join(self.arg_names)}).")
            return text
        if status != "returned":
            return f"no outputs to judge (status {status!r})"
        if outputs.get("value") is None:
            return f"returned None: did you forget return? It should return {self.returns_text}."
        return None

    def timeout_message(self, outputs, case=None):
        """A timeout, told apart: cases that returned before it mean slow, none means endless."""
        limit = _number(outputs.get("time_limit"), DEFAULT_TIME_LIMIT)
        reference = ""
        if case is not None:
            try:
                reference = (f"the reference takes {duration(self.reference_seconds(case))} on this "
                             "case")
            except Exception:
                reference = ""
        before = int(_number(outputs.get("cases_before"), 0))
        spent = _number(outputs.get("seconds_before"), 0.0)
        if before > 0 and limit - spent < 3 * spent / before:  # it had less time than the others took
            cases = "case" if before == 1 else f"{before} cases"
            return (f"took longer than {limit:g} s, the time limit for all the cases together: "
                    f"the {cases} before this one took {duration(spent)} "
                    f"({duration(spent / before)} each) and this one did not finish in the "
                    f"{duration(max(limit - spent, 0.0))} left" + (f"; {reference}" if reference
                                                                    else "")
                    + ". If the earlier cases pass, your function is right but too slow: look "
                    "for work repeated inside a loop (recomputing earlier steps, copying whole "
                    "arrays, Python loops over single entries).")
        return (f"did not finish within the time limit ({limit:g} s)"
                + (f"; {reference}" if reference else "") + ": is there a loop that never "
                "ends (a while loop whose condition never changes), or one that repeats far "
                "more work than needed?")

    @property
    def returns_text(self):
        """What the function returns, in the lesson's words."""
        if self.returns:
            return self.returns
        names = self.output_names
        return names[0] if len(names) == 1 else f"({', '.join(names)})"

    @property
    def outputs_text(self):
        """The output names, ``"(dx, dW, db)"``, as the lesson writes the returned tuple."""
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
                          f"return {self.outputs_text} as a tuple")
        if len(value) != len(names):
            return None, (f"returned {len(value)} values, expected {len(names)}: "
                          f"{self.outputs_text}")
        return value, None

    def compare_outputs(self, got, exp, equal_nan=False):
        problems = []
        for name, g, e in zip(self.output_names, got, exp):
            problems += compare(g, e, name, rtol=self.rtol, atol=self.atol, shapes=self.shapes,
                                time_axes=self.time_axes, equal_nan=equal_nan,
                                labels=self.labels)
        return problems

    def same_outcome(self, outputs, variant):
        """Whether the learner's ``outputs`` are what a mistake's ``variant`` outcome is: the
        same exception (type and text), or the same returned values (NaN equal to NaN)."""
        if outputs.get("status") == "raised":
            mine, theirs = outputs.get("error") or {}, variant.get("error") or {}
            return (variant["status"] == "raised" and mine.get("type") == theirs.get("type")
                    and mine.get("message") == theirs.get("message"))
        if outputs.get("status") != "returned" or variant["status"] != "returned":
            return False
        got, bad = self.split_outputs(outputs.get("value"))
        theirs, bad_theirs = self.split_outputs(variant["value"])
        if bad or bad_theirs:
            return not compare(outputs.get("value"), variant["value"], "value", rtol=self.rtol,
                               atol=self.atol, equal_nan=True)
        return not self.compare_outputs(got, theirs, equal_nan=True)

    def find_mistake(self, case, outputs, wrong):
        """The first known mistake that explains ``outputs``, or None.

        A mistake with ``detect`` is recognised from the outputs themselves, whatever else is
        wrong or right; one with only a ``variant`` matches when the outputs are wrong
        (``wrong``) and the variant, run here on the same case, does exactly the same. When the
        function raised, several mistakes can raise the very same error (``x @ Wh`` and
        ``x @ Wx.T`` fail alike when D != H): all of them are named, as one mistake
        ``"A or B"`` whose message gives each.
        """
        raised = outputs.get("status") == "raised"
        matches = []
        for mistake in self.mistakes:
            if mistake.detect is not None:
                try:
                    if mistake.detect(case, outputs):
                        return mistake if not matches else _either(matches)
                except Exception:
                    pass
                continue
            if mistake.variant is None or not wrong:
                continue
            if self.same_outcome(outputs, self.trusted_outcome(mistake.variant, case)):
                if not raised:
                    return mistake
                matches.append(mistake)  # an exception says less than values: keep looking
        return _either(matches) if matches else None

    def find_alternative(self, case, outputs):
        """The first accepted :class:`Alternative` whose outputs these are, or None."""
        for alternative in self.alternatives:
            try:
                if alternative.detect(case, outputs):
                    return alternative
            except Exception:
                pass
        return None

    mutation_tolerance = 0.0
    """In-place changes up to this size are not reported (a subclass may raise it)."""

    def significant_mutations(self, outputs):
        """The reported in-place changes: those above :attr:`mutation_tolerance`."""
        return [m for m in outputs.get("mutated", [])
                if m.get("max_change") is None or m["max_change"] > self.mutation_tolerance]

    def mutation_text(self, outputs):
        items = self.significant_mutations(outputs)
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

    def judge_outputs(self, case, outputs):
        """The generic judge: status, count, structure, values, in-place changes, known mistakes.

        A known mistake is looked for whenever something is wrong, whether the function raised,
        returned the wrong number of values, the wrong shapes or the wrong numbers, so the
        message can name it; a mistake recognised by ``detect`` fails even right values.
        """
        early = self.status_message(outputs, case)
        if early:
            unfinished = (outputs.get("error") or {}).get("type") == "NotImplementedError"
            mistake = (self.find_mistake(case, outputs, wrong=True)
                       if outputs.get("status") == "raised" and not unfinished else None)
            verdict = self.failure(mistake, early)
            verdict.unfinished = unfinished
            return verdict
        got, bad_count = self.split_outputs(outputs["value"])
        if bad_count:
            return self.failure(self.find_mistake(case, outputs, wrong=True), bad_count)
        exp, _ = self.split_outputs(self.expected(case))
        problems = self.compare_outputs(got, exp)
        structural = merge_dtypes([p for p in problems if p.kind in STRUCTURAL])
        mutation = self.mutation_text(outputs)
        mistake = self.find_mistake(case, outputs, wrong=bool(problems))
        if structural:
            return self.failure(mistake, "; ".join(p.text for p in structural[:2]) + ".")
        if mistake is None and problems and not mutation:
            alternative = self.find_alternative(case, outputs)
            if alternative is not None:
                return Verdict(True, "correct", note=alternative.note)
        if not problems and not mutation and mistake is None:
            return Verdict(True, "correct")
        parts = []
        if mistake is not None:
            parts.append(f"Likely mistake: {mistake.message}")
        if problems:
            parts.append(("Details: " if mistake else "Wrong values: ")
                         + summarize(problems, self.output_names) + ".")
        if mutation and not self.explains_mutation(mistake, case, outputs):
            parts.append(mutation[0].upper() + mutation[1:] + ".")
        if mistake is None and problems:
            parts.append("No known mistake matches; compare each line with the equations "
                         "in the lesson.")
        return Verdict(False, " ".join(parts), mistake.name if mistake else None)

    @staticmethod
    def explains_mutation(mistake, case, outputs):
        """Whether ``mistake`` is recognised by the in-place change itself (so the message need
        not repeat it): its ``detect`` no longer fires once the changes are taken away."""
        if mistake is None or mistake.detect is None:
            return False
        try:
            return not mistake.detect(case, {**outputs, "mutated": []})
        except Exception:
            return False

    @staticmethod
    def failure(mistake, text):
        """A failing verdict for ``text`` (a finished sentence), led by ``mistake`` if one matched."""
        if mistake is None:
            return Verdict(False, text)
        return Verdict(False, f"Likely mistake: {mistake.message} Details: {text}", mistake.name)


def _either(mistakes):
    """One mistake standing for several that fail the same way (or the only one)."""
    if len(mistakes) == 1:
        return mistakes[0]
    return Mistake(" or ".join(m.name for m in mistakes),
                   " Or: ".join(dict.fromkeys(m.message for m in mistakes)))


def _number(value, default):
    """``value`` as a float if it is a finite number (outputs may come from untrusted code)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value):
        return float(value)
    return default


def duration(seconds):
    """``0.00004`` -> ``"less than 0.1 ms"``, ``0.0004`` -> ``"0.4 ms"``, ``0.4`` -> ``"400 ms"``,
    ``2.5`` -> ``"2.5 s"``."""
    if seconds < 1e-4:
        return "less than 0.1 ms"
    if seconds < 0.01:
        return f"{seconds * 1e3:.2g} ms"
    if seconds < 1.0:
        return f"{seconds * 1e3:.0f} ms"
    return f"{seconds:.1f} s"


def exception_message(error, fn_name):
    """Message for a function that raised; ``error`` is from :func:`calls.describe_exception`.

    A ``NotImplementedError`` is a placeholder not replaced yet: the message names the exercise,
    or, when the placeholder was reached through a function the exercise's function calls, the
    function whose line it is (``CycleError.__init__`` rather than ``topological_sort``).
    """
    where = f" ({error['where']})" if error.get("where") else ""
    if error["type"] == "NotImplementedError":
        deeper = isinstance(error.get("depth"), int) and error["depth"] > 1
        place = error.get("function") if deeper and isinstance(error.get("function"), str) else None
        return (f"not written yet: replace the raise NotImplementedError line in "
                f"{place or fn_name} with your code, then run this check again.")
    text = f": {error['message']}" if error.get("message") else ""
    return f"raised {error['type']}{text}{where}."


def label(**dims):
    """``label(N=2, T=3)`` -> ``"N=2, T=3"``."""
    return ", ".join(f"{k}={v}" for k, v in dims.items())


__all__ = ["FunctionExercise", "Mistake", "Alternative", "ArgBuilder", "exception_message",
           "label", "load_function", "duration"]
