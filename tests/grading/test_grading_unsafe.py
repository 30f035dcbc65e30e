"""``--unsafe-same-user``: the hostile class graded without the sandbox, and what that gives up.

The same corpus as ``test_grading_hostile.py``, minus the attacks that would harm the test
machine (signalling every process, an unbounded fork bomb). The checks that do not depend on a
sandbox still hold (verdicts computed outside the kernel, a row for everyone, no process left,
no temporary folder left even when a submission kills its worker); the others are shown to fail
here, so the flag's warning stays true: with the sandbox (``test_grading_hostile.py``) the same
attacks gain nothing.
"""

from __future__ import annotations

import csv
import io
import sys

import pytest

from tests.grading.hostile_corpus import HONEST, run_batch
from tests.grading.test_grading_corpus import POSSIBLE

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"),
                       reason="process containment is Linux-only (prctl, /proc)"),
]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return run_batch(tmp_path_factory.mktemp("hostile-unsafe"), sandbox=False)


def test_every_row_and_report_says_graded_without_a_sandbox(batch):
    assert batch["rows"] and all(r["status"].endswith("graded without a sandbox")
                                 for r in batch["rows"].values())
    for name, report in batch["reports"].items():
        assert report["without_sandbox"] is True, name
        assert report["isolation"].startswith("NO SANDBOX (--unsafe-same-user)"), name
    assert "graded WITHOUT a sandbox" in batch["proc"].stderr


def test_verdicts_outside_the_kernel_still_hold(batch):
    rows = batch["rows"]
    for name in HONEST:
        assert rows[name]["total"] == str(POSSIBLE), rows[name]
    for name in ("checker_replaced", "allclose_replaced", "network", "large_file", "fork_detach"):
        assert rows[f"{name}.ipynb"]["tanh_backward"] == "0", rows[f"{name}.ipynb"]
    assert rows["reference_import.ipynb"]["status"].startswith("flagged: tanh_backward")


def test_no_process_or_temporary_folder_survives_even_a_killed_worker(batch):
    # kill_parent kills its grading worker here (no PID namespace): the batch still removes
    # that worker's private folder, which held the student's notebook
    assert batch["rows"]["kill_parent.ipynb"]["status"].startswith("kernel died")
    assert batch["leftovers"] == []
    assert batch["temp_left"] == []


def test_without_the_sandbox_the_solutions_and_classmates_are_readable(batch):
    # the same notebooks earn nothing for tanh_backward in the sandbox
    rows = batch["rows"]
    assert rows["solutions_search.ipynb"]["tanh_backward"] != "0", rows["solutions_search.ipynb"]
    assert rows["classmate_copy.ipynb"]["tanh_backward"] != "0", rows["classmate_copy.ipynb"]


def test_without_the_sandbox_the_instructors_files_can_change(batch):
    before, after = batch["before"], batch["after"]
    assert after["subs"] != before["subs"]  # victim deleted, leaked.txt written
    assert "victim.ipynb" not in after["subs"] and "leaked.txt" in after["subs"]
    assert after["feedback"] != before["feedback"]
    assert after["package"] != before["package"]
    assert batch["proc"].returncode == 1  # the package check notices; the run is void
    assert after["checkout"] == before["checkout"]  # no attack here aims at the checkout


def test_without_the_sandbox_the_network_is_open(batch):
    assert b"stolen answers" in batch["seen"]


def test_rows_written_into_the_gradebook_during_the_run_are_not_taken_over(batch):
    # the file_tamper notebook wrote "x,999" into out/gradebook.csv while it ran: the grader
    # merged into the gradebook as read before any student code ran, and kept that file aside
    out = batch["tmp"] / "out"
    # cells compared whole, the random seed column left out (its digits may well contain 999)
    rows = list(csv.DictReader(io.StringIO((out / "gradebook.csv").read_text())))
    assert not [r for r in rows if r["submission"] == "x"], rows
    assert not [r for r in rows if "999" in {k: v for k, v in r.items() if k != "seed"}.values()]
    assert (out / "gradebook.csv.changed-during-grading").read_text() == "submission,total\nx,999\n"
    assert "was changed while grading (by you, or by a submission graded without a sandbox)" \
        in batch["proc"].stderr
