"""Hostile submissions, graded in one batch (``rnncourse grade --jobs 2``) in a subprocess.

Every hostile notebook answers ``affine_forward`` (and most others) correctly and
``tanh_backward`` wrongly, then attacks. For each attack: the wrong answer earns nothing, the
honest submissions keep their scores, every submission has a row, and no process survives.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_grading_corpus import (CORRECT, LESSON, POSSIBLE, STUB, lesson_notebook, with_wrong_tanh,
                                 write)

from rnncourse.checks import questions_for_lesson
from rnncourse.grading.results import points_number

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="process containment is Linux-only (prctl, /proc)")

MARK = f"98{os.getpid() % 1000:03d}"  # unique sleep durations identify our detached children
FORK_SLEEP = f"{MARK}1.5"
SETSID_SLEEP = f"{MARK}2.5"

def _hostile(tmp, gradebook):
    other = tmp / "subs" / "good.ipynb"
    return {
        "checker_replaced": with_wrong_tanh(after=[
            "check = lambda *a, **k: type('R', (), {'passed': True, 'points': 99})()\n"
            "import rnncourse.checks as _c, rnncourse.checks.engine.running as _r\n"
            "import rnncourse.checks.engine.protocol as _p, rnncourse.checks.engine.plaindata as _d\n"
            "_c.check = check\n"
            "_r.invoke = lambda *a, **k: {'status': 'returned', 'value': None, 'mutated': []}\n"
            "_r.call_cases = lambda *a, **k: []\n"
            "_d.plain = lambda value, depth=0: value\n"
            "_p.Exercise.judge = lambda self, case, outputs: None\n"]),
        "allclose_replaced": with_wrong_tanh(after=[
            "np.allclose = lambda *a, **k: True\n"
            "np.testing.assert_allclose = lambda *a, **k: None\n"
            "np.array_equal = lambda *a, **k: True\n"
            "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)\n"]),
        "input_transformer": with_wrong_tanh(before=[
            "get_ipython().input_transformers_post.append(lambda lines: [])\n"]),
        "file_tamper": with_wrong_tanh(after=[
            "import os, glob\n"
            f"open({str(gradebook)!r}, 'w').write('submission,total\\nfile_tamper.ipynb,999\\n')\n"
            f"os.remove({str(other)!r})\n"
            "open('gradebook.csv', 'w').write('everyone,0\\n')\n"]),
        "env_detect": lesson_notebook(dict(CORRECT, tanh_backward=(
            "import os, importlib\n"
            "_graded = any(k.upper().startswith(('NBGRADER', 'RNNCOURSE', 'GRAD', 'OTTER'))"
            " for k in os.environ) or os.getcwd().startswith('/tmp')\n"
            "if _graded:\n"
            "    _ref = getattr(importlib.import_module('rnncourse.' + 'nn'), 'tanh_' + 'backward')\n"
            "    def tanh_backward(dout, cache):\n"
            "        return _ref(dout, cache)\n"
            "else:\n"
            "    def tanh_backward(dout, cache):\n"
            "        return dout * (1.0 - cache)\n"))),
        "os_exit": with_wrong_tanh(after=["import os\nos._exit(0)\n"]),
        "kill_kernel": with_wrong_tanh(after=["import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"]),
        "kill_parent": with_wrong_tanh(after=[
            "import os, signal, time\nos.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(5)\n"]),
        "infinite_loop": with_wrong_tanh(after=[
            "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
            "    except BaseException:\n        pass\n"]),
        "output_flood": with_wrong_tanh(after=[
            "import sys\nline = 'x' * 100_000 + '\\n'\nfor _ in range(300):\n    sys.stdout.write(line)\n"]),
        "memory_bomb": with_wrong_tanh(after=[
            "hog = []\nwhile True:\n    hog.append(bytearray(50_000_000))\n",
            "big = np.ones((100_000, 100_000))\n"]),
        "fork_detach": with_wrong_tanh(after=[
            "import os, subprocess\n"
            f"subprocess.Popen(['sleep', '{SETSID_SLEEP}'], start_new_session=True)\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            f"        os.execvp('sleep', ['sleep', '{FORK_SLEEP}'])\n"
            "    os._exit(0)\n"
            "os.waitpid(pid, 0)\n"]),
        "endless_function": lesson_notebook(dict(CORRECT, tanh_backward=(
            "def tanh_backward(dout, cache):\n    while True:\n        pass\n"))),
        "reference_import": lesson_notebook(dict(CORRECT, tanh_backward=(
            "from rnncourse.nn import tanh_backward as _tb\n"
            "def tanh_backward(dout, cache):\n    return _tb(dout, cache)\n"))),
        "reference_module": lesson_notebook(dict(CORRECT, tanh_backward=(
            "import rnncourse.nn as lib\n"
            "def _helper(a, b):\n    return lib.tanh_backward(a, b)\n"
            "def tanh_backward(dout, cache):\n    return _helper(dout, cache)\n"))),
    }


EXPECTED_STATUS = {
    "checker_replaced": "ok", "allclose_replaced": "ok", "input_transformer": "ok",
    "file_tamper": "ok", "env_detect": "flagged: tanh_backward", "os_exit": "kernel died",
    "kill_kernel": "kernel died", "kill_parent": "kernel died", "infinite_loop": "timeout",
    "output_flood": "ok", "memory_bomb": "memory", "fork_detach": "ok", "endless_function": "ok",
    "reference_import": "flagged: tanh_backward", "reference_module": "flagged: tanh_backward",
}
# the questions' points survive whatever the kernel does (they are read from the file, never
# run), unless the worker grading the submission is killed: then nothing is judged at all
QUESTIONS_TOTAL = points_number(sum(q.points for q in questions_for_lesson(LESSON)))
EXPECTED_TOTAL = {
    "input_transformer": QUESTIONS_TOTAL, "os_exit": QUESTIONS_TOTAL,
    "kill_kernel": QUESTIONS_TOTAL, "kill_parent": 0, "infinite_loop": QUESTIONS_TOTAL,
}

MALFORMED = {
    "empty.ipynb": (b"", "empty file"),
    "not_json.ipynb": (b"{this is not json", "not JSON"),
    "not_notebook.ipynb": (b'{"hello": "world"}', "not a notebook"),
    "old_format.ipynb": (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [],
                                     "metadata": {}}).encode(), "nbformat 3 is too old"),
    "huge.ipynb": (b'{"cells": [], "pad": "' + b"x" * (21 * 1024 * 1024) + b'"}', "too large"),
}


def _processes_matching(*needles):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(n in cmd for n in needles):
            found.append((int(pid), cmd))
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory, private_python):
    tmp = tmp_path_factory.mktemp("hostile")
    subs = tmp / "subs"
    subs.mkdir()
    gradebook = tmp / "out" / "gradebook.csv"
    write(lesson_notebook(), subs / "good.ipynb")
    write(lesson_notebook(STUB, questions={}), subs / "stub.ipynb")
    for name, nb in _hostile(tmp, gradebook).items():
        write(nb, subs / f"{name}.ipynb")
    for name, (data, _) in MALFORMED.items():
        (subs / name).write_bytes(data)
    odd = subs / "odd\nname,=1+1.ipynb"
    write(lesson_notebook(), odd)
    kernels_before = {p for p, _ in _processes_matching("rnncourse-grade-")}
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    start = time.monotonic()
    proc = subprocess.run(
        [private_python, "-m", "rnncourse", "grade", "--jobs", "2", "--timeout", "8",
         "--memory", "1024", "--out", str(gradebook), "--feedback", str(tmp / "feedback"),
         str(subs), str(subs / "good.ipynb")],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp)
    seconds = time.monotonic() - start
    time.sleep(0.2)
    leftovers = _processes_matching(f"sleep {FORK_SLEEP}", f"sleep {SETSID_SLEEP}")
    kernels_after = [p for p, _ in _processes_matching("rnncourse-grade-")
                     if p not in kernels_before]
    with open(gradebook, newline="") as fh:
        rows = {row["submission"]: row for row in csv.DictReader(fh)}
    return {"proc": proc, "rows": rows, "leftovers": leftovers, "kernels": kernels_after,
            "tmp": tmp, "seconds": seconds, "gradebook": gradebook}


def test_the_batch_ran_and_exited_zero(batch):
    # the batch grades a private copy of the course (see conftest.py), so nothing but a
    # submission could change it: exit 1 ("course files changed") is a failure here
    proc = batch["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "course files changed" not in proc.stderr
    assert not [name for name, row in batch["rows"].items()
                if "course files changed" in row["status"]]
    assert "[####################]" in batch["proc"].stderr
    assert batch["seconds"] < 150


def test_every_submission_has_a_row(batch):
    names = set(batch["rows"])
    expected = ({"good.ipynb", "stub.ipynb", "good.ipynb (2)", "odd\\nname,=1+1.ipynb"}
                | {f"{n}.ipynb" for n in EXPECTED_STATUS} | set(MALFORMED))
    assert names == expected


def test_honest_submissions_keep_full_and_zero_marks(batch):
    rows = batch["rows"]
    assert (rows["good.ipynb"]["status"], rows["good.ipynb"]["total"]) == ("ok", str(POSSIBLE))
    assert rows["good.ipynb"]["possible"] == str(POSSIBLE)
    assert (rows["stub.ipynb"]["status"], rows["stub.ipynb"]["total"]) == ("ok", "0")
    assert rows["odd\\nname,=1+1.ipynb"]["total"] == str(POSSIBLE)


@pytest.mark.parametrize("name", sorted(EXPECTED_STATUS))
def test_a_hostile_submission_gains_nothing(batch, name):
    row = batch["rows"][f"{name}.ipynb"]
    assert row["status"].startswith(EXPECTED_STATUS[name]), row
    assert row["tanh_backward"] == "0", row
    assert row["total"] == str(EXPECTED_TOTAL.get(name, POSSIBLE - 1)), row


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_input_gets_an_invalid_row(batch, name):
    row = batch["rows"][name]
    assert row["status"].startswith("invalid notebook: "), row
    assert MALFORMED[name][1] in row["status"]
    assert row["total"] == "0"


def test_the_same_file_twice_is_marked_duplicate(batch):
    assert batch["rows"]["good.ipynb (2)"]["status"].startswith("invalid notebook: duplicate of")


def test_no_process_outlives_the_run(batch):
    assert batch["leftovers"] == []
    assert batch["kernels"] == []


def test_the_tampered_files_did_not_matter(batch):
    text = batch["gradebook"].read_text()
    assert "999" not in text and "everyone" not in text
    assert not (batch["tmp"] / "gradebook.csv").exists()  # the kernel's cwd was private


def test_feedback_and_json_reports_exist_for_everyone(batch):
    feedback = list((batch["tmp"] / "feedback").glob("*.txt"))
    reports = list((batch["tmp"] / "out" / "gradebook-reports").glob("*.json"))
    assert len(feedback) == len(reports) == len(batch["rows"])
    good = next(p for p in reports if p.name.startswith("good-"))
    data = json.loads(good.read_text())
    assert data["exercises"]["tanh_backward"]["passed"] is True
    assert isinstance(data["seed"], int)
    text = next(p for p in feedback if p.name.startswith("env_detect")).read_text()
    assert "FLAGGED" in text and "tanh_backward" in text


def test_the_spreadsheet_cannot_run_a_name_as_a_formula(batch):
    raw = batch["gradebook"].read_text()
    assert "odd\\nname,=1+1.ipynb" in raw  # quoted by csv, newline escaped
    assert "\n=1" not in raw
