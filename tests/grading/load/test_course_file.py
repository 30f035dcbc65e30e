"""grading.course: the course file sets points and partial credit per lesson; every mistake in
it is refused with a message naming the key and the fix; a real batch scores by it."""

from __future__ import annotations

import sys

import pytest

from rnncourse.checks import EXERCISES, questions_for_lesson
from rnncourse.grading.load.course_file import DEFAULT_FILE, CourseFileError, find_course, load_course, parse_course
from tests.grading.real_lessons import grade, real_submission, report, solution_answers, write_notebook
from tests.grading.sandbox_required import require_sandbox

LESSON_IDS = ("rnn_step_backward, rnn_backward, q04_predict_total, q04_total_vs_partial, "
              "q04_order_forced, q04_first_term_zero")
ALL_LESSONS = ("00_welcome, 01_feedforward_backprop, 02_recurrence_and_cycles, 03_unrolling, "
               "04_bptt, 05_training_in_practice, 06_gated_cells")


@pytest.mark.parametrize("text, message", [
    ("[lessons.04_bptt\n", "grading.toml: not valid TOML (Expected ']' at the end of a table "
                           "declaration (at line 1, column 17))"),
    ("points = 3\n", "grading.toml: unknown key 'points'; a course file has [lessons.ID] tables "
                     "(e.g. [lessons.04_bptt]) and a [submissions] table"),
    ("[submissions]\nlatest = true\n",
     "grading.toml: [submissions]: unknown key 'latest'; use counts"),
    ("lessons = 4\n", "grading.toml: lessons is int; write one table per lesson: "
                      "[lessons.04_bptt]"),
    ("[lessons.04_bpt]\n", f"grading.toml: [lessons.04_bpt]: unknown lesson '04_bpt'; use one "
                           f"of: {ALL_LESSONS}"),
    ("[lessons]\n04_bptt = 3\n", "grading.toml: lessons.04_bptt is int; make it a table: "
                                 "[lessons.04_bptt]"),
    ("[lessons.04_bptt]\npartial = 'fraction'\n",
     "grading.toml: [lessons.04_bptt]: unknown key 'partial'; use points, partial_credit, "
     "knock_on, late"),
    ("[lessons.04_bptt]\npoints = 5\n",
     "grading.toml: lessons.04_bptt.points is int; make it a table: [lessons.04_bptt.points] "
     "with one line per exercise"),
    ("[lessons.04_bptt.points]\nrnn_forward = 2\n",
     "grading.toml: [lessons.04_bptt.points]: 'rnn_forward' is not an exercise or question of "
     f"04_bptt; use one of: {LESSON_IDS}"),
    ("[lessons.04_bptt.points]\nrnn_backward = -1\n",
     "grading.toml: lessons.04_bptt.points.rnn_backward = -1: points must be a number >= 0 "
     "(e.g. 2 or 0.5)"),
    ("[lessons.04_bptt.points]\nrnn_backward = '3'\n",
     "grading.toml: lessons.04_bptt.points.rnn_backward = a string: points must be a number >= 0 "
     "(e.g. 2 or 0.5)"),
    ("[lessons.04_bptt.points]\nrnn_backward = true\n",
     "grading.toml: lessons.04_bptt.points.rnn_backward = true/false: points must be a number "
     ">= 0 (e.g. 2 or 0.5)"),
    ("[lessons.04_bptt.points]\nrnn_backward = nan\n",
     "grading.toml: lessons.04_bptt.points.rnn_backward = nan: points must be a number >= 0 "
     "(e.g. 2 or 0.5)"),
    ("[lessons.04_bptt]\npartial_credit = 'half'\n",
     "grading.toml: lessons.04_bptt.partial_credit = 'half': use \"all-or-nothing\" or "
     "\"fraction\""),
    ("[lessons.04_bptt]\npartial_credit = 1\n",
     "grading.toml: lessons.04_bptt.partial_credit = int: use \"all-or-nothing\" or \"fraction\""),
    ("[lessons.04_bptt]\nknock_on = 'partial'\n",
     "grading.toml: lessons.04_bptt.knock_on = 'partial': use \"full\" or \"none\""),
])
def test_every_mistake_is_refused_naming_the_key_and_the_fix(text, message):
    with pytest.raises(CourseFileError) as caught:
        parse_course(text.encode())
    assert str(caught.value) == message


def test_a_valid_file_and_the_defaults_of_what_it_does_not_set():
    course = parse_course(b"[lessons.04_bptt]\npartial_credit = 'fraction'\n"
                          b"[lessons.04_bptt.points]\nrnn_backward = 4\nq04_predict_total = 1.5\n"
                          b"[lessons.06_gated_cells]\nknock_on = 'none'\n")
    assert course.worth("04_bptt", EXERCISES["rnn_backward"]) == 4
    assert course.worth("04_bptt", EXERCISES["rnn_step_backward"]) == 2  # the catalogue's
    assert course.policy("04_bptt").knock_on == "full"
    assert course.policy("06_gated_cells").partial_credit == "all-or-nothing"
    assert course.policy("06_gated_cells").knock_on == "none"
    assert course.to_dict()["lessons"]["04_bptt"] == {
        "points": {"rnn_backward": 4, "q04_predict_total": 1.5}, "partial_credit": "fraction",
        "knock_on": "full"}


def test_credit_under_each_policy():
    ex = EXERCISES["rnn_backward"]
    cases = [{"passed": True}] * 3 + [{"passed": False}]  # judging stopped at case 4 of 5
    entry = {"points": 0, "passed": False, "flag": None, "cases": cases, "n_cases": 5}
    fraction = parse_course(b"[lessons.04_bptt]\npartial_credit = 'fraction'\n"
                            b"[lessons.04_bptt.points]\nrnn_backward = 4\n")
    assert fraction.credit("04_bptt", ex, entry) == pytest.approx(4 * 3 / 5)
    assert fraction.credit("04_bptt", ex, dict(entry, flag="calls the reference")) == 0
    assert fraction.credit("04_bptt", ex, dict(entry, passed=True)) == 4
    whole = parse_course(b"[lessons.04_bptt.points]\nrnn_backward = 4\n")
    assert whole.credit("04_bptt", ex, entry) == 0
    assert whole.credit("04_bptt", ex, dict(entry, passed=True)) == 4


def test_the_file_is_found_given_or_in_the_current_folder(tmp_path):
    assert find_course(None, tmp_path)[0].path is None  # none here: the defaults
    (tmp_path / DEFAULT_FILE).write_text("[lessons.04_bptt]\nknock_on = 'none'\n")
    course, found = find_course(None, tmp_path)
    assert found and course.path == str(tmp_path / DEFAULT_FILE)
    with pytest.raises(CourseFileError, match=r"^week4\.toml: no such file; give the course "
                                              r"file's path, e.g\. --course grading\.toml$"):
        load_course("week4.toml")


COURSE = """
[lessons.04_bptt]
partial_credit = "fraction"
knock_on = "none"

[lessons.04_bptt.points]
rnn_step_backward = 1
rnn_backward = 5
q04_predict_total = 0
"""
# right on every case but the T=1 one: dWh stays zero when only one step runs
ALMOST = solution_answers("04_bptt")["rnn_backward"].replace(
    "dWh += dWh_t", "dWh += dWh_t if T > 1 else 0 * dWh_t")
# a wrong step under a right rnn_backward: a knock-on failure, which this course scores as it ran
WRONG_STEP = solution_answers("04_bptt")["rnn_step_backward"].replace("dh_prev = da @ Wh.T",
                                                                      "dh_prev = da @ Wh")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader is Linux-only")
def test_a_real_batch_scores_by_the_course_file_and_records_it(tmp_path, private_python):
    require_sandbox()
    write_notebook(real_submission("04_bptt"), tmp_path / "subs" / "right.ipynb")
    write_notebook(real_submission("04_bptt", {"rnn_backward": ALMOST}),
                   tmp_path / "subs" / "almost.ipynb")
    write_notebook(real_submission("04_bptt", {"rnn_step_backward": WRONG_STEP}),
                   tmp_path / "subs" / "knock_on.ipynb")
    (tmp_path / DEFAULT_FILE).write_text(COURSE)  # read without --course, from the folder
    proc, rows = grade(private_python, tmp_path, "--timeout", "60", "--jobs", "2", "subs")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (f"rnncourse grade: course file {tmp_path / DEFAULT_FILE} (found in the current "
            "folder): points and partial credit for 04_bptt\n") in proc.stderr
    right, almost = rows["right.ipynb"], rows["almost.ipynb"]
    # possible: the file's 1 + 5 + 0, and the other questions at their catalogue points
    others = sum(q.points for q in questions_for_lesson("04_bptt") if q.id != "q04_predict_total")
    assert (right["rnn_step_backward"], right["rnn_backward"], right["possible"]) == (
        "1", "5", f"{1 + 5 + others:g}")
    data = report(tmp_path, "almost.ipynb")
    entry = data["exercises"]["rnn_backward"]
    n_pass = sum(case["passed"] for case in entry["cases"])
    assert (n_pass, entry["n_cases"]) == (4, 5)
    assert (almost["rnn_backward"], almost["total"]) == ("4", "5")  # 5 x 4/5, plus 1
    assert data["batch"]["course_file"]["path"] == str(tmp_path / DEFAULT_FILE)
    assert data["batch"]["course_file"]["lessons"]["04_bptt"]["partial_credit"] == "fraction"
    knock = report(tmp_path, "knock_on.ipynb")["exercises"]["rnn_backward"]
    assert (knock["passed"], knock["points"], knock["knock_on"]) == (False, 0, ["rnn_step_backward"])
    assert knock["message"].split("\n")[0] == (
        "Your rnn_backward is right, but it scores 0 until it passes with your own "
        "rnn_step_backward: its test cases fail only because the rnn_step_backward it calls is "
        "wrong. Fix rnn_step_backward first.")
    assert rows["knock_on.ipynb"]["rnn_backward"] == "0"
    # a broken file given with --course: exit 2, the key named, nothing graded or written
    (tmp_path / "bad.toml").write_text("[lessons.04_bptt.points]\nrnn_backward = -2\n")
    (tmp_path / "gradebook.csv").unlink()
    proc, rows = grade(private_python, tmp_path, "--course", "bad.toml", "subs")
    assert proc.returncode == 2
    assert proc.stderr == ("rnncourse grade: error: course file: bad.toml: "
                           "lessons.04_bptt.points.rnn_backward = -2: points must be a number "
                           ">= 0 (e.g. 2 or 0.5)\n")
    assert rows == {} and not (tmp_path / "gradebook.csv").exists()
