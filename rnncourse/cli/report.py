"""``rnncourse report``: the class at a glance, from a gradebook and its JSON reports.

Writes ``OUT/class-report.html`` (one self-contained page: figures embedded, no network),
``OUT/figures/*.png`` and ``OUT/summary.json`` (see
:mod:`rnncourse.grading.reports.class_page`). Exit codes: 0 written; 2 usage error (a gradebook
that is missing or not one).
"""

from __future__ import annotations

import sys
from pathlib import Path

PROG = "rnncourse report"


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "report",
        help="the class report: what to re-teach, who needs a look, scores, mistakes",
        description=(
            "Read a gradebook written by rnncourse grade and its JSON reports, and write "
            "OUT/class-report.html (one page that opens from disk: the named mistakes, most "
            "frequent first, with the lesson section for each; submissions that need you; the "
            "score distribution; full/partial/zero per exercise and question; the answers to "
            "each question; grading time), its figures as OUT/figures/*.png and the numbers as "
            "OUT/summary.json. Exit codes: 0 written, 2 usage error."),
    )
    parser.add_argument("--gradebook", metavar="CSV", type=Path, default=Path("gradebook.csv"),
                        help="the gradebook written by rnncourse grade (default: gradebook.csv)")
    parser.add_argument("--reports", metavar="DIR", type=Path, default=None,
                        help="its JSON reports (default: <gradebook stem>-reports/ beside it)")
    parser.add_argument("--out", metavar="DIR", type=Path, default=Path("report"),
                        help="the folder to write (default: report/); its files are replaced")
    parser.set_defaults(run=run, parser=parser)
    return parser


def run(args) -> int:
    """Write the class report; returns the exit code."""
    from rnncourse.grading.reports.class_page import write_class_report
    from rnncourse.grading.reports.classview import ClassError

    try:
        summary = write_class_report(args.gradebook, args.out, args.reports)
    except ClassError as exc:
        args.parser.error(str(exc))
    page = Path(args.out) / "class-report.html"
    print(f"{PROG}: {summary['students']['counted']} submission(s); wrote {page}, "
          f"{Path(args.out) / 'summary.json'} and {Path(args.out) / 'figures'}/", file=sys.stderr)
    return 0
