"""The student's kernel: an ipykernel process in a private folder, with limits, that we can kill.

:class:`Kernel` starts ``python -m ipykernel_launcher`` with

- its working directory, ``HOME``, ``TMPDIR`` and IPython/Jupyter/matplotlib folders inside a
  private temporary folder holding only this submission's copy;
- a clean environment (``PATH``, locale, one BLAS thread, ``MPLBACKEND=agg``,
  ``RNNCOURSE_PROGRESS=off`` so the student's check cells record no progress; nothing that
  names the grader);
- ``RLIMIT_AS`` (address space) set to the memory limit, no core files, a cap on file sizes;
- its own session, and ``PR_SET_PDEATHSIG`` so it dies if the grading process dies;
- the command, user id, limits and path mapping of its
  :class:`~rnncourse.grading.sandbox.launchers.Launcher` (the bubblewrap sandbox by default, where the
  private folder is ``/home/student``; see docs/grading.md).

Use it as a context manager, so the kernel is killed however the block ends::

    with Kernel(private_dir, memory_mb=2048, launcher=choose_launcher()) as kernel:
        if kernel.start():
            kernel.execute("x = 1", timeout=10)

The kernel talks over ZeroMQ ``ipc`` sockets inside the private folder (no network needed; a
launcher that remaps paths gets a second connection file naming them as the kernel sees them). Only the shell channel
is read (execute replies: status, exception name and text); the kernel's printed output
(iopub) is never subscribed to, so flooding stdout costs the student time, not the grader memory.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from rnncourse.grading.sandbox.launchers import SameUserLauncher

MAX_REPLY_TEXT = 2000
KERNEL_START_TIMEOUT = 60.0
MAX_SOCKET_PATH = 107
"""Bytes in a Unix socket's path (``sun_path`` holds 108 with the final NUL)."""


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
        "RNNCOURSE_PROGRESS": "off",  # a graded run is not the student's progress
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
    """One student kernel: :meth:`start`, :meth:`execute`, then :meth:`shutdown` (or ``with``).

    Parameters
    ----------
    private_dir : str, the submission's private folder (the kernel's cwd and HOME)
    memory_mb : int, the address-space limit
    launcher : :class:`~rnncourse.grading.sandbox.launchers.Launcher` or None (the grader's own user)
    files : iterable of (path relative to ``private_dir``, bytes), written there before the
        kernel starts (e.g. matplotlib's font list, :mod:`rnncourse.grading.batch.memory`)
    """

    def __init__(self, private_dir, memory_mb, launcher=None, files=()):
        self.private_dir = private_dir
        self.memory_mb = memory_mb
        self.launcher = launcher or SameUserLauncher()
        self.files = tuple(files)
        self.process = None
        self.client = None
        self.start_error = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.shutdown()
        return False

    def place(self, host_path):
        """Hand a file the grader wrote in the private folder to the kernel; its path there."""
        return self.launcher.place(host_path)

    def kernel_path(self, host_path):
        """``host_path`` as the kernel sees it (for files the kernel will write)."""
        return self.launcher.kernel_path(host_path)

    # ------------------------------------------------------------------ start
    def _prepare_dirs(self):
        for sub in ("tmp", ".ipython", ".jupyter", ".matplotlib"):
            os.makedirs(os.path.join(self.private_dir, sub), exist_ok=True)
        for name, data in self.files:  # before prepare(), which hands everything to the kernel's user
            path = os.path.join(self.private_dir, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
        self.launcher.prepare(self.private_dir)

    def _connection_files(self):
        """Write the connection file (ipc sockets in the private folder); returns its path for
        us and the path of the kernel's copy, which names the sockets as the kernel sees them
        (the same file when the launcher does not remap paths)."""
        conn_file = os.path.join(self.private_dir, ".kernel.json")
        _, info = write_connection_file(conn_file, transport="ipc",
                                        ip=os.path.join(self.private_dir, ".k"),
                                        key=secrets.token_hex(16).encode())
        seen_ip = self.launcher.kernel_path(info["ip"])
        if seen_ip == info["ip"]:
            return conn_file, conn_file
        kernel_conn = os.path.join(self.private_dir, ".kernel-inside.json")
        ports = {k: v for k, v in info.items() if k.endswith("_port")}
        write_connection_file(kernel_conn, transport="ipc", ip=seen_ip, key=info["key"].encode(),
                              signature_scheme=info["signature_scheme"], **ports)
        return conn_file, kernel_conn

    def start(self, timeout=KERNEL_START_TIMEOUT):
        """Start the kernel and wait until it answers; returns False (see ``start_error``) if not."""
        longest = len(os.fsencode(os.path.join(self.private_dir, ".k-99")))
        if longest > MAX_SOCKET_PATH:
            self.start_error = (f"the private folder's path is too long for the kernel's sockets "
                                f"({longest} bytes, at most {MAX_SOCKET_PATH}): "
                                f"{self.private_dir!r}; set TMPDIR to a shorter folder, e.g. /tmp")
            return False
        self._prepare_dirs()
        conn_file, kernel_conn = self._connection_files()
        launcher = self.launcher
        seen_dir = launcher.kernel_path(self.private_dir)  # HOME etc. as the kernel sees them;
        # Popen's cwd is applied on this side (a container launcher changes folder in its argv)
        cmd = launcher.argv([sys.executable, "-m", "ipykernel_launcher", "-f",
                             launcher.place(kernel_conn), "--HistoryManager.enabled=False",
                             "--IPKernelApp.quiet=True"])
        self.process = subprocess.Popen(
            cmd, cwd=self.private_dir, env=kernel_environment(seen_dir),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True, preexec_fn=launcher.preexec(self.memory_mb),
            **launcher.popen_kwargs())
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
        pid = self.launcher.kernel_pid(self.process)
        try:
            os.kill(pid, signal.SIGINT)
        except (OSError, TypeError):
            return False
        probe = self.execute("pass", wait)
        return probe.status == "ok"

    def exit_description(self):
        code = self.process.returncode if self.process is not None else None
        code = self.launcher.exit_code(code)
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
