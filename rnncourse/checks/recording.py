"""Recording what ``check()`` told the learner in their progress file (:mod:`rnncourse.progress`).

:func:`record_verdict` turns a :class:`~rnncourse.checks.engine.result.Result` into a progress
record (id, lesson, passed, the named mistake's id, points, time; never the answer or the message)
and appends it. It never raises and never slows a check noticeably: a file that cannot be written
gives one warning per session and is then left alone. Nothing is recorded when recording is off
(``RNNCOURSE_PROGRESS=off``, a grader running the notebook), for an answer not written yet (a
lesson's placeholder, a question's ``...``), when the checker itself failed, and for a function
whose name is not the exercise's: the learner writes ``rnn_backward`` for exercise
``rnn_backward``, while the lessons' own demonstrations check functions named otherwise
(``sum_without_squares``, ``rnn_backward_inplace``) to show what a failing check says, and those
are not the learner's attempts.
"""

from __future__ import annotations

import warnings

from rnncourse.checks.engine import Exercise, Result
from rnncourse.progress import make_record, record, recording_enabled
from rnncourse.progress.record_format import MISTAKE

_warned = False


def record_verdict(exercise: Exercise, result: Result, answer) -> bool:
    """Append ``result`` (of ``check(exercise.id, answer)``) to the progress file; True if written."""
    global _warned
    try:
        if (not recording_enabled() or _unanswered(exercise, answer) or result.unfinished
                or not _learners_attempt(exercise, answer)):
            return False
        mistake = result.mistake if isinstance(result.mistake, str) else None
        if mistake is not None and not MISTAKE.fullmatch(mistake):
            mistake = None
        knock_on = tuple(result.knock_on) if result.knock_on else None
        record(make_record(exercise.id, exercise.lesson, result.passed,
                           None if result.passed else mistake, result.points, result.possible,
                           knock_on))
        return True
    except Exception as exc:  # recording must never break a check
        if not _warned:
            _warned = True
            warnings.warn(f"your progress was not recorded ({type(exc).__name__}: {exc}); "
                          "checks work as usual. Set RNNCOURSE_PROGRESS=off to stop recording.",
                          RuntimeWarning, stacklevel=3)
        return False


def _learners_attempt(exercise, answer):
    if getattr(exercise, "answer_kind", "function") == "value":
        return True
    return getattr(answer, "__name__", None) == exercise.id


def _unanswered(exercise, answer):
    return getattr(exercise, "answer_kind", "function") == "value" and (
        answer is None or answer is Ellipsis)


__all__ = ["record_verdict"]
