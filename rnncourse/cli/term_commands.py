"""``rnncourse gradebook choose``, ``adjust`` and ``history``: the term ledger from the command line.

``choose SUBMISSION`` makes that submission the one that counts for its student and lesson (the
others become ``superseded_by`` it, their feedback and report moved aside); ``adjust
SUBMISSION --points N --reason TEXT`` (or ``--exercise ID --set N``) records an adjustment that
survives regrades, rewrites the gradebook's term columns and that student's feedback file;
``history [WHO]`` lists every grading. The ledger is :mod:`rnncourse.grading.records.term`.
Exit codes: 0 done; 2 usage error (no gradebook, an unknown submission, a missing reason).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _gradebook_option(parser):
    parser.add_argument("--gradebook", metavar="CSV", type=Path, default=Path("gradebook.csv"),
                        help="the gradebook written by rnncourse grade (default: gradebook.csv)")


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``choose``, ``adjust`` and ``history`` to the ``rnncourse gradebook`` subparsers."""
    choose = commands.add_parser(
        "choose", help="make one submission the one that counts for its student",
        description="Make SUBMISSION (a gradebook row's name) the submission that counts for its "
                    "student and lesson, instead of the course file's rule (latest by default). "
                    "The student's other submissions stay in the gradebook, superseded_by it; "
                    "their feedback files and reports are moved into superseded/ folders, and "
                    "this one's moved back.")
    choose.add_argument("submission", metavar="SUBMISSION", help="the row's submission name")
    _gradebook_option(choose)
    choose.set_defaults(run=run_choose, parser=choose)

    adjust = commands.add_parser(
        "adjust", help="add points, or set an exercise's points, for one submission, with a reason",
        description="Record an adjustment of one submission's score with its reason (a regrade "
                    "request, a partial-credit judgement). It is kept across regrades: re-applied "
                    "to the new automatic score and marked REVIEW when the score it was made "
                    "against changed. The gradebook's adjustment, adjustment_reason and final "
                    "columns, the exports and the student's feedback file show it.")
    adjust.add_argument("submission", metavar="SUBMISSION", help="the row's submission name")
    adjust.add_argument("--points", type=float, default=None,
                        help="points added to the total (negative: taken away)")
    adjust.add_argument("--exercise", metavar="ID", default=None,
                        help="an exercise or question whose points --set replaces")
    adjust.add_argument("--set", dest="set_to", type=float, default=None, metavar="N",
                        help="with --exercise: its points from now on")
    adjust.add_argument("--reason", required=True,
                        help="why (the student reads it in the feedback)")
    adjust.add_argument("--clear", action="store_true",
                        help="remove every adjustment of SUBMISSION instead (no --points)")
    _gradebook_option(adjust)
    adjust.set_defaults(run=run_adjust, parser=adjust)

    history = commands.add_parser(
        "history", help="list every grading: when, seed, file hash, score",
        description="List every grading recorded for the gradebook, oldest first: when (UTC), "
                    "the submission and student, the seed (--seed regrades it exactly), the "
                    "SHA-256 of the file graded, the score, the status and the copy of that "
                    "grading's JSON report.")
    history.add_argument("who", metavar="WHO", nargs="?", default=None,
                         help="a submission name or a student id (default: everyone)")
    _gradebook_option(history)
    history.set_defaults(run=run_history, parser=history)


def _load(args, prog):
    from rnncourse.grading.records import gradebook_csv, term

    if not args.gradebook.is_file():
        args.parser.error(f"argument --gradebook: no such file: {str(args.gradebook)!r}; grade "
                          "first (rnncourse grade ...) or give the gradebook's path")
    book = gradebook_csv.read_gradebook(args.gradebook)
    ledger = term.read_ledger(args.gradebook)
    return book, ledger


def _row(args, book):
    from rnncourse.grading.records.gradebook_csv import unquote

    for row in book.rows:
        if row.get("submission") and unquote(row["submission"]) == args.submission:
            return row
    names = [unquote(r["submission"]) for r in book.rows if r.get("submission")]
    close = [n for n in names if args.submission.casefold() in n.casefold()][:5]
    args.parser.error(f"argument SUBMISSION: no row {args.submission!r} in "
                      f"{str(args.gradebook)!r}" + (f"; did you mean: {', '.join(close)}"
                                                    if close else "; see its submission column"))


def _save(args, book, ledger):
    """Write the gradebook's term columns and the ledger, then place the files."""
    from rnncourse._files import write_atomic
    from rnncourse.grading.records import gradebook_csv, term, writers

    superseded = term.apply(book, ledger)
    write_atomic(args.gradebook, gradebook_csv.gradebook_text(book))
    term.write_ledger(args.gradebook, ledger)
    writers.place_term_files(args.gradebook)
    return superseded


def run_choose(args: argparse.Namespace) -> int:
    """Carry out ``rnncourse gradebook choose``; returns the exit code."""
    from rnncourse.grading.records import term
    from rnncourse.grading.records.gradebook_csv import unquote

    prog = "rnncourse gradebook choose"
    try:
        book, ledger = _load(args, prog)
    except ValueError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    row = _row(args, book)
    sid = unquote(row.get("student_id", ""))
    if not sid:
        args.parser.error(f"argument SUBMISSION: {args.submission!r} has no student id, so it "
                          "has no other submissions to count instead; grade with --roster first")
    ledger.chosen[term.choice_key(unquote(row.get("lesson", "")), sid)] = args.submission
    superseded = _save(args, book, ledger)
    others = sorted(k for k, v in superseded.items() if v == args.submission)
    print(f"{prog}: {args.submission!r} counts for {sid}"
          + (f"; superseded: {', '.join(others)}" if others else ""), file=sys.stderr)
    return 0


def run_adjust(args: argparse.Namespace) -> int:
    """Carry out ``rnncourse gradebook adjust``; returns the exit code."""
    from rnncourse.grading.records import term

    prog = "rnncourse gradebook adjust"
    try:
        book, ledger = _load(args, prog)
        row = _row(args, book)
        if args.clear:
            removed = ledger.adjustments.pop(args.submission, [])
            message = f"{len(removed)} adjustment(s) of {args.submission!r} removed"
        else:
            term.add_adjustment(ledger, row, args.reason, points=args.points,
                                exercise=args.exercise, set_to=args.set_to)
            message = f"{args.submission!r} adjusted"
    except ValueError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    _save(args, book, ledger)
    rewritten = _rewrite_feedback(args.gradebook, ledger, args.submission, row)
    print(f"{prog}: {message}; final {row.get('final') or row.get('total')} / "
          f"{row.get('possible')}" + (f"; feedback rewritten: {rewritten!r}" if rewritten else ""),
          file=sys.stderr)
    return 0


def _rewrite_feedback(gradebook, ledger, name, row):
    """Rewrite the feedback file of ``name`` from its JSON report with its adjustments; returns
    its path, or None when there is no feedback file (or report) to rewrite."""
    import json

    from rnncourse._files import write_atomic
    from rnncourse.grading.judging.results import SubmissionResult
    from rnncourse.grading.load.submissions import safe_file_stem
    from rnncourse.grading.records import term, writers

    if not ledger.feedback:
        return None
    stem = safe_file_stem(name)
    for sub in ("", term.SUPERSEDED_FOLDER):
        report = writers.reports_dir(gradebook) / sub / f"{stem}.json"
        feedback = Path(gradebook).parent / ledger.feedback / sub / f"{stem}.txt"
        if report.is_file() and feedback.is_file():
            result = SubmissionResult.from_dict(json.loads(report.read_text(encoding="utf-8")))
            write_atomic(feedback, writers.feedback_text(result, ledger.adjustments.get(name),
                                                         row))
            return str(feedback)
    return None


def run_history(args: argparse.Namespace) -> int:
    """Carry out ``rnncourse gradebook history``; returns the exit code."""
    from rnncourse.grading.records import term

    prog = "rnncourse gradebook history"
    try:
        ledger = term.read_ledger(args.gradebook)
    except ValueError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    entries = term.history_of(ledger, args.who)
    if not entries:
        print(f"{prog}: no grading recorded" + (f" for {args.who!r}" if args.who else "")
              + f" in {str(term.ledger_path(args.gradebook))!r}", file=sys.stderr)
        return 2 if args.who else 0
    for line in term.history_lines(entries):
        print(line)
    return 0
