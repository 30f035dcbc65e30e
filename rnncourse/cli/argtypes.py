"""Argument types for the command line: each converts one value or rejects it with a clear message.

argparse turns the ``ArgumentTypeError`` into ``rnncourse <command>: error: argument --jobs: ...``
and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rnncourse.grading.load.course_file import Course


def positive_int(text: str) -> int:
    """An integer >= 1 (``--jobs``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """A finite number > 0 (``--timeout`` in seconds, ``--memory`` in MB)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number greater than 0, got {text!r}")
    return value


def port_number(text: str) -> int:
    """A TCP port, 1 to 65535 (``lab --port``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port number must be from 1 to 65535, got {text!r}")
    return value


MAX_SEED = 2**63 - 1


def seed_number(text: str) -> int:
    """A seed for the test cases, 0 to 2**63 - 1 (``grade --seed``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 0 to {MAX_SEED}, got {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"a seed must be from 0 to {MAX_SEED}, got {text!r}")
    return value


def course_file(args: argparse.Namespace, command: str) -> Course:
    """The course file of ``--course`` (``args.course``), else ``grading.toml`` of the current
    folder, announced on stderr, else the defaults: a
    :class:`~rnncourse.grading.load.course_file.Course` (``.path`` None for the defaults). An invalid file
    is a usage error naming the key and the fix (exit code 2)."""
    from rnncourse.grading.load.course_file import CourseFileError, find_course

    try:
        course, found = find_course(args.course)
    except CourseFileError as exc:
        args.parser.error(f"argument --course: {exc}")
    if found:
        print(f"rnncourse {command}: using the course file {course.path} of this folder (pass "
              "--course to choose another)", file=sys.stderr)
    return course
