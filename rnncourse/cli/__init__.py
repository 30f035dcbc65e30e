"""The ``rnncourse`` command line (also ``python -m rnncourse``).

Commands, one module each: ``lab`` and ``progress`` (learners), ``doctor`` (everyone),
``release`` and ``execute`` (lesson writers), ``grade``, ``gradebook export``, ``gradebook
choose``, ``adjust`` and ``history`` (the term, :mod:`rnncourse.cli.term_commands`) and
``report`` and ``export gradescope`` (instructors), ``hub`` (instructors running a workshop room).
``rnncourse --help`` lists them and ``rnncourse COMMAND --help`` explains each option. Usage
errors exit with code 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import rnncourse
from rnncourse.cli import doctor, export, grade, lab, learner_progress, workshop
from rnncourse.cli import gradebook as gradebook_commands
from rnncourse.cli import release as release_commands
from rnncourse.cli import report as report_command


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``rnncourse`` with one subparser per command."""
    parser = argparse.ArgumentParser(
        prog="rnncourse",
        description="A Jupyter course on how recurrent neural networks are trained.",
        epilog="Start the course with `rnncourse lab`; see `rnncourse COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"rnncourse {rnncourse.__version__}",
                        help="print the version and exit")
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    lab.add_parser(subparsers)
    learner_progress.add_parser(subparsers)
    doctor.add_parser(subparsers)
    release_commands.add_release_parser(subparsers)
    release_commands.add_execute_parser(subparsers)
    grade.add_parser(subparsers)
    gradebook_commands.add_parser(subparsers)
    export.add_parser(subparsers)
    workshop.add_parser(subparsers)
    report_command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Never raises ``SystemExit``: ``--help`` returns 0, a usage error prints a message naming the
    bad value and returns 2, and a command returns its own code.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.error("choose a command: lab, progress, doctor, release, execute, grade, gradebook, "
                         "report, export or hub "
                         "(rnncourse --help describes them)")
        return int(args.run(args) or 0)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
