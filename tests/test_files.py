"""``rnncourse._files.write_atomic``: whole files or none, with the permissions asked for."""

from __future__ import annotations

import os
import stat

import pytest

from rnncourse._files import UMASK, write_atomic


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_text_is_utf8_with_line_endings_as_given_and_private_by_default(tmp_path):
    path = write_atomic(tmp_path / "new" / "gradebook.csv", "naïve,1\r\nb,2\n")
    assert path == tmp_path / "new" / "gradebook.csv"
    assert path.read_bytes() == "naïve,1\r\nb,2\n".encode()
    assert _mode(path) == 0o600
    assert os.listdir(tmp_path / "new") == ["gradebook.csv"]  # no temporary file left


def test_bytes_with_an_explicit_mode_replace_the_old_file(tmp_path):
    path = tmp_path / "autograder.zip"
    path.write_bytes(b"old")
    write_atomic(path, b"\x00new", mode=0o644)
    assert path.read_bytes() == b"\x00new" and _mode(path) == 0o644


def test_umask_mode_is_that_of_an_ordinary_new_file(tmp_path):
    old = os.umask(0o027)
    try:
        path = write_atomic(tmp_path / "a.ipynb", "{}", mode=UMASK)
    finally:
        os.umask(old)
    assert _mode(path) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "gradebook.csv"
    path.write_text("precious\n")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(path, "new rows\n")
    assert path.read_text() == "precious\n"
    assert os.listdir(tmp_path) == ["gradebook.csv"]


def test_anything_but_text_or_bytes_is_refused_before_touching_the_file(tmp_path):
    path = tmp_path / "gradebook.csv"
    path.write_text("precious\n")
    with pytest.raises(TypeError, match="write_atomic writes str or bytes, not int"):
        write_atomic(path, 12345)
    assert path.read_text() == "precious\n" and os.listdir(tmp_path) == ["gradebook.csv"]
