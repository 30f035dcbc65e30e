"""The Gradescope autograder end to end, and the pieces of ``rnncourse.grading.platforms.gradescope_autograder``.

The slow test exports the lesson-4 autograder, unzips it into temporary roots laid out as
Gradescope lays out ``/autograder`` (``source/``, ``submission/``, ``results/``), runs its
``run_autograder`` as a subprocess for a correct, a wrong, an untouched, a hostile, an invalid,
an empty and a wrong-lesson submission, and checks every ``results.json`` against Gradescope's
format and against what ``rnncourse grade`` gives the same notebooks. The fast tests check
how the notebook is chosen, how results.json is built, and the fallback when the sandbox
cannot start.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from rnncourse.checks import exercises_for_lesson, graded_for_lesson, points_for_lesson, questions_for_lesson
from rnncourse.grading.judging.results import Status, SubmissionResult
from rnncourse.grading.load.course_file import DEFAULT_COURSE
from rnncourse.grading.platforms import gradescope_autograder
from rnncourse.grading.platforms.gradescope_export import export_autograder
from rnncourse.grading.sandbox.bubblewrap import SandboxUnavailable
from rnncourse.grading.sandbox.launchers import SameUserLauncher, SeparateUidLauncher
from tests.grading.sandbox_required import require_sandbox

ROOT = Path(__file__).resolve().parents[3]
LESSON = "04_bptt"
SOLUTION = ROOT / "solutions" / f"{LESSON}.ipynb"
RELEASED = ROOT / "lessons" / f"{LESSON}.ipynb"
OTHER_LESSON = ROOT / "lessons" / "05_training_in_practice.ipynb"
GRADED = graded_for_lesson(LESSON)
IDS = [ex.id for ex in GRADED]
# the names Gradescope shows, spelt out here (not taken from the code under test) for the
# catalogue's exercises and questions of the lesson, each numbered in its kind
NAMES = ([f"Exercise {i}: {ex.id}" for i, ex in enumerate(exercises_for_lesson(LESSON), start=1)]
         + [f"Question {i}: {q.id}" for i, q in enumerate(questions_for_lesson(LESSON), start=1)])
MAX_SCORES = [ex.points for ex in GRADED]
TIMEOUT = 30  # seconds for a submission's cells (a loaded machine runs the solution in ~15 s);
# the hostile notebook's endless loop uses it up, beside the other runs
FORGED = '{"score": 999, "tests": []}'


# ----------------------------------------------------------------------------- notebooks
def _notebook(path):
    return json.loads(Path(path).read_text())


def _cell_index(nb, start):
    return next(i for i, c in enumerate(nb["cells"])
                if c["cell_type"] == "code" and "".join(c["source"]).startswith(start))


def wrong_notebook():
    """The solution with BPTT's named mistake 'future_not_added' and one wrong question."""
    nb = _notebook(SOLUTION)
    i = _cell_index(nb, "def rnn_backward(")
    source = "".join(nb["cells"][i]["source"])
    assert "dh[:, t] + dh_future" in source
    nb["cells"][i]["source"] = source.replace("dh[:, t] + dh_future", "dh[:, t]")
    j = _cell_index(nb, 'check("q04_total_vs_partial"')
    nb["cells"][j]["source"] = 'check("q04_total_vs_partial", "a")'
    return nb


def hostile_notebook(root):
    """The solution, then: forge results.json, read the autograder's source/, loop forever
    (sleeping, so the test can run it beside the others)."""
    nb = _notebook(SOLUTION)
    cells = [
        f"import os\nos.makedirs({str(root / 'results')!r}, exist_ok=True)\n"
        f"open({str(root / 'results' / 'results.json')!r}, 'w').write({FORGED!r})",
        f"stolen = open({str(root / 'source' / 'setup.sh')!r}).read()",
        "import time\nwhile True:\n    time.sleep(0.5)",
    ]
    for source in cells:
        nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {},
                            "outputs": [], "source": source})
    return nb


def _write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict):
        content = json.dumps(content)
    path.write_text(content)
    return path


# ----------------------------------------------------------------------------- the run
def _gradescope_root(base, name, zip_path):
    root = base / name
    for folder in ("source", "submission", "results"):
        (root / folder).mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):  # extractall drops the modes; Gradescope keeps them
        os.chmod(root / "source" / script, 0o755)
    return root


def _start_autograder(root, python):
    env = dict(os.environ, RNNCOURSE_AUTOGRADER_ROOT=str(root),
               PATH=f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    env.pop("RNNCOURSE_PYTHON", None)
    proc = subprocess.Popen([str(root / "source" / "run_autograder")], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, time.monotonic()


def _finish_autograder(root, started):
    proc, start = started
    out, err = proc.communicate(timeout=240)
    seconds = time.monotonic() - start
    assert proc.returncode == 0, err[-3000:]
    return json.loads((root / "results" / "results.json").read_text()), out, seconds


@pytest.fixture(scope="module")
def run(tmp_path_factory, private_python):
    """Export, lay out one Gradescope root per submission, run them all; also grade the same
    notebooks with ``rnncourse grade`` (in parallel with the autograder runs)."""
    require_sandbox()
    base = tmp_path_factory.mktemp("gradescope")
    zip_path = base / "autograder.zip"
    export_autograder(LESSON, zip_path, timeout=TIMEOUT, memory_mb=2048)

    roots = {name: _gradescope_root(base, name, zip_path) for name in (
        "correct", "wrong", "untouched", "hostile", "invalid", "empty", "other_lesson")}
    sub = {name: root / "submission" for name, root in roots.items()}
    files = {
        "correct": _write(sub["correct"] / "my work.ipynb", _notebook(SOLUTION)),
        "wrong": _write(sub["wrong"] / f"{LESSON}.ipynb", wrong_notebook()),
        "untouched": _write(sub["untouched"] / f"{LESSON}.ipynb", _notebook(RELEASED)),
        "hostile": _write(sub["hostile"] / f"{LESSON}.ipynb", hostile_notebook(roots["hostile"])),
        "invalid": _write(sub["invalid"] / f"{LESSON}.ipynb", "{this is not JSON"),
    }
    # several notebooks: the one named after the lesson is graded, not the first (a full solution)
    _write(sub["wrong"] / "a_scratch" / "copy.ipynb", _notebook(SOLUTION))
    _write(sub["empty"] / "answers.py", "def rnn_backward(dh, cache): ...\n")
    _write(sub["other_lesson"] / "05_training_in_practice.ipynb", _notebook(OTHER_LESSON))

    # the same notebooks through rnncourse grade, for the per-exercise comparison
    batch = base / "batch"
    batch.mkdir()
    for name, path in files.items():
        _write(batch / name / path.name, path.read_text())
    grade = subprocess.Popen(
        [private_python, "-m", "rnncourse", "grade", "--lesson", LESSON, "--jobs", "2",
         "--timeout", str(TIMEOUT),
         "--out", str(base / "gradebook.csv"), "--feedback", str(base / "feedback"), str(batch)],
        cwd=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1"))
    try:
        # the hostile run mostly waits out its loop: run it beside the others
        hostile = _start_autograder(roots["hostile"], private_python)
        outcomes = {name: _finish_autograder(root, _start_autograder(root, private_python))
                    for name, root in roots.items() if name != "hostile"}
        outcomes["hostile"] = _finish_autograder(roots["hostile"], hostile)
    finally:
        _, err = grade.communicate(timeout=300)
    assert grade.returncode == 0, err[-3000:]
    with open(base / "gradebook.csv", newline="") as fh:
        gradebook = {row["submission"].split("/")[0]: row for row in csv.DictReader(fh)}
    feedback = {path.name.split("__")[0]: path.read_text()
                for path in (base / "feedback").glob("*.txt")}
    return {"results": {k: v[0] for k, v in outcomes.items()},
            "stdout": {k: v[1] for k, v in outcomes.items()},
            "seconds": {k: v[2] for k, v in outcomes.items()},
            "roots": roots, "gradebook": gradebook, "feedback": feedback}


def _valid(document):
    """Gradescope's results.json format: the keys and types this autograder writes."""
    assert isinstance(document["score"], (int, float)) and not isinstance(document["score"], bool)
    assert isinstance(document["execution_time"], (int, float)) and document["execution_time"] >= 0
    assert isinstance(document["output"], str) and document["output"]
    assert document["stdout_visibility"] == "hidden"
    tests = document["tests"]
    graded = [t for t in tests if t["visibility"] == "visible"]
    assert [t["name"] for t in graded] == NAMES
    assert [t["max_score"] for t in graded] == MAX_SCORES
    for t in tests:
        assert set(t) == {"name", "score", "max_score", "output", "visibility"}
        assert isinstance(t["name"], str) and isinstance(t["output"], str) and t["output"]
        assert isinstance(t["score"], (int, float)) and 0 <= t["score"] <= t["max_score"]
    hidden = [t for t in tests if t["visibility"] == "hidden"]
    assert len(hidden) == 1 and hidden[0]["max_score"] == 0 and hidden[0]["score"] == 0
    assert document["score"] == pytest.approx(sum(t["score"] for t in tests))
    return {t["name"].split(": ")[1]: t for t in graded}


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader's containment is Linux-only")
class TestEndToEnd:
    def test_every_results_json_is_valid(self, run):
        for name, document in run["results"].items():
            tests = _valid(document)
            assert set(tests) == set(IDS), name

    @pytest.mark.parametrize("name", ["correct", "wrong", "untouched", "hostile", "invalid"])
    def test_per_exercise_scores_equal_rnncourse_grade(self, run, name):
        tests = _valid(run["results"][name])
        row = run["gradebook"][name]
        for ex_id in IDS:
            assert tests[ex_id]["score"] == pytest.approx(float(row[ex_id])), (name, ex_id, row)
        assert run["results"][name]["score"] == pytest.approx(float(row["total"]))

    def test_correct(self, run):
        document = run["results"]["correct"]
        assert document["score"] == points_for_lesson(LESSON)
        tests = _valid(document)
        assert tests["rnn_backward"]["output"] == (
            "[PASSED] rnn_backward (rnn_backward): 3 / 3 points\nAll 5 test cases pass.")
        assert "Status: ok" in document["output"]
        assert "isolation: bubblewrap sandbox" in run["stdout"]["correct"]

    def test_wrong_names_the_mistake_in_the_feedback_words(self, run):
        document = run["results"]["wrong"]
        tests = _valid(document)
        assert document["score"] == 3.5  # rnn_step_backward 2 + three questions right
        output = tests["rnn_backward"]["output"]
        assert output.startswith("[FAILED] rnn_backward (rnn_backward): 0 / 3 points\n")
        assert "the gradient from the next time step is not added" in output
        feedback = run["feedback"]["wrong"]  # what `rnncourse grade --feedback` says
        assert "[FAILED] rnn_backward (rnn_backward): 0 / 3 points" in feedback
        assert "the gradient from the next time step is not added" in feedback
        assert tests["q04_total_vs_partial"]["score"] == 0
        assert tests["q04_total_vs_partial"]["output"].startswith(
            "[FAILED] q04_total_vs_partial (answered 'a'): 0 / 0.5 points\n")
        # two notebooks: the one named after the lesson was graded, and the student is told
        assert ("Note: Your submission holds 2 notebooks (04_bptt.ipynb, a_scratch/copy.ipynb); "
                "only one is graded: 04_bptt.ipynb (the one named 04_bptt.ipynb). Submit only "
                "your lesson notebook.") in document["output"]

    def test_untouched_scores_zero_with_status_ok(self, run):
        document = run["results"]["untouched"]
        tests = _valid(document)
        assert document["score"] == 0
        assert "Status: ok" in document["output"]
        assert tests["q04_predict_total"]["output"].startswith(
            "[FAILED] q04_predict_total (not answered): 0 / 0.5 points")

    def test_hostile_cannot_forge_results_or_read_source_and_is_stopped(self, run):
        document = run["results"]["hostile"]
        text = (run["roots"]["hostile"] / "results" / "results.json").read_text()
        assert FORGED not in text and document["score"] != 999
        tests = _valid(document)
        # the answers before the attack cells still count; the endless loop was interrupted
        assert tests["rnn_step_backward"]["score"] == 2 and tests["rnn_backward"]["score"] == 3
        assert "Status: timeout" in document["output"]
        # the read of source/ failed in the kernel: not there (sandbox) or not allowed (uid)
        # (cells are named by their heading and first line, not by an index)
        assert re.search(r'- the cell under "[^"]+" starting ".*": (FileNotFoundError|'
                         r'PermissionError): .*source/setup\.sh', document["output"]), \
            document["output"]
        assert run["seconds"]["hostile"] < TIMEOUT + 60

    def test_invalid_notebook(self, run):
        document = run["results"]["invalid"]
        tests = _valid(document)
        assert document["score"] == 0
        assert "Status: invalid notebook: not JSON" in document["output"]
        assert "Your notebook could not be graded." in document["output"]
        assert tests["rnn_backward"]["output"].startswith("[FAILED] rnn_backward (rnn_backward): "
                                                          "0 / 3 points\nnot graded: invalid notebook")

    def test_no_notebook(self, run):
        document = run["results"]["empty"]
        tests = _valid(document)
        assert document["score"] == 0
        assert document["output"].startswith(
            "Lesson 04_bptt: 0 / 7 points.\nNot graded: no notebook was submitted.\n"
            "Note: No notebook was found in your submission (you uploaded: answers.py). Upload "
            "your lesson notebook, the file ending in .ipynb (for this assignment, 04_bptt.ipynb).")
        assert tests["rnn_backward"]["output"] == "0 / 3 points: no notebook was submitted."

    def test_wrong_lesson(self, run):
        document = run["results"]["other_lesson"]
        _valid(document)
        assert document["score"] == 0
        assert ("Not graded: this notebook is lesson '05_training_in_practice' (its metadata "
                "says so), but this assignment is lesson 04_bptt. Submit your 04_bptt.ipynb."
                ) in document["output"]

    def test_each_run_is_quick(self, run):
        for name, seconds in run["seconds"].items():
            if name != "hostile":
                assert seconds < 60, (name, seconds)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader's containment is Linux-only")
def test_where_bubblewrap_cannot_start(tmp_path, private_python):
    """As in a Docker container without namespaces: a bwrap that fails. As root with a Python
    other users can read (Gradescope's case), the kernel runs as a fresh user id; otherwise the
    autograder refuses, since the kernel could then write its own results."""
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "bwrap").write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\n"
                                "exit 1\n")
    (stub / "bwrap").chmod(0o755)
    zip_path = tmp_path / "autograder.zip"
    export_autograder(LESSON, zip_path, timeout=60)
    root = _gradescope_root(tmp_path, "root", zip_path)
    _write(root / "submission" / f"{LESSON}.ipynb", _notebook(SOLUTION))
    env = dict(os.environ, RNNCOURSE_AUTOGRADER_ROOT=str(root),
               PATH=os.pathsep.join([str(stub), str(Path(private_python).parent),
                                     os.environ.get("PATH", "")]))
    env.pop("RNNCOURSE_PYTHON", None)
    proc = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    document = json.loads((root / "results" / "results.json").read_text())
    _valid(document)
    note = document["tests"][-1]["output"]
    assert ("the bubblewrap sandbox cannot start in this container (bubblewrap did not start "
            "(bwrap: No permissions to create new namespace))") in note
    world_readable = subprocess.run(
        [private_python, "-c", "from rnncourse.grading.sandbox.launchers import interpreter_world_readable "
         "as w; print(w())"], capture_output=True, text=True, cwd=tmp_path).stdout.strip()
    if os.geteuid() == 0 and world_readable == "True":
        assert document["score"] == points_for_lesson(LESSON)
        assert "graded without it, as a fresh unprivileged user id" in note
        assert "Status: ok; graded without a sandbox" in document["output"]
    else:
        assert document["score"] == 0
        assert "and the kernel cannot run as a separate unprivileged user here" in note
        assert ("Not graded: the autograder cannot run student code safely in this environment; "
                "please tell your instructor.") in document["output"]


COURSE_FILE = ('[lessons.04_bptt]\npartial_credit = "fraction"\n\n'
               '[lessons.04_bptt.points]\nrnn_backward = 4\nq04_total_vs_partial = 1\n')
# the points under that file: its two, the catalogue's for the rest
COURSE_POINTS = {ex.id: {"rnn_backward": 4, "q04_total_vs_partial": 1}.get(ex.id, ex.points)
                 for ex in GRADED}


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader's containment is Linux-only")
def test_a_course_file_is_shipped_and_scores_as_rnncourse_grade(tmp_path, private_python):
    """Exported with --course, the autograder uses the file's points and partial credit, and
    gives what ``rnncourse grade --course`` gives with the seed it reports."""
    require_sandbox()
    course = _write(tmp_path / "grading.toml", COURSE_FILE)
    zip_path = tmp_path / "autograder.zip"
    written = export_autograder(LESSON, zip_path, timeout=TIMEOUT, course=course)
    assert written["points"] == sum(COURSE_POINTS.values()) and written["course"] == str(course)
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.read("grading.toml") == COURSE_FILE.encode()
    root = _gradescope_root(tmp_path, "root", zip_path)
    notebook = _write(root / "submission" / f"{LESSON}.ipynb", wrong_notebook())
    work = tmp_path / "batch" / "student" / f"{LESSON}.ipynb"
    _write(work, notebook.read_text())
    document, _, _ = _finish_autograder(root, _start_autograder(root, private_python))
    graded = {t["name"].split(": ")[1]: t for t in document["tests"]
              if t["visibility"] == "visible"}
    assert [graded[ex_id]["max_score"] for ex_id in IDS] == [COURSE_POINTS[ex_id] for ex_id in IDS]
    note = document["tests"][-1]["output"]
    assert f"course file: {root / 'source' / 'grading.toml'} (sha256 " in note
    seed = re.search(r"^seed: (\d+)$", note, re.M).group(1)

    proc = subprocess.run(
        [private_python, "-m", "rnncourse", "grade", "--lesson", LESSON, "--seed", seed,
         "--course", str(course), "--timeout", str(TIMEOUT), "--out", str(tmp_path / "gb.csv"),
         str(tmp_path / "batch")], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(tmp_path / "gb.csv", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    for ex_id in IDS:
        assert graded[ex_id]["score"] == pytest.approx(float(row[ex_id])), (ex_id, row)
    assert graded["rnn_step_backward"]["score"] == 2 and graded["q04_total_vs_partial"]["score"] == 0
    assert row["possible"] == f"{sum(COURSE_POINTS.values()):g}"
    assert document["score"] == pytest.approx(float(row["total"]))


# ----------------------------------------------------------------------------- fast tests
def test_find_notebook_prefers_the_lesson_name_then_sorted_order(tmp_path):
    for name in ("b.ipynb", "a/z.ipynb", ".ipynb_checkpoints/04_bptt-checkpoint.ipynb"):
        _write(tmp_path / name, "{}")
    path, notes = gradescope_autograder.find_notebook(tmp_path, LESSON)
    assert path == tmp_path / "a" / "z.ipynb"
    assert notes == ["Your submission holds 2 notebooks (a/z.ipynb, b.ipynb); only one is "
                     "graded: a/z.ipynb (none is named 04_bptt.ipynb, so the first in "
                     "alphabetical order). Submit only your lesson notebook."]
    _write(tmp_path / "c" / "04_bptt.ipynb", "{}")
    path, _ = gradescope_autograder.find_notebook(tmp_path, LESSON)
    assert path == tmp_path / "c" / "04_bptt.ipynb"


def test_find_notebook_single_and_missing(tmp_path):
    _write(tmp_path / "x.ipynb", "{}")
    assert gradescope_autograder.find_notebook(tmp_path, LESSON) == (tmp_path / "x.ipynb", [])
    assert gradescope_autograder.find_notebook(tmp_path / "nothing", LESSON) == (
        None, [f"No submission folder was found ({tmp_path / 'nothing'})."])


def test_autograder_root_from_the_environment():
    assert gradescope_autograder.autograder_root({}) == Path("/autograder")
    assert gradescope_autograder.autograder_root({"RNNCOURSE_AUTOGRADER_ROOT": "/tmp/x"}) == Path("/tmp/x")


def _result(points):
    result = SubmissionResult(name="04_bptt.ipynb", lesson=LESSON, status=Status.OK)
    for ex, earned in zip(GRADED, points):
        result.exercises[ex.id] = {"points": earned, "possible": ex.points,
                                   "passed": earned == ex.points, "flag": None,
                                   "message": f"message of {ex.id}\nsecond line", "cases": []}
    return result.score()


def test_results_document_uses_the_feedback_blocks():
    document = gradescope_autograder.results_document(LESSON, _result([2, 0, 0.5, 0, 0, 0.5]),
                                           notes=["a note"], instructor_notes=["seed: 1"],
                                           seconds=1.23456)
    tests = _valid(document)
    assert document["score"] == 3 and document["execution_time"] == 2  # whole seconds, rounded up
    assert tests["rnn_backward"]["output"] == (
        "[FAILED] rnn_backward (rnn_backward): 0 / 3 points\nmessage of rnn_backward\nsecond line")
    assert document["output"].startswith("Lesson 04_bptt: 3 / 7 points.\nNote: a note\n\n"
                                         "Feedback for 04_bptt.ipynb\n")
    assert "message of rnn_backward" not in document["output"]  # only in its test
    assert document["tests"][-1] == {"name": "Grading environment (instructors only)",
                                     "score": 0, "max_score": 0, "output": "seed: 1",
                                     "visibility": "hidden"}


def test_results_document_with_a_zero_reason_keeps_every_test():
    document = gradescope_autograder.results_document(LESSON, _result([2, 3, 0.5, 0.5, 0.5, 0.5]),
                                           zero_reason="wrong lesson.")
    assert document["score"] == 0
    assert [t["score"] for t in document["tests"]] == [0] * 6
    assert document["tests"][0]["output"] == "0 / 2 points: wrong lesson."


def test_an_internal_error_still_writes_results(tmp_path, monkeypatch):
    _write(tmp_path / "submission" / "04_bptt.ipynb", _notebook(RELEASED))

    def broken(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(gradescope_autograder, "grade_with_fallback", broken)
    document = gradescope_autograder.run_autograder(tmp_path, LESSON, stream=open(os.devnull, "w"))
    written = json.loads((tmp_path / "results" / "results.json").read_text())
    assert written == document and document["score"] == 0
    assert ("Not graded: the autograder failed with an internal error; please tell your "
            "instructor.") in document["output"]
    assert "OSError: disk on fire" in document["tests"][-1]["output"]


def _with_lesson(stem):
    nb = _notebook(RELEASED)
    nb["metadata"]["rnncourse"]["lesson"] = stem
    return nb


def test_a_notebook_of_another_known_lesson_is_not_run(tmp_path, monkeypatch):
    _write(tmp_path / "submission" / "04_bptt.ipynb", _with_lesson("06_gated_cells"))
    monkeypatch.setattr(gradescope_autograder, "grade_with_fallback", lambda *a: pytest.fail("graded"))
    document = gradescope_autograder.run_autograder(tmp_path, LESSON, stream=open(os.devnull, "w"))
    assert document["score"] == 0
    assert ("Not graded: this notebook is lesson '06_gated_cells' (its metadata says so), but "
            "this assignment is lesson 04_bptt. Submit your 04_bptt.ipynb.") in document["output"]


def test_an_unknown_lesson_in_the_metadata_is_graded_as_the_assignment(tmp_path, monkeypatch):
    _write(tmp_path / "submission" / "04_bptt.ipynb", _with_lesson("my_lesson"))
    calls = []
    monkeypatch.setattr(gradescope_autograder, "grade_with_fallback",
                        lambda *a: calls.append(a) or (_result([2, 3, 0, 0, 0, 0]), ["isolation: x"]))
    document = gradescope_autograder.run_autograder(tmp_path, LESSON, timeout=12.0, memory_mb=900,
                                         stream=open(os.devnull, "w"))
    assert calls == [(tmp_path / "submission" / "04_bptt.ipynb", LESSON, 12.0, 900,
                      DEFAULT_COURSE)]
    assert document["score"] == 5


def test_main_with_a_bad_lesson_writes_results(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_AUTOGRADER_ROOT", str(tmp_path))
    assert gradescope_autograder.main(["--lesson", "99"]) == 2
    document = json.loads((tmp_path / "results" / "results.json").read_text())
    assert document["score"] == 0 and document["tests"][0]["visibility"] == "hidden"
    assert "unknown lesson '99'" in document["tests"][0]["output"]


def test_write_results_replaces_a_folder_in_its_place(tmp_path):
    (tmp_path / "results.json").mkdir()
    (tmp_path / "results.json" / "junk").write_text("x")
    gradescope_autograder.write_results(tmp_path, {"score": 1})
    assert json.loads((tmp_path / "results.json").read_text()) == {"score": 1}


class _Calls:
    def __init__(self, fail_sandbox):
        self.fail_sandbox, self.kwargs = fail_sandbox, []

    def __call__(self, path, **kwargs):
        self.kwargs.append(kwargs)
        if not kwargs.get("unsafe_same_user") and self.fail_sandbox:
            raise SandboxUnavailable("bwrap: No permissions to create new namespace", "fix")
        return _result([0] * 6)


def test_fallback_to_a_separate_uid_when_the_sandbox_cannot_start(monkeypatch):
    import rnncourse.grading.batch.run as batch_run
    import rnncourse.grading.sandbox.launcher_choice as launcher_choice

    calls = _Calls(fail_sandbox=True)
    monkeypatch.setattr(batch_run, "grade_one", calls)
    monkeypatch.setattr(launcher_choice, "choose_launcher", lambda *a, **k: SeparateUidLauncher(2_000_000_123))
    course = object()  # handed on to grade_one as it is, in both tries
    result, notes = gradescope_autograder.grade_with_fallback("x.ipynb", LESSON, 30.0, 1024, course)
    assert [k.get("unsafe_same_user", False) for k in calls.kwargs] == [False, True]
    assert calls.kwargs[1] == {"lesson": LESSON, "timeout": 30.0, "memory_mb": 1024,
                               "unsafe_same_user": True, "course": course}
    assert calls.kwargs[0]["course"] is course
    assert notes == ["isolation: the bubblewrap sandbox cannot start in this container (bwrap: No "
                     "permissions to create new namespace); graded without it, as a fresh "
                     "unprivileged user id. The container (one per submission) keeps students "
                     "apart; the kernel could not read source/, submission/ or results/ (closed "
                     "to root only)."]


def test_no_fallback_when_the_kernel_would_run_as_the_grader(monkeypatch):
    import rnncourse.grading.batch.run as batch_run
    import rnncourse.grading.sandbox.launcher_choice as launcher_choice

    calls = _Calls(fail_sandbox=True)
    monkeypatch.setattr(batch_run, "grade_one", calls)
    monkeypatch.setattr(launcher_choice, "choose_launcher", lambda *a, **k: SameUserLauncher())
    with pytest.raises(gradescope_autograder.CannotIsolate, match=r"cannot run as a separate unprivileged user here "
                                           r"\(same user as the grader\)"):
        gradescope_autograder.grade_with_fallback("x.ipynb", LESSON, 30.0, 1024)
    assert len(calls.kwargs) == 1


@pytest.mark.parametrize("euid, fix", [
    (0, "The autograder runs as root, but {python} is not readable by other users, so the "
        "kernel cannot run as one: install the course's Python where every user can read it "
        "(setup.sh's /opt/rnncourse-venv is), or make it readable (chmod -R a+rX on the "
        "environment; the folders above it need a+x)."),
    (1000, "Run the autograder as root (Gradescope does)."),
])
def test_the_fix_names_the_real_cause(monkeypatch, euid, fix):
    import rnncourse.grading.batch.run as batch_run
    import rnncourse.grading.sandbox.launcher_choice as launcher_choice

    monkeypatch.setattr(batch_run, "grade_one", _Calls(fail_sandbox=True))
    monkeypatch.setattr(launcher_choice, "choose_launcher", lambda *a, **k: SameUserLauncher())
    monkeypatch.setattr(gradescope_autograder.os, "geteuid", lambda: euid)
    with pytest.raises(gradescope_autograder.CannotIsolate) as info:
        gradescope_autograder.grade_with_fallback("x.ipynb", LESSON, 30.0, 1024)
    assert str(info.value).endswith("results; not graded. " + fix.format(python=sys.executable))


def test_the_sandbox_is_tried_first(monkeypatch):
    import rnncourse.grading.batch.run as batch_run

    calls = _Calls(fail_sandbox=False)
    monkeypatch.setattr(batch_run, "grade_one", calls)
    _, notes = gradescope_autograder.grade_with_fallback("x.ipynb", LESSON, 30.0, 1024)
    assert calls.kwargs == [{"lesson": LESSON, "timeout": 30.0, "memory_mb": 1024,
                             "course": None}]
    assert notes == ["isolation: bubblewrap sandbox"]


@pytest.mark.skipif(os.geteuid() != 0, reason="closing the folders to other users needs root")
def test_close_folders_as_root(tmp_path):
    for name in ("source", "submission", "results"):
        (tmp_path / name).mkdir(mode=0o777)
    gradescope_autograder.close_folders(tmp_path)
    for name in ("source", "submission", "results"):
        info = (tmp_path / name).stat()
        assert (info.st_mode & 0o777, info.st_uid) == (0o700, 0)
