"""``rnncourse release`` (solutions/ -> lessons/, or ``--check`` for staleness) and ``rnncourse execute``.

Both are for lesson writers: ``execute`` stores fresh outputs in a solution notebook, ``release``
regenerates the learners' notebooks from the solutions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rnncourse.authoring.layout import CourseFolderNotFound, find_solutions_dir
from rnncourse.authoring.markup import MarkupError
from rnncourse.cli.argtypes import course_file, positive_float


def add_release_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "release",
        help="regenerate lessons/ from solutions/ (or check that it is up to date)",
        description=(
            "Generate every lessons/<name>.ipynb from solutions/<name>.ipynb: validate the "
            "nbgrader markup, replace each BEGIN/END SOLUTION block by a placeholder that raises "
            "NotImplementedError, clear outputs, drop run-time metadata (nbgrader metadata is "
            "kept), record the lesson's exercises and points in the notebook metadata, and write "
            "normalised JSON. Lessons without a solution are reported, never deleted."
        ),
    )
    parser.add_argument("--solutions", metavar="DIR", type=Path, default=None,
                        help="folder of solution notebooks (default: solutions/ next to the package)")
    parser.add_argument("--lessons", metavar="DIR", type=Path, default=None,
                        help="folder to write lessons into (default: lessons/ beside the solutions folder)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and name each stale, missing or extra lesson "
                             "if lessons/ differs from what release would generate")
    parser.add_argument("--nbgrader-source", metavar="DIR", type=Path, default=None,
                        help="instead of lessons/, write an nbgrader source folder: "
                             "DIR/<lesson>/<lesson>.ipynb per lesson (DIR is usually your nbgrader "
                             "course's source/), whose graded cells run hidden tests that raise "
                             "for a wrong answer; see docs/grading.md, section 9")
    parser.add_argument("--lesson", metavar="ID", action="append", default=None,
                        help="with --nbgrader-source: only this lesson (04_bptt or 04); repeat "
                             "for several (default: every lesson)")
    parser.add_argument("--course", metavar="TOML", type=Path, default=None,
                        help="with --nbgrader-source: a course file (docs/grading.md, section "
                             "2.1) whose points and knock-on policy the graded cells take "
                             "(default: grading.toml in the current folder when there is one, "
                             "else the catalogue's points)")
    parser.add_argument("--overwrite", action="store_true",
                        help="with --nbgrader-source: replace a source notebook that exists and "
                             "differs (by default it is kept, since you may have edited it)")
    parser.set_defaults(run=run_release, parser=parser)
    return parser


def _folders(args):
    if args.solutions is None:
        solutions = find_solutions_dir()  # raises CourseFolderNotFound with the fix
    elif not args.solutions.is_dir():
        args.parser.error(f"argument --solutions: not a folder: {str(args.solutions)!r}")
    else:
        solutions = args.solutions
    lessons = args.lessons if args.lessons is not None else solutions.parent / "lessons"
    if lessons.exists() and not lessons.is_dir():
        args.parser.error(f"argument --lessons: not a folder: {str(lessons)!r}")
    return solutions, lessons


def run_release(args: argparse.Namespace) -> int:
    """Carry out ``rnncourse release [--check]``; returns the exit code."""
    from rnncourse.authoring.lessons import check_lessons, release  # imports nbformat: only when needed

    if args.nbgrader_source is None and (args.lesson or args.overwrite or args.course):
        args.parser.error("--lesson, --overwrite and --course only apply with "
                          "--nbgrader-source DIR")
    if args.nbgrader_source is not None:
        if args.check:
            args.parser.error("--check and --nbgrader-source cannot be combined")
        return _run_nbgrader_source(args)
    try:
        solutions, lessons = _folders(args)
        if args.check:
            return _report_check(check_lessons(solutions, lessons), solutions, lessons)
        report = release(solutions, lessons)
    except CourseFolderNotFound as exc:
        print(f"rnncourse release: {exc}", file=sys.stderr)
        return 1
    except MarkupError as exc:
        print(f"rnncourse release: nothing was written.\n{exc}", file=sys.stderr)
        return 1
    if not (report.written or report.unchanged):
        print(f"note: {solutions} has no solution notebooks (*.ipynb), so there was nothing to release.")
    for name in report.written:
        print(f"wrote      {lessons / name}")
    for name in report.extra:
        print(f"not mine   {lessons / name}: no solutions/{name}, so release did not generate it "
              "(left in place; delete it by hand if it is obsolete)")
    print(f"{len(report.written)} lesson(s) written, {len(report.unchanged)} already up to date, "
          f"in {lessons}.")
    return 0


def _run_nbgrader_source(args):
    """``rnncourse release --nbgrader-source DIR``: write the nbgrader source notebooks."""
    from rnncourse.authoring.nbgrader_source import write_nbgrader_source

    target = args.nbgrader_source
    if target.exists() and not target.is_dir():
        args.parser.error(f"argument --nbgrader-source: not a folder: {str(target)!r}")
    course = course_file(args, "release")
    try:
        solutions, _ = _folders(args)
        report = write_nbgrader_source(solutions, target, lessons=args.lesson,
                                       overwrite=args.overwrite,
                                       course=course if course.path else None)
    except CourseFolderNotFound as exc:
        print(f"rnncourse release: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # MarkupError is a ValueError too
        print(f"rnncourse release: nothing was written.\n{exc}", file=sys.stderr)
        return 1
    for name in report.written:
        print(f"wrote      {target / name}")
    for name in report.kept:
        print(f"kept       {target / name}: it differs from what release generates (edited?), so "
              "it was left as it is; pass --overwrite to replace it", file=sys.stderr)
    print(f"{len(report.written)} nbgrader source notebook(s) written, {len(report.unchanged)} "
          f"already up to date, {len(report.kept)} kept, in {target}. Next: nbgrader "
          "generate_assignment <lesson> (docs/grading.md, section 9).")
    return 1 if report.kept else 0


def _report_check(status, solutions, lessons):
    if status.ok:
        print(f"lessons/ is up to date ({len(status.up_to_date)} notebooks)")
        return 0
    for name in status.stale:
        print(f"stale      {lessons / name} differs from what release generates from {solutions / name}")
    for name in status.missing:
        print(f"missing    {lessons / name} (from {solutions / name}) does not exist")
    for name in status.extra:
        print(f"extra      {lessons / name} has no solution {solutions / name}")
    print(f"lessons/ is out of date: {len(status.stale)} stale, {len(status.missing)} missing, "
          f"{len(status.extra)} extra. Run `rnncourse release` to regenerate the stale and missing "
          "lessons; move an extra lesson's source into solutions/ or delete it.")
    return 1


def add_execute_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "execute",
        help="run solution notebooks top to bottom and save their outputs in place",
        description=(
            "Run each notebook top to bottom in a python3 kernel of this environment (BLAS pinned "
            "to one thread, working folder = the notebook's folder) and save the outputs in "
            "place, so nbval can compare them. A notebook with a failing cell is left unchanged."
        ),
    )
    parser.add_argument("notebooks", metavar="NOTEBOOK", nargs="+", type=Path,
                        help="solution notebook(s) to run, e.g. solutions/04_bptt.ipynb")
    parser.add_argument("--timeout", metavar="S", type=positive_float, default=600.0,
                        help="seconds allowed per cell (default: 600)")
    parser.set_defaults(run=run_execute, parser=parser)
    return parser


def run_execute(args: argparse.Namespace) -> int:
    """Carry out ``rnncourse execute``; returns 1 if any notebook failed, else 0."""
    for path in args.notebooks:
        if not path.is_file():
            args.parser.error(f"argument NOTEBOOK: no such notebook file: {str(path)!r}")
    from rnncourse.authoring.execute import NotebookExecutionError, execute_notebook

    failed = 0
    for path in args.notebooks:
        try:
            seconds = execute_notebook(path, timeout=args.timeout)
        except (NotebookExecutionError, MarkupError) as exc:
            failed += 1
            print(f"rnncourse execute: {exc}", file=sys.stderr)
            continue
        print(f"{path}: ran in {seconds:.1f} s, outputs saved")
    if failed:
        print(f"{failed} of {len(args.notebooks)} notebook(s) failed.", file=sys.stderr)
        return 1
    return 0
