"""What a machine needs to run the workshop hub, each with the exact command that provides it.

Used by ``rnncourse doctor --hub`` (which prints them) and ``rnncourse hub start`` (which refuses
to start while one is missing). Nothing here installs anything.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MIN_JUPYTERHUB = (5, 3)  # the first release with SharedPasswordAuthenticator
MIN_NODE = 12  # configurable-http-proxy's own minimum
NOBODY_UID = 65534
HUB_EXTRA = 'pip install -e ".[hub]" (in the course folder)'


@dataclass(frozen=True)
class Requirement:
    """One thing the hub needs: found or not, what was seen, and the command that fixes it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def _version(text: str) -> tuple:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def check_platform() -> Requirement:
    if sys.platform.startswith("linux"):
        return Requirement("linux", True, "learners get Unix users and an address-space limit")
    return Requirement("linux", False, f"this is {sys.platform}; the hub creates Linux users for learners",
                       "run the hub on a Linux server or VM (Debian/Ubuntu), or use Kubernetes (docs/workshop.md)")


def check_python_package(name: str, minimum: tuple = ()) -> Requirement:
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return Requirement(name, False, "not installed", HUB_EXTRA)
    if minimum and _version(version) < minimum:
        wanted = ".".join(map(str, minimum))
        return Requirement(name, False, f"{version} is older than the {wanted} the hub needs",
                           f'pip install --upgrade "{name}>={wanted}"')
    return Requirement(name, True, version)


def check_node() -> Requirement:
    node = shutil.which("node") or shutil.which("nodejs")
    fix = "apt-get install nodejs npm (Debian/Ubuntu; as root)"
    if node is None:
        return Requirement("node", False, "not found on PATH (configurable-http-proxy runs on Node.js)", fix)
    done = subprocess.run([node, "--version"], capture_output=True, text=True)
    version = done.stdout.strip()
    if done.returncode != 0 or not version or _version(version)[:1] < (MIN_NODE,):
        return Requirement("node", False, f"{node} reports {version or 'nothing'}; needs >= {MIN_NODE}", fix)
    return Requirement("node", True, f"{version} ({node})")


def check_proxy() -> Requirement:
    proxy = shutil.which("configurable-http-proxy")
    if proxy is None:
        return Requirement("configurable-http-proxy", False, "not found on PATH (JupyterHub's proxy)",
                           "npm install -g configurable-http-proxy (as root)")
    return Requirement("configurable-http-proxy", True, proxy)


def check_root() -> Requirement:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Requirement("root", True, "running as root: the hub can create one Unix user per learner")
    return Requirement("root", False, "not root: the hub could not create the learners' Unix users",
                       "start the hub as root: sudo $(which rnncourse) hub start ...")


def check_user_tools() -> Requirement:
    missing = [tool for tool in ("useradd", "userdel") if shutil.which(tool) is None]
    if missing:
        return Requirement("useradd/userdel", False, f"{', '.join(missing)} not found",
                           "apt-get install passwd (Debian/Ubuntu; as root)")
    return Requirement("useradd/userdel", True, shutil.which("useradd"))


def check_learner_python(python: str = sys.executable) -> Requirement:
    """Another user (``nobody``) can run ``python`` and import what a learner's server needs.

    A Python under /root (e.g. pyenv's), mode 700, is the usual failure: learners' servers run
    as their own users and could not even start it.
    """
    name = "Python for learners"
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return Requirement(name, False, "not checked: needs root to try it as another user",
                           "run rnncourse doctor --hub as root")

    def as_nobody():
        os.setgroups([])
        os.setgid(NOBODY_UID)
        os.setuid(NOBODY_UID)

    code = "import jupyterhub.singleuser, jupyterlab, ipykernel, rnncourse"
    try:
        done = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd="/",
                              preexec_fn=as_nobody, timeout=120,
                              env={k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "LANG")})
    except OSError as exc:
        done = subprocess.CompletedProcess([], 126, "", str(exc))
    if done.returncode == 0:
        return Requirement(name, True, f"other users can run {python} and import the course")
    tail = (done.stderr.strip().splitlines() or ["cannot execute it"])[-1]
    return Requirement(name, False, f"another user cannot use {python}: {tail}",
                       "install the course in an environment every user can read, e.g. "
                       "/usr/bin/python3 -m venv /opt/rnncourse && /opt/rnncourse/bin/pip install "
                       "'<course folder>[hub]', and run /opt/rnncourse/bin/rnncourse hub start")


def check_lessons_readable(lessons_dir: Path | None) -> Requirement:
    name = "lessons for learners"
    if lessons_dir is None:
        return Requirement(name, False, "no lessons/ folder found", "pass --lessons DIR to rnncourse hub start")
    blocked = [p for p in [Path(lessons_dir).resolve(), *Path(lessons_dir).resolve().parents]
               if not os.stat(p).st_mode & 0o001]
    if blocked:
        return Requirement(name, False,
                           f"learners cannot enter {blocked[0]} (no x for others), so no lesson reaches them",
                           f"chmod o+x {blocked[0]}, or put the course where every user can read it")
    return Requirement(name, True, f"{lessons_dir} is readable by every user")


def all_requirements(lessons_dir: Path | None, python: str = sys.executable) -> list[Requirement]:
    """Every requirement of the hub, in the order an instructor fixes them."""
    return [
        check_platform(),
        check_python_package("jupyterhub", MIN_JUPYTERHUB),
        check_python_package("jupyterhub-idle-culler"),
        check_node(),
        check_proxy(),
        check_root(),
        check_user_tools(),
        check_learner_python(python),
        check_lessons_readable(lessons_dir),
    ]
