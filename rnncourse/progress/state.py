"""A learner's records folded into where they stand: the latest verdict per exercise or question.

The latest verdict is the state (a learner who passed, then changed their function and failed,
is failing now); how many times they checked and whether any check ever passed are kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnncourse.progress.record_format import Record


@dataclass(frozen=True)
class Attempt:
    """Where a learner stands on one exercise or question.

    Attributes
    ----------
    last : Record, the latest verdict
    tries : int, how many verdicts there are
    ever_passed : bool, whether any of them passed
    """

    last: Record
    tries: int
    ever_passed: bool


def latest_attempts(records: list) -> dict:
    """``{id: Attempt}`` from ``records`` in the order they were written (file order)."""
    attempts = {}
    for rec in records:
        before = attempts.get(rec.id)
        attempts[rec.id] = Attempt(rec, (before.tries if before else 0) + 1,
                                   rec.passed or bool(before and before.ever_passed))
    return attempts


__all__ = ["Attempt", "latest_attempts"]
