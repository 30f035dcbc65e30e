"""grading.launchers: how the kernel is launched, and where the files it is given appear to it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rnncourse.grading.launchers import (SameUserLauncher, SeparateUidLauncher, choose_launcher,
                                         interpreter_world_readable)


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


def test_choose_launcher_without_a_sandbox():
    assert isinstance(choose_launcher(False, sandbox=False), SameUserLauncher)
    chosen = choose_launcher("auto", sandbox=False)
    assert chosen.sandboxed is False
    if os.geteuid() == 0 and interpreter_world_readable():
        assert isinstance(chosen, SeparateUidLauncher)
    else:
        assert isinstance(chosen, SameUserLauncher)
