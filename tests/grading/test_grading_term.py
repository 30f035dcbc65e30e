"""The instructor's term of docs/grading.md (section 7.10), run as written on real graded notebooks.

A Canvas download with a resubmission, a student late within an extension, a late student, a
manual adjustment, an exact regrade that keeps it, the history, and the Canvas, Moodle and CSV
exports. The course file, the roster and every command are taken from the guide's text (the
commands are checked to be in it verbatim) and run as ``python -m rnncourse`` with a private
copy of the course; every gradebook row, the feedback that matters and every exported line are
asserted.
"""

from __future__ import annotations

import csv
import json
import os
import shlex
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.grading.sandbox_required import require_sandbox
from tests.grading.test_grading_corpus import CORRECT, WRONG_TANH, lesson_notebook, write

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "grading.md").read_text(encoding="utf-8")
TERM = GUIDE[GUIDE.index("### 7.10 A term, command by command"):GUIDE.index("## 8. ")]
LESSON = "01_feedforward_backprop"
ALICE = f"adamsalice_4201_88301_{LESSON}.ipynb"
BOB = f"brownbob_4202_88302_{LESSON}.ipynb"
CAROL_FIRST = f"chencarol_4203_88303_{LESSON}.ipynb"
CAROL = f"chencarol_4203_88415_{LESSON}.ipynb"  # her resubmission: a larger Canvas file id
DAVE = f"diazdave_LATE_4204_88420_{LESSON}.ipynb"
ERIN = f"evanserin_LATE_4205_88431_{LESSON}.ipynb"
POINT_COLUMNS = ["affine_forward", "affine_backward", "tanh_backward", "softmax_cross_entropy",
                 "numerical_gradient", "q01_backprop_order", "q01_chain_rule_number",
                 "q01_consumer_sum", "q01_tiny_entry"]
ALL = ["1", "2", "1", "2", "2", "0.5", "0.5", "0.5", "0.5"]
WRONG_TANH_POINTS = ["1", "2", "0", "2", "2", "0.5", "0.5", "0.5", "0.5"]
NO_SOFTMAX = ["1", "2", "1", "0", "2", "0.5", "0.5", "0.5", "0.5"]
BOB_REASON = "tanh_backward: right derivative, taken at the input instead of the output"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader is Linux-only"),
]


def _block_after(text, marker, language=""):
    """The first fenced block after ``marker`` in the guide's term section."""
    start = TERM.index(marker)
    opening = TERM.index(f"```{language}\n", start) + len(f"```{language}\n")
    return TERM[opening:TERM.index("```", opening)]


def _commands():
    """Every ``rnncourse`` line inside the section's fenced blocks, in order."""
    commands, fenced = [], False
    for line in TERM.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced and line.startswith("rnncourse "):
            commands.append(line)
    return commands


def _run(python, folder, command):
    assert command in TERM, f"not in docs/grading.md section 7.10: {command}"
    argv = shlex.split(command)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([python, "-m", "rnncourse", *argv[1:]], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


def _at(text):
    stamp = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return stamp.timestamp()


def _csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _gradebook(folder):
    with open(folder / "gradebook.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _feedback(folder, name, aside=False):
    [path] = (folder / "feedback" / ("superseded" if aside else "")).glob(
        f"{name.removesuffix('.ipynb')[:40]}*.txt")
    return path


def test_the_instructors_term(tmp_path, private_python):
    require_sandbox()
    term = tmp_path
    (term / "grading.toml").write_text(_block_after(TERM, "`grading.toml` in the folder", "toml"),
                                       encoding="utf-8")
    (term / "roster.csv").write_text(_block_after(TERM, "`roster.csv` names the students"),
                                     encoding="utf-8")
    subs = term / "submissions"
    subs.mkdir()
    without_softmax = {k: v for k, v in CORRECT.items() if k != "softmax_cross_entropy"}
    uploads = [(ALICE, lesson_notebook(), "2026-12-04T12:00:00Z"),
               (BOB, lesson_notebook(dict(CORRECT, tanh_backward=WRONG_TANH)),
                "2026-12-04T13:00:00Z"),
               (CAROL_FIRST, lesson_notebook(without_softmax), "2026-12-03T10:00:00Z"),
               (CAROL, lesson_notebook(), "2026-12-04T20:00:00Z"),
               (DAVE, lesson_notebook(), "2026-12-07T09:00:00Z"),   # within his extension
               (ERIN, lesson_notebook(), "2026-12-06T10:00:00Z")]   # 34 h after the due date
    for name, nb, when in uploads:
        write(nb, subs / name)
        os.utime(subs / name, (_at(when), _at(when)))
    commands = _commands()
    assert len(commands) == 7, commands

    # Monday: the batch
    code, _, err = _run(private_python, term, commands[0])
    assert code == 0, err[-3000:]
    assert f"rnncourse grade: course file {term / 'grading.toml'} (found in the current folder" in err
    assert "rnncourse grade: 6 submission(s) graded with seed 1234" in err
    assert (f"rnncourse grade: '{CAROL}' counts; superseded (kept in the gradebook, their "
            f"feedback and report moved to superseded/): {CAROL_FIRST}; to count another one: "
            "rnncourse gradebook choose SUBMISSION") in err
    assert "is matched by 2 submissions" not in err and "have no submission" not in err
    assert _feedback(term, CAROL_FIRST, aside=True).is_file()
    assert (term / "gradebook-reports" / "superseded").is_dir()
    erin = _feedback(term, ERIN).read_text(encoding="utf-8")
    assert ("Score: 10 / 10 (automatic)\nLate penalty: -2 points: submitted "
            "2026-12-06T10:00:00Z, 2 day(s) after the due date 2026-12-04T23:59:00Z and 15 "
            "minutes of grace: 10% of 10 points per day, 2 points\nFinal score: 8 / 10\n") in erin
    assert "Late penalty" not in _feedback(term, DAVE).read_text(encoding="utf-8")

    # Tuesday: bob's half point, then his exact regrade keeps it
    code, _, err = _run(private_python, term, commands[1])
    assert code == 0, err
    assert f"rnncourse gradebook adjust: '{BOB}' adjusted; final 9.5 / 10; feedback rewritten" \
        in err
    bob_feedback = _feedback(term, BOB).read_bytes()
    assert (f"Score: 9 / 10 (automatic)\nAdjusted by your instructor:\n  - +0.5 points: "
            f"{BOB_REASON}\nFinal score: 9.5 / 10\n").encode() in bob_feedback
    [bob_report] = (term / "gradebook-reports").glob("brownbob*.json")
    before = json.loads(bob_report.read_text(encoding="utf-8"))
    code, _, err = _run(private_python, term, commands[2])
    assert code == 0, err[-3000:]
    assert "1 row replaced, 0 added, 5 kept" in err
    assert json.loads(bob_report.read_text(encoding="utf-8"))["exercises"] == before["exercises"]
    assert _feedback(term, BOB).read_bytes() == bob_feedback  # same verdicts, same adjustment
    code, out, err = _run(private_python, term, commands[3])
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2 and all(f"{BOB} (s2)  seed 1234  sha256 " in line for line in lines)
    assert lines[0].split("sha256 ")[1][:12] == lines[1].split("sha256 ")[1][:12]
    assert all("  9/10  ok  report gradebook-reports/history/brownbob" in line for line in lines)

    rows = _gradebook(term)
    got = [[r["submission"], r["student_id"], r["status"], r["seed"],
            *[r[c] for c in POINT_COLUMNS], r["total"], r["possible"], r["submitted"], r["late"],
            r["penalty"], r["superseded_by"], r["adjustment"], r["adjustment_reason"], r["final"]]
           for r in rows]
    on_time = "on time"
    assert got == [
        [ALICE, "s1", "ok", "1234", *ALL, "10", "10", "2026-12-04T12:00:00Z (file time)",
         on_time, "0", "", "", "", "10"],
        [BOB, "s2", "ok", "1234", *WRONG_TANH_POINTS, "9", "10",
         "2026-12-04T13:00:00Z (file time)", on_time, "0", "", "0.5",
         f"added 0.5 points: {BOB_REASON}", "9.5"],
        [CAROL_FIRST, "s3", "ok", "1234", *NO_SOFTMAX, "8", "10",
         "2026-12-03T10:00:00Z (file time)", on_time, "0", CAROL, "", "", "8"],
        [CAROL, "s3", "ok", "1234", *ALL, "10", "10", "2026-12-04T20:00:00Z (file time)",
         on_time, "0", "", "", "", "10"],
        [DAVE, "s4", "ok", "1234", *ALL, "10", "10",
         "2026-12-07T09:00:00Z (file time; Canvas LATE mark)",
         "on time by its file time 2026-12-07T09:00:00Z (your extended due date "
         "2026-12-08T23:59:00Z), though the download has a Canvas LATE mark: no penalty; "
         "check it", "0", "", "", "", "10"],
        [ERIN, "s5", "ok", "1234", *ALL, "10", "10",
         "2026-12-06T10:00:00Z (file time; Canvas LATE mark)",
         "submitted 2026-12-06T10:00:00Z, 2 day(s) after the due date 2026-12-04T23:59:00Z and "
         "15 minutes of grace: 10% of 10 points per day, 2 points", "2", "", "", "", "8"]]

    # Friday: the exports write the final scores; carol's first upload is named, not exported
    note = (f"note: 1 superseded submission(s) not exported (the one that counts is): "
            f"{CAROL_FIRST} (by {CAROL})")
    code, _, err = _run(private_python, term, commands[4])
    assert code == 0 and note in err, err
    assert "5 student(s) written to 'canvas.csv' (canvas)" in err
    assert _csv(term / "canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lesson 1 homework"],
        ["Points Possible", "", "", "", "", "10"],
        ["Alice Adams", "", "s1", "", "", "10"],
        ["Bob Brown", "", "s2", "", "", "9.5"],
        ["Carol Chen", "", "s3", "", "", "10"],
        ["Dave Diaz", "", "s4", "", "", "10"],
        ["Erin Evans", "", "s5", "", "", "8"]]
    code, _, err = _run(private_python, term, commands[5])
    assert code == 0 and note in err, err
    assert _csv(term / "moodle.csv") == [
        ["ID number", "Full name", "Email address", LESSON],
        ["s1", "Alice Adams", "", "10"], ["s2", "Bob Brown", "", "9.5"],
        ["s3", "Carol Chen", "", "10"], ["s4", "Dave Diaz", "", "10"],
        ["s5", "Erin Evans", "", "8"]]
    code, _, err = _run(private_python, term, commands[6])
    assert code == 0, err
    assert "6 student(s) written to 'all.csv' (csv)" in err
    assert _csv(term / "all.csv") == [
        ["student_id", "name", "email", "submission", "lesson", "status", "total", "possible",
         "adjustment", "final", "superseded_by"],
        ["s1", "Alice Adams", "", ALICE, LESSON, "ok", "10", "10", "", "10", ""],
        ["s2", "Bob Brown", "", BOB, LESSON, "ok", "9", "10", "0.5", "9.5", ""],
        ["s3", "Carol Chen", "", CAROL, LESSON, "ok", "10", "10", "", "10", ""],
        ["s4", "Dave Diaz", "", DAVE, LESSON, "ok", "10", "10", "", "10", ""],
        ["s5", "Erin Evans", "", ERIN, LESSON, "ok", "10", "10", "", "8", ""],
        ["s3", "Carol Chen", "", CAROL_FIRST, LESSON, "ok", "8", "10", "", "8", CAROL]]
