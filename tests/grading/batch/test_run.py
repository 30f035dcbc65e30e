"""grading.batch: usage errors of grade_paths, and grade_one for a single notebook."""

from __future__ import annotations

import io
import json
import subprocess

import pytest

from tests.grading.sandbox_required import require_sandbox
from tests.grading.test_grading_corpus import CORRECT, LESSON, POSSIBLE, lesson_notebook, write


# ----------------------------------------------------------------------------- usage errors
def test_usage_errors_return_2_with_a_message(tmp_path):
    from rnncourse.grading import grade_paths

    out = io.StringIO()
    assert grade_paths([tmp_path], out=tmp_path / "g.csv", stream=out) == 2
    assert "no notebooks (*.ipynb) found in" in out.getvalue()
    write(lesson_notebook(), tmp_path / "a.ipynb")
    out = io.StringIO()
    assert grade_paths([tmp_path], lesson="nope", out=tmp_path / "g.csv", stream=out) == 2
    assert "argument --lesson: unknown lesson 'nope'; use one of: 00_welcome" in out.getvalue()
    assert not (tmp_path / "g.csv").exists()


def test_without_a_working_sandbox_grading_stops_and_says_why(tmp_path, monkeypatch):
    from rnncourse.grading import grade_one, grade_paths
    from rnncourse.grading.sandbox import bubblewrap
    from rnncourse.grading.sandbox.bubblewrap import SandboxUnavailable

    monkeypatch.setattr(bubblewrap, "_probed", {})
    monkeypatch.setattr(bubblewrap.shutil, "which", lambda name: None)
    write(lesson_notebook(), tmp_path / "a.ipynb")
    out = io.StringIO()
    assert grade_paths([tmp_path], out=tmp_path / "g.csv", stream=out) == 3
    text = out.getvalue()
    assert "cannot grade in a sandbox here: bubblewrap (bwrap) is not installed" in text
    assert "sudo apt install bubblewrap" in text and "--unsafe-same-user" in text
    assert not (tmp_path / "g.csv").exists()  # no silent downgrade: nothing was graded
    with pytest.raises(SandboxUnavailable, match="not installed"):
        grade_one(tmp_path / "a.ipynb")


GRADE_ONE = r"""
import json, sys
from rnncourse.grading import grade_one
result = grade_one(sys.argv[1], seed=11, timeout=60)
print(json.dumps(result.to_dict()))
"""


@pytest.mark.slow
def test_grade_one_grades_a_single_notebook_and_writes_nothing(tmp_path, private_python):
    require_sandbox()
    (tmp_path / "subs").mkdir()
    write(lesson_notebook(dict(CORRECT)), tmp_path / "subs" / "alice.ipynb")
    proc = subprocess.run([private_python, "-c", GRADE_ONE, str(tmp_path / "subs" / "alice.ipynb")],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert (result["status"], result["total"], result["possible"]) == ("ok", POSSIBLE, POSSIBLE)
    assert (result["name"], result["seed"], result["lesson"]) == ("alice.ipynb", 11, LESSON)
    assert result["course_files_changed"] is False
    assert result["without_sandbox"] is False and result["isolation"].startswith("bubblewrap")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["subs"]  # no gradebook, no reports


# ----------------------------------------------------------------------------- as root
def test_unsafe_same_user_as_root_is_refused_without_its_own_flag(tmp_path, monkeypatch):
    """As root with a Python other users cannot read, kernels would run as root: refused (exit
    2, nothing graded) unless --unsafe-as-root; the warning then says "as root"."""
    import rnncourse.grading.batch.run as batch_run
    import rnncourse.grading.sandbox.launcher_choice as launcher_choice
    from rnncourse.cli import main
    from rnncourse.grading.sandbox.launchers import SameUserLauncher, SeparateUidLauncher

    monkeypatch.setattr(batch_run.os, "geteuid", lambda: 0)
    monkeypatch.setattr(launcher_choice.os, "geteuid", lambda: 0)
    monkeypatch.setattr(launcher_choice, "interpreter_world_readable", lambda *a: False)
    monkeypatch.setattr(batch_run, "measure_bare_kernel",
                        lambda *a: pytest.fail("a kernel was started"))
    write(lesson_notebook(), tmp_path / "a.ipynb")
    out = io.StringIO()
    assert batch_run.grade_paths([tmp_path / "a.ipynb"], out=tmp_path / "g.csv", stream=out,
                                 unsafe_same_user=True) == 2
    assert out.getvalue().startswith(
        "rnncourse grade: error: --unsafe-same-user would run the students' code AS ROOT here: ")
    assert out.getvalue().rstrip().endswith("to run it as root anyway, add --unsafe-as-root")
    assert not (tmp_path / "g.csv").exists()
    with pytest.raises(ValueError, match="add unsafe_as_root=True"):
        batch_run.grade_one(tmp_path / "a.ipynb", unsafe_same_user=True)
    assert main(["grade", "--unsafe-as-root", str(tmp_path / "a.ipynb")]) == 2  # needs the other

    root = SameUserLauncher()
    assert batch_run.as_root_problem(root, unsafe_as_root=True) is None
    assert batch_run.as_root_problem(SeparateUidLauncher(2_000_000_001)) is None
    assert batch_run.unsafe_warning(root) == (
        "rnncourse grade: WARNING: graded WITHOUT a sandbox (--unsafe-same-user) and AS ROOT "
        "(--unsafe-as-root): the students' code could change anything on this machine; every "
        "row says so.")
    assert batch_run.unsafe_warning(SeparateUidLauncher(2_000_000_001)) == (
        "rnncourse grade: WARNING: graded WITHOUT a sandbox (--unsafe-same-user); every row "
        "says so.")
