"""grading.bubblewrap: what the sandbox exposes, its limits, and why it refuses to start.

The tests that start the sandbox skip when bubblewrap cannot run here (and fail under CI, which
installs it); the rest run everywhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import rnncourse
from rnncourse.grading.sandbox import bubblewrap
from rnncourse.grading.sandbox.bubblewrap import (
    SANDBOX_HOME,
    BubblewrapLauncher,
    SandboxUnavailable,
    import_roots,
    probe,
)
from rnncourse.grading.sandbox.kernel import Kernel
from rnncourse.grading.sandbox.launcher_choice import choose_launcher
from rnncourse.grading.sandbox.launchers import PROCESS_LIMIT
from tests.grading.sandbox_required import require_sandbox

CHECKOUT = Path(__file__).resolve().parents[3]
PACKAGE = str(Path(rnncourse.__file__).resolve().parent)


def test_import_roots_expose_the_package_but_not_the_checkout_around_it():
    folders, _ = import_roots()
    assert PACKAGE in folders
    assert os.path.realpath(sys.base_prefix) in folders or any(
        os.path.realpath(sys.base_prefix).startswith(f + "/") for f in folders)
    assert not [f for f in folders if PACKAGE.startswith(f + "/")]  # nothing that holds it
    assert str(CHECKOUT) not in folders and str(CHECKOUT / "solutions") not in folders


def test_an_old_style_editable_install_does_not_expose_the_checkout(tmp_path):
    # a .pth line naming the checkout root (how `setup.py develop` installs): the import system
    # needs the package in it, and must not get the checkout, with its solutions/
    import site
    import venv

    venv.EnvBuilder(with_pip=False, symlinks=True).create(tmp_path / "env")
    python = str(tmp_path / "env" / "bin" / "python")
    target = subprocess.run([python, "-c", "import site; print(site.getsitepackages()[0])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    lines = [str(CHECKOUT)] + [p for p in site.getsitepackages() if Path(p).is_dir()]
    Path(target, "old_style_editable.pth").write_text("\n".join(lines) + "\n")
    folders, _ = import_roots(python)
    assert PACKAGE in folders
    assert not [f for f in folders if PACKAGE.startswith(f + "/")], folders


def test_the_kernel_sees_its_private_folder_at_a_fixed_path(tmp_path):
    launcher = BubblewrapLauncher("bwrap", ["/opt/python"], as_root=False)
    launcher.prepare(tmp_path)
    assert launcher.kernel_path(tmp_path / ".cases-x.npz") == f"{SANDBOX_HOME}/.cases-x.npz"
    assert launcher.kernel_path(tmp_path) == SANDBOX_HOME
    assert launcher.kernel_path("/elsewhere/f") == "/elsewhere/f"
    args = launcher.argv(["python", "-m", "ipykernel_launcher"])
    for option in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-user",
                   "--die-with-parent", "--new-session"):
        assert option in args
    assert args[args.index("--cap-drop") + 1] == "ALL"
    assert ["--ro-bind", "/opt/python", "/opt/python"] == args[args.index("/opt/python") - 1:
                                                               args.index("/opt/python") + 2]
    assert ["--bind", str(tmp_path), SANDBOX_HOME] == args[args.index(SANDBOX_HOME) - 2:
                                                             args.index(SANDBOX_HOME) + 1]
    assert args[-3:] == ["python", "-m", "ipykernel_launcher"]  # run by the start-up step
    assert f"RLIMIT_NPROC, ({PROCESS_LIMIT}, {PROCESS_LIMIT})" in args[args.index("-c") + 1]


def test_as_root_the_kernel_drops_to_a_fresh_user_and_owns_its_folder(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("chown needs root")
    launcher = BubblewrapLauncher("bwrap", [], as_root=True)
    (tmp_path / "a").write_text("")
    launcher.prepare(tmp_path)
    assert launcher.uid >= 2_000_000_000
    assert os.stat(tmp_path / "a").st_uid == launcher.uid
    startup = launcher.argv(["python"])[-2]
    assert f"uid = {launcher.uid}" in startup and "setresuid" in startup
    assert "--unshare-user" not in launcher.argv(["python"])  # root is exempt from NPROC in one


def test_a_missing_bwrap_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(bubblewrap.shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailable) as info:
        probe()
    assert info.value.reason == "bubblewrap (bwrap) is not installed"
    for fix in ("sudo apt install bubblewrap", "sudo dnf install bubblewrap"):
        assert fix in info.value.fix


def test_disabled_user_namespaces_are_named_with_the_sysctl(monkeypatch, tmp_path):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(bubblewrap.shutil, "which", lambda name: str(fake))
    flag = tmp_path / "max_user_namespaces"
    flag.write_text("0\n")
    real_open = open
    monkeypatch.setattr(bubblewrap, "open", lambda path, *a, **k: real_open(
        flag if path == "/proc/sys/user/max_user_namespaces" else path, *a, **k), raising=False)
    with pytest.raises(SandboxUnavailable) as info:
        probe()
    assert "user namespaces are disabled (/proc/sys/user/max_user_namespaces is 0)" in str(info.value)
    assert "sudo sysctl -w user.max_user_namespaces=10000" in info.value.fix


def test_choose_launcher_never_falls_back_silently(monkeypatch):
    monkeypatch.setattr(bubblewrap, "_probed", {})
    monkeypatch.setattr(bubblewrap.shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailable, match="not installed"):
        choose_launcher()
    assert choose_launcher(sandbox=False).sandboxed is False


SANDBOX_FACTS = r"""
import json, os, resource, socket
facts = {"pid": os.getpid(), "cwd": os.getcwd(), "uid": os.getuid(),
         "pids": sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
         "checkout": sorted(os.listdir(%(checkout)r)) if os.path.isdir(%(checkout)r) else [],
         "solutions": os.path.exists(%(solutions)r),
         "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0]}
try:
    open(%(package)r + '/x.py', 'w')
    facts["package_write"] = "ok"
except OSError as exc:
    facts["package_write"] = type(exc).__name__
try:
    socket.create_connection(('127.0.0.1', %(port)d), timeout=2)
    facts["tcp"] = "connected"
except OSError as exc:
    facts["tcp"] = type(exc).__name__
kids = []
try:
    while len(kids) < 1000:
        pid = os.fork()
        if pid == 0:
            import time; time.sleep(3); os._exit(0)
        kids.append(pid)
except OSError:
    pass
facts["forks"] = len(kids)
for folder in ("/tmp", "/dev/shm"):  # plt.savefig('/tmp/fig.png') must work, also as root
    try:
        with open(folder + "/fig.png", "wb") as fh:
            fh.write(b"x" * 1000)
        stat = os.statvfs(folder)
        facts[folder] = stat.f_blocks * stat.f_frsize
    except OSError as exc:
        facts[folder] = type(exc).__name__
for pid in kids:
    os.kill(pid, 9); os.waitpid(pid, 0)
open('facts.json', 'w').write(json.dumps(facts))
"""


@pytest.mark.slow
def test_inside_the_sandbox(tmp_path):
    launcher = require_sandbox()
    import socket
    server = socket.create_server(("127.0.0.1", 0))
    private = tmp_path / "work"
    private.mkdir()
    code = SANDBOX_FACTS % {"checkout": str(CHECKOUT), "solutions": str(CHECKOUT / "solutions"),
                            "package": PACKAGE, "port": server.getsockname()[1]}
    with Kernel(str(private), memory_mb=2048, launcher=launcher) as kernel:
        assert kernel.start(), kernel.start_error
        reply = kernel.execute(code, timeout=60)
        assert reply.status == "ok", reply.as_dict()
        assert kernel.execute("import time; time.sleep(60)", timeout=1).status == "timeout"
        assert kernel.interrupt()  # reaches the kernel itself, not bwrap
    server.settimeout(0.1)
    with pytest.raises(OSError):
        server.accept()  # nobody connected
    server.close()
    import json
    facts = json.loads((private / "facts.json").read_text())
    assert facts["pid"] == 2 and max(facts["pids"]) < 20  # its own PID namespace
    assert facts["cwd"] == SANDBOX_HOME
    # at most the package (and a virtual environment) inside the checkout's folder: no solutions
    assert set(facts["checkout"]) <= {"rnncourse", ".venv"} and facts["solutions"] is False
    assert facts["package_write"] in ("OSError", "PermissionError")  # EROFS
    assert facts["tcp"] == "ConnectionRefusedError"  # its own network namespace
    assert facts["nproc"] == PROCESS_LIMIT and facts["forks"] < PROCESS_LIMIT
    if os.geteuid() == 0:
        assert facts["uid"] >= 2_000_000_000
    # writable (as the fresh user id too) and capped: 256 MB and 64 MB
    assert (facts["/tmp"], facts["/dev/shm"]) == (256 * 2**20, 64 * 2**20)


def test_the_probe_starts_the_real_sandbox():
    launcher = require_sandbox()
    proc = subprocess.run(launcher.argv([sys.executable, "-c", "import os; print(os.getpid())"]),
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "2", proc.stderr
