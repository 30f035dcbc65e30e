"""The student's kernel: an ipykernel process in a private folder, with limits, that we can kill.

:class:`Kernel` starts ``python -m ipykernel_launcher`` with

- its working directory, ``HOME``, ``TMPDIR`` and IPython/Jupyter/matplotlib folders inside a
  private temporary folder holding only this submission's copy;
- a clean environment (``PATH``, locale, one BLAS thread, ``MPLBACKEND=agg``; nothing that
  names the grader);
- ``RLIMIT_AS`` (address space) set to the memory limit, no core files, a cap on file sizes;
- its own session, and ``PR_SET_PDEATHSIG`` so it dies if the grading process dies;
- when the grader runs as root and the Python interpreter is readable by other users, a fresh
  unprivileged user id of its own (so it cannot signal, trace or write anything of the grader's,
  and a process-count limit applies); otherwise the instructor's own user id (see
  docs/grading.md for what that does not protect).

The kernel talks over ZeroMQ ``ipc`` sockets inside the private folder. Only the shell channel
is read (execute replies: status, exception name and text); the kernel's printed output
(iopub) is never subscribed to, so flooding stdout costs the student time, not the grader memory.
"""

from __future__ import annotations

import os
import resource
import secrets
import signal
import stat
import subprocess
import sys
import time

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from rnncourse.grading import containment

MAX_REPLY_TEXT = 2000
FILE_SIZE_LIMIT = 256 * 1024 * 1024
PROCESS_LIMIT = 128
KERNEL_START_TIMEOUT = 60.0


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


def choose_isolation(drop_privileges="auto"):
    """``(uid or None, description)``: a fresh unprivileged uid when we are root and it can work."""
    if drop_privileges is False or os.name != "posix" or os.geteuid() != 0:
        return None, "same user as the grader"
    if not interpreter_world_readable():
        if drop_privileges is True:
            raise RuntimeError(f"cannot run kernels as another user: {sys.executable} is not "
                               "readable by other users; install Python in a shared location")
        return None, ("same user as the grader (root: the Python interpreter is not readable "
                      "by other users, so kernels cannot drop privileges)")
    uid = 2_000_000_000 + secrets.randbelow(100_000_000)
    return uid, f"unprivileged user id {uid}"


def kernel_environment(private_dir):
    """The kernel's whole environment: nothing from ours except PATH and the locale."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": private_dir,
        "TMPDIR": os.path.join(private_dir, "tmp"),
        "IPYTHONDIR": os.path.join(private_dir, ".ipython"),
        "JUPYTER_CONFIG_DIR": os.path.join(private_dir, ".jupyter"),
        "JUPYTER_DATA_DIR": os.path.join(private_dir, ".jupyter", "data"),
        "JUPYTER_RUNTIME_DIR": os.path.join(private_dir, ".jupyter", "runtime"),
        "MPLCONFIGDIR": os.path.join(private_dir, ".matplotlib"),
        "MPLBACKEND": "agg",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    if "VIRTUAL_ENV" in os.environ:
        env["VIRTUAL_ENV"] = os.environ["VIRTUAL_ENV"]
    return env


class Reply:
    """The outcome of one execute request: ``status`` is ``ok``, ``error``, ``timeout`` or ``died``."""

    def __init__(self, status, ename=None, evalue=None, seconds=0.0):
        self.status = status
        self.ename = ename
        self.evalue = evalue
        self.seconds = seconds

    def as_dict(self):
        return {"status": self.status, "ename": self.ename, "evalue": self.evalue,
                "seconds": round(self.seconds, 3)}


class Kernel:
    """One student kernel. Use :meth:`start`, :meth:`execute`, then :meth:`shutdown`."""

    def __init__(self, private_dir, memory_mb, uid=None):
        self.private_dir = private_dir
        self.memory_mb = memory_mb
        self.uid = uid
        self.process = None
        self.client = None
        self.start_error = None

    # ------------------------------------------------------------------ start
    def _prepare_dirs(self):
        for sub in ("tmp", ".ipython", ".jupyter", ".matplotlib"):
            os.makedirs(os.path.join(self.private_dir, sub), exist_ok=True)
        if self.uid is not None:
            for root, dirs, files in os.walk(self.private_dir):
                for name in [root] + [os.path.join(root, n) for n in dirs + files]:
                    os.lchown(name, self.uid, self.uid)
            os.chmod(self.private_dir, 0o700)

    def _limits(self):
        memory = int(self.memory_mb) * 1024 * 1024
        uid = self.uid

        def preexec():  # runs in the child between fork and exec
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
            if uid is not None:
                resource.setrlimit(resource.RLIMIT_NPROC, (PROCESS_LIMIT, PROCESS_LIMIT))
            containment.die_with_parent(signal.SIGKILL)
        return preexec

    def start(self, timeout=KERNEL_START_TIMEOUT):
        """Start the kernel and wait until it answers; returns False (see ``start_error``) if not."""
        conn_file = os.path.join(self.private_dir, ".kernel.json")
        self._prepare_dirs()
        write_connection_file(conn_file, transport="ipc",
                              ip=os.path.join(self.private_dir, ".k"),
                              key=secrets.token_hex(16).encode())
        if self.uid is not None:
            os.lchown(conn_file, self.uid, self.uid)
        cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", conn_file,
               "--HistoryManager.enabled=False", "--IPKernelApp.quiet=True"]
        extra = {}
        if self.uid is not None:
            extra = {"user": self.uid, "group": self.uid, "extra_groups": []}
        self.process = subprocess.Popen(
            cmd, cwd=self.private_dir, env=kernel_environment(self.private_dir),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True, preexec_fn=self._limits(), **extra)
        client = BlockingKernelClient()
        client.load_connection_file(conn_file)
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self.client = client
        deadline = time.monotonic() + timeout
        asked = {client.kernel_info()}
        next_ask = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            if not self.alive():
                self.start_error = f"the kernel exited while starting (code {self.process.returncode})"
                return False
            try:
                msg = client.get_shell_msg(timeout=0.05)
            except Exception:
                msg = None
            if msg is not None and msg.get("parent_header", {}).get("msg_id") in asked:
                return True
            if time.monotonic() > next_ask:  # a request sent before the kernel bound may be lost
                asked.add(client.kernel_info())
                next_ask = time.monotonic() + 2.0
        self.start_error = f"the kernel did not start within {timeout:g} s"
        return False

    # ------------------------------------------------------------------ running code
    def alive(self):
        return self.process is not None and self.process.poll() is None

    def _wait_reply(self, msg_id, timeout):
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                msg = self.client.get_shell_msg(timeout=min(left, 0.2))
            except Exception:  # queue.Empty or a malformed message
                if not self.alive():
                    return None
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg

    def execute(self, code, timeout):
        """Run ``code``; wait at most ``timeout`` seconds for its reply. Never raises."""
        start = time.monotonic()
        if not self.alive():
            return Reply("died")
        try:
            msg_id = self.client.execute(code, silent=False, store_history=True,
                                         allow_stdin=False, stop_on_error=False)
        except Exception as exc:  # pragma: no cover - zmq failure
            return Reply("died", type(exc).__name__, str(exc)[:MAX_REPLY_TEXT])
        reply = self._wait_reply(msg_id, timeout)
        seconds = time.monotonic() - start
        if reply is None:
            return Reply("timeout" if self.alive() else "died", seconds=seconds)
        content = reply.get("content", {}) or {}
        status = content.get("status")
        if status == "ok":
            return Reply("ok", seconds=seconds)
        return Reply("error", _text(content.get("ename")), _text(content.get("evalue")), seconds)

    def interrupt(self, wait=3.0):
        """SIGINT the kernel (like Jupyter's stop button); True if it stays alive and answers."""
        if not self.alive():
            return False
        try:
            os.kill(self.process.pid, signal.SIGINT)
        except OSError:
            return False
        probe = self.execute("pass", wait)
        return probe.status == "ok"

    def exit_description(self):
        code = self.process.returncode if self.process is not None else None
        if code is None:
            return "still running"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exited with code {code}"

    def shutdown(self):
        """Kill the kernel (no polite shutdown: it may ignore one) and close the client."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.process.kill()
            except OSError:
                pass
        if self.process is not None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover
                pass
        if self.client is not None:
            try:
                self.client.stop_channels()
            except Exception:
                pass
            self.client = None


def _text(value):
    return value[:MAX_REPLY_TEXT] if isinstance(value, str) else None
