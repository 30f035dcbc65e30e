"""One progress record: what a check said, as one JSON line, and the validation of lines read back.

A line looks like::

    {"v": 1, "id": "rnn_backward", "lesson": "04_bptt", "passed": false,
     "mistake": "overwrite_shared_gradient", "points": 0, "possible": 3, "knock_on": null,
     "time": "2026-12-08T01:23:45.123456Z"}

It never holds the learner's code, answer or the checker's message (which may quote values the
learner's function returned). Whoever reads a line back cannot trust it: :func:`parse_line`
accepts only a line of at most :data:`MAX_LINE_BYTES` bytes of UTF-8 JSON whose fields have exactly
these names, types and shapes, and returns None for anything else.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone

VERSION = 1
MAX_LINE_BYTES = 1024
"""A longer line is not a record (a real one is under 300 bytes)."""

ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
"""An exercise or question id (``rnn_backward``, ``q04_total_vs_partial``)."""
LESSON = re.compile(r"\d{2}_[a-z0-9_]{1,60}")
"""A lesson stem (``04_bptt``)."""
MISTAKE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}( or [A-Za-z_][A-Za-z0-9_]{0,63}){0,3}")
"""A named mistake's id, or up to four of them joined by `` or `` (one error, several causes)."""
TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
MAX_POINTS = 1000
MAX_KNOCK_ON = 8
FIELDS = ("v", "id", "lesson", "passed", "mistake", "points", "possible", "knock_on", "time")


@dataclass(frozen=True)
class Record:
    """One verdict.

    Attributes
    ----------
    id : str, the exercise or question id
    lesson : str, its lesson stem
    passed : bool
    mistake : str or None, the id of the named mistake that matched (None when none did)
    points, possible : float, points earned and available
    knock_on : tuple of str or None, exercises it calls whose mistakes alone made it fail
    time : str, UTC, ISO 8601 with a ``Z``
    """

    id: str
    lesson: str
    passed: bool
    mistake: str | None
    points: float
    possible: float
    knock_on: tuple | None
    time: str

    def to_line(self) -> bytes:
        """The record as one JSON line (UTF-8, ending in a newline)."""
        data = {"v": VERSION, "id": self.id, "lesson": self.lesson, "passed": self.passed,
                "mistake": self.mistake, "points": self.points, "possible": self.possible,
                "knock_on": list(self.knock_on) if self.knock_on is not None else None,
                "time": self.time}
        return (json.dumps(data, separators=(",", ":")) + "\n").encode("utf-8")


def utc_now() -> str:
    """The current time as the records write it (``2026-12-08T01:23:45.123456Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_record(exercise_id: str, lesson: str, passed: bool, mistake: str | None = None,
                points: float = 0, possible: float = 0, knock_on=None, time: str | None = None
                ) -> Record:
    """A validated :class:`Record` (``time`` defaults to now).

    Raises
    ------
    ValueError
        naming the field that is not what a record holds.
    """
    candidate = {"v": VERSION, "id": exercise_id, "lesson": lesson, "passed": passed,
                 "mistake": mistake, "points": points, "possible": possible,
                 "knock_on": list(knock_on) if knock_on is not None else None,
                 "time": time or utc_now()}
    problem = _problem(candidate)
    if problem:
        raise ValueError(f"not a progress record: {problem}")
    return _build(candidate)


def parse_line(line: bytes) -> Record | None:
    """The record in one line of a progress file, or None when it is not a valid record."""
    if not isinstance(line, (bytes, bytearray)) or len(line) > MAX_LINE_BYTES:
        return None
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if _problem(data):
        return None
    return _build(data)


def _build(data):
    knock_on = tuple(data["knock_on"]) if data["knock_on"] is not None else None
    return Record(data["id"], data["lesson"], data["passed"], data["mistake"],
                  data["points"], data["possible"], knock_on, data["time"])


def _number(value):
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and 0 <= value <= MAX_POINTS)


def _problem(data):
    """What makes ``data`` not a record (a short phrase), or None."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if set(data) != set(FIELDS):
        return f"fields {sorted(map(str, data))[:12]} are not {list(FIELDS)}"
    if data["v"] != VERSION or isinstance(data["v"], bool):
        return f"version {data['v']!r} is not {VERSION}"
    if not isinstance(data["id"], str) or not ID.fullmatch(data["id"]):
        return f"id {str(data['id'])[:80]!r} is not an exercise id"
    if not isinstance(data["lesson"], str) or not LESSON.fullmatch(data["lesson"]):
        return f"lesson {str(data['lesson'])[:80]!r} is not a lesson stem"
    if not isinstance(data["passed"], bool):
        return "passed is not true or false"
    mistake = data["mistake"]
    if mistake is not None and (not isinstance(mistake, str) or not MISTAKE.fullmatch(mistake)):
        return f"mistake {str(mistake)[:80]!r} is not a mistake id"
    if not _number(data["points"]) or not _number(data["possible"]):
        return "points or possible is not a number between 0 and 1000"
    if data["points"] > data["possible"]:
        return "points is more than possible"
    knock_on = data["knock_on"]
    if knock_on is not None and not (isinstance(knock_on, list) and len(knock_on) <= MAX_KNOCK_ON
                                     and all(isinstance(k, str) and ID.fullmatch(k)
                                             for k in knock_on)):
        return "knock_on is not a short list of exercise ids"
    if not isinstance(data["time"], str) or not TIME.fullmatch(data["time"]):
        return f"time {str(data['time'])[:40]!r} is not a UTC ISO time"
    try:
        datetime.strptime(data["time"][:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return f"time {data['time']!r} is not a real date"
    return None


__all__ = ["Record", "make_record", "parse_line", "utc_now", "MAX_LINE_BYTES", "VERSION", "ID",
           "LESSON", "MISTAKE"]
