"""``rnncourse grade``: parse and validate the options, then hand over to ``rnncourse.grading``."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from rnncourse.cli.argtypes import positive_float, positive_int, seed_number

NOT_INSTALLED = "the grader is not installed in this version"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade",
        help="autograde submitted lesson notebooks into a gradebook CSV",
        description=(
            "Grade students' lesson notebooks. Each submission runs in its own kernel inside a "
            "bubblewrap sandbox (no view of your files, no network); verdicts are computed outside "
            "it. Writes a gradebook CSV (one row per submission) and, with --feedback, one feedback "
            "file per student. Exit codes: 0 graded, 1 course files changed during the run, 2 usage "
            "error, 3 the sandbox cannot run here (the message says how to fix it)."
        ),
    )
    parser.add_argument("paths", metavar="PATH", nargs="+", type=Path,
                        help="a submitted notebook, or a folder of them")
    parser.add_argument("--lesson", metavar="ID", default=None,
                        help="grade as this lesson (e.g. 04_bptt) instead of the lesson named in "
                             "each notebook's metadata")
    parser.add_argument("--jobs", metavar="N", type=positive_int, default=1,
                        help="submissions graded in parallel (default: 1)")
    parser.add_argument("--timeout", metavar="S", type=positive_float, default=300.0,
                        help="wall-clock limit per submission, in seconds (default: 300)")
    parser.add_argument("--memory", metavar="MB", type=positive_int, default=2048,
                        help="memory limit per submission, in megabytes (default: 2048)")
    parser.add_argument("--out", metavar="CSV", type=Path, default=Path("gradebook.csv"),
                        help="gradebook file to write (default: gradebook.csv)")
    parser.add_argument("--feedback", metavar="DIR", type=Path, default=None,
                        help="folder for one readable feedback file per submission (default: none)")
    parser.add_argument("--course", metavar="TOML", type=Path, default=None,
                        help="course file setting points per exercise and question and partial "
                             "credit per lesson (default: grading.toml in the current folder, "
                             "if there is one; see docs/grading.md)")
    parser.add_argument("--seed", metavar="N", type=seed_number, default=None,
                        help="seed of the test cases (default: a new random one); the seed used "
                             "is in every row and report, so --seed N regrades exactly")
    parser.add_argument("--root", metavar="DIR", type=Path, default=None,
                        help="folder the gradebook's row names are relative to (default: the "
                             "root recorded in the gradebook when every PATH is inside it, else "
                             "the folder given; for files, their common folder, or the one above "
                             "it when they share one, so the student's folder is in the name)")
    parser.add_argument("--roster", metavar="CSV", type=Path, default=None,
                        help="class roster with the columns submission and student_id (and "
                             "optionally name, email, login, section): adds each row's student; "
                             "students without a submission get a row with status missing")
    parser.add_argument("--unsafe-same-user", action="store_true",
                        help="grade WITHOUT the bubblewrap sandbox, when it cannot run here: "
                             "student code then runs as you (or, as root, as a fresh user id) and "
                             "can read your files, such as solutions and other submissions, and "
                             "use the network; every row and report is marked as graded without "
                             "a sandbox")
    parser.set_defaults(run=run, parser=parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Validate the paths, then call ``rnncourse.grading.grade_paths``; returns its exit code."""
    for path in args.paths:
        if not path.exists():
            args.parser.error(f"argument PATH: no such file or folder: {str(path)!r}")
    if args.out.is_dir():
        args.parser.error(f"argument --out: {str(args.out)!r} is a folder; give a file name such as gradebook.csv")
    if args.feedback is not None and args.feedback.exists() and not args.feedback.is_dir():
        args.parser.error(f"argument --feedback: {str(args.feedback)!r} is a file, not a folder")
    if args.root is not None and not args.root.is_dir():
        args.parser.error(f"argument --root: {str(args.root)!r} is not a folder; give the folder "
                          "that holds every student's submission")
    if args.roster is not None and not args.roster.is_file():
        args.parser.error(f"argument --roster: no such file: {str(args.roster)!r}")
    try:
        grading = importlib.import_module("rnncourse.grading")
    except ModuleNotFoundError as exc:
        if exc.name != "rnncourse.grading":
            raise
        print(NOT_INSTALLED, file=sys.stderr)
        return 1
    grade_paths = getattr(grading, "grade_paths", None)
    if grade_paths is None:
        print(NOT_INSTALLED, file=sys.stderr)
        return 1
    return grade_paths(
        args.paths,
        lesson=args.lesson,
        jobs=args.jobs,
        timeout=args.timeout,
        memory_mb=args.memory,
        out=args.out,
        feedback=args.feedback,
        unsafe_same_user=args.unsafe_same_user,
        course=args.course,
        seed=args.seed,
        root=args.root,
        roster=args.roster,
    )
