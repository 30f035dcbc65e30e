"""The instructor's week of docs/grading.md (section 7), run as written on real graded notebooks.

Grade a class with a roster, regrade two students (one exactly, with the batch's seed; one who
resubmitted), add a late student, export to Canvas, fix the roster, export again. Every command
is one the guide shows verbatim (checked), run as ``python -m rnncourse`` with a private copy of
the course (conftest.py), and every row of the final gradebook and the Canvas file is asserted.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from rnncourse.checks import graded_for_lesson, questions_for_lesson
from tests.grading.sandbox_required import require_sandbox
from tests.grading.test_grading_corpus import CORRECT, LESSON, WRONG_TANH, lesson_notebook, write

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "grading.md").read_text(encoding="utf-8")
NOTEBOOK = "01_feedforward_backprop.ipynb"
ROSTER = ("submission,student_id,name,email\n"
          "alice,s1,Alice Adams,alice@example.org\n"
          "bob,s2,Bob Brown,bob@example.org\n"
          "carol,s3,Carol Chen,carol@example.org\n"
          "dave,s4,Dave Diaz,dave@example.org\n"
          "erin,s5,Erin Evans,erin@example.org\n")
MALLORY = "mallory,s6,Mallory Moss,mallory@example.org\n"  # enrolled late: added to the roster

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader is Linux-only"),
]


def _run(python, week, command):
    """Run one command of the guide (``rnncourse ...``) in ``week``; returns (code, stderr)."""
    assert command in GUIDE, f"not in docs/grading.md: {command}"
    argv = shlex.split(command)
    assert argv[0] == "rnncourse"
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([python, "-m", "rnncourse", *argv[1:]], cwd=week, env=env,
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stderr


def _gradebook(week):
    with open(week / "gradebook.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _report(week, who):
    [path] = (week / "gradebook-reports").glob(f"{who}__01_feedforward_backprop-*.json")
    return json.loads(path.read_text(encoding="utf-8"))


# lesson 1's columns in gradebook order (its exercises, then its questions) and their points
GRADED = graded_for_lesson(LESSON)
POINT_COLUMNS = [ex.id for ex in GRADED]


def _points(zero=()):
    """Every column's full points as the gradebook writes them, 0 for the ids in ``zero``."""
    return ["0" if ex.id in zero else f"{ex.points:g}" for ex in GRADED]


def _total(zero=()):
    return f"{sum(ex.points for ex in GRADED if ex.id not in zero):g}"


ALL, FULL = _points(), _total()
WRONG_TANH_POINTS, WRONG_TANH_TOTAL = _points({"tanh_backward"}), _total({"tanh_backward"})
NO_SOFTMAX = _points({"softmax_cross_entropy"})
QUESTION_IDS = {q.id for q in questions_for_lesson(LESSON)}
NO_QUESTIONS, NO_QUESTIONS_TOTAL = _points(QUESTION_IDS), _total(QUESTION_IDS)


def test_the_instructors_week(tmp_path, private_python):
    require_sandbox()
    week = tmp_path
    subs = week / "submissions"
    without_softmax = {k: v for k, v in CORRECT.items() if k != "softmax_cross_entropy"}
    for who, nb in [("alice", lesson_notebook()),
                    ("bob", lesson_notebook(dict(CORRECT, tanh_backward=WRONG_TANH))),
                    ("carol", lesson_notebook(without_softmax)),
                    ("mallory", lesson_notebook())]:
        (subs / who).mkdir(parents=True)
        write(nb, subs / who / NOTEBOOK)
    (week / "roster.csv").write_text(ROSTER, encoding="utf-8")

    # Monday: the batch
    code, err = _run(private_python, week, "rnncourse grade --lesson 01 --jobs 2 --seed 1234 "
                                           "--roster roster.csv --feedback feedback/ submissions/")
    assert code == 0, err[-3000:]
    assert "rnncourse grade: 4 submission(s) graded with seed 1234; regrade exactly with " \
           "--seed 1234" in err
    assert "rnncourse grade: 1 submission(s) match no roster entry (no student id): " \
           f"mallory/{NOTEBOOK}" in err
    assert "rnncourse grade: 2 roster student(s) have no submission (status 'missing'): " \
           "s4 (Dave Diaz), s5 (Erin Evans)" in err
    monday = {r["submission"]: [r[c] for c in POINT_COLUMNS] for r in _gradebook(week)}
    assert (monday[f"bob/{NOTEBOOK}"], monday[f"carol/{NOTEBOOK}"]) == (WRONG_TANH_POINTS,
                                                                        NO_SOFTMAX)
    bob_monday = _report(week, "bob")
    assert (bob_monday["seed"], bob_monday["batch"]["seed"], bob_monday["batch"]["root"]) == (
        1234, 1234, "submissions")
    assert bob_monday["student"] == {"student_id": "s2", "name": "Bob Brown"}
    assert _report(week, "mallory")["student"] is None
    other_feedback = {p.name: p.read_bytes() for p in (week / "feedback").iterdir()
                      if not p.name.startswith("bob__")}
    assert len(other_feedback) == 3

    # Tuesday: bob asks for a regrade; the batch's seed reproduces his verdicts exactly
    code, err = _run(private_python, week, "rnncourse grade --lesson 01 --seed 1234 --roster "
                                           f"roster.csv --feedback feedback/ submissions/bob/{NOTEBOOK}")
    assert code == 0, err[-3000:]
    assert "'gradebook.csv': 1 row replaced, 0 added, 3 kept; rows are named relative to " \
           "'submissions' (--root)" in err
    bob_tuesday = _report(week, "bob")
    assert bob_tuesday["exercises"] == bob_monday["exercises"]  # every case, every number
    assert "off by up to" in bob_tuesday["exercises"]["tanh_backward"]["message"]
    assert {p.name: p.read_bytes() for p in (week / "feedback").iterdir()
            if not p.name.startswith("bob__")} == other_feedback  # nobody else's files touched
    assert len(list((week / "feedback").iterdir())) == 4

    # carol resubmits with softmax_cross_entropy written: graded with a new seed
    write(lesson_notebook(), subs / "carol" / NOTEBOOK)
    code, err = _run(private_python, week, "rnncourse grade --lesson 01 --roster roster.csv "
                                           f"--feedback feedback/ submissions/carol/{NOTEBOOK}")
    assert code == 0, err[-3000:]
    carol_seed = re.search(r"graded with seed (\d+); regrade exactly with --seed \1", err).group(1)

    # Wednesday: dave hands in late (he left the questions unanswered)
    (subs / "dave").mkdir()
    write(lesson_notebook(questions={}), subs / "dave" / NOTEBOOK)
    code, err = _run(private_python, week, "rnncourse grade --lesson 01 --roster roster.csv "
                                           f"--feedback feedback/ submissions/dave/{NOTEBOOK}")
    assert code == 0, err[-3000:]
    assert "'gradebook.csv': 0 rows replaced, 1 added, 4 kept" in err
    assert "1 roster student(s) have no submission (status 'missing'): s5 (Erin Evans)" in err
    dave_seed = re.search(r"graded with seed (\d+);", err).group(1)

    rows = _gradebook(week)
    got = [[r["submission"], r["student_id"], r["name"], r["lesson"], r["status"], r["seed"],
            r["root"], *[r[c] for c in POINT_COLUMNS], r["total"], r["possible"]] for r in rows]
    lesson = "01_feedforward_backprop"
    assert got == [
        [f"alice/{NOTEBOOK}", "s1", "Alice Adams", lesson, "ok", "1234", "submissions", *ALL,
         FULL, FULL],
        [f"bob/{NOTEBOOK}", "s2", "Bob Brown", lesson, "ok", "1234", "submissions",
         *WRONG_TANH_POINTS, WRONG_TANH_TOTAL, FULL],
        [f"carol/{NOTEBOOK}", "s3", "Carol Chen", lesson, "ok", carol_seed, "submissions", *ALL,
         FULL, FULL],
        [f"dave/{NOTEBOOK}", "s4", "Dave Diaz", lesson, "ok", dave_seed, "submissions",
         *NO_QUESTIONS, NO_QUESTIONS_TOTAL, FULL],
        [f"mallory/{NOTEBOOK}", "", "", lesson, "ok", "1234", "submissions", *ALL, FULL, FULL],
        ["", "s5", "Erin Evans", lesson, "missing", "", "", *[""] * len(GRADED), "", ""]]
    assert carol_seed != "1234"  # her Monday row (without softmax_cross_entropy, seed 1234) was replaced

    # Friday: export to Canvas; mallory is not on the roster, so she is listed and left out
    export = ("rnncourse gradebook export --format canvas --roster roster.csv --out canvas.csv "
              "--assignment \"Lesson 1 homework\"")
    code, err = _run(private_python, week, export)
    assert code == 1, err
    assert (f"rnncourse gradebook export: NOT EXPORTED: 'mallory/{NOTEBOOK}' matches no roster "
            "entry, so it has no student id: add it to the roster, or enter its grade by hand") \
        in err
    # she enrolled late: add her to the roster and export again
    with open(week / "roster.csv", "a", encoding="utf-8") as fh:
        fh.write(MALLORY)
    code, err = _run(private_python, week, export)
    assert code == 0, err
    assert "rnncourse gradebook export: 6 student(s) written to 'canvas.csv' (canvas)" in err
    with open(week / "canvas.csv", newline="", encoding="utf-8") as fh:
        canvas = list(csv.reader(fh))
    assert canvas == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lesson 1 homework"],
        ["Points Possible", "", "", "", "", FULL],
        ["Alice Adams", "", "s1", "", "", FULL],
        ["Bob Brown", "", "s2", "", "", WRONG_TANH_TOTAL],
        ["Carol Chen", "", "s3", "", "", FULL],
        ["Dave Diaz", "", "s4", "", "", NO_QUESTIONS_TOTAL],
        ["Erin Evans", "", "s5", "", "", ""],
        ["Mallory Moss", "", "s6", "", "", FULL]]
