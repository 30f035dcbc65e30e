"""``rnncourse export``: package the grader for a grading platform (one subcommand per platform).

``rnncourse export gradescope --lesson ID --out autograder.zip`` writes the zip of a Gradescope
programming-assignment autograder for one lesson (docs/grading.md, section 7).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rnncourse.checks import LESSONS, graded_for_lesson
from rnncourse.cli.argtypes import course_file, positive_float, positive_int


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="package the autograder for a grading platform (Gradescope)",
        description="Package the autograder of one lesson for a grading platform.",
    )
    platforms = parser.add_subparsers(title="platforms", dest="platform", metavar="PLATFORM",
                                      help="the platform to package for")
    gradescope = platforms.add_parser(
        "gradescope",
        help="the zip of a Gradescope programming-assignment autograder",
        description=(
            "Write the autograder zip of a Gradescope programming assignment for one lesson: "
            "setup.sh (installs Python, bubblewrap and this version of the course, from a wheel "
            "inside the zip), run_autograder (grades the submitted notebook as `rnncourse grade` "
            "does and writes results.json) and the wheel. Upload it in the assignment's "
            "Configure Autograder page. Exit codes: 0 written, 1 the zip could not be written (the "
            "message says why), 2 usage error."
        ),
    )
    gradescope.add_argument("--lesson", metavar="ID", required=True,
                            help="the lesson of the assignment (e.g. 04_bptt or just 04)")
    gradescope.add_argument("--out", metavar="ZIP", type=Path, required=True,
                            help="the zip to write (a file name ending in .zip)")
    gradescope.add_argument("--timeout", metavar="S", type=positive_float, default=300.0,
                            help="wall-clock limit for running a submission's cells, in seconds "
                                 "(default: 300; keep it under Gradescope's own timeout)")
    gradescope.add_argument("--memory", metavar="MB", type=positive_int, default=2048,
                            help="address-space limit of the student's kernel, in megabytes "
                                 "(default: 2048)")
    gradescope.add_argument("--course", metavar="TOML", type=Path, default=None,
                            help="the course file whose points and partial credit Gradescope "
                                 "should use (docs/grading.md, the course file); it is checked "
                                 "now and shipped in the zip (default: grading.toml in the "
                                 "current folder when there is one, else the course's own "
                                 "points, all or nothing)")
    gradescope.add_argument("--force", action="store_true",
                            help="replace --out if it exists")
    gradescope.set_defaults(run=run_gradescope, parser=gradescope)
    parser.set_defaults(run=_no_platform, parser=parser)
    return parser


def _no_platform(args):
    args.parser.error("choose a platform: rnncourse export gradescope --lesson ID --out autograder.zip")


def _lesson(args):
    from rnncourse.grading.load.submissions import resolve_lesson

    try:
        stem = resolve_lesson(args.lesson)
    except ValueError:
        args.parser.error(f"argument --lesson: unknown lesson {args.lesson!r}; use one of: "
                          f"{', '.join(LESSONS)}")
    if not graded_for_lesson(stem):
        graded = [s for s in LESSONS if graded_for_lesson(s)]
        args.parser.error(f"argument --lesson: lesson {stem!r} has nothing to grade; use one of: "
                          f"{', '.join(graded)}")
    return stem


def run_gradescope(args: argparse.Namespace) -> int:
    """Validate the options, write the zip, say what was written; returns the exit code."""
    stem = _lesson(args)
    out = args.out
    if out.suffix.lower() != ".zip":
        args.parser.error(f"argument --out: {str(out)!r} does not end in .zip; give a name such "
                          "as autograder.zip")
    if out.is_dir():
        args.parser.error(f"argument --out: {str(out)!r} is a folder; give a file name such as "
                          f"{out / 'autograder.zip'}")
    if not out.parent.is_dir():
        args.parser.error(f"argument --out: the folder {str(out.parent)!r} does not exist; "
                          "create it first")
    if out.exists() and not args.force:
        args.parser.error(f"argument --out: {str(out)!r} exists; pass --force to replace it")
    from rnncourse.grading.platforms.gradescope_export import BASE_IMAGE, export_autograder

    course = course_file(args, "export")
    try:
        written = export_autograder(stem, out, timeout=args.timeout, memory_mb=args.memory,
                                    force=args.force, course=course.path)
    except (RuntimeError, OSError) as exc:  # the course is not installed; a write that failed
        print(f"rnncourse export: could not write {str(out)!r}: {exc}", file=sys.stderr)
        return 1
    points = written["points"]
    worth = f"{points} point{'' if points == 1 else 's'}"
    if written["course"]:
        worth += f" as set by {written['course']}"
    print(f"rnncourse export: wrote {written['path']} ({written['bytes'] / 1e6:.2f} MB) for "
          f"lesson {stem}, {worth}. Upload it on the Gradescope assignment's Configure "
          f"Autograder page, base image {BASE_IMAGE}.", file=sys.stdout)
    return 0
