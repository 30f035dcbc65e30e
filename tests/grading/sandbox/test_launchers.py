"""grading.launchers: how the kernel is launched, and where the files it is given appear to it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from rnncourse.grading.sandbox.launcher_choice import choose_launcher
from rnncourse.grading.sandbox.launchers import (
    SameUserLauncher,
    SeparateUidLauncher,
    interpreter_world_readable,
    open_path_to,
)


def test_the_same_user_launcher_changes_no_path_and_no_user(tmp_path):
    launcher = SameUserLauncher()
    assert launcher.description == "same user as the grader"
    target = tmp_path / "cases.npz"
    target.write_bytes(b"")
    assert launcher.place(target) == launcher.kernel_path(target) == str(target)
    assert launcher.argv(["python", "-m", "x"]) == ["python", "-m", "x"]
    assert launcher.popen_kwargs() == {}


def test_the_preexec_applies_the_memory_limit():
    code = "import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         preexec_fn=SameUserLauncher().preexec(512), check=True).stdout
    assert int(out) == 512 * 1024 * 1024


def test_a_separate_uid_launcher_runs_as_that_user():
    launcher = SeparateUidLauncher(2_000_000_123)
    assert launcher.description == "unprivileged user id 2000000123"
    assert launcher.popen_kwargs() == {"user": 2_000_000_123, "group": 2_000_000_123,
                                       "extra_groups": []}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="chown needs root")
def test_a_separate_uid_launcher_hands_files_to_its_user(tmp_path):
    launcher = SeparateUidLauncher(2_000_000_123)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "a").write_text("")
    launcher.prepare(tmp_path / "work")
    assert os.stat(tmp_path / "work" / "a").st_uid == 2_000_000_123
    assert os.stat(tmp_path / "work").st_mode & 0o777 == 0o700
    (tmp_path / "work" / "b").write_text("")
    assert launcher.place(tmp_path / "work" / "b") == str(tmp_path / "work" / "b")
    assert os.stat(tmp_path / "work" / "b").st_uid == 2_000_000_123


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="chown needs root")
def test_a_separate_uid_kernel_can_reach_its_folder_through_the_batch_folders():
    # the batch makes its folders 0o700 in the temporary folder; a kernel running as another
    # user must pass through them (and cannot list them)
    batch = Path(tempfile.mkdtemp(prefix="rnncourse-grade-"))
    try:
        (batch / "0" / "work").mkdir(parents=True, mode=0o700)
        (batch / "0").chmod(0o700)
        SeparateUidLauncher(2_000_000_123).prepare(batch / "0" / "work")
        assert [(f.stat().st_mode & 0o777) for f in (batch, batch / "0")] == [0o701, 0o701]
        assert (batch / "0" / "work").stat().st_mode & 0o777 == 0o700
        out = subprocess.run(["/bin/sh", "-c", 'cd "$TARGET" && id -u && ls "$TARGET/.."'],
                             capture_output=True, text=True,
                             env={"TARGET": str(batch / "0" / "work"), "PATH": "/usr/bin:/bin"},
                             user=2_000_000_123, group=2_000_000_123, extra_groups=[])
        assert out.stdout == "2000000123\n" and "Permission denied" in out.stderr, out
    finally:
        shutil.rmtree(batch)


def test_open_path_to_leaves_folders_outside_the_top_alone(tmp_path):
    inside = tmp_path / "a" / "b"
    inside.mkdir(parents=True)
    (tmp_path / "a").chmod(0o700)
    open_path_to(inside / "work", top=tmp_path / "elsewhere")
    assert (tmp_path / "a").stat().st_mode & 0o777 == 0o700
    open_path_to(inside / "work", top=tmp_path)
    assert (tmp_path / "a").stat().st_mode & 0o777 == 0o701


def test_choose_launcher_without_a_sandbox():
    assert isinstance(choose_launcher(False, sandbox=False), SameUserLauncher)
    chosen = choose_launcher("auto", sandbox=False)
    assert chosen.sandboxed is False
    if os.geteuid() == 0 and interpreter_world_readable():
        assert isinstance(chosen, SeparateUidLauncher)
    else:
        assert isinstance(chosen, SameUserLauncher)
