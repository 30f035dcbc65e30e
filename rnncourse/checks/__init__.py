"""Exercise checks: ``check(exercise_id, fn)`` judges a learner's function and names the mistake.

In a notebook the learner writes one line per exercise::

    from rnncourse.checks import check
    check("rnn_backward", rnn_backward)     # a green ✓ PASSED or red ✗ FAILED panel

The result has ``.passed`` (bool), ``.message`` (str), ``.points`` (earned, all or nothing) and
``.possible``; it renders as an HTML panel in Jupyter and as plain text elsewhere. An unknown id
gives a failing result that lists the closest known ids.

How it is built
---------------
- :mod:`rnncourse.checks.engine`: the exercise protocol (:class:`~rnncourse.checks.engine.Exercise`)
  and what runs it, independent of content: function exercises, the call step, comparison,
  verdicts and results, the plain-data format the grader ships cases and outputs in;
- :mod:`rnncourse.checks.catalogue`: the exercises, one module per topic, each declaring its
  lesson; the registry orders itself by lesson.

Each exercise splits a check into three steps that may run in different processes; only plain
data passes between them (see docs/checks.md)::

    ex = EXERCISES["rnn_backward"]
    cases = ex.make_cases(seed)              # trusted: a list of plain dicts
    outputs = ex.call(fn, case, time_limit)  # anywhere, e.g. the learner's kernel: decides nothing
    verdict = ex.judge(case, outputs)        # trusted: recomputes the expected values itself
    result = aggregate(ex, verdicts, len(cases))

:func:`check` = ``make_cases`` + ``call`` (5 s in total by default) + ``judge`` for every case,
aggregated into one :class:`Result` whose message names the first failing case's shape.

Exercises and lessons
---------------------
The catalogue alone defines every exercise, its lesson and its points (the solutions' nbgrader
metadata, the lessons and the gradebook are tested against it or read it);
``python -m rnncourse.checks`` prints them as a table, with each exercise's reference.

The lesson-0 warm-up is ``warmup_sum_of_squares(x) -> float``, the sum of the squares of every
entry of the array ``x``.

nbgrader
--------
:func:`autograde` and :func:`autograde_question` (:mod:`rnncourse.checks.autograder`) are what the
graded cells of an nbgrader source folder run (``rnncourse release --nbgrader-source``): the same
check, but a wrong answer raises (and a right one does not), as nbgrader expects. Learners
never call them; ``check`` itself never raises.

Self-check questions
--------------------
:data:`QUESTIONS` holds the conceptual questions of the lessons (``q<lesson>_<name>``, 0.5
point each by default), answered with a plain value through the same :func:`check`
(``check(question_id, ...)`` says "not answered yet") or with the widget of :func:`ask`. Their
key is stored as salted digests (:mod:`rnncourse.checks.engine.question`; docs/checks.md).
"""

from __future__ import annotations

import difflib
from typing import Any

from rnncourse.checks.catalogue import (EXERCISES, LESSONS, QUESTIONS, exercises_for_lesson,
                                        graded_for_lesson, points_for_lesson, questions_for_lesson)
from rnncourse.checks.engine import (DEFAULT_TIME_LIMIT, Exercise, FunctionExercise, Mistake,
                                     Result, Verdict, aggregate, check_with_dependencies,
                                     from_bytes, pack, run_check, to_bytes, unpack)
from rnncourse.checks.autograder import autograde, autograde_question
from rnncourse.checks.unfinished import skip_if_unfinished


def check(exercise_id: str, fn: Any, *, seed: int = 0, time_limit: float = DEFAULT_TIME_LIMIT,
          knock_on: str = "full") -> Result:
    """Check the learner's function ``fn`` for exercise ``exercise_id``.

    Parameters
    ----------
    exercise_id : str, e.g. ``"rnn_backward"`` (see :data:`EXERCISES`) or a question id such as
        ``"q04_total_vs_partial"`` (see :data:`QUESTIONS`)
    fn : the learner's answer: a function with the exercise's signature, or for a question a
        plain value (a letter ``"b"``, a set of letters ``{"a", "c"}``, a number); ``...`` or
        ``None`` means "not answered yet"
    seed : int, seeds the random test cases
    time_limit : float, seconds for all the cases together
    knock_on : ``"full"`` or ``"none"``, what an answer that fails only because an exercise it
        calls is wrong scores (:mod:`rnncourse.checks.engine.dependencies`; a course file's
        ``knock_on`` reaches nbgrader's graded cells through it)

    Returns
    -------
    Result
        ``.passed``, ``.message``, ``.points``, ``.possible``; never raises for a wrong, crashing,
        or endless ``fn``. When ``fn`` fails but passes with the course's reference for an
        exercise of the same lesson that it calls and that fails too (``rnn_backward`` with a
        wrong ``rnn_step_backward`` in the notebook), the result passes with full points,
        ``.knock_on`` names that exercise, and the message says to fix it first (with
        ``knock_on="none"`` it fails with 0 points and the same message).
    """
    exercise = None
    if isinstance(exercise_id, str):
        exercise = EXERCISES.get(exercise_id) or QUESTIONS.get(exercise_id)
    if exercise is None:
        return _unknown(exercise_id)
    try:
        return check_with_dependencies(
            exercise, fn, EXERCISES,
            lambda ex, answer: run_check(ex, answer, seed=seed, time_limit=time_limit),
            policy=knock_on)
    except Exception as exc:  # the checker itself failed: say so rather than crash the notebook
        return Result(exercise_id, False, f"internal error in the checker ({type(exc).__name__}: "
                                          f"{exc}); please report it to the course maintainers",
                      0, exercise.points)


def _unknown(exercise_id):
    close = difflib.get_close_matches(str(exercise_id), [*EXERCISES, *QUESTIONS], n=3, cutoff=0.5)
    hint = (f"did you mean {', '.join(close)}?" if close
            else f"known ids: {', '.join(EXERCISES)}")
    return Result(str(exercise_id), False, f"unknown exercise id {exercise_id!r}: {hint}", 0, 0)


def ask(question_id: str) -> Any:
    """The answer widget of a self-check question (radio buttons, checkboxes or a number box, and
    a Check button that runs the same :func:`check`); see :mod:`rnncourse.checks.widgets`."""
    from rnncourse.checks.widgets import ask as _ask  # late: ipywidgets only when a widget is shown

    return _ask(question_id)


__all__ = ["check", "ask", "skip_if_unfinished", "autograde", "autograde_question", "EXERCISES", "QUESTIONS", "LESSONS",
           "exercises_for_lesson", "questions_for_lesson", "graded_for_lesson", "points_for_lesson",
           "Exercise", "FunctionExercise", "Mistake",
           "Result", "Verdict", "aggregate", "run_check", "pack", "unpack", "to_bytes",
           "from_bytes"]
