"""checks.recording: every verdict check() gives lands in the progress file, and nothing else does."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from rnncourse import nn
from rnncourse.checks import EXERCISES, ask, autograde, autograde_question, autograder, check, recording
from rnncourse.grading.sandbox.kernel import kernel_environment
from rnncourse.progress import read_progress


@pytest.fixture
def progress_folder(tmp_path, monkeypatch):
    folder = tmp_path / "progress"
    monkeypatch.setenv("RNNCOURSE_PROGRESS_DIR", str(folder))
    monkeypatch.delenv("RNNCOURSE_PROGRESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(recording, "_warned", False)
    return folder


def lines(folder):
    path = folder / "progress.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def mistake_variant(ex_id, name):
    """The catalogue's variant making mistake ``name``, named as the learner's function is."""
    variant = next(m.variant for m in EXERCISES[ex_id].mistakes if m.name == name)

    def learners(*args):
        return variant(*args)

    learners.__name__ = ex_id
    return learners


def test_a_pass_and_a_named_mistake_are_recorded_without_the_answer(progress_folder):
    assert check("affine_forward", nn.affine_forward).passed  # the library's, same name
    wrong = mistake_variant("rnn_step_backward", "Wh_not_transposed")
    result = check("rnn_step_backward", wrong)
    assert result.mistake == "Wh_not_transposed"
    got = lines(progress_folder)
    assert [(r["id"], r["lesson"], r["passed"], r["mistake"], r["points"], r["possible"])
            for r in got] == [("affine_forward", "01_feedforward_backprop", True, None, 1, 1),
                              ("rnn_step_backward", "04_bptt", False, "Wh_not_transposed", 0, 2)]
    text = (progress_folder / "progress.jsonl").read_text()
    assert "def " not in text and "Likely mistake" not in text and "Case 1" not in text
    assert read_progress(progress_folder).records[1].mistake == "Wh_not_transposed"


def test_a_question_answer_is_recorded_as_its_verdict_never_as_the_answer(progress_folder):
    check("q04_total_vs_partial", "a")
    w = ask("q05_bound_lag40")
    w.choice.value = "1.3e-4"
    assert w.run().passed  # the widget's Check button goes through check() too
    got = lines(progress_folder)
    assert [(r["id"], r["passed"], r["mistake"]) for r in got] == [
        ("q04_total_vs_partial", False, "partial_instead_of_total"),
        ("q05_bound_lag40", True, None)]
    assert "1.3e-4" not in (progress_folder / "progress.jsonl").read_text()


def test_an_answer_not_written_yet_is_not_a_try(progress_folder):
    def affine_forward(x, W, b):
        raise NotImplementedError("Exercise affine_forward: write your code here, then run "
                                  "the check cell below. See the exercise description above.")

    assert check("affine_forward", affine_forward).unfinished
    check("q04_total_vs_partial", ...)
    check("q04_total_vs_partial", None)
    check("no_such_exercise", nn.affine_forward)
    assert lines(progress_folder) == []
    check("q04_total_vs_partial", "z")  # answered, badly: a try
    assert [r["id"] for r in lines(progress_folder)] == ["q04_total_vs_partial"]


def test_a_knock_on_pass_records_the_exercise_it_depends_on(progress_folder):
    step = ("def rnn_step_backward(dh_next, cache):\n"
            "    x, h_prev, Wx, Wh, h_next = cache\n"
            "    da = dh_next * (1.0 - h_next ** 2)\n"
            "    return da @ Wx.T, da @ Wh, x.T @ da, h_prev.T @ da, da.sum(axis=0)\n")
    sequence = ("def rnn_backward(dh, cache):\n"
                "    N, T, H = dh.shape\n"
                "    x0, _, Wx, Wh, _ = cache[0]\n"
                "    dx = np.zeros((N, T, x0.shape[1]))\n"
                "    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)\n"
                "    dh_future = np.zeros((N, H))\n"
                "    for t in reversed(range(T)):\n"
                "        dx[:, t], dh_future, a, b, c = rnn_step_backward(dh[:, t] + dh_future,"
                " cache[t])\n"
                "        dWx += a\n"
                "        dWh += b\n"
                "        db += c\n"
                "    return dx, dh_future, dWx, dWh, db\n")
    namespace = {}
    exec("import numpy as np\n" + step + sequence, namespace)
    assert check("rnn_backward", namespace["rnn_backward"]).knock_on == ("rnn_step_backward",)
    last = lines(progress_folder)[-1]
    assert (last["id"], last["passed"], last["knock_on"], last["mistake"]) == (
        "rnn_backward", True, ["rnn_step_backward"], None)


@pytest.mark.parametrize("env", [{"RNNCOURSE_PROGRESS": "off"},
                                 {"NBGRADER_EXECUTION": "autograde"}])
def test_nothing_is_recorded_when_off_or_under_nbgrader(progress_folder, monkeypatch, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    check("affine_forward", nn.affine_forward)
    assert lines(progress_folder) == []


def test_a_lesson_demonstration_under_another_name_is_not_the_learners_attempt(progress_folder):
    def sum_without_squares(x):  # lesson 0 shows what a failing check says with this one
        return float(np.sum(x))

    def warmup_sum_of_squares(x):
        return float(np.sum(x))

    assert not check("warmup_sum_of_squares", sum_without_squares).passed
    check("affine_forward", lambda x, W, b: x @ W + b)
    assert lines(progress_folder) == []
    check("warmup_sum_of_squares", warmup_sum_of_squares)
    assert [(r["id"], r["mistake"]) for r in lines(progress_folder)] == [
        ("warmup_sum_of_squares", "no_square")]


def test_nbgraders_graded_cells_never_record(progress_folder, monkeypatch):
    autograde("affine_forward", nn.affine_forward)
    with pytest.raises(AssertionError):
        autograde("rnn_step_backward", mistake_variant("rnn_step_backward", "Wh_not_transposed"))
    monkeypatch.setattr(autograder, "_input_history",
                        lambda: ['check("q05_bound_lag40", 1.3e-4)'])
    autograde_question("q05_bound_lag40")
    assert lines(progress_folder) == []


def test_the_homework_graders_kernel_runs_with_recording_off(tmp_path):
    assert kernel_environment(str(tmp_path))["RNNCOURSE_PROGRESS"] == "off"


def test_an_unwritable_progress_file_never_breaks_a_check_and_warns_once(progress_folder):
    progress_folder.mkdir()
    (progress_folder / "progress.jsonl").mkdir()  # cannot be opened as a file
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = check("affine_forward", nn.affine_forward)
        second = check("rnn_step_backward", mistake_variant("rnn_step_backward", "mean_batch"))
    assert first.passed and not second.passed
    assert len(caught) == 1 and "your progress was not recorded" in str(caught[0].message)
    assert "RNNCOURSE_PROGRESS=off" in str(caught[0].message)


GRADE = r"""
import sys
from rnncourse.grading import grade_one
result = grade_one(sys.argv[1], seed=3, timeout=120, unsafe_same_user=True, drop_privileges=False,
                   unsafe_as_root=True)  # as root, grading without a sandbox must be asked for by name
print(result.to_dict()["status"])
"""


@pytest.mark.slow
def test_the_homework_grader_records_nothing_in_the_kernel_or_the_judge(tmp_path):
    """A real `grade_one` of a notebook whose check cells run in the grader's kernel: the kernel
    runs with recording off (and writes no progress file in its home), and judging in the grader's
    own process, where recording is on and pointed at a folder, records nothing either."""
    import os
    import subprocess
    import sys

    import nbformat

    probe = tmp_path / "probe.json"
    cells = ["from rnncourse.checks import check\nimport numpy as np",
             "def warmup_sum_of_squares(x):\n    return float(np.sum(x ** 2))",
             'check("warmup_sum_of_squares", warmup_sum_of_squares)',
             "import json, os, pathlib\n"
             f"pathlib.Path({str(probe)!r}).write_text(json.dumps({{"
             "'switch': os.environ.get('RNNCOURSE_PROGRESS'), "
             "'written': (pathlib.Path.home() / '.rnncourse' / 'progress.jsonl').exists()}))"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["rnncourse"] = {"lesson": "00_welcome"}
    nbformat.write(nb, tmp_path / "00_welcome.ipynb")
    grader_progress = tmp_path / "grader-progress"
    env = {k: v for k, v in os.environ.items() if k != "RNNCOURSE_PROGRESS"}
    env["RNNCOURSE_PROGRESS_DIR"] = str(grader_progress)
    proc = subprocess.run([sys.executable, "-c", GRADE, str(tmp_path / "00_welcome.ipynb")],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(probe.read_text()) == {"switch": "off", "written": False}
    assert not grader_progress.exists()
