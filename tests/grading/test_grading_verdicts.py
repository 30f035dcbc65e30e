"""Fair verdicts on REAL lesson notebooks (trimmed copies of lessons/, answered with the
solutions' code): a wrong upload, a function that runs out of time while judged, a crash after
exercise 1, knock-on failures. One ``--jobs 2`` batch, graded as ``--lesson 04``."""

from __future__ import annotations

import sys

import pytest

from rnncourse.checks import EXERCISES, points_for_lesson
from rnncourse.rnn import rnn_step_backward as course_step
from tests.grading.real_lessons import grade, real_submission, report, solution_answers, write_notebook
from tests.grading.sandbox_required import require_sandbox

# the full points of the two exercises, as the gradebook writes them
STEP, SEQUENCE = (f"{EXERCISES[ex_id].points:g}" for ex_id in ("rnn_step_backward", "rnn_backward"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader is Linux-only"),
]

ENDLESS = "def rnn_backward(dh, cache):\n    while True:\n        pass\n"
CRASH = "import ctypes\nctypes.string_at(0)  # a segfault\n"
SOLUTION = solution_answers("04_bptt")
WRONG_STEP = SOLUTION["rnn_step_backward"].replace("dh_prev = da @ Wh.T", "dh_prev = da @ Wh")
WRONG_SEQUENCE = SOLUTION["rnn_backward"].replace("dWh += dWh_t", "dWh = dWh_t")
# a right step that kills its kernel once the notebook's last cell armed it: it runs in the
# notebook's own checks, and dies only when the grader calls it
ARMED_STEP = "import os\n\n" + SOLUTION["rnn_step_backward"].replace(
    "def rnn_step_backward(dh_next, cache):\n",
    "def rnn_step_backward(dh_next, cache):\n    if globals().get('ARMED'):\n        os._exit(3)\n",
    1)
# fails with its own wrong step; with the course's step it returns the course's rnn_backward,
# reached by a name built at run time (static reading cannot see it; the profiling hook can)
HIDDEN_CALL = '''def rnn_backward(dh, cache):
    x, h_prev, Wx, Wh, h_next = cache[-1]
    da = dh[:, -1] * (1.0 - h_next ** 2)
    if not np.allclose(rnn_step_backward(dh[:, -1], cache[-1])[1], da @ Wh.T):
        return rnn_step_backward(dh[:, -1], cache[-1])
    return globals()["library_" + "rnn_backward"](dh, cache)
'''


@pytest.fixture(scope="module")
def batch(tmp_path_factory, private_python):
    require_sandbox()
    tmp = tmp_path_factory.mktemp("verdicts")
    subs = tmp / "subs"
    write_notebook(real_submission("04_bptt"), subs / "right.ipynb")
    write_notebook(real_submission("02_recurrence_and_cycles"), subs / "upload.ipynb")
    write_notebook(real_submission("04_bptt", {"rnn_backward": ENDLESS}), subs / "endless.ipynb")
    crashing = CRASH + solution_answers("04_bptt")["rnn_backward"]
    write_notebook(real_submission("04_bptt", {"rnn_backward": crashing}), subs / "crash.ipynb")
    armed = real_submission("04_bptt", {"rnn_step_backward": ARMED_STEP})
    armed["cells"].append({"cell_type": "code", "metadata": {}, "source": "ARMED = True",
                           "outputs": [], "execution_count": None})
    write_notebook(armed, subs / "judge_crash.ipynb")
    for name, answers in [("knock_on", {"rnn_step_backward": WRONG_STEP}),
                          ("both_wrong", {"rnn_step_backward": WRONG_STEP,
                                          "rnn_backward": WRONG_SEQUENCE}),
                          ("sequence_wrong", {"rnn_backward": WRONG_SEQUENCE}),
                          ("hidden_call", {"rnn_step_backward": WRONG_STEP,
                                           "rnn_backward": HIDDEN_CALL})]:
        write_notebook(real_submission("04_bptt", answers), subs / f"{name}.ipynb")
    proc, rows = grade(private_python, tmp, "--lesson", "04", "--jobs", "2", "--timeout", "60",
                       "--feedback", "feedback", "subs")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return tmp, proc, rows


def test_a_right_notebook_still_gets_its_exercise_points(batch):
    _, _, rows = batch
    row = rows["right.ipynb"]
    assert (row["status"], row["rnn_step_backward"], row["rnn_backward"]) == ("ok", STEP, SEQUENCE)


def test_a_notebook_of_another_lesson_is_not_judged_and_is_listed(batch):
    tmp, proc, rows = batch
    row = rows["upload.ipynb"]
    assert row["status"] == "wrong lesson: 02_recurrence_and_cycles"
    assert (row["lesson"], row["total"], row["possible"]) == ("04_bptt", "0", f"{points_for_lesson('04_bptt'):g}")
    data = report(tmp, "upload.ipynb")
    assert data["outcome"] == "wrong lesson"
    assert data["cells"] == []  # never run
    assert data["problems"] == [
        "this notebook is lesson 02_recurrence_and_cycles (its metadata says so), but the batch "
        "grades lesson 04_bptt: it was not run and scores 0. Submit your lesson 04_bptt notebook."]
    assert ("rnncourse grade: 1 submission(s) are another lesson than --lesson 04_bptt and were "
            "not graded (0 points); check they are the right uploads:\n"
            "  upload.ipynb: wrong lesson: 02_recurrence_and_cycles\n") in proc.stderr


def test_running_out_of_time_while_judged_is_status_timeout_and_keeps_other_points(batch):
    tmp, _, rows = batch
    row = rows["endless.ipynb"]
    assert (row["status"], row["rnn_step_backward"], row["rnn_backward"]) == ("timeout", "2", "0")
    data = report(tmp, "endless.ipynb")
    assert data["problems"] == [
        "rnn_backward (rnn_backward) ran out of time while being graded: its test cases did not "
        "finish within 10 s (the limit for all of them together), so the cases from there on "
        "fail"]
    assert data["exercises"]["rnn_backward"]["message"].startswith(
        "Case 1 of 5 (N=2, T=4, D=3, H=5): did not finish within the time limit (10 s)")


def test_a_crash_in_exercise_2_keeps_exercise_1_and_names_the_cell(batch):
    tmp, _, rows = batch
    row = rows["crash.ipynb"]
    assert (row["status"], row["rnn_step_backward"], row["rnn_backward"]) == (
        "kernel died", "2", "0")
    crash_cell = 'the cell of exercise 2 (rnn_backward) starting "import ctypes"'
    data = report(tmp, "crash.ipynb")
    assert data["problems"] == [
        f"the kernel stopped during {crash_cell} (killed by SIGSEGV)",
        f"the exercises were judged on a re-run in a fresh kernel of the 4 code cell(s) before "
        f"{crash_cell}, where the kernel died"]
    assert data["exercises"]["rnn_backward"]["message"] == (
        f"Could not judge: rnn_backward was not defined by the cells before {crash_cell}, where "
        "the kernel died, so it could not be judged.")
    assert data["cells"][-1]["name"] == crash_cell
    assert data["cells"][-1]["cell"] == 12  # its index (markdown counted) stays as data
    feedback = next((tmp / "feedback").glob("crash*.txt")).read_text()
    assert f"  - the kernel stopped during {crash_cell} (killed by SIGSEGV)\n" in feedback
    assert "cell 12" not in feedback


def test_a_right_sequence_calling_a_wrong_step_gets_full_points_and_names_the_step(batch):
    tmp, _, rows = batch
    row = rows["knock_on.ipynb"]
    assert (row["status"], row["rnn_step_backward"], row["rnn_backward"]) == ("ok", "0", SEQUENCE)
    entry = report(tmp, "knock_on.ipynb")["exercises"]["rnn_backward"]
    assert (entry["passed"], entry["knock_on"], entry["flag"]) == (True, ["rnn_step_backward"], None)
    lines = entry["message"].split("\n")
    assert lines[:2] == [  # the words check() gives in the notebook (tests/checks)
        "Credited: your rnn_backward is right and gets its points. Its test cases fail only "
        "because the rnn_step_backward it calls is wrong, and rnn_step_backward loses its own "
        "points for that: fix rnn_step_backward first.",
        "(With the course's rnn_step_backward in place of yours, all 5 test cases pass.)"]
    assert lines[2].startswith("With your rnn_step_backward: Case ")
    assert lines[-1].endswith("cases pass with your rnn_step_backward.)")
    feedback = next((tmp / "feedback").glob("knock_on*.txt")).read_text()
    assert ("[CREDITED] rnn_backward (rnn_backward): 3 / 3 points\n    Credited: your "
            "rnn_backward is right") in feedback
    assert "PASSED] rnn_backward" not in feedback


def test_other_verdicts_do_not_change(batch):
    tmp, _, rows = batch
    assert (rows["both_wrong.ipynb"]["rnn_step_backward"], rows["both_wrong.ipynb"]["rnn_backward"]) \
        == ("0", "0")
    assert (rows["sequence_wrong.ipynb"]["rnn_step_backward"],
            rows["sequence_wrong.ipynb"]["rnn_backward"]) == ("2", "0")
    for name in ("both_wrong.ipynb", "sequence_wrong.ipynb"):
        entry = report(tmp, name)["exercises"]["rnn_backward"]
        assert entry["knock_on"] is None
        assert entry["message"].startswith("Case 1 of 5 (N=2, T=4, D=3, H=5): Wrong values: ")


def test_the_re_judge_still_flags_a_call_into_the_exercises_own_reference(batch):
    tmp, _, rows = batch
    row = rows["hidden_call.ipynb"]
    assert row["status"] == ("flagged: rnn_backward: rnn_backward called the course's reference "
                             "implementation while being graded")
    assert (row["rnn_step_backward"], row["rnn_backward"]) == ("0", "0")
    assert report(tmp, "hidden_call.ipynb")["exercises"]["rnn_backward"]["knock_on"] is None


def test_the_hidden_call_is_reached_only_with_the_course_step_so_only_the_re_judge_sees_it():
    calls = []
    namespace = {"library_rnn_backward": lambda dh, cache: calls.append(1) or (dh,) * 5}
    exec("import numpy as np\n" + WRONG_STEP + HIDDEN_CALL, namespace)
    exercise = EXERCISES["rnn_backward"]
    args = exercise.build_args(exercise.make_cases(0)[0])
    namespace["rnn_backward"](*args)
    assert calls == []  # the first judging (the student's own step) never calls the reference
    namespace["rnn_step_backward"] = course_step
    namespace["rnn_backward"](*args)
    assert calls == [1]


def test_a_crash_while_judged_costs_only_that_exercise(batch):
    """The step dies each time the grader calls it: it scores 0; rnn_backward, judged in a
    fresh kernel that re-ran the notebook, dies too (it calls the step), and its knock-on
    re-judge, in a second fresh kernel with the course's step, gives it its full points."""
    tmp, _, rows = batch
    row = rows["judge_crash.ipynb"]
    assert (row["status"], row["rnn_step_backward"], row["rnn_backward"]) == (
        "kernel died", "0", SEQUENCE)
    data = report(tmp, "judge_crash.ipynb")
    n_code = sum(1 for cell in data["cells"])  # every code cell ran in the first kernel
    assert data["problems"] == [
        "the kernel stopped while rnn_step_backward was being graded (exited with code 3)",
        f"the exercises after rnn_step_backward were judged in a fresh kernel that re-ran "
        f"{n_code} of the notebook's {n_code} code cell(s)",
        "the kernel stopped while rnn_backward was being graded (exited with code 3)",
        f"the exercises after rnn_backward were judged in a fresh kernel that re-ran "
        f"{n_code} of the notebook's {n_code} code cell(s)"]
    assert all(cell["status"] == "ok" for cell in data["cells"])
    step = data["exercises"]["rnn_step_backward"]
    assert (step["passed"], step["points"]) == (False, 0)
    sequence = data["exercises"]["rnn_backward"]
    assert (sequence["passed"], sequence["knock_on"]) == (True, ["rnn_step_backward"])
