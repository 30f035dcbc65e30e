"""``check(exercise_id, fn)``: the one call a learner makes, for an exercise or a question.

It finds the exercise (or question) in the catalogue, runs it through the engine with the
knock-on rule for the exercises it calls, and returns a :class:`~rnncourse.checks.engine.Result`;
an unknown id fails and names the closest known ids. An answer that calls the course's own
implementation of the exercise fails as FLAGGED, found and worded as the grader does
(:mod:`rnncourse.checks.reference_use`). :func:`check` also records the verdict in the
learner's progress file (:mod:`rnncourse.checks.recording`); :func:`judge_answer` is the
same judging without recording, for the graders.
"""

from __future__ import annotations

import difflib
from typing import Any

from rnncourse.checks.catalogue import EXERCISES, QUESTIONS
from rnncourse.checks.engine import DEFAULT_TIME_LIMIT, Result, check_with_dependencies, run_check
from rnncourse.checks.recording import record_verdict
from rnncourse.checks.reference_use import flag_message, reference_flag


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
    result = judge_answer(exercise_id, fn, seed=seed, time_limit=time_limit, knock_on=knock_on)
    if not result.internal_error:
        record_verdict(exercise, result, fn)
    return result


def judge_answer(exercise_id: str, fn: Any, *, seed: int = 0, time_limit: float = DEFAULT_TIME_LIMIT,
                 knock_on: str = "full") -> Result:
    """What :func:`check` returns, without recording it in the learner's progress file: the
    graders (nbgrader's graded cells) call this."""
    exercise = None
    if isinstance(exercise_id, str):
        exercise = EXERCISES.get(exercise_id) or QUESTIONS.get(exercise_id)
    if exercise is None:
        return _unknown(exercise_id)
    try:
        flag = reference_flag(exercise, fn)
        if flag:
            return Result(exercise.id, False, flag_message(flag), 0, exercise.points, flag=flag)
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


__all__ = ["check", "judge_answer"]
