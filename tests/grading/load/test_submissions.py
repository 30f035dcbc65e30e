"""grading.loading: submissions are read once, validated, named apart, and assigned a lesson."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from rnncourse.grading.load import submissions
from rnncourse.grading.load.submissions import resolve_lesson
from tests.grading.test_grading_corpus import lesson_notebook, write


# ----------------------------------------------------------------------------- loading
def test_parse_notebook_reasons():
    assert submissions.parse_notebook(b"  \n")[1] == "empty file"
    assert submissions.parse_notebook(b"[1, 2")[1].startswith("not JSON")
    assert submissions.parse_notebook(b"[1, 2]")[1] == "JSON but not a notebook (no cells)"
    old = json.dumps({"nbformat": 3, "worksheets": []}).encode()
    assert "nbformat 3 is too old" in submissions.parse_notebook(old)[1]
    assert "not UTF-8" in submissions.parse_notebook(b"\xff\xfe{")[1]
    nb, problem = submissions.parse_notebook(json.dumps(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
         "cells": [{"cell_type": "code", "source": ["a = 1\n", "b = 2"], "metadata": {}}]}).encode())
    assert problem is None and nb["cells"][0]["source"] == "a = 1\nb = 2"


def test_a_folder_of_student_folders_keeps_names_apart(tmp_path):
    for student in ("alice", "bob"):
        (tmp_path / student).mkdir()
        write(lesson_notebook(), tmp_path / student / "01.ipynb")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    write(lesson_notebook(), tmp_path / ".ipynb_checkpoints" / "01-checkpoint.ipynb")
    subs = submissions.load_submissions([tmp_path])
    assert [s.name for s in subs] == ["alice/01.ipynb", "bob/01.ipynb"]
    assert all(s.valid for s in subs)


def test_submissions_are_read_into_memory_once(tmp_path):
    path = write(lesson_notebook(), tmp_path / "a.ipynb")
    [sub] = submissions.load_submissions([path])
    path.unlink()
    assert sub.valid and sub.data.startswith(b"{")


def test_a_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.ipynb"
    os.mkfifo(fifo)
    [sub] = submissions.load_submissions([tmp_path])
    assert sub.error == "not a regular file"


def test_display_names_escape_control_characters_and_bad_bytes():
    assert submissions.display_name("a\nb\tc.ipynb") == "a\\nb\\tc.ipynb"
    assert submissions.display_name(os.fsdecode(b"x\xff.ipynb")) == "x\\xff.ipynb"
    assert submissions.display_name("Zoë.ipynb") == "Zoë.ipynb"
    stem = submissions.safe_file_stem("../../etc/passwd\n.ipynb")
    assert "/" not in stem and "\n" not in stem and not stem.startswith(".")


def test_resolve_lesson_accepts_stem_or_number_and_names_the_choices():
    assert resolve_lesson("04_bptt") == resolve_lesson("04") == "04_bptt"
    with pytest.raises(ValueError, match=r"unknown lesson '9'; use one of: 00_welcome"):
        resolve_lesson("9")


def test_feedback_file_stems_keep_names_readable_and_apart():
    jose = submissions.safe_file_stem("José Núñez_4211_assignsubmission_file_/01.ipynb")
    assert jose.startswith("Jose_Nunez_4211_assignsubmission_file___01-")
    # the same name written with combining accents, or without accents: readable alike, apart
    other = submissions.safe_file_stem("Jose\u0301 Nu\u0303n\u0303ez_4211_assignsubmission_file_/01.ipynb")
    plain = submissions.safe_file_stem("Jose Nunez_4211_assignsubmission_file_/01.ipynb")
    assert other.split("-")[0] == plain.split("-")[0] == jose.split("-")[0]
    assert len({jose, other, plain}) == 3
    assert submissions.safe_file_stem("王芳/01.ipynb").startswith("王芳__01-")
    # a right-to-left override or a zero-width space is not kept in a file name
    assert submissions.safe_file_stem("a\u202eb\u200bc/01.ipynb").startswith("a_b_c__01-")
    # ASCII names keep the stems they had: sanitized path plus the name's SHA-256, 8 digits
    digest = hashlib.sha256(b"alice/04_bptt.ipynb").hexdigest()[:8]
    assert submissions.safe_file_stem("alice/04_bptt.ipynb") == f"alice__04_bptt-{digest}"
