"""``rnncourse lab``: copy the lessons into the learner's workspace, then start JupyterLab there.

The copy never overwrites: a file that already exists in the workspace is the learner's, and
course updates must not erase their work. New lessons from an update are copied next to it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rnncourse.authoring.layout import CourseFolderNotFound, find_lessons_dir
from rnncourse.cli.argtypes import port_number

DEFAULT_WORKSPACE = "my-work"
# Never copied: editor and interpreter leftovers inside lessons/.
IGNORED_NAMES = {".ipynb_checkpoints", "__pycache__", ".DS_Store"}


@dataclass
class CopyReport:
    """Paths (relative to the workspace) that :func:`copy_lessons` copied or left alone."""

    copied: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # already in the workspace: kept as they are


def _course_files(lessons_dir):
    for path in sorted(lessons_dir.rglob("*")):
        relative = path.relative_to(lessons_dir)
        if any(part in IGNORED_NAMES for part in relative.parts) or not path.is_file():
            continue
        yield relative


def copy_lessons(lessons_dir, workspace):
    """Copy every file of ``lessons_dir`` into ``workspace``, never overwriting an existing file.

    Parameters
    ----------
    lessons_dir : str or Path, the course's lessons/ folder (not modified)
    workspace : str or Path, the learner's folder; created if needed

    Returns
    -------
    CopyReport
        ``.copied`` and ``.skipped`` list relative paths, in sorted order.

    Raises
    ------
    FileNotFoundError
        When ``lessons_dir`` is not a folder.
    NotADirectoryError
        When ``workspace`` exists but is a file.
    """
    lessons_dir = Path(lessons_dir)
    workspace = Path(workspace)
    if not lessons_dir.is_dir():
        raise FileNotFoundError(f"lessons folder not found: {lessons_dir}; pass --lessons DIR")
    if workspace.exists() and not workspace.is_dir():
        raise NotADirectoryError(
            f"the workspace {workspace} is a file, not a folder; choose another with --workspace DIR"
        )
    report = CopyReport()
    for relative in _course_files(lessons_dir):
        target = workspace / relative
        if target.exists() or target.is_symlink():
            report.skipped.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        data = (lessons_dir / relative).read_bytes()
        try:
            with open(target, "xb") as handle:  # "x": fail rather than overwrite, even in a race
                handle.write(data)
        except FileExistsError:
            report.skipped.append(relative)
            continue
        report.copied.append(relative)
    return report


def jupyter_command(workspace, no_browser=False, port=None):
    """The command that starts JupyterLab in ``workspace`` with this Python, as a list.

    As root (containers, CI) JupyterLab refuses to start without ``--allow-root``, so it is added.
    """
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={Path(workspace).resolve()}"]
    if no_browser:
        command.append("--no-browser")
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers, Binder-like and CI machines run as root
    return command


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "lab",
        help="copy the lessons into your workspace and open them in JupyterLab",
        description=(
            "Copy the course's lessons into your workspace (first run, and new lessons after an "
            "update) without ever overwriting a file that is already there, then start "
            "JupyterLab in the workspace."
        ),
    )
    parser.add_argument(
        "--workspace", metavar="DIR", type=Path, default=Path(DEFAULT_WORKSPACE),
        help=f"your working folder; created if needed (default: ./{DEFAULT_WORKSPACE})",
    )
    parser.add_argument(
        "--lessons", metavar="DIR", type=Path, default=None,
        help="the course's lessons folder (default: lessons/ next to the installed package)",
    )
    parser.add_argument("--no-browser", action="store_true", help="start JupyterLab without opening a browser")
    parser.add_argument("--port", metavar="N", type=port_number, default=None,
                        help="port for JupyterLab (default: JupyterLab picks 8888 or the next free one)")
    parser.add_argument("--dry-run", action="store_true",
                        help="copy the lessons and print the JupyterLab command without starting it")
    parser.set_defaults(run=run, parser=parser)
    return parser


def run(args):
    """Carry out ``rnncourse lab``; returns the exit code."""
    if args.lessons is None:
        try:
            lessons_dir = find_lessons_dir()
        except CourseFolderNotFound as exc:
            print(f"rnncourse lab: {exc}", file=sys.stderr)
            return 1
    elif not args.lessons.is_dir():
        args.parser.error(f"argument --lessons: not a folder: {str(args.lessons)!r}")
    else:
        lessons_dir = args.lessons

    try:
        report = copy_lessons(lessons_dir, args.workspace)
    except OSError as exc:
        print(f"rnncourse lab: {exc}", file=sys.stderr)
        return 1

    workspace = args.workspace
    for relative in report.copied:
        print(f"copied   {relative}")
    for relative in report.skipped:
        print(f"skipped  {relative} (already in {workspace}; your version is kept)")
    print(f"{len(report.copied)} file(s) copied into {workspace}, {len(report.skipped)} kept as they were.")
    if not report.copied and not report.skipped:
        print(f"note: {lessons_dir} has no files; lesson writers create them with `rnncourse release`.")

    command = jupyter_command(workspace, no_browser=args.no_browser, port=args.port)
    if args.dry_run:
        print("would run: " + shlex.join(command))
        return 0
    print("starting: " + shlex.join(command), flush=True)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
