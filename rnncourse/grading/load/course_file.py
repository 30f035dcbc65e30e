"""The course file: points and partial credit per lesson, set by the instructor, not the package.

``rnncourse grade --course grading.toml`` (or a ``grading.toml`` in the folder the grader runs
from) reads a small TOML file::

    [lessons.04_bptt]
    partial_credit = "fraction"     # or "all-or-nothing" (the default)
    knock_on = "full"               # or "none" (the default is "full")

    [lessons.04_bptt.points]        # any exercise or self-check question of the lesson
    rnn_step_backward = 2
    rnn_backward = 4
    q04_predict_total = 1

- ``points``: what an exercise or question is worth (a number >= 0; 0 takes it out of the
  total); the ones not named keep the catalogue's points;
- ``partial_credit``: ``"all-or-nothing"`` (all its points when every test case passes, else 0)
  or ``"fraction"`` (its points times the fraction of its test cases that pass; a flagged
  exercise still scores 0, and a question, one case, is all or nothing);
- ``[submissions] counts``: when a student has several submissions of a lesson in the
  gradebook (a resubmission), which one counts: ``"latest"`` (the default), ``"first"`` or
  ``"best"`` (the highest final score); the others stay in the gradebook, superseded
  (:mod:`rnncourse.grading.records.term`);
- ``[lessons.ID.late]``: late work: ``due`` (a date and time with its zone, e.g.
  ``2026-12-04T23:59:00Z``), ``grace_minutes`` (default 0), ``per_day`` (percent of the
  lesson's points taken per started day after the due date and the grace; default 0), ``max``
  (the most taken, in percent; default 100), ``cutoff`` (after it, the score is 0) and
  ``[lessons.ID.late.extensions]`` (per student id, that student's own due date; their cut-off
  moves by as much). Applied by :mod:`rnncourse.grading.records.term`;
- ``knock_on``: what an exercise that fails only because an exercise it calls is wrong scores
  (:mod:`rnncourse.checks.engine.dependencies`): ``"full"`` points or ``"none"``.

Everything is validated before anything is graded; a mistake raises :class:`CourseFileError`
whose message names the key and says what to write instead (``rnncourse grade`` exits with 2).
The gradebook's ``possible`` follows the file, and every JSON report records it.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import os
import sys
from dataclasses import dataclass, field

from rnncourse.checks import LESSONS, graded_for_lesson
from rnncourse.checks.engine import KNOCK_ON_POLICIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_FILE = "grading.toml"
"""Read from the folder ``rnncourse grade`` runs in when ``--course`` is not given."""

PARTIAL_CREDIT = ("all-or-nothing", "fraction")
COUNTS = ("latest", "first", "best")
"""``[submissions] counts``: which of a student's submissions of a lesson counts."""
LESSON_KEYS = ("points", "partial_credit", "knock_on", "late")
LATE_KEYS = ("due", "grace_minutes", "per_day", "max", "cutoff", "extensions")
MAX_BYTES = 1024 * 1024


class CourseFileError(ValueError):
    """A course file that cannot be used; the message names the key and the fix."""


@dataclass(frozen=True)
class LessonPolicy:
    """One lesson's settings: ``points`` (id -> number, only the ones the file sets),
    ``partial_credit`` and ``knock_on``."""

    points: dict = field(default_factory=dict)
    partial_credit: str = "all-or-nothing"
    knock_on: str = "full"
    late: dict | None = None
    """the late-work rules (:func:`_late_policy`), times as ISO 8601 text; None: no due date"""


@dataclass(frozen=True)
class Course:
    """The settings of a course file (``path`` None and no lessons: the catalogue's defaults)."""

    path: str | None = None
    sha256: str | None = None
    lessons: dict = field(default_factory=dict)
    counts: str = "latest"
    """which of a student's submissions of a lesson counts: ``latest``, ``first`` or ``best``"""

    def policy(self, lesson):
        """The :class:`LessonPolicy` of ``lesson`` (the defaults when the file does not name it)."""
        return self.lessons.get(lesson, LessonPolicy())

    def worth(self, lesson, exercise):
        """What ``exercise`` (or question) of ``lesson`` is worth."""
        return self.policy(lesson).points.get(exercise.id, exercise.points)

    def credit(self, lesson, exercise, entry):
        """The points a judged ``entry`` (a report's exercise dict) earns under the policy.

        Without settings for ``lesson``, the entry's own points (what the judge gave).
        """
        if lesson not in self.lessons:
            return entry.get("points", 0) or 0
        worth = self.worth(lesson, exercise)
        if entry.get("flag"):
            return 0
        if entry.get("passed"):
            return worth
        cases = entry.get("cases") or []
        n_cases = entry.get("n_cases") or len(cases)
        if self.policy(lesson).partial_credit != "fraction" or not n_cases:
            return 0
        passed = sum(1 for case in cases if isinstance(case, dict) and case.get("passed") is True)
        return worth * min(passed, n_cases) / n_cases

    def to_dict(self):
        """Plain data for the JSON reports."""
        return {"path": self.path, "sha256": self.sha256,
                "lessons": {stem: {"points": dict(p.points), "partial_credit": p.partial_credit,
                                   "knock_on": p.knock_on,
                                   **({"late": p.late} if p.late else {})}
                            for stem, p in self.lessons.items()},
                "counts": self.counts}


DEFAULT_COURSE = Course()


def _kind(value):
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _choice(where, value, allowed):
    if isinstance(value, str) and value in allowed:
        return value
    shown = f"{value!r}" if isinstance(value, str) else _kind(value)
    options = " or ".join(f'"{a}"' for a in allowed)
    raise CourseFileError(f"{where} = {shown}: use {options}")


def _points(where, value):
    ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
          and math.isfinite(value) and value >= 0)
    if not ok:
        shown = repr(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
            else _kind(value)
        raise CourseFileError(f"{where} = {shown}: points must be a number >= 0 (e.g. 2 or 0.5)")
    return int(value) if float(value).is_integer() else float(value)


def _when(where, value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.datetime):
        raise CourseFileError(f"{where} = {value.isoformat()}: give the time zone, e.g. "
                              f"{value.isoformat()}Z (UTC) or {value.isoformat()}+01:00")
    shown = value.isoformat() if isinstance(value, (datetime.date, datetime.time)) \
        else _kind(value)
    raise CourseFileError(f"{where} = {shown}: write a date and time with its zone, e.g. "
                          "2026-12-04T23:59:00Z")


def _percent(where, value):
    points = _points(where, value)
    if points > 100:
        raise CourseFileError(f"{where} = {points}: a percentage of the lesson's points, "
                              "0 to 100")
    return points


def _late_policy(name, stem, table):
    """The ``[lessons.ID.late]`` table: due date, grace, penalty per day, cap, cut-off,
    extensions per student id."""
    where = f"{name}: [lessons.{stem}.late]"
    if not isinstance(table, dict):
        raise CourseFileError(f"{name}: lessons.{stem}.late is {_kind(table)}; make it a table: "
                              f"[lessons.{stem}.late] with due = 2026-12-04T23:59:00Z")
    for key in table:
        if key not in LATE_KEYS:
            raise CourseFileError(f"{where}: unknown key {key!r}; use {', '.join(LATE_KEYS)}")
    if "due" not in table:
        raise CourseFileError(f"{where}: no due date; add due = 2026-12-04T23:59:00Z")
    late = {"due": _when(f"{name}: lessons.{stem}.late.due", table["due"]),
            "grace_minutes": _points(f"{name}: lessons.{stem}.late.grace_minutes",
                                     table.get("grace_minutes", 0)),
            "per_day": _percent(f"{name}: lessons.{stem}.late.per_day", table.get("per_day", 0)),
            "max": _percent(f"{name}: lessons.{stem}.late.max", table.get("max", 100))}
    if "cutoff" in table:
        late["cutoff"] = _when(f"{name}: lessons.{stem}.late.cutoff", table["cutoff"])
        if late["cutoff"] < late["due"]:
            raise CourseFileError(f"{name}: lessons.{stem}.late.cutoff = {late['cutoff']} is "
                                  f"before the due date {late['due']}; give a later cut-off")
    extensions = table.get("extensions", {})
    if not isinstance(extensions, dict):
        raise CourseFileError(f"{name}: lessons.{stem}.late.extensions is {_kind(extensions)}; "
                              f"make it a table: [lessons.{stem}.late.extensions] with one line "
                              "per student id: s4 = 2026-12-06T23:59:00Z")
    late["extensions"] = {str(sid): _when(f"{name}: lessons.{stem}.late.extensions.{sid}", when)
                          for sid, when in extensions.items()}
    return late


def _lesson_policy(name, stem, table):
    where = f"{name}: [lessons.{stem}]"
    if not isinstance(table, dict):
        raise CourseFileError(f"{name}: lessons.{stem} is {_kind(table)}; make it a table: "
                              f"[lessons.{stem}]")
    for key in table:
        if key not in LESSON_KEYS:
            raise CourseFileError(f"{where}: unknown key {key!r}; use {', '.join(LESSON_KEYS)}")
    points = table.get("points", {})
    if not isinstance(points, dict):
        raise CourseFileError(f"{name}: lessons.{stem}.points is {_kind(points)}; make it a "
                              f"table: [lessons.{stem}.points] with one line per exercise")
    known = [ex.id for ex in graded_for_lesson(stem)]
    by_id = {ex.id: ex for ex in graded_for_lesson(stem)}
    chosen = {}
    for ex_id, value in points.items():
        if ex_id not in by_id:
            raise CourseFileError(f"{name}: [lessons.{stem}.points]: {ex_id!r} is not an exercise "
                                  f"or question of {stem}; use one of: {', '.join(known)}")
        chosen[ex_id] = _points(f"{name}: lessons.{stem}.points.{ex_id}", value)
    return LessonPolicy(
        points=chosen,
        partial_credit=_choice(f"{name}: lessons.{stem}.partial_credit",
                               table.get("partial_credit", "all-or-nothing"), PARTIAL_CREDIT),
        knock_on=_choice(f"{name}: lessons.{stem}.knock_on", table.get("knock_on", "full"),
                         KNOCK_ON_POLICIES),
        late=_late_policy(name, stem, table["late"]) if "late" in table else None)


def parse_course(data, name=DEFAULT_FILE):
    """A :class:`Course` from TOML bytes; ``name`` is how messages refer to the file.

    Raises
    ------
    CourseFileError
        for anything the module docstring does not allow, naming the key and the fix.
    """
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CourseFileError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CourseFileError(f"{name}: not valid TOML ({exc})") from None
    for key in document:
        if key not in ("lessons", "submissions"):
            raise CourseFileError(f"{name}: unknown key {key!r}; a course file has [lessons.ID] "
                                  "tables (e.g. [lessons.04_bptt]) and a [submissions] table")
    submissions = document.get("submissions", {})
    if not isinstance(submissions, dict):
        raise CourseFileError(f"{name}: submissions is {_kind(submissions)}; make it a table: "
                              "[submissions] with counts = \"latest\"")
    for key in submissions:
        if key != "counts":
            raise CourseFileError(f"{name}: [submissions]: unknown key {key!r}; use counts")
    counts = _choice(f"{name}: submissions.counts", submissions.get("counts", "latest"), COUNTS)
    lessons_table = document.get("lessons", {})
    if not isinstance(lessons_table, dict):
        raise CourseFileError(f"{name}: lessons is {_kind(lessons_table)}; write one table per "
                              "lesson: [lessons.04_bptt]")
    lessons = {}
    for stem, table in lessons_table.items():
        if stem not in LESSONS:
            raise CourseFileError(f"{name}: [lessons.{stem}]: unknown lesson {stem!r}; use one "
                                  f"of: {', '.join(LESSONS)}")
        lessons[stem] = _lesson_policy(name, stem, table)
    return Course(path=name, sha256=hashlib.sha256(data).hexdigest(), lessons=lessons,
                  counts=counts)


def load_course(path):
    """Read and validate the course file at ``path``; see :func:`parse_course`."""
    shown = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise CourseFileError(f"{shown}: no such file; give the course file's path, e.g. "
                              f"--course {DEFAULT_FILE}") from None
    except OSError as exc:
        raise CourseFileError(f"{shown}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise CourseFileError(f"{shown}: larger than 1 MB; a course file is a few lines")
    course = parse_course(data, shown)
    return Course(path=os.path.abspath(shown), sha256=course.sha256, lessons=course.lessons,
                  counts=course.counts)


def find_course(path=None, folder=None):
    """``(course, found)``: the course file at ``path`` (or ``path`` itself when it is already a
    :class:`Course`); else ``grading.toml`` in ``folder`` (default: the current folder) when
    there is one (``found`` True); else the defaults.

    Raises
    ------
    CourseFileError
        for a file that is missing (``path`` given) or not valid.
    """
    if isinstance(path, Course):
        return path, False
    if path is not None:
        return load_course(path), False
    default = os.path.join(folder or os.getcwd(), DEFAULT_FILE)
    if os.path.isfile(default):
        return load_course(default), True
    return DEFAULT_COURSE, False


__all__ = ["COUNTS", "Course", "CourseFileError", "DEFAULT_COURSE", "DEFAULT_FILE", "LessonPolicy",
           "PARTIAL_CREDIT", "find_course", "load_course", "parse_course"]
