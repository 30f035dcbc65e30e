"""The student's kernel inside a bubblewrap sandbox (``bwrap``, the sandbox Flatpak uses).

:class:`BubblewrapLauncher` wraps the kernel's command in ``bwrap`` with

- new PID, network, IPC, UTS (and, where possible, cgroup) namespaces: the kernel sees only its
  own processes (it is PID 2), has no network but its own loopback, and talks to the grader over
  Unix sockets in its private folder (ZeroMQ ``ipc``);
- a new mount namespace holding only: ``/usr`` and ``/etc`` read-only, the Python installation
  and environment read-only (found by asking the interpreter once, :func:`import_roots`), the
  course package read-only (the package folder itself, never the checkout around it, so
  ``solutions/`` stays out of sight), fresh ``/proc`` and ``/dev``, size-capped tmpfs ``/tmp``
  (256 MB) and ``/dev/shm`` (64 MB), both writable by the kernel's user,
  and the submission's private folder, writable, at :data:`SANDBOX_HOME`;
- ``--die-with-parent``, ``--new-session`` (no terminal injection), ``--cap-drop ALL``;
- the limits of every launcher (address space, file size, no core files) and a process-count
  limit, set *inside* the sandbox by a small start-up step (:data:`STARTUP`) before ipykernel
  runs.

Process limit. ``RLIMIT_NPROC`` counts processes per user id, and root is exempt from it, so:

- run by an ordinary user, ``bwrap`` creates a user namespace; the start-up step sets the limit
  inside it, where the count covers only that namespace's processes (set before ``bwrap``, it
  would count all of the instructor's processes and stop the sandbox from starting);
- run by root, no user namespace is made; the start-up step (holding only ``CAP_SETUID`` and
  ``CAP_SETGID``) switches to a fresh unprivileged user id, chosen per submission, and then sets
  the limit, which that user id is not exempt from. The private folder is handed to that user.

:func:`probe` checks once whether such a sandbox starts here and imports what the kernel needs.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

from rnncourse.grading.sandbox import containment
from rnncourse.grading.sandbox.kernel import kernel_environment
from rnncourse.grading.sandbox.launchers import PROCESS_LIMIT, Launcher, hand_over

SANDBOX_HOME = "/home/student"
TMP_SIZE = 256 * 1024 * 1024
SHM_SIZE = 64 * 1024 * 1024
"""``/dev/shm`` (POSIX shared memory, e.g. multiprocessing's locks): a tmpfs of its own, capped;
bubblewrap's ``--dev`` would otherwise give one as large as half the machine's memory."""
PROBE_TIMEOUT = 60.0
INSTALL_FIX = ("install bubblewrap (Debian/Ubuntu: sudo apt install bubblewrap; Fedora: sudo dnf "
               "install bubblewrap; Arch: sudo pacman -S bubblewrap; openSUSE: sudo zypper install "
               "bubblewrap)")

STARTUP = """import os, resource, sys
uid = {uid}
if uid is not None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
resource.setrlimit(resource.RLIMIT_NPROC, ({nproc}, {nproc}))
os.chdir({home!r})
if sys.argv[2:3] == ["-m"]:  # python -m MODULE ...: run it here, saving a second interpreter start
    import runpy
    sys.argv = sys.argv[3:]
    del os, resource, uid
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    os.execv(sys.argv[1], sys.argv[1:])
"""
"""Run inside the sandbox before the kernel, by the kernel's interpreter (``python -c STARTUP
python ARGS...``): drop to ``uid`` (root only), limit processes, enter the private folder (after
dropping: root without capabilities may not enter it), then run ``python ARGS``."""

_ASK_PYTHON = """import importlib.util, json, os, sys
found = {"roots": [sys.base_prefix, sys.prefix, sys.base_exec_prefix, sys.exec_prefix],
         "path": [p for p in sys.path if p and os.path.isdir(p)], "packages": []}
for name, module in list(sys.modules.items()):
    mapping = getattr(module, "MAPPING", None)
    if name.startswith("__editable__") and isinstance(mapping, dict):
        found["packages"] += [str(v) for v in mapping.values()]
spec = importlib.util.find_spec("rnncourse")
found["packages"] += list(spec.submodule_search_locations or []) if spec else []
print(json.dumps(found))
"""


class SandboxUnavailable(RuntimeError):
    """Bubblewrap cannot run the kernel here: ``reason`` says why, ``fix`` what to do."""

    def __init__(self, reason, fix):
        super().__init__(f"{reason}; to fix: {fix}")
        self.reason, self.fix = reason, fix


def _under(path, folder):
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def import_roots(executable=sys.executable, env=None):
    """What the kernel's Python must see, read-only: ``(folders, symlinks)``.

    ``folders``: the installation and environment prefixes, the course package folder(s) (from
    ``find_spec`` and any editable-install mapping), and every other folder on the interpreter's
    ``sys.path`` (e.g. from ``.pth`` files) except one that *contains* a package folder: the
    folder around the package (a checkout, with ``solutions/``) is never exposed.
    ``symlinks``: ``(target, link)`` for each link from ``executable`` to the real interpreter
    that lies outside those folders.

    Raises
    ------
    SandboxUnavailable
        when the interpreter cannot be asked (it does not run).
    """
    with tempfile.TemporaryDirectory(prefix="rnncourse-ask-") as empty:
        proc = subprocess.run([executable, "-c", _ASK_PYTHON], cwd=empty,
                              env=kernel_environment(empty) if env is None else env,
                              capture_output=True, text=True, timeout=PROBE_TIMEOUT)
    if proc.returncode != 0:
        raise SandboxUnavailable(f"{executable} did not run ({proc.stderr.strip()[-300:]})",
                                 "reinstall the course in a working Python environment")
    found = json.loads(proc.stdout)
    packages = sorted({os.path.realpath(p) for p in found["packages"]})
    folders = {os.path.realpath(p) for p in found["roots"]} | set(packages)
    for entry in found["path"]:
        real = os.path.realpath(entry)
        if not any(_under(p, real) for p in packages):
            folders.add(real)
    kept = sorted(f for f in folders if not any(o != f and _under(f, o) for o in folders))
    links, current = [], executable
    while os.path.islink(current):
        target = os.readlink(current)
        if not any(_under(os.path.abspath(current), f) for f in kept):
            links.append((target, os.path.abspath(current)))
        current = os.path.join(os.path.dirname(current), target)
    return kept, links


def _dirs_for(path, made):
    """``--dir`` for each missing ancestor of ``path``, readable by all (bwrap makes them 0700)."""
    args, parts = [], path.strip("/").split("/")[:-1]
    for i in range(1, len(parts) + 1):
        folder = "/" + "/".join(parts[:i])
        if folder not in made:
            made.add(folder)
            args += ["--perms", "0755", "--dir", folder]
    return args


class BubblewrapLauncher(Launcher):
    """Run the kernel in a bubblewrap sandbox (see the module docstring).

    Parameters
    ----------
    bwrap : str, the ``bwrap`` executable
    folders, symlinks : what :func:`import_roots` found
    as_root : bool, the grader is root (the kernel then runs as a fresh unprivileged user id)
    """

    def __init__(self, bwrap, folders, symlinks=(), as_root=None):
        self.bwrap = bwrap
        self.folders = list(folders)
        self.symlinks = list(symlinks)
        self.as_root = (os.geteuid() == 0) if as_root is None else bool(as_root)
        self.sandboxed = True
        self.uid = None
        self.private_dir = None
        who = "a fresh unprivileged user id" if self.as_root else "your user id in a user namespace"
        self.description = (f"bubblewrap sandbox: own PID, network, IPC and mount namespaces; "
                            f"system, Python and course read-only; kernel as {who}; at most "
                            f"{PROCESS_LIMIT} processes")

    # ---------------------------------------------------------------- files and paths
    def prepare(self, private_dir):
        self.private_dir = os.path.abspath(private_dir)
        if self.as_root:
            self.uid = 2_000_000_000 + secrets.randbelow(100_000_000)
            hand_over(private_dir, self.uid)
        os.chmod(private_dir, 0o700)

    def place(self, host_path):
        if self.uid is not None:
            os.lchown(host_path, self.uid, self.uid)
        return self.kernel_path(host_path)

    def kernel_path(self, host_path):
        path = os.path.abspath(str(host_path))
        if self.private_dir and _under(path, self.private_dir):
            return SANDBOX_HOME + path[len(self.private_dir):]
        return path

    # ---------------------------------------------------------------- the command
    def sandbox_args(self):
        """bwrap's options, up to (not including) the command."""
        args = [self.bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        if self.as_root:
            args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            args += ["--unshare-user", "--disable-userns"]
        args += ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            host = "/" + name
            if os.path.islink(host):
                args += ["--symlink", os.readlink(host), host]
            elif os.path.isdir(host):
                args += ["--ro-bind", host, host]
        # /tmp and /dev/shm: size-capped, and writable by everyone (sticky) so that the fresh
        # user id a kernel run by root drops to can write there too
        args += ["--proc", "/proc", "--dev", "/dev",
                 "--perms", "1777", "--size", str(TMP_SIZE), "--tmpfs", "/tmp",
                 "--perms", "1777", "--size", str(SHM_SIZE), "--tmpfs", "/dev/shm"]
        made = {"/usr", "/etc", "/tmp", "/proc", "/dev", "/dev/shm"}
        for folder in self.folders:
            args += _dirs_for(folder, made) + ["--ro-bind", folder, folder]
        for target, link in self.symlinks:
            args += _dirs_for(link, made) + ["--symlink", target, link]
        if self.private_dir:
            args += _dirs_for(SANDBOX_HOME, made)
            args += ["--bind", self.private_dir, SANDBOX_HOME]
        return args

    def argv(self, command):
        startup = STARTUP.format(uid=self.uid if self.as_root else None, nproc=PROCESS_LIMIT,
                                 home=SANDBOX_HOME if self.private_dir else "/")
        return self.sandbox_args() + ["--", command[0], "-c", startup] + list(command)

    def kernel_pid(self, process):
        """The kernel's process id (PID 2 inside the sandbox), for signals such as an interrupt."""
        for pid in containment.descendants(process.pid):
            try:
                with open(f"/proc/{pid}/status") as fh:
                    nspid = next((line.split()[1:] for line in fh if line.startswith("NSpid:")), [])
            except OSError:
                continue
            if len(nspid) > 1 and nspid[-1] == "2":
                return pid
        return None

    def exit_code(self, code):
        """bwrap reports a kernel killed by signal N as exit code 128 + N; as Popen would, -N."""
        return -(code - 128) if code is not None and 128 < code < 160 else code


def _userns_fix():
    """The setting that forbids unprivileged user namespaces here, and how to allow them."""
    checks = [("/proc/sys/kernel/unprivileged_userns_clone", "0",
               "sudo sysctl -w kernel.unprivileged_userns_clone=1"),
              ("/proc/sys/user/max_user_namespaces", "0",
               "sudo sysctl -w user.max_user_namespaces=10000"),
              ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1",
               "install an AppArmor profile allowing bwrap to use user namespaces, or sudo "
               "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0")]
    for path, bad, fix in checks:
        try:
            with open(path) as fh:
                if fh.read().strip() == bad:
                    return f"user namespaces are disabled ({path} is {bad})", fix
        except OSError:
            continue
    return None


def probe(executable=sys.executable, env=None):
    """A working :class:`BubblewrapLauncher`, or :class:`SandboxUnavailable` saying why not.

    Starts the sandbox exactly as for a kernel (with a throw-away private folder) and imports
    ``ipykernel`` and ``rnncourse`` in it.
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed", INSTALL_FIX)
    folders, links = import_roots(executable)
    launcher = BubblewrapLauncher(bwrap, folders, links)
    env = kernel_environment(SANDBOX_HOME) if env is None else env
    check = "import ipykernel, rnncourse"
    with tempfile.TemporaryDirectory(prefix="rnncourse-probe-") as private:
        launcher.prepare(private)
        try:
            proc = subprocess.run(launcher.argv([executable, "-c", check]), env=env,
                                  capture_output=True, text=True, timeout=PROBE_TIMEOUT,
                                  preexec_fn=launcher.preexec(2048))
        finally:
            launcher.private_dir = launcher.uid = None
    if proc.returncode == 0:
        return launcher
    error = proc.stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
    if error[0].startswith("bwrap:"):
        userns = _userns_fix()
        if userns:
            raise SandboxUnavailable(*userns)
        raise SandboxUnavailable(f"bubblewrap did not start ({error[0]})",
                                 "run rnncourse doctor; check that bwrap works: bwrap --ro-bind / / true")
    raise SandboxUnavailable(
        f"the sandbox started but Python could not {check!r} in it ({error[0]})",
        "make the Python environment and the course package readable by all users "
        "(chmod -R a+rX on them), or install them outside a private home folder")


_probed = {}


def probe_once(executable=sys.executable):
    """:func:`probe`, remembered per interpreter for the life of this process (a
    :class:`SandboxUnavailable` is remembered too)."""
    if executable not in _probed:
        try:
            _probed[executable] = probe(executable)
        except SandboxUnavailable as exc:
            _probed[executable] = exc
    found = _probed[executable]
    if isinstance(found, SandboxUnavailable):
        raise found
    return copy.copy(found)


__all__ = ["BubblewrapLauncher", "SandboxUnavailable", "import_roots", "probe", "probe_once", "SANDBOX_HOME",
           "STARTUP"]
