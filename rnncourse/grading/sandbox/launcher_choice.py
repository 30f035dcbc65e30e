"""Which launcher a grader uses: the bubblewrap sandbox by default, never a silent fallback.

Without a sandbox (``--unsafe-same-user``) the kernel runs as the grader's own user id, or, when
the grader runs as root and the interpreter is readable by other users, as a fresh unprivileged
user id (see :mod:`~rnncourse.grading.sandbox.launchers`).
"""

from __future__ import annotations

import os
import secrets
import sys

from rnncourse.grading.sandbox import bubblewrap
from rnncourse.grading.sandbox.launchers import SameUserLauncher, SeparateUidLauncher, interpreter_world_readable


def choose_launcher(drop_privileges="auto", sandbox=True):
    """The launcher for this grader: the bubblewrap sandbox, or (``sandbox=False``) today's modes.

    Parameters
    ----------
    drop_privileges : "auto", True or False; without a sandbox, run kernels as a fresh
        unprivileged uid when we are root and it can work (True insists: an error if it cannot)
    sandbox : bool; True (the default) requires the bubblewrap sandbox, probed once per process

    Raises
    ------
    rnncourse.grading.sandbox.bubblewrap.SandboxUnavailable
        when ``sandbox`` is True and bubblewrap is missing or cannot start here (it says why).
    RuntimeError
        when ``drop_privileges`` is True and the interpreter is not readable by other users.
    """
    if sandbox:
        return bubblewrap.probe_once()
    if drop_privileges is False or os.name != "posix" or os.geteuid() != 0:
        return SameUserLauncher()
    if not interpreter_world_readable():
        if drop_privileges is True:
            raise RuntimeError(f"cannot run kernels as another user: {sys.executable} is not "
                               "readable by other users; install Python in a shared location")
        return SameUserLauncher("same user as the grader (root: the Python interpreter is not "
                                "readable by other users, so kernels cannot drop privileges)")
    return SeparateUidLauncher(2_000_000_000 + secrets.randbelow(100_000_000))


__all__ = ["choose_launcher"]
