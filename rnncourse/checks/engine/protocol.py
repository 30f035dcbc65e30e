"""The exercise protocol: what every kind of exercise tells the engine, the grader and the reports.

An exercise is judged in three steps that may run in different processes, with only plain data
(:mod:`~rnncourse.checks.engine.plaindata`) passing between them::

    cases = exercise.make_cases(seed)              # trusted: a list of plain dicts
    outputs = exercise.call(answer, case, limit)   # anywhere (the learner's kernel): decides nothing
    verdict = exercise.judge(case, outputs)        # trusted: recomputes what it needs itself

:class:`Exercise` names those steps and the facts the rest of the course reads:

- ``id``, ``lesson`` (a stem such as ``"04_bptt"``), ``points`` (defined here once: notebook
  cell metadata and the gradebook are checked against / derived from it);
- :meth:`case_seed`: the cases' random stream, derived from ``(seed, id)`` with a stable hash so
  exercises never share one and ``PYTHONHASHSEED`` changes nothing;
- ``depends_on``: the exercises its answer calls, for knock-on failures
  (:mod:`~rnncourse.checks.engine.dependencies`);
- :meth:`accepts`: whether an answer is of the right kind at all (a function, or for a
  question a plain value), with the message to show when it is not;
- :meth:`reference_names`: the library functions that *are* the answer (calling one is flagged
  by the grader);
- :meth:`harness_spec` / :meth:`harness_functions`: what the grader's kernel harness needs to call
  the answer (``None``: nothing is called in the kernel);
- :meth:`preload`: import what judging needs, before any learner code runs.

:class:`~rnncourse.checks.engine.function.FunctionExercise` is today's kind (the learner writes a
function); a conceptual question (``check("q2_cycle", "b")``) is one more subclass whose
``answer_kind`` is ``"value"``: see docs/checks.md.
"""

from __future__ import annotations

import abc
import zlib

from rnncourse.checks.engine.result import Verdict

DEFAULT_TIME_LIMIT = 5.0
"""Seconds ``check`` gives the learner's answer for all the cases of one exercise."""


def derive_seed(seed, exercise_id):
    """The seed of ``exercise_id``'s random cases for the run seed ``seed`` (stable across runs).

    >>> derive_seed(0, "rnn_backward") == derive_seed(0, "rnn_backward")
    True
    """
    return zlib.crc32(f"{int(seed)}:{exercise_id}".encode())


def lesson_number(stem):
    """``"04_bptt"`` -> 4.

    Raises
    ------
    ValueError
        for a stem that does not start with a number and an underscore.
    """
    head = str(stem).split("_", 1)[0]
    if not head.isdigit():
        raise ValueError(f"lesson stem {stem!r} does not start with its number; name it like "
                         "'04_bptt'")
    return int(head)


class Exercise(abc.ABC):
    """One gradable item of the catalogue (see the module docstring).

    Subclasses set ``id``, ``lesson`` and ``points`` and implement :meth:`make_cases`,
    :meth:`accepts`, :meth:`call` and :meth:`judge_outputs`.
    """

    id: str
    lesson: str
    points: int
    answer_kind = "function"
    depends_on = ()
    """Ids of the exercises this one's answer calls (``rnn_backward`` calls
    ``rnn_step_backward``): when both fail in the same lesson, this one is judged again with the
    course's reference for them (:mod:`~rnncourse.checks.engine.dependencies`)."""
    """``"function"``: the learner passes a function, which the grader calls in the kernel;
    ``"value"``: the learner passes a plain answer (a question)."""

    @property
    def lesson_number(self):
        return lesson_number(self.lesson)

    def section_for(self, mistake: str | None) -> str:
        """Where the lesson explains the named ``mistake`` (or, for None or a mistake without a
        section of its own, this exercise): e.g. ``"lesson 4, section 4 (Full BPTT)"``; ``""``
        when unknown. Reports show it next to the mistake's message."""
        return getattr(self, "section", "") or ""

    def case_seed(self, seed):
        """The seed of this exercise's random cases for the run seed ``seed``."""
        return derive_seed(seed, self.id)

    @abc.abstractmethod
    def make_cases(self, seed):
        """The cases for run seed ``seed``: a non-empty list of plain dicts with a ``"label"``."""

    @abc.abstractmethod
    def accepts(self, answer):
        """None when ``answer`` is the right kind of thing to judge, else the message saying why not."""

    @abc.abstractmethod
    def call(self, answer, case, time_limit=None):
        """The plain *outputs* of ``answer`` on ``case`` (decides nothing, never raises)."""

    @abc.abstractmethod
    def judge_outputs(self, case, outputs):
        """The :class:`Verdict` of one case from its plain outputs (may raise on a checker bug)."""

    def judge(self, case, outputs):
        """Decide one case from its plain ``outputs``; never raises."""
        try:
            verdict = self.judge_outputs(case, outputs)
        except Exception as exc:  # a bug in the checker must not look like the learner's
            verdict = Verdict(False, f"internal error in the checker ({type(exc).__name__}: "
                                     f"{exc}); please report it to the course maintainers")
        verdict.label = case.get("label", "")
        return verdict

    def reference_names(self):
        """``"module:function"`` names of library functions that answer this exercise."""
        return ()

    def harness_spec(self):
        """Plain data the grader's kernel harness needs to call the answer, or None."""
        return None

    def harness_functions(self):
        """``{name: function}`` of trusted functions whose source the harness must carry."""
        return {}

    def preload(self):  # noqa: B027 (an optional hook: most exercises need nothing preloaded)
        """Import whatever judging needs (called by the grader before any learner code runs)."""


__all__ = ["Exercise", "DEFAULT_TIME_LIMIT", "derive_seed", "lesson_number"]
