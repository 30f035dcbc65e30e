"""``rnncourse gradebook export``: write a gradebook's totals in a file Canvas or Moodle imports.

The formats are :data:`rnncourse.grading.platforms.lms.FORMATS`, described in that module. Exit
codes: 0 every row exported; 1 the file was written but some submissions are not in it (no
student id; each is listed on stderr); 2 usage error (a missing gradebook, a bad roster, several
lessons without ``--lesson``, two rows for one student, an ``--out`` that is the gradebook or
the roster).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rnncourse.grading.platforms.lms import FORMATS

PROG = "rnncourse gradebook export"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gradebook",
        help="export a gradebook for Canvas or Moodle",
        description="Work with the gradebook rnncourse grade writes. `rnncourse gradebook export "
                    "--help` explains the export.",
    )
    commands = parser.add_subparsers(title="commands", dest="gradebook_command", metavar="COMMAND",
                                     help="export: write a file Canvas or Moodle imports")
    export = commands.add_parser(
        "export",
        help="write the lesson's totals in a file Canvas or Moodle imports",
        description=(
            "Write one line per student with the lesson's total as the assignment column: "
            "canvas (Student, ID, SIS User ID, SIS Login ID, Section, assignment; import it "
            "under Grades > Import), moodle (ID number, Full name, Email address, assignment; "
            "import it with 'Import grades from CSV'), or csv (every row). Students are named "
            "by the gradebook's student_id and name columns, or by --roster. Submissions "
            "without a student id are listed, and left out of the canvas and moodle files "
            "(exit code 1). Exit codes: 0 all exported, 1 some listed as left out, 2 usage error."
        ),
    )
    export.add_argument("--format", required=True, choices=FORMATS,
                        help=f"the file to write: {', '.join(FORMATS[:-1])} or {FORMATS[-1]}")
    export.add_argument("--gradebook", metavar="CSV", type=Path, default=Path("gradebook.csv"),
                        help="the gradebook written by rnncourse grade (default: gradebook.csv)")
    export.add_argument("--roster", metavar="CSV", type=Path, default=None,
                        help="class roster (columns submission, student_id; optionally name, "
                             "email, login, section); names the student of every row and adds "
                             "roster students without a submission with an empty grade")
    export.add_argument("--out", metavar="FILE", type=Path, required=True,
                        help="file to write (replaced if it exists)")
    export.add_argument("--assignment", metavar="NAME", default=None,
                        help="the assignment column's name (default: the lesson, e.g. 04_bptt); "
                             "for an existing Canvas assignment use Canvas's 'Name (id)'")
    export.add_argument("--lesson", metavar="ID", default=None,
                        help="export only this lesson's rows (needed when the gradebook holds "
                             "several lessons)")
    export.set_defaults(run=run_export, parser=export)
    parser.set_defaults(run=lambda args: parser.error(
        "choose a command: export (rnncourse gradebook export --help describes it)"))
    return parser


def _same_file(a, b):
    return os.path.abspath(a) == os.path.abspath(b) or (
        a.exists() and b.exists() and os.path.samefile(a, b))


def run_export(args: argparse.Namespace) -> int:
    """Carry out ``rnncourse gradebook export``; returns the exit code."""
    from rnncourse._files import write_atomic
    from rnncourse.grading.load.submissions import resolve_lesson
    from rnncourse.grading.platforms import lms
    from rnncourse.grading.records import gradebook_csv
    from rnncourse.grading.records.roster import read_roster

    if not args.gradebook.is_file():
        args.parser.error(f"argument --gradebook: no such file: {str(args.gradebook)!r}; grade "
                          "first (rnncourse grade ...) or give the gradebook's path")
    for other, what in ((args.gradebook, "the gradebook"), (args.roster, "the roster")):
        if other is not None and _same_file(args.out, other):
            args.parser.error(f"argument --out: {str(args.out)!r} is {what} itself; give "
                              f"another file name, such as {args.format}.csv")
    if args.out.is_dir():
        args.parser.error(f"argument --out: {str(args.out)!r} is a folder; give a file name "
                          f"such as {args.format}.csv")
    try:
        lesson = resolve_lesson(args.lesson) if args.lesson else None
        book = gradebook_csv.read_gradebook(args.gradebook)
        roster = read_roster(args.roster) if args.roster is not None else None
        result = lms.export(book, args.format, roster=roster, lesson=lesson,
                            assignment=args.assignment)
    except ValueError as exc:
        message = str(exc)
        if args.lesson and message.startswith("unknown lesson"):
            message = f"argument --lesson: {message}"
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2
    write_atomic(args.out, result.text)
    for note in result.notes:
        print(f"{PROG}: note: {note}", file=sys.stderr)
    for line in result.left_out:
        print(f"{PROG}: NOT EXPORTED: {line}", file=sys.stderr)
    print(f"{PROG}: {result.written} student(s) written to {str(args.out)!r} ({args.format})"
          + (f"; {len(result.left_out)} submission(s) left out, listed above"
             if result.left_out else ""), file=sys.stderr)
    return 1 if result.left_out else 0
