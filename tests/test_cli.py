"""Tests for the rnncourse command line: lab's copy step, doctor, grade's options, usage errors, help."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import rnncourse.authoring.layout as layout
from rnncourse.cli import build_parser, doctor, lab, main
from rnncourse.cli.doctor import CheckResult
from rnncourse.cli.lab import copy_lessons

COMMANDS = ("lab", "progress", "doctor", "release", "execute", "grade", "gradebook", "export", "hub", "report")


@pytest.fixture
def lessons(tmp_path):
    """A lessons/ folder with two notebooks, a data file in a subfolder, and editor leftovers."""
    folder = tmp_path / "course" / "lessons"
    (folder / "data").mkdir(parents=True)
    (folder / "00_welcome.ipynb").write_text("welcome v2", encoding="utf-8")
    (folder / "01_feedforward.ipynb").write_text("feedforward v2", encoding="utf-8")
    (folder / "data" / "names.txt").write_text("ada\n", encoding="utf-8")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "00_welcome-checkpoint.ipynb").write_text("x", encoding="utf-8")
    return folder


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "rnncourse", *args], capture_output=True, text=True,
                          timeout=60)


# --- lab: the copy step -------------------------------------------------------------------------------

def test_copy_into_a_new_workspace_copies_every_course_file(lessons, tmp_path):
    workspace = tmp_path / "ws"
    report = copy_lessons(lessons, workspace)
    assert report.copied == [Path("00_welcome.ipynb"), Path("01_feedforward.ipynb"), Path("data/names.txt")]
    assert report.skipped == []
    assert (workspace / "00_welcome.ipynb").read_text(encoding="utf-8") == "welcome v2"
    assert (workspace / "data" / "names.txt").read_text(encoding="utf-8") == "ada\n"
    assert not (workspace / ".ipynb_checkpoints").exists()


def test_copy_never_overwrites_a_learners_file(lessons, tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    mine = workspace / "00_welcome.ipynb"
    mine.write_text("my answers, do not touch", encoding="utf-8")
    before = mine.stat().st_mtime_ns
    report = copy_lessons(lessons, workspace)
    assert mine.read_text(encoding="utf-8") == "my answers, do not touch"
    assert mine.stat().st_mtime_ns == before
    assert report.skipped == [Path("00_welcome.ipynb")]
    assert report.copied == [Path("01_feedforward.ipynb"), Path("data/names.txt")]
    second = copy_lessons(lessons, workspace)  # a second run copies nothing and keeps everything
    assert second.copied == [] and len(second.skipped) == 3
    assert mine.read_text(encoding="utf-8") == "my answers, do not touch"


def test_copy_does_not_modify_the_lessons_folder(lessons, tmp_path):
    before = sorted((p, p.read_bytes()) for p in lessons.rglob("*") if p.is_file())
    copy_lessons(lessons, tmp_path / "ws")
    assert sorted((p, p.read_bytes()) for p in lessons.rglob("*") if p.is_file()) == before


def test_copy_creates_the_workspace_even_with_nothing_to_copy(tmp_path):
    empty = tmp_path / "lessons"
    empty.mkdir()
    report = copy_lessons(empty, tmp_path / "new" / "ws")
    assert (tmp_path / "new" / "ws").is_dir() and report.copied == [] and report.skipped == []


def test_copy_refuses_a_workspace_that_is_a_file(lessons, tmp_path):
    not_a_folder = tmp_path / "ws"
    not_a_folder.write_text("", encoding="utf-8")
    with pytest.raises(NotADirectoryError, match=r"is a file, not a folder; choose another with --workspace"):
        copy_lessons(lessons, not_a_folder)


# --- lab: the command ----------------------------------------------------------------------------------

def test_lab_dry_run_reports_copied_and_skipped_and_prints_the_command(lessons, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(lab, "serve", lambda *a, **k: pytest.fail("--dry-run must not start JupyterLab"))
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "01_feedforward.ipynb").write_text("edited", encoding="utf-8")
    code = main(["lab", "--dry-run", "--no-browser", "--port", "8899",
                 "--workspace", str(workspace), "--lessons", str(lessons)])
    out = capsys.readouterr().out
    assert code == 0
    assert "copied   00_welcome.ipynb" in out
    assert "skipped  01_feedforward.ipynb" in out and "your version is kept" in out
    command_line = next(line for line in out.splitlines() if line.startswith("would run: "))
    assert "-m jupyterlab" in command_line
    assert f"--ServerApp.root_dir={workspace.resolve()}" in command_line
    assert "--no-browser" in command_line and "--ServerApp.port=8899" in command_line
    assert (workspace / "01_feedforward.ipynb").read_text(encoding="utf-8") == "edited"


def test_lab_starts_jupyterlab_in_the_workspace(lessons, tmp_path, capsys, monkeypatch):
    calls = []
    monkeypatch.setattr(lab, "serve", lambda command: calls.append(command) or 0)
    workspace = tmp_path / "ws"
    assert main(["lab", "--workspace", str(workspace), "--lessons", str(lessons)]) == 0
    assert len(calls) == 1
    assert calls[0][:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={workspace.resolve()}" in calls[0]
    assert "--no-browser" not in calls[0]


def test_lab_without_a_course_checkout_says_how_to_fix_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(layout, "course_root", lambda: tmp_path / "site-packages")
    code = main(["lab", "--dry-run", "--workspace", str(tmp_path / "ws")])
    err = capsys.readouterr().err
    assert code == 1
    assert "lessons/ folder was not found" in err and "pip install -e ." in err and "--lessons DIR" in err


def test_lab_finds_lessons_next_to_the_package(lessons, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(layout, "course_root", lambda: lessons.parent)
    assert main(["lab", "--dry-run", "--workspace", str(tmp_path / "ws")]) == 0
    assert (tmp_path / "ws" / "00_welcome.ipynb").is_file()


def test_the_course_root_is_the_checkout_holding_the_package():
    # lessons/ is looked for here; in an editable install that is the repository checkout
    assert layout.course_root() == Path(__file__).resolve().parent.parent


# Stopping JupyterLab: real processes and real signals; the tests that read /proc are Linux only.

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; Linux signals")


def _python(code):
    return [sys.executable, "-c", code]


def _scratch_jupyter_env(root):
    """Environment for a JupyterLab whose HOME and JUPYTER_* folders are under ``root``; its config
    keeps the server on 127.0.0.1, with no news or update checks (as tests/browser/labdriver.py)."""
    dirs = {name: root / name for name in ("home", "config", "data", "runtime", "ipython")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps({
        "ServerApp": {"ip": "127.0.0.1", "open_browser": False, "port_retries": 0},
        "LabApp": {"news_url": None,
                   "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate"},
        "LanguageServerManager": {"autodetect": False},
    }), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTER", "JPY_"))}
    env.update(HOME=str(dirs["home"]), JUPYTER_CONFIG_DIR=str(dirs["config"]), JUPYTER_DATA_DIR=str(dirs["data"]),
               JUPYTER_RUNTIME_DIR=str(dirs["runtime"]), IPYTHONDIR=str(dirs["ipython"]))
    return env


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serving(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _proc_stat(pid):
    """(state, parent pid) from /proc/PID/stat, or None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (command name) "
    return fields[0], int(fields[1])


def _children(pid):
    return [int(entry.name) for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and (_proc_stat(entry.name) or ("", 0))[1] == pid]


def _gone(pid):
    """No such process, or it has exited and waits to be reaped (a zombie serves nothing)."""
    stat = _proc_stat(pid)
    return stat is None or stat[0] in ("Z", "X")


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _is_jupyterlab(pid):
    return b"jupyterlab" in _cmdline(pid)


def _wait_until(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@contextlib.contextmanager
def _running_lab(lessons, tmp_path):
    """A real `python -m rnncourse lab` whose JupyterLab is serving on 127.0.0.1; yields
    (lab process, JupyterLab's pid, port, log path). Everything it started is killed on exit."""
    port = _free_port()
    log_path = tmp_path / "rnncourse-lab.log"
    command = [sys.executable, "-m", "rnncourse", "lab", "--no-browser", "--port", str(port),
               "--workspace", str(tmp_path / "ws"), "--lessons", str(lessons)]
    with open(log_path, "wb") as log:  # its own session: like a terminal's foreground job, nothing else
        process = subprocess.Popen(command, env=_scratch_jupyter_env(tmp_path / "scratch"), cwd=tmp_path,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    jupyter = None
    try:
        started = _wait_until(lambda: _serving(port) or process.poll() is not None, timeout=60, interval=0.25)
        log_tail = log_path.read_text(errors="replace")[-3000:]
        assert started and process.poll() is None, f"JupyterLab did not serve on port {port}:\n{log_tail}"
        children = _children(process.pid)
        assert len(children) == 1 and _is_jupyterlab(children[0]), f"lab's children: {children}"
        jupyter = children[0]
        yield process, jupyter, port, log_path
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if jupyter is not None and not _gone(jupyter) and _is_jupyterlab(jupyter):
            os.kill(jupyter, signal.SIGKILL)


@pytest.mark.slow
@linux_only
@pytest.mark.parametrize("how, code", [
    ("SIGTERM", 128 + signal.SIGTERM),  # a process manager
    ("SIGHUP", 128 + signal.SIGHUP),  # the terminal closing
    ("Ctrl-C", 0),  # SIGINT to the foreground process group, as a terminal sends it
])
def test_lab_stops_jupyterlab_when_it_is_stopped(how, code, lessons, tmp_path):
    with _running_lab(lessons, tmp_path) as (process, jupyter, port, log_path):
        if how == "Ctrl-C":
            os.killpg(process.pid, signal.SIGINT)
        else:
            os.kill(process.pid, getattr(signal, how))
        assert process.wait(timeout=lab.STOP_GRACE_SECONDS + 20) == code
        assert _gone(jupyter), "rnncourse lab exited but its JupyterLab is still running"
        assert not _serving(port)
    output = log_path.read_text(errors="replace")
    assert f"rnncourse lab: {how} received; stopping JupyterLab" in output
    # JupyterLab was stopped gracefully (it shuts its kernels down), not killed, and never prompted
    assert f"received signal {int(signal.SIGTERM)}, stopping" in output, output[-3000:]
    assert "did not stop within" not in output and "Shutdown this Jupyter server" not in output


@pytest.mark.slow
@linux_only
def test_jupyterlab_stops_when_lab_is_killed_outright(lessons, tmp_path):
    # SIGKILL cannot be handled: the backstop is PR_SET_PDEATHSIG, which sends JupyterLab SIGTERM
    with _running_lab(lessons, tmp_path) as (process, jupyter, port, log_path):
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
        assert _wait_until(lambda: _gone(jupyter), timeout=lab.STOP_GRACE_SECONDS + 20), \
            "JupyterLab outlived the rnncourse lab that started it"
        assert _wait_until(lambda: not _serving(port), timeout=5)
    assert f"received signal {int(signal.SIGTERM)}, stopping" in log_path.read_text(errors="replace")


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_serve_returns_jupyterlabs_own_exit_code_and_restores_the_signal_handlers():
    before = {signum: signal.getsignal(signum) for signum in lab.STOP_SIGNALS}
    assert lab.serve(_python("raise SystemExit(3)")) == 3
    assert lab.serve(_python("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")) == 128 + signal.SIGKILL
    assert {signum: signal.getsignal(signum) for signum in lab.STOP_SIGNALS} == before


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
def test_serve_leaves_an_ignored_sighup_ignored(capfd):
    # under nohup, closing the terminal must not stop rnncourse lab, nor JupyterLab
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        assert lab.serve(_python("import signal; print(signal.getsignal(signal.SIGHUP) is signal.SIG_IGN)")) == 0
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert capfd.readouterr().out == "True\n"


@linux_only
def test_serve_kills_jupyterlab_when_it_does_not_stop_within_the_grace_period(tmp_path):
    # a stand-in for a JupyterLab stuck in shutdown: it ignores SIGTERM; serve runs in its own process
    ready = tmp_path / "ready"
    stubborn = ("import pathlib, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                f"pathlib.Path({str(ready)!r}).touch(); time.sleep(60)")
    runner = f"import sys; from rnncourse.cli.lab import serve; sys.exit(serve({_python(stubborn)!r}, grace=0.5))"
    process = subprocess.Popen(_python(runner), stderr=subprocess.PIPE, text=True, start_new_session=True)
    child = None
    try:
        assert _wait_until(ready.exists, timeout=30), "the stand-in did not start"
        child = _children(process.pid)[0]
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 128 + signal.SIGTERM
        assert 0.4 < time.monotonic() - started < 10
        assert _gone(child)
        assert "did not stop within 0.5 s; killing it" in process.stderr.read()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if child is not None and not _gone(child) and str(ready).encode() in _cmdline(child):
            os.kill(child, signal.SIGKILL)  # it is in a session of its own: killpg does not reach it


# --- doctor ---------------------------------------------------------------------------------------------

@pytest.fixture
def healthy(monkeypatch, lessons):
    monkeypatch.setattr(doctor, "check_kernel", lambda: CheckResult("python3 kernel", True, "mocked"))
    monkeypatch.setattr(doctor, "check_grading_sandbox",
                        lambda: CheckResult("grading sandbox", True, "mocked"))
    monkeypatch.setattr(layout, "course_root", lambda: lessons.parent)


def test_doctor_all_fine_prints_one_ok_line_per_check(healthy, capsys):
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    checks = [line for line in lines if line.startswith(("OK ", "PROBLEM "))]
    assert len(checks) == 1 + len(doctor.PACKAGES) + 4
    assert all(line.startswith("OK ") for line in checks)
    for name in ("python", "numpy", "matplotlib", "ipywidgets", "jupyterlab", "nbformat", "nbclient",
                 "ipykernel", "python3 kernel", "widgets in JupyterLab", "lessons", "grading sandbox"):
        assert any(line.startswith(f"OK       {name}:") for line in checks), name
    assert "2 notebooks in" in out


def test_doctor_reports_a_problem_with_its_fix_and_exits_1(healthy, capsys, monkeypatch):
    monkeypatch.setattr(doctor, "PACKAGES", doctor.PACKAGES + ("surely_not_installed_pkg",))
    monkeypatch.setattr(doctor, "check_kernel",
                        lambda: CheckResult("python3 kernel", False, "did not start",
                                            "python -m ipykernel install --sys-prefix"))
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert "PROBLEM  surely_not_installed_pkg: not installed -> fix: pip install surely_not_installed_pkg" in out
    assert "PROBLEM  python3 kernel: did not start -> fix: python -m ipykernel install --sys-prefix" in out
    assert "2 problem(s) found" in out


def test_doctor_without_a_sandbox_is_still_ready_for_a_learner(healthy, capsys, monkeypatch):
    monkeypatch.setattr(doctor, "check_grading_sandbox", lambda: CheckResult(
        "grading sandbox", False, "no bwrap", "sudo apt install bubblewrap", required=False))
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 0
    assert "NOTE     grading sandbox: no bwrap -> fix: sudo apt install bubblewrap" in out
    assert "Everything is ready" in out and "problem(s) found" not in out


def test_doctor_flags_an_old_package_and_empty_lessons(monkeypatch, tmp_path):
    result = doctor.check_package("numpy", "999.0")
    assert not result.ok
    assert "older than the 999.0 the course needs" in result.detail and 'numpy>=999.0' in result.fix
    (tmp_path / "lessons").mkdir()
    monkeypatch.setattr(layout, "course_root", lambda: tmp_path)
    empty = doctor.check_lessons()
    assert not empty.ok and "has no notebooks" in empty.detail


def test_doctor_minimum_versions_come_from_the_package_metadata():
    minimums = doctor.minimum_versions()
    for name in doctor.PACKAGES:
        assert name in minimums, f"{name} has no minimum version in pyproject's dependencies"


@pytest.mark.slow
def test_doctor_kernel_check_really_starts_a_kernel():
    result = doctor.check_kernel(timeout=30)
    assert result.ok, result.line()
    assert "1+1 = 2" in result.detail


def test_doctor_says_why_the_grading_sandbox_cannot_run(monkeypatch):
    from rnncourse.grading.sandbox import bubblewrap

    monkeypatch.setattr(bubblewrap.shutil, "which", lambda name: None)
    result = doctor.check_grading_sandbox()
    assert not result.ok and not result.required  # only instructors who grade need it
    assert result.line().startswith("NOTE     grading sandbox: rnncourse grade cannot sandbox")
    assert "bubblewrap (bwrap) is not installed" in result.detail
    assert "sudo apt install bubblewrap" in result.fix and "sudo dnf install bubblewrap" in result.fix


# --- grade: options --------------------------------------------------------------------------------------

@pytest.mark.parametrize("option, value, message", [
    ("--jobs", "0", "argument --jobs: must be at least 1, got '0'"),
    ("--jobs", "two", "argument --jobs: expected a whole number >= 1, got 'two'"),
    ("--timeout", "0", "argument --timeout: must be a finite number greater than 0, got '0'"),
    ("--timeout", "-5", "argument --timeout: must be a finite number greater than 0, got '-5'"),
    ("--memory", "0", "argument --memory: must be at least 1, got '0'"),
    ("--memory", "lots", "argument --memory: expected a whole number >= 1, got 'lots'"),
])
def test_grade_rejects_bad_numbers_with_exit_2(option, value, message, tmp_path, capsys):
    code = main(["grade", option, value, str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err


@pytest.mark.parametrize("value, message", [
    ("-1", "argument --seed: a seed must be from 0 to 9223372036854775807, got '-1'"),
    ("12ab", "argument --seed: expected a whole number from 0 to 9223372036854775807, got '12ab'"),
])
def test_grade_rejects_a_bad_seed(value, message, tmp_path, capsys):
    assert main(["grade", "--seed", value, str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_grade_rejects_a_root_or_roster_that_is_not_there(tmp_path, capsys):
    assert main(["grade", "--root", str(tmp_path / "nope"), str(tmp_path)]) == 2
    assert (f"argument --root: '{tmp_path / 'nope'}' is not a folder; give the folder that holds "
            "every student's submission") in capsys.readouterr().err
    assert main(["grade", "--roster", str(tmp_path / "r.csv"), str(tmp_path)]) == 2
    assert f"argument --roster: no such file: '{tmp_path / 'r.csv'}'" in capsys.readouterr().err


def test_grade_passes_seed_root_and_roster(tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("rnncourse.grading")
    fake.grade_paths = lambda paths, **options: calls.append(options) or 0
    monkeypatch.setitem(sys.modules, "rnncourse.grading", fake)
    (tmp_path / "roster.csv").write_text("submission,student_id\n", encoding="utf-8")
    assert main(["grade", "--seed", "0", "--root", str(tmp_path), "--roster",
                 str(tmp_path / "roster.csv"), str(tmp_path)]) == 0
    assert (calls[0]["seed"], calls[0]["root"], calls[0]["roster"]) == (
        0, tmp_path, tmp_path / "roster.csv")


def test_grade_rejects_a_missing_path(tmp_path, capsys):
    missing = tmp_path / "nope.ipynb"
    assert main(["grade", str(missing)]) == 2
    assert f"argument PATH: no such file or folder: '{missing}'" in capsys.readouterr().err


def test_grade_needs_at_least_one_path(capsys):
    assert main(["grade"]) == 2
    assert "the following arguments are required: PATH" in capsys.readouterr().err


def test_grade_passes_parsed_options_to_the_grader(tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("rnncourse.grading")
    fake.grade_paths = lambda paths, **options: calls.append((paths, options)) or 0
    monkeypatch.setitem(sys.modules, "rnncourse.grading", fake)
    submission = tmp_path / "alice.ipynb"
    submission.write_text("{}", encoding="utf-8")
    code = main(["grade", "--lesson", "04_bptt", "--jobs", "2", "--timeout", "12.5", "--memory", "512",
                 "--out", str(tmp_path / "book.csv"), "--feedback", str(tmp_path / "fb"),
                 str(submission), str(tmp_path)])
    assert code == 0
    assert calls == [([submission, tmp_path], {
        "lesson": "04_bptt", "jobs": 2, "timeout": 12.5, "memory_mb": 512,
        "out": tmp_path / "book.csv", "feedback": tmp_path / "fb", "unsafe_same_user": False,
        "course": None, "seed": None, "root": None, "roster": None})]
    assert main(["grade", "--unsafe-same-user", str(submission)]) == 0
    assert calls[-1][1]["unsafe_same_user"] is True
    assert main(["grade", "--course", "week4.toml", str(submission)]) == 0
    assert calls[-1][1]["course"] == Path("week4.toml")


def test_grade_defaults(tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("rnncourse.grading")
    fake.grade_paths = lambda paths, **options: calls.append(options) or 3
    monkeypatch.setitem(sys.modules, "rnncourse.grading", fake)
    assert main(["grade", str(tmp_path)]) == 3  # the grader's return code is passed on
    assert calls[0]["lesson"] is None and calls[0]["jobs"] == 1 and calls[0]["feedback"] is None
    assert calls[0]["out"] == Path("gradebook.csv")


def test_grade_without_the_grader_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "rnncourse.grading", None)  # import fails as if absent
    assert main(["grade", str(tmp_path)]) == 1
    assert "the grader is not installed in this version" in capsys.readouterr().err


# --- other usage errors ----------------------------------------------------------------------------------

def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "choose a command" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["release", "--solutions", "/no/such/folder"], "argument --solutions: not a folder: '/no/such/folder'"),
    (["execute", "/no/such/nb.ipynb"], "argument NOTEBOOK: no such notebook file: '/no/such/nb.ipynb'"),
    (["execute", "--timeout", "0", "x.ipynb"], "argument --timeout: must be a finite number greater than 0, got '0'"),
    (["lab", "--port", "70000"], "argument --port: a port number must be from 1 to 65535, got '70000'"),
    (["lab", "--lessons", "/no/such/lessons", "--dry-run"], "argument --lessons: not a folder: '/no/such/lessons'"),
    (["lab", "--frobnicate"], "unrecognized arguments: --frobnicate"),
])
def test_usage_errors_exit_2_and_name_the_value(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_python_m_rnncourse_usage_errors_exit_2():
    bad_jobs = run_cli("grade", "--jobs", "0", ".")
    assert bad_jobs.returncode == 2
    assert "rnncourse grade: error: argument --jobs: must be at least 1, got '0'" in bad_jobs.stderr
    unknown = run_cli("teleport")
    assert unknown.returncode == 2
    assert "invalid choice: 'teleport'" in unknown.stderr


# --- help --------------------------------------------------------------------------------------------------

def test_python_m_rnncourse_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: rnncourse {command}")


def test_every_option_has_help_text():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert sorted(subparsers.choices) == sorted(COMMANDS)
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            assert action.help, f"rnncourse {name}: {action.option_strings or action.dest} has no help"
