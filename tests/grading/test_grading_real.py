"""The grader on the course's real notebooks: every solution gets full marks, every generated
lesson gets zero with status ``ok``. One batch (``--jobs 2``) in a subprocess; skipped while the
notebooks are not written yet."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnncourse.checks import LESSONS as LESSON_STEMS
from rnncourse.checks import exercises_for_lesson, points_for_lesson, questions_for_lesson
from tests.grading.sandbox_required import require_sandbox

ROOT = Path(__file__).resolve().parent.parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
GRADED = [p.stem for p in SOLUTIONS if p.stem in LESSON_STEMS and exercises_for_lesson(p.stem)]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SOLUTIONS, reason="no solutions/*.ipynb yet (written by the lesson authors)"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader's containment is Linux-only"),
]


def _possible(stem):
    return points_for_lesson(stem)


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory, private_python):
    require_sandbox()
    tmp = tmp_path_factory.mktemp("real")
    out = tmp / "gradebook.csv"
    paths = [str(p) for p in SOLUTIONS + LESSONS]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([private_python, "-m", "rnncourse", "grade", "--jobs", "2",
                           "--timeout", "240", "--out", str(out), *paths],
                          capture_output=True, text=True, timeout=900, env=env, cwd=tmp)
    # a private copy of the course is graded (see conftest.py): no "course files changed" exit 1
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out, newline="") as fh:
        return {row["submission"]: row for row in csv.DictReader(fh)}


@pytest.mark.parametrize("stem", GRADED)
def test_a_solution_gets_full_marks(gradebook, stem):
    row = gradebook[f"solutions/{stem}.ipynb"]
    assert row["status"] == "ok", row
    assert row["total"] == row["possible"] == str(_possible(stem)), row
    questions = questions_for_lesson(stem)
    assert questions or stem == "00_welcome"
    for q in questions:  # graded from the literal answer of the check cell, outside the kernel
        assert row[q.id] == f"{q.points:g}", (q.id, row)


@pytest.mark.parametrize("stem", [p.stem for p in LESSONS if p.stem in GRADED])
def test_a_generated_lesson_gets_zero_with_status_ok(gradebook, stem):
    row = gradebook[f"lessons/{stem}.ipynb"]
    assert row["status"] == "ok", row
    assert row["lesson"] == stem  # from the metadata written by rnncourse release
    assert (row["total"], row["possible"]) == ("0", str(_possible(stem))), row
    assert all(row[q.id] == "0" for q in questions_for_lesson(stem)), row
