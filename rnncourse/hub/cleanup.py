"""After JupyterHub has exited: stop whatever of the room still runs.

JupyterHub stops the learners' servers and its proxy when it shuts down normally. When it dies
another way (killed, or failing during start-up after the proxy started), they would be left
behind; ``rnncourse hub start`` then calls :func:`stop_leftovers`, which stops the proxy named in
the state folder's pid file and every process of the learners' Unix users (learners have no other
way to run processes on the machine than their hub server).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from rnncourse.hub import accounts

PROXY_PID_FILE = "jupyterhub-proxy.pid"
GRACE_SECONDS = 5.0


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _processes_of(uids: set) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids and "State:\tZ" not in (entry / "status").read_text():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _terminate(pids: list[int], grace: float) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in pids):
        time.sleep(0.1)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def stop_leftovers(state: Path, homes: Path, grace: float = GRACE_SECONDS) -> list[str]:
    """Stop the proxy of ``state`` and every process of the learners under ``homes``; say what was stopped."""
    stopped = []
    pid_file = Path(state) / PROXY_PID_FILE
    try:
        proxy = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        proxy = None
    if proxy and "configurable-http-proxy" in _command_line(proxy):
        _terminate([proxy], grace)
        stopped.append(f"the proxy (pid {proxy})")
    uids = set()
    for name in accounts.learner_accounts(homes):
        entry = accounts.find(name)
        if entry is not None and entry.pw_uid != 0:
            uids.add(entry.pw_uid)
    left = _processes_of(uids) if uids else []
    if left:
        _terminate(left, grace)
        stopped.append(f"{len(left)} process(es) of learners")
    return stopped
