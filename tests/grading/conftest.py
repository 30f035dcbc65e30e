"""Fixtures shared by the grader tests: a private install of the course package.

The batch tests run ``rnncourse grade`` in a subprocess with a private copy of the course: a
throw-away virtual environment whose only ``rnncourse`` is a copy taken when the session starts,
and which reuses this environment's installed packages. A concurrent edit of the working tree's
``rnncourse/`` (someone else working in the same checkout) therefore cannot mark the rows
"course files changed during grading", and the tests need not tolerate that warning, which
would also hide a submission that really rewrote the package. The grader and the
student kernels (started with the same interpreter) both import that copy, so the tests can
assert exit code 0 and no integrity warning.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.grading.private_course import make_private_course


def private_env(**extra):
    """The environment to run the private course interpreter in: this one without
    ``PYTHONPATH``, which would put another ``rnncourse`` (a worktree's) before the copy."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(extra)
    return env


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
                                "print(rnncourse.__file__)"], cwd=root, env=private_env(),
                               capture_output=True, text=True, check=True).stdout.strip()
        assert Path(where).resolve().is_relative_to(root.resolve()), where
        yield str(python)
    finally:
        shutil.rmtree(root, ignore_errors=True)
