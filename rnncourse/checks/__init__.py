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
  lesson; the registry orders itself by lesson;
- :mod:`rnncourse.checks.checking`: :func:`check` itself; :mod:`rnncourse.checks.references`: the
  static detection of answers that call the course's reference implementation (the grader's).

Each exercise splits a check into three steps that may run in different processes; only plain
data passes between them (see docs/checks.md)::

    ex = EXERCISES["rnn_backward"]
    cases = ex.make_cases(seed)              # trusted: a list of plain dicts
    outputs = ex.call(fn, case, time_limit)  # anywhere, e.g. the learner's kernel: decides nothing
    verdict = ex.judge(case, outputs)        # trusted: recomputes the expected values itself
    result = aggregate(ex, verdicts, len(cases))

:func:`check` = ``make_cases`` + ``call`` (5 s in total by default) + ``judge`` for every case,
aggregated into one :class:`Result` whose message names the first failing case's shape.

Progress
--------
Each verdict :func:`check` gives is also appended to the learner's progress file
(``~/.rnncourse/progress.jsonl``: id, lesson, passed, the named mistake's id, points, time; never
the answer) by :mod:`rnncourse.checks.recording`, which ``rnncourse progress`` and a workshop's
dashboard read. ``RNNCOURSE_PROGRESS=off`` turns it off; graders never record (the homework
grader's kernel runs with it off, nbgrader's graded cells call :func:`judge_answer`).

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

from typing import Any

from rnncourse.checks.autograder import autograde, autograde_question
from rnncourse.checks.catalogue import (
    EXERCISES,
    LESSONS,
    QUESTIONS,
    exercises_for_lesson,
    graded_for_lesson,
    points_for_lesson,
    questions_for_lesson,
)
from rnncourse.checks.checking import check, judge_answer
from rnncourse.checks.engine import (
    Exercise,
    FunctionExercise,
    Mistake,
    Result,
    Verdict,
    aggregate,
    from_bytes,
    pack,
    run_check,
    to_bytes,
    unpack,
)
from rnncourse.checks.unfinished import skip_if_unfinished


def ask(question_id: str) -> Any:
    """The answer widget of a self-check question (radio buttons, checkboxes or a number box, and
    a Check button that runs the same :func:`check`); see :mod:`rnncourse.checks.widgets`."""
    from rnncourse.checks.widgets import ask as _ask  # late: ipywidgets only when a widget is shown

    return _ask(question_id)


__all__ = ["check", "judge_answer", "ask", "skip_if_unfinished", "autograde", "autograde_question",
           "EXERCISES", "QUESTIONS", "LESSONS",
           "exercises_for_lesson", "questions_for_lesson", "graded_for_lesson", "points_for_lesson",
           "Exercise", "FunctionExercise", "Mistake",
           "Result", "Verdict", "aggregate", "run_check", "pack", "unpack", "to_bytes",
           "from_bytes"]
