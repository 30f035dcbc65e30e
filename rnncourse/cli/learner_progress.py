"""``rnncourse progress``: what a learner has passed, tried and failed, and not touched, per lesson.

Reads the learner's own progress file (``~/.rnncourse/progress.jsonl``, or the folder in
``$RNNCOURSE_PROGRESS_DIR``), written by every ``check()``; works offline, alone or on a
workshop's hub. ``--anonymous`` / ``--named`` set how a workshop's dashboard shows the learner.
"""

from __future__ import annotations

import argparse
import json
import sys

from rnncourse.checks import LESSONS, graded_for_lesson
from rnncourse.checks.mistakes import is_known, state_of
from rnncourse.progress import (
    PROGRESS_FILE,
    ReadResult,
    is_anonymous,
    latest_attempts,
    progress_dir,
    read_progress,
    set_anonymous,
)

SYMBOL = {"passed": "✓", "failing": "✗", "not started": "·"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "progress",
        help="show which exercises and questions you have passed, tried, or not started",
        description=(
            "Show, lesson by lesson, the exercises and self-check questions you passed, the ones "
            "you tried and still fail (with the last named mistake and what to do about it), and "
            "the ones not started yet. Every check() you run is recorded in "
            "~/.rnncourse/progress.jsonl (ids, verdicts and times only, never your code or "
            "answers; RNNCOURSE_PROGRESS_DIR moves it, RNNCOURSE_PROGRESS=off stops it)."),
    )
    parser.add_argument("--lesson", metavar="LESSON",
                        help="show one lesson only: its stem (04_bptt) or number (4 or 04)")
    parser.add_argument("--json", action="store_true",
                        help="print the same as JSON (for scripts)")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--anonymous", action="store_true",
                     help="on a workshop's dashboard, show me as an anonymous learner (a number) "
                          "instead of by name")
    who.add_argument("--named", action="store_true",
                     help="on a workshop's dashboard, show me by my login name again")
    parser.set_defaults(run=run)
    return parser


def lesson_stem(text: str) -> str:
    """The lesson stem for ``"04_bptt"``, ``"04"`` or ``"4"``.

    Raises
    ------
    ValueError
        naming the value and the known lessons.
    """
    text = str(text).strip()
    for stem in LESSONS:
        if text == stem or (text.isdigit() and int(text) == int(stem[:2])):
            return stem
    raise ValueError(f"--lesson {text!r} is not a lesson; use one of {', '.join(LESSONS)} "
                     "(or its number)")


def report(found: ReadResult, lessons: tuple = LESSONS) -> dict:
    """The learner's progress as plain data: per lesson, every exercise and question with its
    state (``passed``, ``failing``, ``not started``), last mistake id and message, tries, time."""
    known = [rec for rec in found.records if is_known(rec)]
    attempts = latest_attempts(known)
    out = []
    for stem in lessons:
        items = []
        for item in graded_for_lesson(stem):
            attempt = attempts.get(item.id)
            kind = "question" if getattr(item, "answer_kind", "") == "value" else "exercise"
            if attempt is None:
                items.append({"id": item.id, "kind": kind, "state": "not started",
                              "mistake": None, "message": "", "tries": 0, "last": None,
                              "knock_on": None})
                continue
            state, message = state_of(attempt.last)
            items.append({"id": item.id, "kind": kind, "state": state,
                          "mistake": attempt.last.mistake, "message": message,
                          "tries": attempt.tries, "last": attempt.last.time,
                          "knock_on": list(attempt.last.knock_on or []) or None})
        out.append({"lesson": stem, "items": items})
    return {"lessons": out, "records": len(known),
            "skipped": found.skipped + len(found.records) - len(known),
            "problems": list(found.problems)}


def render(data: dict, source: object) -> str:
    """The plain-text view of :func:`report`'s data."""
    lines = [f"Your progress ({data['records']} checks recorded in {source})", ""]
    for lesson in data["lessons"]:
        items = lesson["items"]
        if not items:
            continue
        exercises = [i for i in items if i["kind"] == "exercise"]
        questions = [i for i in items if i["kind"] == "question"]
        done = lambda group: sum(i["state"] == "passed" for i in group)  # noqa: E731
        parts = []
        if exercises:
            parts.append(f"{done(exercises)} of {len(exercises)} exercises")
        if questions:
            parts.append(f"{done(questions)} of {len(questions)} questions")
        lines.append(f"{lesson['lesson']}: {' and '.join(parts)} passed")
        if all(i["state"] == "not started" for i in items):
            lines.append("  nothing tried yet")
            lines.append("")
            continue
        width = max(len(i["id"]) for i in items)
        for i in items:
            head = f"  {SYMBOL[i['state']]} {i['id']:<{width}}  {i['state']}"
            if i["state"] == "failing":
                tries = f"{i['tries']} tries" if i["tries"] > 1 else "1 try"
                named = f"mistake {i['mistake']}: " if i["mistake"] else ""
                lines.append(f"{head} ({tries}); last: {named}{i['message']}")
            elif i["state"] == "passed" and i["knock_on"]:
                lines.append(f"{head}, but {i['message']}")
            else:
                lines.append(head)
        lines.append("")
    if data["skipped"]:
        lines.append(f"({data['skipped']} lines of the file are not records of this course and "
                     "were skipped.)")
    for problem in data["problems"]:
        lines.append(f"(not read: {problem})")
    if not data["records"]:
        lines.append("Nothing recorded yet: run a check cell in a lesson, e.g. "
                     'check("affine_forward", affine_forward).')
    return "\n".join(lines).rstrip() + "\n"


def run(args: argparse.Namespace) -> int:
    folder = progress_dir()
    if args.anonymous or args.named:
        try:
            path = set_anonymous(bool(args.anonymous), folder)
        except OSError as exc:
            print(f"error: could not write {folder}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        how = ("as an anonymous learner (a number)" if args.anonymous
               else "by your login name")
        print(f"A workshop's dashboard will show you {how} (saved in {path}).")
        return 0
    lessons: tuple[str, ...] = tuple(LESSONS)
    if args.lesson is not None:
        try:
            lessons = (lesson_stem(args.lesson),)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    data = report(read_progress(folder), lessons)
    data["anonymous"] = is_anonymous(folder)
    if args.json:
        print(json.dumps({"file": str(folder / PROGRESS_FILE), **data}, indent=1))
    else:
        sys.stdout.write(render(data, folder / PROGRESS_FILE))
    return 0


__all__ = ["add_parser", "run", "report", "render", "lesson_stem"]
