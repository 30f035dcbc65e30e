"""``rnncourse report``: the class at a glance, from a gradebook and its JSON reports.

Writes ``OUT/class-report.html`` (one self-contained page: figures embedded, no network),
``OUT/figures/*.png``, ``OUT/summary.json`` (see :mod:`rnncourse.grading.reports.class_page`)
and every student's ``OUT/feedback/<name>.html``; ``--moodle-zip`` bundles those for Moodle
(:mod:`rnncourse.grading.platforms.moodle_feedback`). Exit codes: 0 written; 2 usage error (a gradebook
that is missing or not one).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROG = "rnncourse report"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
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
    parser.add_argument("--moodle-zip", metavar="ZIP", type=Path, default=None,
                        help="also write the students' HTML feedback as a zip for Moodle's "
                             "'Upload multiple feedback files in a zip' (submissions graded from "
                             "Moodle's download folders; others are listed)")
    parser.add_argument("--lessons", metavar="DIR", type=Path, default=None,
                        help="the course's lessons folder, whose starter code the similarity "
                             "check discounts (default: lessons/ next to the installed package)")
    parser.add_argument("--threshold", metavar="F", type=float, default=None,
                        help="list two answers as similar when their shared code covers at "
                             "least this fraction of one of them (default: 0.6)")
    parser.set_defaults(run=run, parser=parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the class report; returns the exit code."""
    from rnncourse.grading.reports.class_page import write_class_report
    from rnncourse.grading.reports.classview import ClassError

    try:
        if args.threshold is not None and not 0 < args.threshold <= 1:
            args.parser.error(f"--threshold {args.threshold}: give a fraction between 0 and 1, "
                              "e.g. 0.6")
        summary = write_class_report(args.gradebook, args.out, args.reports,
                                     lessons_dir=args.lessons, threshold=args.threshold)
    except ClassError as exc:
        args.parser.error(str(exc))
    page = Path(args.out) / "class-report.html"
    pages = summary["feedback_pages"]
    print(f"{PROG}: {summary['students']['counted']} submission(s); wrote {page}, "
          f"{Path(args.out) / 'summary.json'}, {Path(args.out) / 'figures'}/ and "
          f"{len(pages)} feedback page(s) in {Path(args.out) / 'feedback'}/", file=sys.stderr)
    pairs = summary["similar_pairs"]
    if pairs is None:
        print(f"{PROG}: no similarity check: copydetect is not installed "
              "(pip install -e \".[report]\")", file=sys.stderr)
    else:
        print(f"{PROG}: {len(pairs)} similar pair(s) of answers listed in "
              f"{Path(args.out) / 'similarity.html'} (evidence to read, not a verdict)",
              file=sys.stderr)
    if args.moodle_zip is not None:
        from rnncourse.grading.platforms.moodle_feedback import moodle_feedback_zip

        placed, left_out = moodle_feedback_zip(pages, args.moodle_zip)
        print(f"{PROG}: {args.moodle_zip}: feedback of {len(placed)} submission(s) for Moodle",
              file=sys.stderr)
        for name in left_out:
            print(f"{PROG}: NOT IN THE MOODLE ZIP (not graded from a Moodle download folder): "
                  f"{name}", file=sys.stderr)
    return 0
