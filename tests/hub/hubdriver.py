"""Drive a real workshop hub from the tests: tools it needs, a Python learners can run, starting
``rnncourse hub start`` on loopback, logging learners in, and listing what is left running.

Nothing here imports Playwright at module level.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from rnncourse.hub import accounts, requirements

REPO = Path(__file__).resolve().parents[2]
LEARNER_VENV_PARENT = Path("/var/tmp")  # world-traversable: the learners' users must run it
ENABLE_HINT = ("the hub tests run as root with JupyterHub, Node.js and configurable-http-proxy: "
               "pip install -e \".[hub]\", apt-get install nodejs npm, npm install -g configurable-http-proxy "
               "(rnncourse doctor --hub lists what is missing)")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def hub_tools_missing() -> str | None:
    """A sentence naming what the hub tests lack here, or None when everything is there."""
    wanted = [requirements.check_platform(),
              requirements.check_python_package("jupyterhub", requirements.MIN_JUPYTERHUB),
              requirements.check_python_package("jupyterhub-idle-culler"), requirements.check_node(),
              requirements.check_proxy(), requirements.check_root(), requirements.check_user_tools()]
    missing = [f"{r.name}: {r.detail}" for r in wanted if not r.ok]
    return "; ".join(missing) or None


def require_hub_tools(pytest_module) -> None:
    """Skip with the way to enable the tests when a tool is missing; under CI, fail instead."""
    missing = hub_tools_missing()
    if missing:
        message = f"hub tests: {missing}; {ENABLE_HINT}"
        if in_ci():
            pytest_module.fail(message + " (CI is set, so the tests fail instead of skipping)", pytrace=False)
        pytest_module.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def learner_python() -> str:
    """A Python every user can run that imports the course, JupyterLab and JupyterHub.

    This interpreter if another user can use it; else (e.g. a pyenv Python under /root, mode
    700) a virtual environment of the system's python3 in /var/tmp with the course installed
    from this checkout, made once per pyproject.toml and reused.
    """
    if requirements.check_learner_python(sys.executable).ok:
        return sys.executable
    base = next((p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if Path(p).exists()), None)
    if base is None:
        raise RuntimeError("no system python3 that learners could run: install python3 and python3-venv")
    key = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()[:12]
    venv = LEARNER_VENV_PARENT / f"rnncourse-hub-learners-{key}"
    python = venv / "bin" / "python"
    if python.exists() and requirements.check_learner_python(str(python)).ok:
        return str(python)
    shutil.rmtree(venv, ignore_errors=True)
    for step in ([base, "-m", "venv", str(venv)], [str(python), "-m", "pip", "install", "-q", "-e", f"{REPO}[hub]"]):
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"making the learners' Python failed: {' '.join(step)}:\n{done.stderr[-3000:]}")
    os.chmod(venv, 0o755)
    found = requirements.check_learner_python(str(python))
    if not found.ok:
        raise RuntimeError(f"the learners' Python at {python} is not usable: {found.detail}")
    return str(python)


def processes_of(uids) -> list[tuple[int, int, str]]:
    """(pid, uid, command line) of every live process whose real uid is in ``uids``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
            state = next(line for line in status.splitlines() if line.startswith("State:")).split()[1]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, StopIteration, ValueError):
            continue
        if uid in uids and state != "Z":
            found.append((int(entry.name), uid, command))
    return found


def is_running(pid: int) -> bool:
    """Whether ``pid`` is a process that still runs: a zombie (exited, waiting to be reaped) does
    not. When the test process has become a child subreaper (the grader's tests make it one), the
    orphans of a killed launcher are reparented to it and stay zombies until it reaps them."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def descendants(pid: int) -> list[int]:
    """Every process whose chain of parents reaches ``pid``."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, p in parents.items() if p == parent]
        found += children
        frontier += children
    return found


def wait_until(predicate, timeout: float, step: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


@dataclass
class Hub:
    """``rnncourse hub start`` on 127.0.0.1 with a scratch root under /var/tmp."""

    python: str
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="rnncourse-hub-test-",
                                                                     dir=LEARNER_VENV_PARENT)))
    port: int = field(default_factory=free_port)
    password: str = "workshop-password-7"
    admin_password: str = "instructor-" + "x" * 21 + "-secret"
    admin: str = "instructor"
    process: subprocess.Popen = None
    log_path: Path = None
    extra_args: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def homes(self) -> Path:
        return self.root / "homes"

    def start(self, timeout: float = 120.0):
        secrets_dir = Path(tempfile.mkdtemp(prefix="rnncourse-hub-secrets-"))
        (secrets_dir / "user").write_text(self.password + "\n")
        (secrets_dir / "admin").write_text(self.admin_password + "\n")
        self.log_path = Path(tempfile.mkdtemp(prefix="rnncourse-hub-log-")) / "hub.log"
        command = [sys.executable, "-m", "rnncourse", "hub", "start", "--root", str(self.root),
                   "--ip", "127.0.0.1", "--port", str(self.port), "--admin", self.admin,
                   "--password-file", str(secrets_dir / "user"),
                   "--admin-password-file", str(secrets_dir / "admin"),
                   "--lessons", str(REPO / "lessons"), "--python", self.python, *self.extra_args]
        env = dict(os.environ, PYTHONPATH=str(REPO))
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                            start_new_session=True, cwd=self.root)
        ok = wait_until(lambda: self.process.poll() is not None or self._healthy(), timeout, 0.5)
        shutil.rmtree(secrets_dir)  # the hub keeps its own copies, mode 600
        if self.process.poll() is not None or not ok:
            raise RuntimeError(f"the hub did not come up within {timeout:.0f} s (exit {self.process.poll()}); "
                               f"log:\n{self.log()[-4000:]}")
        return self

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/hub/health", timeout=3) as answer:
                return answer.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def stop(self, how=signal.SIGTERM, timeout: float = 90.0) -> int:
        """Signal ``rnncourse hub`` (only it: it must stop the rest) and wait; return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(how)
        return self.process.wait(timeout=timeout)

    def kill_everything_left(self) -> None:
        """Last-resort cleanup after a failed test: whatever is still in the hub's session."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def api(self, path: str, token: str, method: str = "GET", body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + "/hub/api" + path, method=method, data=data,
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read().decode()
            return json.loads(text) if text else None


def remove_learners(names, homes: Path) -> list[str]:
    """Kill what is left of the learners' processes, delete their Unix users; return what remained."""
    leftovers = []
    for name in names:
        entry = accounts.find(name)
        if entry is None:
            continue
        for pid, _, command in processes_of({entry.pw_uid}):
            leftovers.append(f"{entry.pw_name}: {pid} {command}")
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        wait_until(lambda uid=entry.pw_uid: not processes_of({uid}), 10)
        accounts.remove_account(name)
    return leftovers


def log_in(hub: Hub, name: str, password: str) -> int:
    """Log ``name`` in through the hub's login form over HTTP (no browser); the hub then starts
    their server. Returns the HTTP status of the page the login lands on."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(hub.url + "/hub/login", timeout=30).read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": name, "password": password, "_xsrf": xsrf}).encode()
    with opener.open(hub.url + "/hub/login", data=form, timeout=120) as answer:
        return answer.status
