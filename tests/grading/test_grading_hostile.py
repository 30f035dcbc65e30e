"""A hostile class graded in the bubblewrap sandbox: one ``rnncourse grade --jobs 2`` batch.

Every hostile notebook answers the lesson correctly except ``tanh_backward``, then attacks (see
``hostile_corpus.py``). For each attack: the wrong answer earns nothing, the honest submissions
keep their full marks, the batch exits 0 with a row for everyone, the submissions folder, the
course package and the checkout are byte-identical afterwards, nothing reached a server on
127.0.0.1, and no process or temporary folder survives. ``test_grading_unsafe.py`` grades the
same corpus without the sandbox and shows what that mode does not protect.
"""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from rnncourse.checks import questions_for_lesson
from rnncourse.grading.judging.results import points_number
from tests.grading.hostile_corpus import HONEST, run_batch
from tests.grading.sandbox_required import require_sandbox
from tests.grading.test_grading_corpus import LESSON, POSSIBLE

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"),
                       reason="the sandbox and process containment are Linux-only"),
]

EXPECTED_STATUS = {
    "checker_replaced": "ok", "allclose_replaced": "ok", "input_transformer": "ok",
    "file_tamper": "ok", "classmate_copy": "ok", "solutions_search": "ok",
    "package_tamper": "ok", "network": "ok", "large_file": "disk limit reached",
    "disk_fill": "disk limit reached", "env_detect": "flagged: tanh_backward",
    "os_exit": "kernel died", "kill_kernel": "kernel died", "kill_parent": "ok",
    "kill_all": "ok", "fork_bomb": "ok", "infinite_loop": "timeout", "output_flood": "ok",
    "memory_bomb": "memory", "fork_detach": "ok", "endless_function": "timeout",
    "reference_import": "flagged: tanh_backward", "reference_module": "flagged: tanh_backward",
}
# the questions' points survive whatever the kernel does (they are read from the file, never
# run); the exercises of a kernel that hung earn nothing; a kernel that died in a cell after
# the exercises keeps them (a fresh kernel re-runs the cells before the crash and they are
# judged there), except the wrong tanh_backward
QUESTIONS_TOTAL = points_number(sum(q.points for q in questions_for_lesson(LESSON)))
EXPECTED_TOTAL = {"input_transformer": QUESTIONS_TOTAL, "infinite_loop": QUESTIONS_TOTAL}

MALFORMED = {
    "empty.ipynb": (b"", "empty file"),
    "not_json.ipynb": (b"{this is not json", "not JSON"),
    "not_notebook.ipynb": (b'{"hello": "world"}', "not a notebook"),
    "old_format.ipynb": (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [],
                                     "metadata": {}}).encode(), "nbformat 3 is too old"),
    "huge.ipynb": (b'{"cells": [], "pad": "' + b"x" * (21 * 1024 * 1024) + b'"}', "too large"),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    launcher = require_sandbox()
    assert launcher.sandboxed
    tmp = tmp_path_factory.mktemp("hostile-sandbox")
    (tmp / "subs").mkdir()
    for name, (data, _) in MALFORMED.items():
        (tmp / "subs" / name).write_bytes(data)
    from tests.grading.test_grading_corpus import lesson_notebook, write
    write(lesson_notebook(), tmp / "subs" / "odd\nname,=1+1.ipynb")
    (tmp / "subs" / "copy").mkdir()
    write(lesson_notebook(), tmp / "subs" / "copy" / "good.ipynb")
    return run_batch(tmp, sandbox=True, extra_paths=[tmp / "subs" / "good.ipynb"])


def test_the_batch_ran_and_exited_zero(batch):
    proc = batch["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "course files changed" not in proc.stderr
    assert "[####################]" in proc.stderr
    assert batch["seconds"] < 240


def test_every_submission_has_a_row(batch):
    expected = ({"good.ipynb", "victim.ipynb", "stub.ipynb", "odd\\nname,=1+1.ipynb",
                 "copy/good.ipynb", "good.ipynb (2)"}
                | {f"{n}.ipynb" for n in EXPECTED_STATUS} | set(MALFORMED))
    assert set(batch["rows"]) == expected


def test_honest_submissions_keep_full_marks(batch):
    rows = batch["rows"]
    for name in HONEST + ("odd\\nname,=1+1.ipynb", "copy/good.ipynb"):
        assert (rows[name]["status"], rows[name]["total"]) == ("ok", str(POSSIBLE)), rows[name]
    assert (rows["stub.ipynb"]["status"], rows["stub.ipynb"]["total"]) == ("ok", "0")


@pytest.mark.parametrize("name", sorted(EXPECTED_STATUS))
def test_a_hostile_submission_gains_nothing(batch, name):
    row = batch["rows"][f"{name}.ipynb"]
    assert row["status"].startswith(EXPECTED_STATUS[name]), row
    assert row["tanh_backward"] == "0", row
    assert row["total"] == str(EXPECTED_TOTAL.get(name, points_number(POSSIBLE - 1))), row


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_input_gets_an_invalid_row(batch, name):
    row = batch["rows"][name]
    assert row["status"].startswith("invalid notebook: "), row
    assert MALFORMED[name][1] in row["status"]
    assert row["total"] == "0"


def test_the_kill_all_attack_really_ran_inside_the_sandbox(batch):
    # its cell raises when its guard finds no sandbox PID namespace (then it kills nothing), or
    # when kill(-1) did not kill the child it started
    last = batch["reports"]["kill_all.ipynb"]["cells"][-1]
    assert last["status"] == "ok", last


def test_the_same_file_twice_is_marked_duplicate(batch):
    assert batch["rows"]["good.ipynb (2)"]["status"].startswith("invalid notebook: duplicate of")


@pytest.mark.parametrize("what", ["subs", "package", "checkout", "feedback"])
def test_nothing_of_the_instructors_changed(batch, what):
    # the submissions folder, the course package the kernels import, the checkout with its
    # solutions/, and an earlier run's feedback file: byte-identical
    assert batch["after"][what] == batch["before"][what]


def test_nothing_reached_the_network(batch):
    assert batch["seen"] == []


def test_no_process_or_temporary_folder_survives(batch):
    assert batch["leftovers"] == []
    assert batch["temp_left"] == []


def test_every_row_says_it_was_sandboxed(batch):
    assert not [n for n, r in batch["rows"].items() if "without a sandbox" in r["status"]]
    for name, report in batch["reports"].items():
        assert report["without_sandbox"] is False, name
        assert report["isolation"].startswith("bubblewrap sandbox"), name


def test_the_tampered_files_did_not_matter(batch):
    # the tamperers wrote a row "x" with total 999 and a row "everyone"; cells are compared
    # whole and the random seed column is left out (its digits may well contain 999)
    rows = list(csv.DictReader(io.StringIO((batch["tmp"] / "out" / "gradebook.csv").read_text())))
    assert not [r for r in rows if r["submission"] in ("x", "everyone")], rows
    assert not [r for r in rows if "999" in {k: v for k, v in r.items() if k != "seed"}.values()]
    assert not (batch["tmp"] / "gradebook.csv").exists()  # the kernel's cwd was private


def test_feedback_and_json_reports_exist_for_everyone(batch):
    feedback = [p for p in (batch["tmp"] / "feedback").glob("*.txt") if p.name != "earlier-run.txt"]
    assert len(feedback) == len(batch["reports"]) == len(batch["rows"])
    good = batch["reports"]["good.ipynb"]
    assert good["exercises"]["tanh_backward"]["passed"] is True
    assert isinstance(good["seed"], int)


def test_the_spreadsheet_cannot_run_a_name_as_a_formula(batch):
    raw = (batch["tmp"] / "out" / "gradebook.csv").read_text()
    assert "odd\\nname,=1+1.ipynb" in raw  # quoted by csv, newline escaped
    assert "\n=1" not in raw
