"""How the student's kernel process is launched: as which user, with which limits, seeing which paths.

A :class:`Launcher` is everything about isolation that :class:`~rnncourse.grading.sandbox.kernel.Kernel`
and the worker need, behind one interface:

- :attr:`~Launcher.description`: one line for the JSON report (``"isolation"``);
- :meth:`~Launcher.prepare`: make the private folder usable by the kernel (and only by it);
- :meth:`~Launcher.argv` and :meth:`~Launcher.popen_kwargs`: the command and the user it runs as;
- :meth:`~Launcher.preexec`: limits applied in the child between fork and exec;
- :meth:`~Launcher.place`: hand a file the grader wrote to the kernel and return its path *as the
  kernel sees it* (:meth:`~Launcher.kernel_path`), which is what the harness is given.

- :meth:`~Launcher.kernel_pid` and :meth:`~Launcher.exit_code`: the kernel's own process id (for
  an interrupt) and its exit code, when the launcher puts a process between us and the kernel.

:class:`~rnncourse.grading.sandbox.bubblewrap.BubblewrapLauncher` (the default) runs the kernel in a
bubblewrap sandbox: its ``argv`` wraps the command and its ``kernel_path`` maps the private folder
into the sandbox. Without a sandbox (``--unsafe-same-user``), :class:`SameUserLauncher` (the
grader's own user id) or :class:`SeparateUidLauncher` (a fresh unprivileged user id, when the
grader runs as root) are today's modes.
:func:`~rnncourse.grading.sandbox.launcher_choice.choose_launcher` picks one, and never falls
back from the sandbox silently.
"""

from __future__ import annotations

import abc
import os
import resource
import signal
import stat
import sys
import tempfile

from rnncourse.grading.sandbox import containment

FILE_SIZE_LIMIT = 256 * 1024 * 1024
PROCESS_LIMIT = 128


def interpreter_world_readable(executable=sys.executable):
    """True when every folder up to the interpreter (and its library) is searchable by other users."""
    paths = {os.path.realpath(executable), os.path.realpath(os.__file__)}
    for path in paths:
        current = path
        while True:
            try:
                mode = os.stat(current).st_mode
            except OSError:
                return False
            needed = stat.S_IXOTH if stat.S_ISDIR(mode) else stat.S_IROTH
            if not mode & needed:
                return False
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
    return True


def hand_over(private_dir, uid):
    """Give ``private_dir`` and everything in it to ``uid``, readable by that user only."""
    for root, dirs, files in os.walk(private_dir):
        for name in [root] + [os.path.join(root, n) for n in dirs + files]:
            os.lchown(name, uid, uid)
    os.chmod(private_dir, 0o700)


def open_path_to(private_dir, top=None):
    """Let other users pass through (search, not list) the grader's own folders between ``top``
    (default: the system temporary folder) and ``private_dir``, so a kernel running as another
    user id can reach its folder: the batch makes them ``0o700``. Folders outside ``top``, or
    not owned by the grader, are left alone."""
    top = os.path.realpath(top or tempfile.gettempdir())
    folder = os.path.dirname(os.path.realpath(private_dir))
    if os.path.commonpath([top, folder]) != top:
        return
    while folder != top:
        info = os.lstat(folder)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid():
            os.chmod(folder, stat.S_IMODE(info.st_mode) | stat.S_IXOTH)
        folder = os.path.dirname(folder)


class Launcher(abc.ABC):  # noqa: B024 (every method has a default; subclasses override some)
    """How to start the kernel process and share files with it (see the module docstring)."""

    description = ""
    sandboxed = False
    """True when the kernel runs in a sandbox (it cannot see the instructor's files)."""

    def prepare(self, private_dir):  # noqa: B027 (a hook: most launchers need nothing here)
        """Make ``private_dir`` (already holding the kernel's folders) ready for the kernel."""

    def place(self, host_path):
        """Give the kernel the file the grader wrote at ``host_path``; its path as the kernel sees it."""
        return self.kernel_path(host_path)

    def kernel_path(self, host_path):
        """``host_path`` as the kernel sees it (the same path, unless the launcher remaps files)."""
        return str(host_path)

    def argv(self, command):
        """The command line that starts ``command`` (a list) under this launcher; it starts in
        the private folder's host path, so a launcher that remaps paths also changes folder."""
        return list(command)

    def popen_kwargs(self):
        """Extra ``subprocess.Popen`` arguments (e.g. the user and groups to run as)."""
        return {}

    def kernel_pid(self, process):
        """The process id to signal to reach the kernel started as ``process``."""
        return process.pid

    def exit_code(self, code):
        """The kernel's exit code (negative: killed by that signal) from ``process.returncode``."""
        return code

    def preexec(self, memory_mb):
        """The function run in the child between fork and exec: limits and parent-death signal."""
        memory = int(memory_mb) * 1024 * 1024
        extra = self._extra_limits()

        def preexec():  # runs in the child between fork and exec
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
            for which, value in extra:
                resource.setrlimit(which, (value, value))
            containment.die_with_parent(signal.SIGKILL)
        return preexec

    def _extra_limits(self):
        return []


class SameUserLauncher(Launcher):
    """The kernel runs as the grader's own user id (see docs/grading.md for what that leaves open)."""

    def __init__(self, description="same user as the grader"):
        self.description = description


class SeparateUidLauncher(Launcher):
    """The kernel runs as ``uid`` (a fresh unprivileged user id): it cannot signal, trace or write
    anything of the grader's, and a process-count limit applies. Needs root."""

    def __init__(self, uid):
        self.uid = int(uid)
        self.description = f"unprivileged user id {self.uid}"

    def prepare(self, private_dir):
        hand_over(private_dir, self.uid)
        open_path_to(private_dir)

    def place(self, host_path):
        os.lchown(host_path, self.uid, self.uid)
        return self.kernel_path(host_path)

    def popen_kwargs(self):
        return {"user": self.uid, "group": self.uid, "extra_groups": []}

    def _extra_limits(self):
        return [(resource.RLIMIT_NPROC, PROCESS_LIMIT)]


__all__ = ["Launcher", "SameUserLauncher", "SeparateUidLauncher",
           "hand_over", "open_path_to", "interpreter_world_readable"]
