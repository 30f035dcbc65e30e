"""Late work: the penalty of a submission handed in after its lesson's due date.

The rules are the course file's ``[lessons.ID.late]`` (:mod:`rnncourse.grading.load.course_file`):
the penalty is ``per_day`` percent of the lesson's possible points for every started day after
the due date (the student's extension, if any) plus ``grace_minutes``, at most ``max`` percent,
and never more than the score; after the cut-off (moved by an extension as much as the due
date) it is the whole score. The submission time is the file's, as the download left it; a
Canvas file name's ``LATE`` mark is noted beside it (:func:`lms_mark`). The term ledger
(:mod:`rnncourse.grading.records.term`) applies it to the gradebook.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

from rnncourse.grading.judging.results import points_number as number


def lms_mark(identity: str) -> str | None:
    """What the LMS download's name says about lateness: ``"Canvas LATE mark"`` or None."""
    return "Canvas LATE mark" if re.match(r"^[^/_]+_LATE_\d+_\d+_", identity) else None


def _parse(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def late_penalty(policy: dict, submitted: str | None, student_id: str, score: float,
                 possible: float, mark: str | None = None) -> tuple:
    """``(penalty points, why)`` for a submission handed in at ``submitted`` (UTC text) under
    the lesson's ``policy``; ``score`` is what it would earn otherwise.

    >>> points, why = late_penalty({"due": "2026-12-04T23:59:00Z", "grace_minutes": 15,
    ...                             "per_day": 10, "max": 30, "extensions": {}},
    ...                            "2026-12-06T08:00:00Z", "s1", 9, 10)
    >>> points
    2
    >>> why.startswith("submitted 2026-12-06T08:00:00Z, 2 day(s) after the due date 2026-12-04")
    True
    >>> why.endswith("and 15 minutes of grace: 10% of 10 points per day, 2 points")
    True
    """
    if submitted is None:
        return 0, "submission time unknown: no penalty; check it"
    due = policy["extensions"].get(student_id) or policy["due"]
    label = "your extended due date" if student_id in policy["extensions"] else "the due date"
    grace = timedelta(minutes=float(policy.get("grace_minutes", 0)))
    at = _parse(submitted)
    if "cutoff" in policy:
        cutoff = _parse(policy["cutoff"]) + (_parse(due) - _parse(policy["due"]))
        if at > cutoff:
            return number(score), (f"submitted {submitted}, after the cut-off "
                                   f"{cutoff.strftime('%Y-%m-%dT%H:%M:%SZ')}: scores 0")
    delay = at - _parse(due) - grace
    if delay <= timedelta(0):
        if mark:
            return 0, (f"on time by its file time {submitted} ({label} {due}), though the "
                       f"download has a {mark}: no penalty; check it")
        return 0, "on time"
    days = math.ceil(delay / timedelta(days=1))
    grace_text = (f" and {number(policy.get('grace_minutes', 0))} minutes of grace"
                  if float(policy.get("grace_minutes", 0)) else "")
    percent = min(float(policy.get("per_day", 0)) * days, float(policy.get("max", 100)))
    points = number(min(score, possible * percent / 100))
    rule = (f"{number(policy.get('per_day', 0))}% of {number(possible)} points per day"
            + (f", at most {number(policy['max'])}%" if percent == float(policy.get("max", 100))
               and percent < float(policy.get("per_day", 0)) * days else ""))
    return points, (f"submitted {submitted}, {days} day(s) after {label} {due}{grace_text}: "
                    f"{rule}, {points} points")



__all__ = ["late_penalty", "lms_mark"]
