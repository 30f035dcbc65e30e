"""After JupyterHub has exited: stop whatever of the room still runs.

JupyterHub stops the learners' servers, its services and its proxy when it shuts down normally.
When it dies another way (killed, or failing during start-up after the proxy started) they would
be left behind. ``rnncourse hub start`` therefore makes itself a *child subreaper* before starting
JupyterHub (Linux): processes orphaned below it are re-parented to it instead of to init, so
afterwards :func:`stop_leftovers` finds every one of them among its own descendants, and also
stops the proxy named in the state folder's pid file and every process of the learners' Unix
users (learners have no other way to run processes on the machine than their hub server).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
from pathlib import Path

from rnncourse.hub import accounts

PROXY_PID_FILE = "jupyterhub-proxy.pid"
GRACE_SECONDS = 5.0
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


def become_subreaper() -> bool:
    """Have orphaned descendants re-parented to this process (Linux); False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    prctl.restype = ctypes.c_int
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def _proc_table() -> dict:
    """``{pid: (parent pid, uid, zombie?)}`` of every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            table[int(entry.name)] = (int(fields[1]), entry.stat().st_uid, fields[0] == "Z")
        except (OSError, IndexError, ValueError):
            continue
    return table


def _descendants(pid: int, table: dict) -> list[int]:
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, (ppid, _, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _reap() -> None:
    """Collect the exit status of our finished children (re-parented orphans included)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _terminate(pids: list[int], grace: float) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _reap()
        table = _proc_table()
        if not any(pid in table and not table[pid][2] for pid in pids):
            break
        time.sleep(0.1)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(0.1)
    _reap()


def stop_leftovers(state: Path, homes: Path, grace: float = GRACE_SECONDS) -> list[str]:
    """Stop what JupyterHub left running: this process's descendants, the proxy of ``state`` and
    every process of the learners under ``homes``; return a description of what was stopped."""
    table = _proc_table()
    live = {pid for pid, (_, _, zombie) in table.items() if not zombie}
    leftovers = set(_descendants(os.getpid(), table)) & live
    try:
        proxy = int((Path(state) / PROXY_PID_FILE).read_text().strip())
    except (OSError, ValueError):
        proxy = None
    if proxy in live and "configurable-http-proxy" in _command_line(proxy):
        leftovers.add(proxy)
    uids = set()
    for name in accounts.learner_accounts(homes):
        entry = accounts.find(name)
        if entry is not None and entry.pw_uid != 0:
            uids.add(entry.pw_uid)
    learners = {pid for pid in live if table[pid][1] in uids}
    leftovers |= learners
    _reap()
    if not leftovers:
        return []
    described = [f"{_command_line(pid).split(' -m ')[-1][:60] or pid}" for pid in sorted(leftovers - learners)]
    _terminate(sorted(leftovers), grace)
    if learners:
        described.append(f"{len(learners)} process(es) of learners")
    return described
