"""Typed grading results: one :class:`SubmissionResult` per submission, with a :class:`Status`.

The worker builds a result, the batch completes it (lesson, points, the course-file check), and
the writers (:mod:`~rnncourse.grading.records.writers`) only read it. The gradebook's status column is
derived, never parsed back:

- ``ok``, ``timeout``, ``memory``, ``kernel died``, ``disk limit reached`` (the notebook wrote
  more than ``--disk``; the kernel was stopped), ``invalid notebook: <reason>`` or
  ``wrong lesson: <the lesson the notebook's metadata names>`` (with ``--lesson``: not graded);
- then, when an exercise was flagged, ``flagged: <exercise>: <reason>; ...`` (alone after ``ok``,
  else after ``; ``);
- then ``; course files changed during grading`` when the course package changed mid-batch;
- then ``; graded without a sandbox`` when the batch ran with ``--unsafe-same-user``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from rnncourse.checks import graded_for_lesson
from rnncourse.grading.load.course_file import DEFAULT_COURSE

CHANGED_TEXT = "course files changed during grading"
NO_SANDBOX_TEXT = "graded without a sandbox"


class Status(enum.Enum):
    """How running a submission went (the exercises' own outcomes are in ``exercises``)."""

    OK = "ok"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    KERNEL_DIED = "kernel died"
    DISK = "disk limit reached"
    INVALID = "invalid notebook"
    WRONG_LESSON = "wrong lesson"


SEVERITY = (Status.INVALID, Status.WRONG_LESSON, Status.DISK, Status.KERNEL_DIED, Status.TIMEOUT,
            Status.MEMORY)
"""When several things went wrong, the status is the first of these that happened (the first two
are decided before grading: such a notebook is not run at all)."""

WITH_REASON = (Status.INVALID, Status.WRONG_LESSON)
"""Statuses whose text is followed by ``: <reason>``."""


def lesson_exercises(lesson):
    """The exercises and self-check questions graded for ``lesson`` (``[]`` when no lesson
    could be determined)."""
    return graded_for_lesson(lesson) if lesson else []


def points_number(value):
    """Points as the gradebook shows them: a whole number as an int, else a float (0.5)."""
    value = float(value)
    return int(value) if value.is_integer() else round(value, 4)


@dataclass
class SubmissionResult:
    """Everything known about one graded (or ungradable) submission.

    Attributes
    ----------
    name, path, sha256 : the submission (see :class:`~rnncourse.grading.load.submissions.Submission`)
    seed : int, the seed of the test cases
    lesson : str or None
    status : :class:`Status`
    reason : str or None, why the notebook is invalid (``status`` is ``INVALID``), or the lesson
        its metadata names (``status`` is ``WRONG_LESSON``)
    problems : list of str, notes behind the status (a cell that timed out, ...)
    cells : list of dict, each code cell's outcome
    exercises : dict exercise id -> plain dict (points, possible, passed, message, flag, cases)
    total, possible : int, or float when a question's half point is in them (set by :meth:`score`)
    course_files_changed : bool
    without_sandbox : bool, the batch ran with ``--unsafe-same-user`` (no bubblewrap sandbox)
    isolation : str, how the kernel was isolated (the launcher's description)
    details : dict, extra facts for the JSON report (timing, seconds)
    """

    name: str = ""
    path: str = ""
    sha256: str = ""
    seed: int | None = None
    lesson: str | None = None
    status: Status = Status.OK
    reason: str | None = None
    problems: list = field(default_factory=list)
    cells: list = field(default_factory=list)
    exercises: dict = field(default_factory=dict)
    total: int = 0
    possible: int = 0
    course_files_changed: bool = False
    without_sandbox: bool = False
    isolation: str = ""
    details: dict = field(default_factory=dict)

    @classmethod
    def invalid(cls, reason, **known):
        return cls(status=Status.INVALID, reason=str(reason), **known)

    @classmethod
    def wrong_lesson(cls, named, lesson, **known):
        """Not graded: graded as ``lesson`` (``--lesson``), its metadata names lesson ``named``."""
        problem = (f"this notebook is lesson {named} (its metadata says so), but the batch grades "
                   f"lesson {lesson}: it was not run and scores 0. Submit your lesson {lesson} "
                   "notebook.")
        return cls(status=Status.WRONG_LESSON, reason=str(named), lesson=lesson,
                   problems=[problem], **known)

    @property
    def flags(self):
        """``{exercise id: reason}`` of the flagged exercises, in catalogue order."""
        return {ex_id: entry["flag"] for ex_id, entry in self.exercises.items()
                if isinstance(entry, dict) and entry.get("flag")}

    @property
    def status_text(self):
        """The gradebook's status column (see the module docstring)."""
        text = (f"{self.status.value}: {self.reason}" if self.status in WITH_REASON
                else self.status.value)
        flags = self.flags
        if flags:
            flagged = "flagged: " + "; ".join(f"{k}: {v}" for k, v in flags.items())
            text = flagged if self.status is Status.OK else f"{text}; {flagged}"
        if self.course_files_changed:
            text += f"; {CHANGED_TEXT}"
        if self.without_sandbox:
            text += f"; {NO_SANDBOX_TEXT}"
        return text

    def score(self, course=None):
        """Set ``total`` and ``possible`` from the lesson's exercises; an exercise that was not
        graded gets 0 points and a message saying why. ``course``
        (:class:`~rnncourse.grading.load.course_file.Course`, from the course file) sets what each is worth
        and how partial credit is given; without it, the catalogue's points, all or nothing."""
        course = course or DEFAULT_COURSE
        total = possible = 0
        for ex in lesson_exercises(self.lesson):
            worth = course.worth(self.lesson, ex)
            entry = self.exercises.get(ex.id)
            if entry is None:
                entry = {"points": 0, "possible": worth, "passed": False, "flag": None,
                         "message": "not graded: " + self.status_text, "cases": []}
                self.exercises[ex.id] = entry
            entry["points"] = points_number(course.credit(self.lesson, ex, entry))
            entry["possible"] = points_number(worth)
            possible += worth
            total += entry.get("points", 0) or 0
        self.total, self.possible = points_number(total), points_number(possible)
        return self

    def to_dict(self):
        """Plain data for the JSON report and the worker's pipe (see :meth:`from_dict`)."""
        return {"name": self.name, "path": self.path, "sha256": self.sha256, "seed": self.seed,
                "lesson": self.lesson, "status": self.status_text, "outcome": self.status.value,
                "reason": self.reason, "flags": self.flags,
                "course_files_changed": self.course_files_changed,
                "without_sandbox": self.without_sandbox, "isolation": self.isolation,
                "problems": self.problems,
                "cells": self.cells, "exercises": self.exercises, "total": self.total,
                "possible": self.possible, **self.details}

    @classmethod
    def from_dict(cls, data):
        """Inverse of :meth:`to_dict` (extra keys become ``details``).

        Raises
        ------
        ValueError
            for an ``outcome`` that is not a :class:`Status` value.
        """
        known = {"name", "path", "sha256", "seed", "lesson", "status", "outcome", "reason",
                 "flags", "course_files_changed", "without_sandbox", "isolation", "problems",
                 "cells", "exercises", "total", "possible"}
        return cls(name=data.get("name", ""), path=data.get("path", ""),
                   sha256=data.get("sha256", ""), seed=data.get("seed"),
                   lesson=data.get("lesson"), status=Status(data.get("outcome", "ok")),
                   reason=data.get("reason"), problems=list(data.get("problems") or []),
                   cells=list(data.get("cells") or []),
                   exercises=dict(data.get("exercises") or {}),
                   total=points_number(data.get("total", 0)),
                   possible=points_number(data.get("possible", 0)),
                   course_files_changed=bool(data.get("course_files_changed", False)),
                   without_sandbox=bool(data.get("without_sandbox", False)),
                   isolation=str(data.get("isolation") or ""),
                   details={k: v for k, v in data.items() if k not in known})


__all__ = ["Status", "SubmissionResult", "SEVERITY", "CHANGED_TEXT", "NO_SANDBOX_TEXT",
           "lesson_exercises", "points_number"]
