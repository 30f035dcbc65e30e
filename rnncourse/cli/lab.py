"""``rnncourse lab``: copy the lessons into the learner's workspace, then start JupyterLab there.

The copy never overwrites: a file that already exists in the workspace is the learner's, and
course updates must not erase their work. New lessons from an update are copied next to it.

JupyterLab lives exactly as long as ``rnncourse lab``: Ctrl-C, SIGTERM (a process manager) and
SIGHUP (the terminal closing) stop it and its kernels, see :func:`serve`.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shlex
import signal
import subprocess
import sys
import threading
from pathlib import Path

from rnncourse.authoring.layout import CourseFolderNotFound, find_lessons_dir
from rnncourse.cli.argtypes import port_number
from rnncourse.workspace import IGNORED_NAMES, CopyReport, copy_lessons  # noqa: F401 (re-exported)

DEFAULT_WORKSPACE = "my-work"
# How long JupyterLab gets to shut its kernels down after SIGTERM before it is killed.
STOP_GRACE_SECONDS = 10.0
# The signals that stop `rnncourse lab` and, through it, JupyterLab (SIGHUP is POSIX only).
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def jupyter_command(workspace: Path, no_browser: bool = False, port: int | None = None) -> list[str]:
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


def _say(message):
    """Write a line to stderr, never failing: after SIGHUP the terminal may be gone (EIO)."""
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError, RuntimeError):
        pass


def _stop_with_parent():
    """A ``preexec_fn`` that has Linux send JupyterLab SIGTERM when `rnncourse lab` dies, or None.

    A backstop for the one death :func:`serve` cannot act on, SIGKILL. Linux only (prctl
    PR_SET_PDEATHSIG); elsewhere, or when libc cannot be loaded, there is no backstop.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    prctl.restype = ctypes.c_int
    parent = os.getpid()

    def preexec():  # runs in the child between fork and exec
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect: do not start
            os._exit(1)

    return preexec


def _kill_after(child, grace, program="rnncourse lab", served="JupyterLab"):
    if child.poll() is None:
        _say(f"{program}: {served} did not stop within {grace:g} s; killing it")
        child.kill()


def serve(command: list[str], grace: float = STOP_GRACE_SECONDS, program: str = "rnncourse lab",
          served: str = "JupyterLab") -> int:
    """Run ``command`` (JupyterLab) until it exits, or until `rnncourse lab` is told to stop.

    ``program`` and ``served`` name the two processes in the messages (``rnncourse hub start``
    serves JupyterHub the same way).

    On Ctrl-C (SIGINT), SIGTERM or SIGHUP, JupyterLab is sent SIGTERM, on which it shuts its kernels
    down and exits; after ``grace`` seconds it is killed. Further stop signals change nothing.
    The previous signal handlers are restored before returning; a signal that was ignored (e.g.
    SIGHUP under ``nohup``) stays ignored, and JupyterLab inherits that.

    JupyterLab runs in its own session (POSIX), so a terminal's Ctrl-C and hangup reach only
    `rnncourse lab`, which stops JupyterLab in the one graceful way: one Ctrl-C is enough (no
    "Shutdown this Jupyter server (y/[n])?" prompt) and a closing terminal does not kill it
    mid-shutdown. On Linux, PR_SET_PDEATHSIG stops it too if `rnncourse lab` is killed outright.

    Returns
    -------
    int
        The exit code for `rnncourse lab`: 0 after Ctrl-C (as always), 128 + the signal number
        after SIGTERM or SIGHUP, otherwise JupyterLab's own (128 + N if a signal N ended it).
    """
    received: list[int] = []  # stop signals, in the order they came
    child: subprocess.Popen | None = None
    killer: threading.Timer | None = None

    def begin_stop():
        nonlocal killer
        if killer is not None:
            return  # already stopping: JupyterLab has its SIGTERM and the clock is running
        killer = threading.Timer(grace, _kill_after, args=(child, grace, program, served))
        killer.daemon = True
        name = "Ctrl-C" if received[0] == signal.SIGINT else signal.Signals(received[0]).name
        what = "JupyterLab and its kernels" if served == "JupyterLab" else served
        _say(f"{program}: {name} received; stopping {what}")
        assert child is not None  # begin_stop runs only once the child has started
        child.send_signal(signal.SIGTERM)
        killer.start()

    def on_stop_signal(signum, frame):
        received.append(signum)
        if child is not None:  # during Popen the signal is only noted; it is acted on right after
            begin_stop()

    previous = {}
    if threading.current_thread() is threading.main_thread():  # signal.signal works only there
        for signum in STOP_SIGNALS:
            handler = signal.getsignal(signum)
            if handler is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, on_stop_signal)
    try:
        child = subprocess.Popen(command, start_new_session=os.name == "posix", preexec_fn=_stop_with_parent())
        if received:
            begin_stop()
        code = child.wait()
    finally:
        if killer is not None:
            killer.cancel()
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
    if received:
        return 0 if received[0] == signal.SIGINT else 128 + received[0]
    return code if code >= 0 else 128 - code


def add_parser(subparsers: argparse._SubParsersAction) -> None:
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


def run(args: argparse.Namespace) -> int:
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
    return serve(command)
