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

Progress
--------
Each verdict :func:`check` gives is also appended to the learner's progress file
(``~/.rnncourse/progress.jsonl``: id, lesson, passed, the named mistake's id, points, time; never
the answer) by :mod:`rnncourse.checks.recording`, which ``rnncourse progress`` and a workshop's
dashboard read. ``RNNCOURSE_PROGRESS=off`` turns it off; graders never record (the homework
grader's kernel runs with it off, nbgrader's graded cells call :func:`judge_answer`).

Exercises and lessons
---------------------
(points are defined by the catalogue; a test keeps this table equal to it)

===========================  ==========================  ======  ==========================
id                           lesson                      points  reference
===========================  ==========================  ======  ==========================
warmup_sum_of_squares        00_welcome                  1       checks.catalogue.warmup
affine_forward               01_feedforward_backprop     1       nn.affine_forward
affine_backward              01_feedforward_backprop     2       nn.affine_backward
tanh_backward                01_feedforward_backprop     1       nn.tanh_backward
softmax_cross_entropy        01_feedforward_backprop     2       nn.softmax_cross_entropy
numerical_gradient           01_feedforward_backprop     2       gradcheck.numerical_gradient
rnn_step_forward             02_recurrence_and_cycles    1       rnn.rnn_step_forward
topological_sort             02_recurrence_and_cycles    2       graph.topological_sort
rnn_forward                  03_unrolling                2       rnn.rnn_forward
rnn_step_backward            04_bptt                     2       rnn.rnn_step_backward
rnn_backward                 04_bptt                     3       rnn.rnn_backward
rnn_backward_truncated       05_training_in_practice     2       rnn.rnn_backward_truncated
clip_gradients               05_training_in_practice     1       optim.clip_gradients
lstm_step_forward            06_gated_cells              2       rnn.lstm_step_forward
lstm_step_backward           06_gated_cells              3       rnn.lstm_step_backward
lstm_backward                06_gated_cells              3       rnn.lstm_backward
===========================  ==========================  ======  ==========================

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
:data:`QUESTIONS` holds the conceptual questions of lessons 1-5 (``q<lesson>_<name>``, 0.5
point each by default), answered with a plain value through the same :func:`check`
(``check(question_id, ...)`` says "not answered yet") or with the widget of :func:`ask`. Their
key is stored as salted digests (:mod:`rnncourse.checks.engine.question`; docs/checks.md).
"""

from __future__ import annotations

import difflib

from rnncourse.checks.catalogue import (EXERCISES, LESSONS, QUESTIONS, exercises_for_lesson,
                                        graded_for_lesson, points_for_lesson, questions_for_lesson)
from rnncourse.checks.engine import (DEFAULT_TIME_LIMIT, Exercise, FunctionExercise, Mistake,
                                     Result, Verdict, aggregate, check_with_dependencies,
                                     from_bytes, pack, run_check, to_bytes, unpack)
from rnncourse.checks.autograder import autograde, autograde_question
from rnncourse.checks.recording import record_verdict
from rnncourse.checks.unfinished import skip_if_unfinished


def check(exercise_id, fn, *, seed=0, time_limit=DEFAULT_TIME_LIMIT, knock_on="full"):
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
    result = judge_answer(exercise_id, fn, seed=seed, time_limit=time_limit, knock_on=knock_on)
    if not getattr(result, "internal_error", False):
        record_verdict(exercise, result, fn)
    return result


def judge_answer(exercise_id: str, fn, *, seed: int = 0, time_limit: float = DEFAULT_TIME_LIMIT,
                 knock_on: str = "full") -> Result:
    """What :func:`check` returns, without recording it in the learner's progress file: the
    graders (nbgrader's graded cells) call this."""
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
        result = Result(exercise_id, False, f"internal error in the checker "
                                            f"({type(exc).__name__}: {exc}); please report it to "
                                            "the course maintainers", 0, exercise.points)
        result.internal_error = True
        return result


def _unknown(exercise_id):
    close = difflib.get_close_matches(str(exercise_id), [*EXERCISES, *QUESTIONS], n=3, cutoff=0.5)
    hint = (f"did you mean {', '.join(close)}?" if close
            else f"known ids: {', '.join(EXERCISES)}")
    return Result(str(exercise_id), False, f"unknown exercise id {exercise_id!r}: {hint}", 0, 0)


def ask(question_id):
    """The answer widget of a self-check question (radio buttons, checkboxes or a number box, and
    a Check button that runs the same :func:`check`); see :mod:`rnncourse.checks.widgets`."""
    from rnncourse.checks.widgets import ask as _ask  # late: ipywidgets only when a widget is shown

    return _ask(question_id)


__all__ = ["check", "judge_answer", "ask", "skip_if_unfinished", "autograde", "autograde_question", "EXERCISES", "QUESTIONS", "LESSONS",
           "exercises_for_lesson", "questions_for_lesson", "graded_for_lesson", "points_for_lesson",
           "Exercise", "FunctionExercise", "Mistake",
           "Result", "Verdict", "aggregate", "run_check", "pack", "unpack", "to_bytes",
           "from_bytes"]
