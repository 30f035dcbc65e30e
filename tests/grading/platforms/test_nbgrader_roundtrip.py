"""nbgrader, end to end: the source folder from ``solutions/``, ``generate_assignment``, a class of
student notebooks made from nbgrader's released copy, ``autograde``, and nbgrader's gradebook
compared with what ``rnncourse grade`` gives the same notebooks, exercise by exercise.

One lesson (04_bptt: two exercises worth 2 + 3 points, four questions worth 0.5 each) keeps it
short. Skipped when nbgrader is not installed (``pip install -e ".[test,nbgrader]"``), except
under CI (``CI=true``), where it fails.

One student answers rnn_backward right but calls a wrong rnn_step_backward: the checks engine's
knock-on re-judge (which ``check`` and the grader share) keeps rnn_backward's points in both.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.grading.conftest import private_env
from tests.grading.sandbox_required import require_sandbox

ROOT = Path(__file__).resolve().parents[3]
LESSON = "04_bptt"
ITEMS = ("rnn_step_backward", "rnn_backward", "q04_predict_total", "q04_total_vs_partial",
         "q04_order_forced", "q04_first_term_zero")
NBGRADER_BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"),
                       reason="rnncourse grade's containment is Linux-only"),
]


def require_nbgrader():
    """Skip (or, under CI, fail) when nbgrader is not installed in this environment."""
    try:
        import nbgrader  # noqa: F401
    except ImportError as exc:
        message = (f"nbgrader is not installed here ({exc}); install it with "
                   'pip install -e ".[test,nbgrader]"')
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI installs it: .ci/run follows the README)")
        pytest.skip(message)
    if not (NBGRADER_BIN / "nbgrader").exists():
        pytest.fail(f"nbgrader imports but its command is not in {NBGRADER_BIN}")


# ----------------------------------------------------------------------------- the class
def _solution_answers():
    """{grade id: source} of the solution's answer cells, and {question id: its check line}."""
    nb = json.loads((ROOT / "solutions" / f"{LESSON}.ipynb").read_text())
    code, questions = {}, {}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        source = "".join(cell["source"])
        if meta.get("solution"):
            code[meta["grade_id"]] = source
        elif meta.get("grade") and meta["grade_id"].startswith("q04_"):
            questions[meta["grade_id"]] = source
    return code, questions


def _replace(source, old, new):
    assert old in source, (old, source)
    return source.replace(old, new)


def _student(released, answers=None, questions=None, early_cell=None):
    """A copy of nbgrader's released notebook: solution cells given ``answers`` {grade id: code},
    question cells given ``questions`` {id: source}, and optionally ``early_cell`` put just after
    the cell that imports ``check`` (before every answer and question)."""
    nb = copy.deepcopy(released)
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution") and answers and meta["grade_id"] in answers:
            cell["source"] = answers[meta["grade_id"]]
        for qid, line in (questions or {}).items():  # the student rewrites the answer cell
            if meta.get("grade_id") == f"{qid}-answer":
                cell["source"] = line
    if early_cell is not None:
        imports = next(i for i, c in enumerate(nb["cells"])
                       if "from rnncourse.checks import" in "".join(c["source"]))
        first_answer = next(i for i, c in enumerate(nb["cells"]) if "check(" in "".join(c["source"])
                            and i > imports)
        assert imports + 1 <= first_answer
        nb["cells"].insert(imports + 1, {"cell_type": "code", "execution_count": None,
                                         "id": "student-early-cell", "metadata": {},
                                         "outputs": [], "source": early_cell})
    return nb


def make_class(released):
    """{student: (notebook, {item: points it must get})}."""
    code, questions = _solution_answers()
    step, full = code["rnn_step_backward-answer"], code["rnn_backward-answer"]
    right_questions = dict(questions)
    zero = dict.fromkeys(ITEMS, 0)
    full_marks = {"rnn_step_backward": 2, "rnn_backward": 3, **dict.fromkeys(ITEMS[2:], 0.5)}
    no_tanh_derivative = _replace(step, "da = dh_next * (1.0 - h_next ** 2)", "da = dh_next")
    future_not_added = _replace(full, "dh_total = dh[:, t] + dh_future", "dh_total = dh[:, t]")
    return {
        "right": (_student(released, code, right_questions), full_marks),
        # rnn_step_backward without the (1 - h^2) factor of the tanh; rnn_backward not written
        "step_no_tanh_derivative": (
            _student(released, {"rnn_step_backward-answer": no_tanh_derivative}), zero),
        # rnn_backward with the gradient from h_{t+1} (dh_prev) not accumulated into step t
        "backward_future_not_added": (
            _student(released, {**code, "rnn_backward-answer": future_not_added}),
            {**zero, "rnn_step_backward": 2}),
        # a right rnn_backward calling that wrong rnn_step_backward: the knock-on re-judge (the
        # checks engine's) keeps rnn_backward's points, in the kernel and in the grader alike
        "knock_on": (_student(released, {"rnn_step_backward-answer": no_tanh_derivative,
                                         "rnn_backward-answer": full}),
                     {**zero, "rnn_backward": 3}),
        "untouched": (_student(released), zero),  # the released copy as it is: 0 everywhere
        # questions answered in the released form: the function returns the answer
        "function_form": (_student(released, questions={
            qid: f"def {qid}():\n    return {line.split(', ', 1)[1].rstrip().rstrip(')')}\n\n"
                 f'check("{qid}", {qid})' for qid, line in questions.items()}),
            {**zero, **dict.fromkeys(ITEMS[2:], 0.5)}),
        # the kernel exits before any answer is defined; rnncourse grade still reads the
        # questions' literal answers (statically), nbgrader cannot run their tests
        "crash_exit": (_student(released, code, right_questions,
                                early_cell="import os\nos._exit(3)"),
                       {**zero, **dict.fromkeys(ITEMS[2:], 0.5)}),
        # a cell raises before the answers; the run goes on, so the answers still count
        "crash_raise": (_student(released, code, right_questions,
                                 early_cell='raise RuntimeError("a student\'s bug")'), full_marks),
        # exercises left; questions: one right number, one wrong letter, one right, one unanswered;
        # and check re-bound to something that always "passes"
        "questions": (_student(released, questions={
            "q04_predict_total": right_questions["q04_predict_total"],
            "q04_total_vs_partial": 'check("q04_total_vs_partial", "a")',
            "q04_order_forced": right_questions["q04_order_forced"],
        }, early_cell="def check(*args, **kwargs):\n    return 'passed'"),
            {**zero, "q04_predict_total": 0.5, "q04_order_forced": 0.5}),
    }


# ----------------------------------------------------------------------------- the round trip
def _path_with_nbgrader():
    return f"{NBGRADER_BIN}{os.pathsep}{os.environ.get('PATH', '')}"


def _run(argv, cwd, timeout, ok=(0,)):
    env = dict(os.environ, PATH=_path_with_nbgrader(), OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode in ok, (argv, proc.stdout[-2000:], proc.stderr[-4000:])
    return proc


def _nbgrader_points(course, students):
    from nbgrader.api import Gradebook, MissingEntry

    points = {}
    saved = os.environ["PATH"]
    os.environ["PATH"] = _path_with_nbgrader()  # nbgrader's Gradebook runs `alembic`
    try:
        gb = Gradebook(f"sqlite:///{course / 'gradebook.db'}")
    finally:
        os.environ["PATH"] = saved
    with gb:
        for student in students:
            try:
                nb = gb.find_submission_notebook(LESSON, LESSON, student)
            except MissingEntry:  # nbgrader recorded nothing for this submission
                points[student] = None
                continue
            # auto_score is None (and needs_manual_grade True) where nbgrader gave up
            points[student] = {g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades}
    return points


def _rnncourse_points(private_python, course, tmp, students):
    out = tmp / "gradebook.csv"
    files = [str(course / "submitted" / s / LESSON / f"{LESSON}.ipynb") for s in students]
    proc = subprocess.run([private_python, "-m", "rnncourse", "grade", "--jobs", "2",
                           "--timeout", "60", "--lesson", LESSON, "--out", str(out), *files],
                          cwd=tmp, capture_output=True, text=True, timeout=600,
                          env=private_env(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out, newline="") as fh:
        rows = {row["submission"].split("/")[0]: row for row in csv.DictReader(fh)}
    return {s: {item: float(rows[s][item]) for item in ITEMS} for s in students}, rows


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory, private_python):
    require_nbgrader()
    require_sandbox()
    tmp = tmp_path_factory.mktemp("nbgrader")
    course = tmp / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        'c.CourseDirectory.course_id = "rnncourse-test"\n'
        f"c.CourseDirectory.root = {str(course)!r}\n"
        # every cell of lesson 4 runs in about a second; a short limit also bounds the stall of
        # nbclient issue #312 (a cell with an ipywidgets Output widget sometimes waits for it)
        "c.Execute.timeout = 20\n")
    made = _run([sys.executable, "-m", "rnncourse", "release", "--solutions",
                 str(ROOT / "solutions"), "--nbgrader-source", "source", "--lesson", LESSON],
                course, 120)
    assert f"wrote      source/{LESSON}/{LESSON}.ipynb" in made.stdout
    # nbgrader's own test of the source: every graded cell passes with the answers it holds
    validated = _run([str(NBGRADER_BIN / "nbgrader"), "validate",
                      str(course / "source" / LESSON / f"{LESSON}.ipynb")], course, 300)
    _run([str(NBGRADER_BIN / "nbgrader"), "generate_assignment", LESSON, "--create"], course, 300)
    released = json.loads((course / "release" / LESSON / f"{LESSON}.ipynb").read_text())
    # Run All on the released copy, as a student first does: no cell may stop it
    run_all = _run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                    "--ExecutePreprocessor.timeout=60", "--output", str(tmp / "run_all.ipynb"),
                    str(course / "release" / LESSON / f"{LESSON}.ipynb")], course, 300)
    students = make_class(released)
    for name, (nb, _) in students.items():
        folder = course / "submitted" / name / LESSON
        folder.mkdir(parents=True)
        (folder / f"{LESSON}.ipynb").write_text(json.dumps(nb))
    # exit code 1: nbgrader could not grade every submission (the one whose kernel exits)
    autograde = _run([str(NBGRADER_BIN / "nbgrader"), "autograde", LESSON], course, 600, ok=(0, 1))
    theirs = _nbgrader_points(course, students)
    ours, rows = _rnncourse_points(private_python, course, tmp, students)
    return {"released": released, "students": students, "nbgrader": theirs, "rnncourse": ours,
            "rows": rows, "course": course, "log": autograde.stderr,
            "validate": validated.stdout + validated.stderr,
            "run_all": json.loads((tmp / "run_all.ipynb").read_text()), "run_all_log": run_all}


def test_nbgrader_validate_passes_on_the_source(round_trip):
    """nbgrader's convention: the source holds the answers (questions included), so its own
    validation passes on it."""
    assert "Success! Your notebook passes all the tests." in round_trip["validate"], \
        round_trip["validate"][-3000:]
    assert "not answered yet" not in round_trip["validate"]


def test_run_all_on_the_released_copy_reaches_the_end_and_says_not_answered(round_trip):
    cells = [c for c in round_trip["run_all"]["cells"] if c["cell_type"] == "code"]
    assert not [o for c in cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    shown = "".join(_text(o.get("data", {}).get("text/plain", "")) for c in cells
                    for o in c.get("outputs", []))
    assert ("not answered yet: in the function q04_order_forced, replace the raise "
            "NotImplementedError() line with return and your answer") in shown


def test_the_released_copy_hides_the_tests_and_the_answers(round_trip):
    cells = round_trip["released"]["cells"]
    text = "".join("".join(c["source"]) for c in cells)
    assert "_rnncourse_autograde" not in text and "HIDDEN TESTS" not in text
    assert "BEGIN SOLUTION" not in text and "dh_total = dh[:, t] + dh_future" not in text
    # a question's cell: the function's stub in place of the answer, and check given it
    assert ('def q04_total_vs_partial():\n'
            '    """Your answer to self-check q04_total_vs_partial: return the letter of one '
            'option, in quotes."""\n'
            '    # YOUR CODE HERE\n'
            '    raise NotImplementedError()\n\n\n'
            'check("q04_total_vs_partial", q04_total_vs_partial)') in text
    graded = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"]
              for c in cells if c["metadata"].get("nbgrader", {}).get("grade")}
    assert graded == {"rnn_step_backward": 2, "rnn_backward": 3, "q04_predict_total": 0.5,
                      "q04_total_vs_partial": 0.5, "q04_order_forced": 0.5,
                      "q04_first_term_zero": 0.5}


@pytest.mark.parametrize("student", ["right", "step_no_tanh_derivative",
                                     "backward_future_not_added", "knock_on", "untouched",
                                     "function_form", "crash_raise", "questions"])
def test_nbgrader_and_rnncourse_grade_agree(round_trip, student):
    expected = round_trip["students"][student][1]
    ours = round_trip["rnncourse"][student]
    assert ours == pytest.approx(expected), (student, round_trip["rows"][student])
    theirs = round_trip["nbgrader"][student]
    assert theirs is not None, (student, round_trip["log"][-3000:])
    assert {item: score for item, (score, _) in theirs.items()} == pytest.approx(ours), \
        (student, round_trip["log"][-3000:])
    assert not any(manual for _, manual in theirs.values())


def test_a_notebook_whose_kernel_exits_goes_to_manual_grading_in_nbgrader(round_trip):
    # nbgrader records no automatic score and flags every graded cell for manual grading;
    # rnncourse grade says "kernel died", scores the exercises 0, and still judges the questions'
    # literal answers, which it reads without running anything (docs/grading.md, section 7)
    theirs = round_trip["nbgrader"]["crash_exit"]
    assert theirs == {item: (None, True) for item in ITEMS}
    row = round_trip["rows"]["crash_exit"]
    assert row["status"] == "kernel died"
    assert round_trip["rnncourse"]["crash_exit"] == pytest.approx(
        round_trip["students"]["crash_exit"][1])
    assert round_trip["rows"]["crash_raise"]["status"] == "ok"


def _graded_outputs(round_trip, student, grade_id):
    path = round_trip["course"] / "autograded" / student / LESSON / f"{LESSON}.ipynb"
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)
    return cell["outputs"]


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def test_a_right_answer_earns_the_cells_points_whatever_they_are(round_trip):
    from nbformat import from_dict
    from nbgrader.utils import determine_grade

    path = round_trip["course"] / "autograded" / "right" / LESSON / f"{LESSON}.ipynb"
    cells = json.loads(path.read_text())["cells"]
    cell = next(c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id")
                == "rnn_backward")
    assert [o["output_type"] for o in cell["outputs"]] == ["display_data"]  # no result to read
    cell = from_dict(cell)
    cell.metadata.nbgrader.points = 4  # an instructor gave it 4 points in source/
    assert determine_grade(cell) == (4.0, 4.0)


def test_nbgrader_shows_the_checks_words(round_trip):
    right = _graded_outputs(round_trip, "right", "rnn_step_backward")
    assert [o["output_type"] for o in right] == ["display_data"]
    assert _text(right[0]["data"]["text/plain"]).startswith(
        "✓ PASSED  rnn_step_backward  (2/2 points)\nAll 4 test cases pass.\n"
        "(nbgrader autograde: test cases from seed ")
    wrong = _graded_outputs(round_trip, "step_no_tanh_derivative", "rnn_step_backward")
    error = next(o for o in wrong if o["output_type"] == "error")
    assert error["ename"] == "AssertionError"
    assert error["evalue"].startswith("✗ FAILED  rnn_step_backward  (0/2 points)\n")
    assert "Likely mistake: skipped the tanh derivative" in error["evalue"]
    question = _graded_outputs(round_trip, "questions", "q04_total_vs_partial")
    error = next(o for o in question if o["output_type"] == "error")
    assert error["evalue"].startswith("✗ FAILED  q04_total_vs_partial  (0/0.5 points)\n")
    assert "the roads through h_(t+1) into every later loss are missing" in error["evalue"]
    graded = [s for s in round_trip["students"] if s != "crash_exit"]  # no autograded copy
    assert not any(o.get("name") == "stderr" for s in graded
                   for o in _graded_outputs(round_trip, s, "rnn_backward"))


def test_the_only_warnings_of_autograde_are_the_documented_checksum_ones(round_trip):
    # nbgrader puts a hidden test back by overwriting the locked graded cell, whose checksum in
    # the student's copy (without the test) differs: one warning per graded cell and student,
    # as docs/grading.md section 9 says; anything else would mean an edited notebook
    changed = re.findall(r"Attribute '(\w+)' for cell (\S+) has changed!", round_trip["log"])
    assert {attribute for attribute, _ in changed} == {"checksum"}
    assert sorted(changed) == sorted(("checksum", item) for item in ITEMS
                                     for _ in round_trip["students"])
