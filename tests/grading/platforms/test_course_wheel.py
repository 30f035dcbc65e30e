"""The course wheel built offline for an exported autograder: pip installs it and it imports."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import rnncourse
from rnncourse.grading.platforms.course_wheel import build_wheel, package_files, wheel_name

PACKAGE = Path(rnncourse.__file__).resolve().parent
VERSION = rnncourse.__version__
INFO = f"rnncourse-{VERSION}.dist-info"


@pytest.fixture(scope="module")
def wheel():
    name, data = build_wheel()
    return name, data, zipfile.ZipFile(io.BytesIO(data))


def test_name_and_members(wheel):
    name, _, archive = wheel
    assert name == f"rnncourse-{VERSION}-py3-none-any.whl" == wheel_name()
    names = archive.namelist()
    assert "rnncourse/__init__.py" in names and "rnncourse/grading/platforms/gradescope_autograder.py" in names
    assert "rnncourse/checks/engine/question.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    on_disk = sorted(f"rnncourse/{p.relative_to(PACKAGE).as_posix()}" for p in PACKAGE.rglob("*.py")
                     if "__pycache__" not in p.parts)
    assert sorted(n for n in names if n.endswith(".py")) == on_disk
    assert names[-4:] == [f"{INFO}/METADATA", f"{INFO}/WHEEL", f"{INFO}/entry_points.txt",
                          f"{INFO}/RECORD"]


def test_metadata_copies_the_installed_requirements(wheel):
    archive = wheel[2]
    metadata = archive.read(f"{INFO}/METADATA").decode()
    assert metadata.startswith(f"Metadata-Version: 2.1\nName: rnncourse\nVersion: {VERSION}\n")
    assert "Requires-Python: >=3.10\n" in metadata
    for requirement in ("numpy>=1.24", "ipykernel>=6.25", "nbclient>=0.8",
                        'pytest>=7.4; extra == "test"'):
        assert f"Requires-Dist: {requirement}\n" in metadata
    assert "Provides-Extra: test\n" in metadata
    assert archive.read(f"{INFO}/WHEEL").decode().endswith(
        "Root-Is-Purelib: true\nTag: py3-none-any\n")
    assert archive.read(f"{INFO}/entry_points.txt").decode() == (
        "[console_scripts]\nrnncourse = rnncourse.cli:main\n")


def test_record_lists_every_file_with_its_sha256(wheel):
    archive = wheel[2]
    rows = [line.split(",") for line in archive.read(f"{INFO}/RECORD").decode().splitlines()]
    assert [r[0] for r in rows] == archive.namelist()
    assert rows[-1] == [f"{INFO}/RECORD", "", ""]
    for name, digest, size in rows[:-1]:
        data = archive.read(name)
        expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        assert (digest, int(size)) == (f"sha256={expected}", len(data)), name


def test_the_same_tree_gives_the_same_bytes():
    assert build_wheel()[1] == build_wheel()[1]


def test_package_files_skip_caches(tmp_path):
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"x")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_text("x")
    (tmp_path / "data.json").write_text("{}")
    assert [n for n, _ in package_files(tmp_path)] == ["rnncourse/data.json", "rnncourse/sub/b.py"]


def test_pip_installs_it_and_it_imports(wheel, tmp_path):
    name, data, _ = wheel
    path = tmp_path / name
    path.write_bytes(data)
    target = tmp_path / "target"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                           "--disable-pip-version-check", "--target", str(target), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    env = dict(os.environ, PYTHONPATH=str(target))
    check = subprocess.run([sys.executable, "-c",
                            "import rnncourse, rnncourse.grading.platforms.gradescope_autograder; "
                            "print(rnncourse.__version__, rnncourse.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert check.returncode == 0, check.stderr
    version, where = check.stdout.split()
    assert version == VERSION and Path(where).is_relative_to(target)
    assert (target / "bin" / "rnncourse").is_file()


def test_an_uninstalled_package_is_refused(monkeypatch):
    import importlib.metadata

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(RuntimeError, match=r"rnncourse is imported but not installed \(no package "
                                           r"metadata\); install it with pip install -e \. in the "
                                           r"course checkout"):
        build_wheel()


def test_a_version_mismatch_is_refused():
    class Stale:
        version = "0.0.1"

    with pytest.raises(RuntimeError, match=r"the installed rnncourse metadata says version 0\.0\.1 "
                                           rf"but the imported package is {VERSION}"):
        build_wheel(distribution=Stale())
