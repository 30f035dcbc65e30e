"""The Gradescope autograder zip: its members, its two scripts, and writing it safely."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from importlib.metadata import metadata
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

import rnncourse
from rnncourse.grading.platforms.gradescope_export import autograder_zip, export_autograder

VERSION = rnncourse.__version__
WHEEL = f"rnncourse-{VERSION}-py3-none-any.whl"
GRADESCOPE_PYTHON = "3.10.12"  # the Python of Gradescope's Ubuntu 22.04 base image


@pytest.fixture(scope="module")
def archive():
    return zipfile.ZipFile(io.BytesIO(autograder_zip("04", timeout=15, memory_mb=1024)))


def _mode(info):
    return (info.external_attr >> 16) & 0o777


def test_members_at_the_root_with_their_modes(archive):
    assert [(i.filename, _mode(i)) for i in archive.infolist()] == [
        ("setup.sh", 0o755), ("run_autograder", 0o755), (WHEEL, 0o644)]
    assert archive.read("setup.sh").startswith(b"#!/usr/bin/env bash\n")
    assert archive.read("run_autograder").startswith(b"#!/usr/bin/env bash\n")


@pytest.mark.parametrize("script", ["setup.sh", "run_autograder"])
def test_scripts_are_valid_bash(archive, script, tmp_path):
    path = tmp_path / script
    path.write_bytes(archive.read(script))
    proc = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_setup_installs_python_bubblewrap_and_this_course_from_the_wheel(archive):
    setup = archive.read("setup.sh").decode()
    assert "Ubuntu 22.04 (Python 3.10)" in setup
    assert ("apt-get install -y --no-install-recommends python3 python3-venv python3-pip "
            "bubblewrap\n") in setup
    assert "python3 -m venv /opt/rnncourse-venv\n" in setup
    assert f'/opt/rnncourse-venv/bin/python -m pip install "$here/{WHEEL}"\n' in setup
    assert "chmod -R a+rX /opt/rnncourse-venv\n" in setup
    assert f'sys.exit(rnncourse.__version__ != "{VERSION}")' in setup
    assert "set -euo pipefail\n" in setup


def test_the_base_images_python_satisfies_requires_python():
    requires = metadata("rnncourse")["Requires-Python"]
    assert SpecifierSet(requires).contains(GRADESCOPE_PYTHON), requires


def test_run_autograder_grades_the_exported_lesson(archive):
    script = archive.read("run_autograder").decode()
    assert ('"${RNNCOURSE_PYTHON:-python3}" -m rnncourse.grading.platforms.gradescope_autograder --lesson 04_bptt '
            "--timeout 15 --memory 1024\n") in script
    assert 'root="${RNNCOURSE_AUTOGRADER_ROOT:-/autograder}"\n' in script
    assert 'export PATH="/opt/rnncourse-venv/bin:$PATH"\n' in script


def _run(archive, tmp_path, **env):
    script = tmp_path / "source" / "run_autograder"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_bytes(archive.read("run_autograder"))
    script.chmod(0o755)
    (tmp_path / "submission").mkdir(exist_ok=True)
    full = dict(os.environ, RNNCOURSE_AUTOGRADER_ROOT=str(tmp_path), **env)
    proc = subprocess.run([str(script)], cwd=tmp_path, env=full, capture_output=True, text=True,
                          timeout=120)
    return proc, json.loads((tmp_path / "results" / "results.json").read_text())


def test_run_autograder_writes_results_when_python_cannot_start(archive, tmp_path):
    proc, document = _run(archive, tmp_path, RNNCOURSE_PYTHON=str(tmp_path / "no-python"))
    assert proc.returncode == 0
    assert document == {"score": 0, "tests": [], "output": (
        f"The autograder could not start (rnncourse {VERSION}, lesson 04_bptt); please tell "
        "your instructor.")}


def test_run_autograder_with_an_empty_submission(archive, tmp_path):
    # no notebook: nothing runs, so this needs no sandbox
    proc, document = _run(archive, tmp_path, RNNCOURSE_PYTHON=sys.executable)
    assert proc.returncode == 0, proc.stderr
    assert document["score"] == 0
    assert document["output"].startswith("Lesson 04_bptt: 0 / 7 points.\nNot graded: no notebook "
                                         "was submitted.\nNote: No notebook was found in your "
                                         "submission (you uploaded: nothing).")
    assert [t["score"] for t in document["tests"][:6]] == [0] * 6


def test_export_writes_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "autograder.zip"
    written = export_autograder("04_bptt", out)
    assert written == {"path": str(out), "lesson": "04_bptt", "bytes": out.stat().st_size,
                       "points": 7, "course": None}
    assert zipfile.ZipFile(out).namelist() == ["setup.sh", "run_autograder", WHEEL]
    out.write_bytes(b"the instructor's file")
    with pytest.raises(FileExistsError, match=rf"'{out}' exists; pass --force to replace it"):
        export_autograder("04_bptt", out)
    assert out.read_bytes() == b"the instructor's file"
    export_autograder("05", out, force=True)
    assert b"--lesson 05_training_in_practice" in zipfile.ZipFile(out).read("run_autograder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autograder.zip"]  # no temporary left


def test_export_rejects_an_unknown_lesson(tmp_path):
    with pytest.raises(ValueError, match=r"unknown lesson '99'; use one of: 00_welcome, "):
        export_autograder("99", tmp_path / "a.zip")
    assert not (tmp_path / "a.zip").exists()


def test_the_wheel_inside_is_the_course(archive):
    inner = zipfile.ZipFile(io.BytesIO(archive.read(WHEEL)))
    assert inner.read("rnncourse/__init__.py") == Path(rnncourse.__file__).read_bytes()
