"""Fixtures shared by the grader tests: a private install of the course package.

The batch tests run ``rnncourse grade`` in a subprocess. Run against the working tree, any
concurrent edit of ``rnncourse/`` (someone else working in the same checkout) would mark every
row "course files changed during grading", so the tests used to tolerate that warning, which
would also have hidden a submission that really rewrote the package. Instead they grade with a
private copy: a throw-away virtual environment whose only ``rnncourse`` is a copy taken when the
session starts, and which reuses this environment's installed packages. The grader and the
student kernels (started with the same interpreter) both import that copy, so the tests can
assert exit code 0 and no integrity warning.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import tempfile
import venv
from pathlib import Path

import pytest

import rnncourse

PACKAGE = Path(rnncourse.__file__).resolve().parent


def make_private_course(root):
    """A Python interpreter (path) that imports a private copy of ``rnncourse`` under ``root``."""
    root = Path(root)
    copy = root / "course"
    shutil.copytree(PACKAGE, copy / "rnncourse",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    target = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    # the copy first, then this environment's packages (numpy, ipykernel, ...) as plain paths:
    # their .pth files, including the editable install of the working tree, are not run
    lines = [str(copy)] + [p for p in site.getsitepackages() if Path(p).is_dir()]
    Path(target, "_rnncourse_private.pth").write_text("\n".join(lines) + "\n")
    return python


@pytest.fixture(scope="session")
def private_python():
    """The interpreter of a private course install; checks it imports the copy, not the tree
    (run it from a folder that holds no ``rnncourse/``, as the grader tests do).

    The folder is readable by every user (not pytest's private tmp folder), because a grader
    running as root starts the kernels as a fresh unprivileged user, who must read the copy.
    """
    root = Path(tempfile.mkdtemp(prefix="rnncourse-private-course-"))
    os.chmod(root, 0o755)
    try:
        python = make_private_course(root)
        where = subprocess.run([str(python), "-c", "import rnncourse, numpy, ipykernel; "
                                "print(rnncourse.__file__)"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
        assert Path(where).resolve().is_relative_to(root.resolve()), where
        yield str(python)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def require_sandbox():
    """Skip (or, under CI, fail) when the bubblewrap sandbox cannot run here; says why."""
    from rnncourse.grading.bubblewrap import SandboxUnavailable, probe_once

    try:
        return probe_once()
    except SandboxUnavailable as exc:
        message = f"the bubblewrap sandbox cannot run here: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must exercise the sandbox: .ci/run installs bubblewrap)")
        pytest.skip(message)
