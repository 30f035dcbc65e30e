"""``rnncourse hub``: the workshop room on one machine (a real JupyterHub), for instructors.

``hub start`` writes the hub's configuration into its state folder and runs JupyterHub until
Ctrl-C / SIGTERM / SIGHUP, which stop every learner's server, kernel and the proxy. ``hub push``
hands a fixed lesson to every learner without touching their own copy. ``hub accounts`` lists
(or, with ``--remove``, deletes) the learners' Unix users. docs/workshop.md is the guide.
"""

from __future__ import annotations

import argparse
import os
import shlex
import socket
import sys
from pathlib import Path

from rnncourse.authoring.layout import CourseFolderNotFound, find_lessons_dir
from rnncourse.cli.argtypes import port_number
from rnncourse.cli.lab import serve
from rnncourse.hub import accounts, cleanup, config, content, limits, requirements, services

DEFAULT_ROOT = "workshop-hub"
PASSWORD_VARIABLE = "RNNCOURSE_HUB_PASSWORD"
ADMIN_PASSWORD_VARIABLE = "RNNCOURSE_HUB_ADMIN_PASSWORD"
# JupyterHub stops every learner's server on SIGTERM (interrupt, then terminate after 10 + 5 s).
STOP_GRACE_SECONDS = 60.0


def memory_size(text: str) -> int | None:
    """``--memory-limit``: a size such as 3G or 1500M, or none."""
    try:
        return limits.parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


IDLE_UNITS = {"s": 1, "m": 60, "h": 3600}


def idle_duration(text: str) -> int:
    """``--idle-timeout``: whole minutes (``30``), or a number with a unit (``90s``, ``30m``, ``2h``);
    returns seconds, 0 meaning never."""
    value = text.strip().lower()
    unit = value[-1:] if value[-1:] in IDLE_UNITS else "m"
    number = value[:-1] if value[-1:] in IDLE_UNITS else value
    try:
        amount = int(number)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole minutes or a duration such as 90s, 30m or 2h, got {text!r}") from None
    if amount < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (never) or more minutes, got {text}")
    return amount * IDLE_UNITS[unit]


def learner_name(text: str) -> str:
    """``--admin`` / ``--learner``: a name that can become a Unix user."""
    try:
        return accounts.check_name(accounts.normalize(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _password(file_option, variable, what):
    """The password from ``--...-password-file`` or else the environment, or None.

    The environment variable is removed either way: JupyterHub and the learners' servers inherit
    this process's environment.
    """
    value = os.environ.pop(variable, None)
    if file_option is not None:
        try:
            text = Path(file_option).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise config.SettingsError(f"cannot read the {what} from {file_option}: {exc.strerror}") from None
        if not text:
            raise config.SettingsError(f"the file {file_option} holding the {what} is empty")
        return text
    return value.strip() if value else None


def _lessons(args):
    if args.lessons is not None:
        if not args.lessons.is_dir():
            args.parser.error(f"argument --lessons: not a folder: {str(args.lessons)!r}")
        return args.lessons
    try:
        return find_lessons_dir()
    except CourseFolderNotFound:
        return None


def _add_root(parser):
    parser.add_argument("--root", metavar="DIR", type=Path, default=Path(DEFAULT_ROOT),
                        help=f"the hub's folder: its state (root only) and the learners' homes "
                             f"(default: ./{DEFAULT_ROOT})")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "hub", help="the workshop room: start a JupyterHub for the class, push a fixed lesson, list accounts",
        description="The workshop room on one machine: a real JupyterHub where each learner logs in with "
                    "a name and the workshop password and works in their own Unix account. "
                    "Check the machine first with `rnncourse doctor --hub`; docs/workshop.md is the guide.")
    parser.set_defaults(run=lambda args: parser.error("choose start, push or accounts (rnncourse hub --help)"),
                        parser=parser)
    commands = parser.add_subparsers(title="hub commands", dest="hub_command", metavar="COMMAND",
                                     help="start, push or accounts")

    start = commands.add_parser(
        "start", help="start the hub (stop it with Ctrl-C)",
        description="Write the hub's configuration into --root and run JupyterHub with its proxy. "
                    f"The workshop password comes from --password-file or ${PASSWORD_VARIABLE} (never from "
                    "the command line, where `ps` would show it); it is kept, mode 600, for later starts. "
                    "Ctrl-C, SIGTERM or SIGHUP stop every learner's server and kernel, the services and the proxy.")
    _add_root(start)
    start.add_argument("--ip", default="",
                       help="address to listen on (default: every interface, so the room can connect)")
    start.add_argument("--port", type=port_number, default=8000, help="port learners connect to (default: 8000)")
    start.add_argument("--admin", type=learner_name, default="instructor",
                       help="the instructor's login name; the instructor logs in with the admin password "
                            "(default: instructor)")
    start.add_argument("--password-file", metavar="FILE", type=Path,
                       help=f"file holding the workshop password (at least {config.MIN_USER_PASSWORD} characters)")
    start.add_argument("--admin-password-file", metavar="FILE", type=Path,
                       help=f"file holding the instructor's password (at least {config.MIN_ADMIN_PASSWORD} characters; "
                            f"or ${ADMIN_PASSWORD_VARIABLE}; default: a random one made on the first start, "
                            "kept in the state folder)")
    start.add_argument("--roster", metavar="FILE", type=Path,
                       help="only these learners may log in: one name per line, # for comments "
                            "(default: anyone with the password)")
    start.add_argument("--lessons", metavar="DIR", type=Path, default=None,
                       help="the lessons copied into each learner's home (default: lessons/ of the installed course)")
    start.add_argument("--idle-timeout", metavar="MINUTES", type=idle_duration, default=60 * 60,
                       help="stop a learner's server after this many idle minutes (or a duration such as 90s, "
                            "2h); 0 never stops it (default: 60)")
    start.add_argument("--memory-limit", metavar="SIZE", type=memory_size, default=None,
                       help="address-space limit of each process of a learner (server, each kernel), e.g. 3G; "
                            "default: none (docs/workshop.md says how to choose it)")
    start.add_argument("--python", metavar="PATH", default=sys.executable,
                       help="the Python that runs learners' servers and kernels; every user must be able to run it "
                            "(default: this one)")
    start.add_argument("--no-dashboard", action="store_true",
                       help="run without the instructor's live dashboard (learners' progress is then shown to nobody)")
    start.add_argument("--dry-run", action="store_true",
                       help="write the state folder and configuration, print the command, do not start")
    start.set_defaults(run=run_start, parser=start)

    push = commands.add_parser(
        "push", help="hand a fixed lesson to every learner, never overwriting their own copy",
        description="Copy FILE into every learner's home. A learner who has no such file gets it; a learner "
                    "whose file is different keeps theirs and gets the new version beside it "
                    "(e.g. 04_bptt.update-1.ipynb), with a line in COURSE-UPDATES.md in their home. "
                    "Learners who log in later get the lessons folder's version: put the fix there too.")
    _add_root(push)
    push.add_argument("file", metavar="FILE", type=Path, help="the fixed lesson (e.g. lessons/04_bptt.ipynb)")
    push.add_argument("--as", dest="relative", metavar="PATH", default=None,
                      help="its path in the learners' homes (default: its file name)")
    push.add_argument("--learner", metavar="NAME", type=learner_name, action="append",
                      help="only this learner (repeat for several; default: everyone with an account)")
    push.add_argument("--python", metavar="PATH", default=sys.executable,
                      help="a Python every learner can run that imports the course "
                           "(as for hub start; default: this one)")
    push.set_defaults(run=run_push, parser=push)

    listing = commands.add_parser(
        "accounts", help="list the learners' Unix accounts (or remove them after the workshop)",
        description="List the learners who have an account and home under --root. With --remove, delete "
                    "their Unix users (their homes, with their work, are kept); stop the hub first.")
    _add_root(listing)
    listing.add_argument("--remove", action="store_true", help="delete the learners' Unix users, keeping their homes")
    listing.set_defaults(run=run_accounts, parser=listing)
    return parser


def run_start(args: argparse.Namespace) -> int:
    """Carry out ``rnncourse hub start``; returns the exit code."""
    lessons = _lessons(args)
    problems = [r for r in requirements.all_requirements(lessons, args.python) if not r.ok]
    for problem in problems:
        print(f"PROBLEM  {problem.name}: {problem.detail} -> fix: {problem.fix}", file=sys.stderr)
    if problems and not args.dry_run:
        print("rnncourse hub: the hub cannot start until these are fixed (rnncourse doctor --hub lists everything)",
              file=sys.stderr)
        return 1
    try:
        roster = config.read_roster(args.roster) if args.roster else []
        settings = config.HubSettings(
            root=args.root, ip=args.ip, port=args.port, admin=args.admin, roster=roster, lessons_dir=lessons,
            idle_timeout=args.idle_timeout or None,
            memory_limit=args.memory_limit, hub_port=_free_port(), proxy_api_port=_free_port(),
            dashboard_port=_free_port(), python=args.python, dashboard=not args.no_dashboard)
        made = config.prepare_state(
            settings, _password(args.password_file, PASSWORD_VARIABLE, "workshop password"),
            _password(args.admin_password_file, ADMIN_PASSWORD_VARIABLE, "instructor's password"))
        config_file = config.write_config(settings)
    except (config.SettingsError, OSError) as exc:
        print(f"rnncourse hub: {exc}", file=sys.stderr)
        return 1
    command = [args.python, "-m", "jupyterhub", "-f", str(config_file)]
    where = f"http://{args.ip or '<this machine>'}:{args.port}/"
    print(f"hub folder: {settings.root.resolve()} (configuration {config_file})")
    print(f"learners open {where} and log in with their name and the workshop password")
    note = (f" (made now; read it with: sudo cat {made['admin_password_file']})" if made["admin_password_made"]
            else f" (in {made['admin_password_file']})")
    dashboard = "" if args.no_dashboard else f"; the dashboard is at {where}services/{services.DASHBOARD}/"
    print(f"instructor: log in as {args.admin!r} with the instructor's password{note}{dashboard}")
    if args.dry_run:
        print("would run: " + shlex.join(command))
        return 0
    print("starting: " + shlex.join(command) + "   (Ctrl-C stops the hub and every learner's server)", flush=True)
    os.umask(0o077)  # the database and logs JupyterHub writes are root's alone
    cleanup.become_subreaper()  # whatever JupyterHub orphans is re-parented here and stopped below
    code = serve(command, grace=STOP_GRACE_SECONDS, program="rnncourse hub",
                 served="JupyterHub, every learner's server and kernel, and the proxy")
    stopped = cleanup.stop_leftovers(settings.state, settings.homes)
    if stopped:  # JupyterHub did not stop them itself: it died, or failed while starting
        print(f"rnncourse hub: JupyterHub left these running; stopped them: {'; '.join(stopped)}", file=sys.stderr)
    return code


def run_push(args: argparse.Namespace) -> int:
    """Carry out ``rnncourse hub push``; returns 0 when every learner got the file."""
    if not args.file.is_file():
        args.parser.error(f"argument FILE: not a file: {str(args.file)!r}")
    relative = args.relative or args.file.name
    homes = config.HubSettings(root=args.root).homes
    names = args.learner or accounts.learner_accounts(homes)
    if not names:
        print(f"rnncourse hub push: no learner has an account under {homes} yet; learners who log in later "
              "get the lessons folder's version", file=sys.stderr)
        return 1
    failed = 0
    counts = {"copied": 0, "unchanged": 0, "beside": 0}
    for name in names:
        entry = accounts.find(name)
        if entry is None or Path(entry.pw_dir) != accounts.home_of(name, homes):
            print(f"{name}: no account under {homes}; skipped")
            failed += 1
            continue
        try:
            outcome = content.push_file(entry, args.file, relative, python=args.python)
        except (content.ContentError, OSError, ValueError) as exc:
            print(f"{name}: {exc}")
            failed += 1
            continue
        counts[outcome.how] += 1
        print(f"{name}: {outcome.sentence()}")
    print(f"{len(names)} learner(s): {counts['copied']} got the file, {counts['unchanged']} already had it, "
          f"{counts['beside']} kept their own copy and got the fix beside it (their COURSE-UPDATES.md says so)"
          + (f", {failed} failed" if failed else ""))
    return 1 if failed else 0


def run_accounts(args: argparse.Namespace) -> int:
    """Carry out ``rnncourse hub accounts``; returns the exit code."""
    homes = config.HubSettings(root=args.root).homes
    names = accounts.learner_accounts(homes)
    if not names:
        print(f"no learner accounts under {homes}")
        return 0
    failed = 0
    for name in names:
        if not args.remove:
            print(f"{name}\t{accounts.unix_name(name)}\t{accounts.home_of(name, homes)}")
            continue
        try:
            accounts.remove_account(name)
            print(f"removed {accounts.unix_name(name)} (home kept: {accounts.home_of(name, homes)})")
        except accounts.AccountError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0
