"""Unit tests of the grader's trusted parts: loading, static reference detection, output parsing,
reports, course-file hashing, containment. No student kernel is started here."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile

import nbformat
import numpy as np
import pytest

from rnncourse.checks import EXERCISES, to_bytes
from rnncourse.grading import containment, evaluate, loading, writers
from rnncourse.grading.loading import resolve_lesson
from rnncourse.grading.results import Status, SubmissionResult
from rnncourse.grading.snapshot import changed_files, course_files_digest
from rnncourse.grading.references import static_flags
from rnncourse.grading.sandbox import kernel_environment
from rnncourse.grading.worker import function_names
from test_grading_corpus import CORRECT, lesson_notebook, write


# ----------------------------------------------------------------------------- loading
def test_parse_notebook_reasons():
    assert loading.parse_notebook(b"  \n")[1] == "empty file"
    assert loading.parse_notebook(b"[1, 2")[1].startswith("not JSON")
    assert loading.parse_notebook(b"[1, 2]")[1] == "JSON but not a notebook (no cells)"
    old = json.dumps({"nbformat": 3, "worksheets": []}).encode()
    assert "nbformat 3 is too old" in loading.parse_notebook(old)[1]
    assert "not UTF-8" in loading.parse_notebook(b"\xff\xfe{")[1]
    nb, problem = loading.parse_notebook(json.dumps(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
         "cells": [{"cell_type": "code", "source": ["a = 1\n", "b = 2"], "metadata": {}}]}).encode())
    assert problem is None and nb["cells"][0]["source"] == "a = 1\nb = 2"


def test_a_folder_of_student_folders_keeps_names_apart(tmp_path):
    for student in ("alice", "bob"):
        (tmp_path / student).mkdir()
        write(lesson_notebook(), tmp_path / student / "01.ipynb")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    write(lesson_notebook(), tmp_path / ".ipynb_checkpoints" / "01-checkpoint.ipynb")
    subs = loading.load_submissions([tmp_path])
    assert [s.name for s in subs] == ["alice/01.ipynb", "bob/01.ipynb"]
    assert all(s.valid for s in subs)


def test_submissions_are_read_into_memory_once(tmp_path):
    path = write(lesson_notebook(), tmp_path / "a.ipynb")
    [sub] = loading.load_submissions([path])
    path.unlink()
    assert sub.valid and sub.data.startswith(b"{")


def test_a_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.ipynb"
    os.mkfifo(fifo)
    [sub] = loading.load_submissions([tmp_path])
    assert sub.error == "not a regular file"


def test_display_names_escape_control_characters_and_bad_bytes():
    assert loading.display_name("a\nb\tc.ipynb") == "a\\nb\\tc.ipynb"
    assert loading.display_name(os.fsdecode(b"x\xff.ipynb")) == "x\\xff.ipynb"
    assert loading.display_name("Zoë.ipynb") == "Zoë.ipynb"
    stem = loading.safe_file_stem("../../etc/passwd\n.ipynb")
    assert "/" not in stem and "\n" not in stem and not stem.startswith(".")


def test_resolve_lesson_accepts_stem_or_number_and_names_the_choices():
    assert resolve_lesson("04_bptt") == resolve_lesson("04") == "04_bptt"
    with pytest.raises(ValueError, match=r"unknown lesson '9'; use one of: 00_welcome"):
        resolve_lesson("9")


# ----------------------------------------------------------------------------- static reference check
def _nb(*sources):
    return lesson_notebook({}, before=sources)


@pytest.mark.parametrize("source", [
    "from rnncourse.nn import tanh_backward as tb\ndef tanh_backward(dout, cache):\n    return tb(dout, cache)",
    "import rnncourse.nn as r\ndef tanh_backward(dout, cache):\n    return r.tanh_backward(dout, cache)",
    "import rnncourse\ndef tanh_backward(dout, cache):\n    return rnncourse.nn.tanh_backward(dout, cache)",
    "from rnncourse import nn\ndef tanh_backward(dout, cache):\n    return nn.tanh_backward(dout, cache)",
    "from rnncourse.nn import *\nref = tanh_backward\ndef tanh_backward(dout, cache):\n    return ref(dout, cache)",
    "import importlib\ndef tanh_backward(dout, cache):\n"
    "    return getattr(importlib.import_module('rnncourse.nn'), 'tanh_backward')(dout, cache)",
    "import rnncourse.nn as r\ndef helper(a, b):\n    return r.tanh_backward(a, b)\n"
    "def tanh_backward(dout, cache):\n    return helper(dout, cache)",
    "def tanh_backward(dout, cache):\n    from rnncourse.nn import tanh_backward as t\n    return t(dout, cache)",
    "import rnncourse.nn\ntanh_backward = rnncourse.nn.tanh_backward",
    "%matplotlib inline\nfrom rnncourse.nn import tanh_backward",
])
def test_static_check_flags_calls_to_the_reference(source):
    flags = static_flags(_nb(source), {"tanh_backward": "tanh_backward"})
    assert "tanh_backward" in flags[("tanh_backward")]
    assert "rnncourse.nn.tanh_backward" in flags["tanh_backward"]


@pytest.mark.parametrize("source", [
    CORRECT["tanh_backward"],
    # the library's other functions are allowed, and so is importing the reference elsewhere
    "from rnncourse.nn import tanh_forward, tanh_backward as ref\n" + CORRECT["tanh_backward"],
    "from rnncourse.nn import tanh_backward\n" + CORRECT["tanh_backward"],
    "import rnncourse.nn as r\ndef tanh_backward(dout, cache):\n    return dout * (1 - r.tanh_forward(cache)[0] * 0 - cache ** 2)",
])
def test_static_check_leaves_honest_answers_alone(source):
    assert static_flags(_nb(source), {"tanh_backward": "tanh_backward"}) == {}


def test_equivalent_library_functions_count_as_the_reference():
    source = ("from rnncourse.rnn import rnn_backward_truncated\n"
              "def rnn_backward(dh, cache):\n    return rnn_backward_truncated(dh, cache, dh.shape[1])")
    flags = static_flags(_nb(source), {"rnn_backward": "rnn_backward"})
    assert "rnn_backward_truncated" in flags["rnn_backward"]


def test_function_names_come_from_the_check_cell():
    nb = lesson_notebook()
    graded = next(c for c in nb.cells if c.source == 'check("tanh_backward", tanh_backward)')
    graded["source"] = 'check("tanh_backward", my_tanh_grad)'
    nb.cells.append(nbformat.v4.new_code_cell('check("affine_forward", a_wrong_demo)'))
    names = function_names(nb, [EXERCISES["tanh_backward"], EXERCISES["affine_forward"]])
    assert names == {"tanh_backward": "my_tanh_grad", "affine_forward": "affine_forward"}


# ----------------------------------------------------------------------------- parsing outputs
def test_outputs_are_parsed_without_pickle(tmp_path):
    good = tmp_path / "good.npz"
    good.write_bytes(to_bytes({"outputs": [{"status": "returned", "value": np.ones(2),
                                            "mutated": []}]}))
    report_, problem = evaluate.read_outputs(good, 1)
    assert problem is None and report_["outputs"][0]["value"].tolist() == [1.0, 1.0]

    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, __meta__=np.array("{}"), a0=np.array([object()], dtype=object))
    assert evaluate.read_outputs(pickled, 1)[0] is None
    assert evaluate.parse_blob(pickled.read_bytes())[1] == "the outputs file cannot be read (ValueError)"
    strings = tmp_path / "strings.npz"  # allowed dtypes only: numbers and strings
    np.savez(strings, __meta__=np.array("{}"), a0=np.array([b"x"], dtype="V1"))
    assert "unacceptable array" in evaluate.parse_blob(strings.read_bytes())[1]


def test_malformed_or_hostile_output_files_give_no_outputs(tmp_path):
    link = tmp_path / "link.npz"
    link.symlink_to("/etc/hostname")
    assert evaluate.read_outputs(link, 1) == (None, "no outputs were written (the harness did not finish)")
    wrong = tmp_path / "wrong.npz"
    wrong.write_bytes(to_bytes({"outputs": [1, 2]}))
    assert "2 cases, expected 1" in evaluate.read_outputs(wrong, 1)[1]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("__meta__.npy", b"\0" * (80 * 1024 * 1024))
    assert evaluate.parse_blob(bomb.getvalue())[1] == "the outputs file is too large"
    odd = evaluate.read_outputs  # a case that is not a dict becomes "missing", not a crash
    junk = tmp_path / "junk.npz"
    junk.write_bytes(to_bytes({"outputs": ["x"]}))
    assert odd(junk, 1)[0]["outputs"][0]["status"] == "missing"


def test_judging_recomputes_expected_values():
    ex = EXERCISES["tanh_backward"]
    cases = ex.make_cases(123)
    right = [{"status": "returned", "value": c["inputs"]["dout"] * (1 - c["inputs"]["cache"] ** 2),
              "mutated": []} for c in cases]
    wrong = [dict(o, value=o["value"] * 1.001) for o in right]
    assert evaluate.judge_exercise(ex, cases, {"outputs": right}, None)["points"] == ex.points
    entry = evaluate.judge_exercise(ex, cases, {"outputs": wrong}, None)
    assert entry["points"] == 0 and not entry["passed"]
    flagged = evaluate.judge_exercise(ex, cases, {"outputs": right}, None, flag="it calls x")
    assert flagged["points"] == 0 and flagged["message"].startswith("Flagged, 0 points: it calls x")


def test_runtime_report_can_only_add_flags():
    keys = [["/lib/nn.py", "tanh_backward"]]
    assert evaluate.runtime_flag({"reference_calls": ["/lib/nn.py:tanh_backward"]}, "f", keys)
    assert evaluate.runtime_flag({"identity": {"file": "/lib/nn.py", "name": "tanh_backward",
                                               "module": "__main__"}}, "f", keys)
    assert evaluate.runtime_flag({"reference_calls": [], "identity": {"module": "__main__"}},
                                 "f", keys) is None
    assert evaluate.runtime_flag("garbage", "f", keys) is None


# ----------------------------------------------------------------------------- reports
def _row(name, status=Status.OK, points=1):
    row = SubmissionResult(name=name, status=status, lesson="00_welcome", exercises={
        "warmup_sum_of_squares": {"points": points, "possible": 1, "passed": bool(points),
                                  "flag": None, "message": "All 5 test cases pass."}})
    return row.score()


def test_gradebook_has_one_row_per_submission_and_defuses_formulas():
    rows = [_row("=HYPERLINK(1).ipynb"), _row("b.ipynb", Status.TIMEOUT, 0)]
    text = writers.gradebook_text(rows, writers.exercise_columns(rows))
    lines = text.splitlines()
    assert lines[0] == "submission,lesson,status,warmup_sum_of_squares,total,possible"
    assert lines[1] == "'=HYPERLINK(1).ipynb,00_welcome,ok,1,1,1"
    assert lines[2] == "b.ipynb,00_welcome,timeout,0,0,1"


def test_feedback_names_what_passed_and_what_failed():
    text = writers.feedback_text(_row("a.ipynb"))
    assert "[PASSED] warmup_sum_of_squares" in text and "Score: 1 / 1" in text
    invalid = SubmissionResult.invalid("empty file", name="x.ipynb").score()
    assert "could not be graded" in writers.feedback_text(invalid)


def test_course_file_changes_are_detected(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    before = course_files_digest(tmp_path)
    (tmp_path / "pkg" / "a.py").write_text("x = 2\n")
    (tmp_path / "b.py").write_text("")
    assert changed_files(before, course_files_digest(tmp_path)) == ["b.py", "pkg/a.py"]


def test_the_kernel_environment_names_no_grader():
    env = kernel_environment("/tmp/private")
    assert not [k for k in env if "GRAD" in k.upper() or "RNNCOURSE" in k.upper()]
    assert env["HOME"] == "/tmp/private"


# ----------------------------------------------------------------------------- containment
SPAWNER = r"""
import os, subprocess, sys, time
from rnncourse.grading import containment
assert containment.set_subreaper()
child = os.fork()
if child == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", sys.argv[1]])
    os._exit(0)
os.waitpid(child, 0)
subprocess.Popen(["setsid", "sleep", sys.argv[2]])
time.sleep(0.5)
found = containment.descendants(os.getpid())
killed = containment.kill_descendants()
print(len(found), killed, len(containment.descendants(os.getpid())))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux-only")
def test_a_subreaper_kills_double_forked_and_setsid_children():
    marks = [f"97{os.getpid() % 1000:03d}1.5", f"97{os.getpid() % 1000:03d}2.5"]
    out = subprocess.run([sys.executable, "-c", SPAWNER, *marks], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    found, killed, left = map(int, out.stdout.split())
    assert found >= 2 and killed >= 2 and left == 0
    time.sleep(0.1)
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read()
            except OSError:
                continue
            assert not any(m.encode() in cmd for m in marks), cmd


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
