"""authoring.nbgrader_source: the nbgrader source folder made from solutions/ (and its command)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from rnncourse.authoring.markup import MarkupError
from rnncourse.authoring.nbgrader_source import (
    generate_nbgrader_source,
    render_nbgrader_source,
    split_graded_cells,
    test_cell_source,
    write_nbgrader_source,
)
from rnncourse.authoring.pipeline import read_notebook
from rnncourse.checks import EXERCISES, QUESTIONS, graded_for_lesson
from rnncourse.cli import main

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))

test_cell_source.__test__ = False  # a source writer, not a pytest test


def _graded(nb):
    return [(i, c) for i, c in enumerate(nb.cells)
            if c.metadata.get("nbgrader", {}).get("grade") is True]


def _calls(source):
    """(function name, [literal or name args]) of every call in ``source``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            out.append((node.func.id, [a.value if isinstance(a, ast.Constant) else a.id
                                       for a in node.args]))
    return out


@pytest.fixture(scope="module")
def sources():
    return {p.stem: generate_nbgrader_source(read_notebook(p), p.stem) for p in SOLUTIONS}


@pytest.mark.parametrize("stem", [p.stem for p in SOLUTIONS])
def test_every_graded_cell_has_the_catalogue_points(sources, stem):
    nb = sources[stem]
    graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
              for _, c in _graded(nb)}
    catalogue = {item.id: item.points for item in graded_for_lesson(stem)}
    assert graded == catalogue
    assert all(c.metadata["nbgrader"]["locked"] is True and c.metadata["nbgrader"]["solution"]
               is False for _, c in _graded(nb))


@pytest.mark.parametrize("stem", [p.stem for p in SOLUTIONS])
def test_each_graded_cell_is_a_hidden_test_below_the_learners_cell(sources, stem):
    nb = sources[stem]
    for index, cell in _graded(nb):
        item_id = cell.metadata["nbgrader"]["grade_id"]
        learner = nb.cells[index - 1]
        if item_id in QUESTIONS:  # a solution cell: the student answers in it
            assert learner.metadata["nbgrader"] == {
                "grade": False, "solution": True, "locked": False,
                "grade_id": f"{item_id}-answer", "schema_version": 3}
        else:  # read-only, as the lesson's locked check cell
            assert learner.metadata["nbgrader"] == {
                "grade": False, "solution": False, "locked": True,
                "grade_id": f"{item_id}-check", "schema_version": 3}
        call = next(c for c in _calls(learner.source) if c[0] == "check")
        assert call[1][0] == item_id
        visible, hidden = cell.source.split("### BEGIN HIDDEN TESTS\n")
        assert visible.startswith(f"# Graded cell for {item_id} (")
        assert hidden.endswith("### END HIDDEN TESTS\n")
        if item_id in QUESTIONS:
            # check is given the function that returns the answer from a solution region
            assert call[1][1] == item_id
            assert learner.source.startswith(f"def {item_id}():\n")
            assert "    ### BEGIN SOLUTION\n    return " in learner.source
            assert ("_rnncourse_autograde", [item_id]) in _calls(hidden)
            assert "import autograde_question as _rnncourse_autograde" in hidden
        else:
            assert ("_rnncourse_autograde", [item_id, call[1][1]]) in _calls(hidden)
            assert "import autograde as _rnncourse_autograde" in hidden


def test_the_source_keeps_the_solutions_and_loses_outputs(sources):
    nb = sources["04_bptt"]
    text = "".join(c.source for c in nb.cells)
    assert text.count("### BEGIN SOLUTION") == 2 + 4  # two exercises, four questions
    assert "dh_total = dh[:, t] + dh_future" in text
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert "widgets" not in nb.metadata
    assert nb.metadata["rnncourse"]["lesson"] == "04_bptt"
    lesson = json.loads((ROOT / "lessons" / "04_bptt.ipynb").read_text())
    assert nb.metadata["rnncourse"] == lesson["metadata"]["rnncourse"]  # rnncourse grade reads it
    assert 'check("q04_total_vs_partial", "b")' not in text
    # nbgrader's convention: the source holds every answer, in a solution region
    assert ('def q04_total_vs_partial():\n'
            '    """Your answer to self-check q04_total_vs_partial: return the letter of one '
            'option, in quotes."""\n'
            '    ### BEGIN SOLUTION\n'
            '    return "b"\n'
            '    ### END SOLUTION\n\n\n'
            'check("q04_total_vs_partial", q04_total_vs_partial)\n') in text


def test_test_cell_source_words():
    assert test_cell_source("rnn_backward", 3, "rnn_backward") == (
        "# Graded cell for rnn_backward (3 points): nbgrader tests rnn_backward here when it "
        "autogrades.\n"
        "### BEGIN HIDDEN TESTS\n"
        "from rnncourse.checks.autograder import autograde as _rnncourse_autograde\n"
        '_rnncourse_autograde("rnn_backward", rnn_backward)\n'
        "### END HIDDEN TESTS\n")
    assert test_cell_source("q04_order_forced", 0.5).startswith(
        "# Graded cell for q04_order_forced (0.5 points): nbgrader tests your answer above here")
    assert "(1 point)" in test_cell_source("tanh_backward", 1, "tanh_backward")


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _check_cell(grade_id, source, points=2):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "grade_id": grade_id, "points": points, "schema_version": 3}
    return cell


def test_an_unknown_graded_id_or_a_check_without_a_function_is_refused():
    nb = _notebook(_check_cell("rnn_backwards", 'check("rnn_backwards", f)'),
                   _check_cell("rnn_backward", 'check("rnn_backward", lambda *a: 0)'))
    with pytest.raises(MarkupError) as err:
        split_graded_cells(nb, "04_bptt")
    problems = err.value.problems
    assert [p.cell_index for p in problems] == [0, 1]
    assert problems[0].problem == "'rnn_backwards' is not an exercise or question of the catalogue"
    assert problems[1].problem == ('the check cell does not call '
                                   'check("rnn_backward", <function name>)')
    assert problems[1].fix == 'write it as check("rnn_backward", rnn_backward)'


def test_the_points_are_the_catalogues_not_the_cells():
    nb = split_graded_cells(_notebook(_check_cell("rnn_backward", 'check("rnn_backward", f)',
                                                  points=99)), "04_bptt")
    assert nb.cells[1].metadata["nbgrader"]["points"] == EXERCISES["rnn_backward"].points != 99
    assert "_rnncourse_autograde(\"rnn_backward\", f)" in nb.cells[1].source


def test_rendering_is_deterministic():
    path = ROOT / "solutions" / "04_bptt.ipynb"
    assert render_nbgrader_source(path) == render_nbgrader_source(path)


def test_write_never_replaces_an_edited_notebook_unless_asked(tmp_path):
    source = tmp_path / "source"
    report = write_nbgrader_source(ROOT / "solutions", source, lessons=["04"])
    target = source / "04_bptt" / "04_bptt.ipynb"
    assert report.written == ["04_bptt/04_bptt.ipynb"] and target.is_file()
    assert json.loads(target.read_text())["metadata"]["rnncourse"]["lesson"] == "04_bptt"
    (source / "04_bptt" / "data.csv").write_text("mine")
    assert write_nbgrader_source(ROOT / "solutions", source, ["04_bptt"]).unchanged == [
        "04_bptt/04_bptt.ipynb"]
    target.write_text("an instructor's edit")
    report = write_nbgrader_source(ROOT / "solutions", source, ["04_bptt"])
    assert report.kept == ["04_bptt/04_bptt.ipynb"] and report.written == []
    assert target.read_text() == "an instructor's edit"
    report = write_nbgrader_source(ROOT / "solutions", source, ["04_bptt"], overwrite=True)
    assert report.written == ["04_bptt/04_bptt.ipynb"]
    assert target.read_text() == render_nbgrader_source(ROOT / "solutions" / "04_bptt.ipynb")
    assert (source / "04_bptt" / "data.csv").read_text() == "mine"
    assert sorted(p.name for p in (source / "04_bptt").iterdir()) == ["04_bptt.ipynb", "data.csv"]


def test_an_unknown_lesson_is_named_with_the_known_ones(tmp_path):
    with pytest.raises(ValueError) as err:
        write_nbgrader_source(ROOT / "solutions", tmp_path, ["09"])
    assert str(err.value).startswith(
        f"no solution notebook for lesson '09' in {ROOT / 'solutions'}; use one of: 00_welcome, ")
    assert not any(tmp_path.iterdir())


def test_the_release_command_writes_the_source_folder(tmp_path, capsys):
    assert main(["release", "--nbgrader-source", str(tmp_path / "source"), "--lesson", "04"]) == 0
    out = capsys.readouterr().out
    assert f"wrote      {tmp_path / 'source' / '04_bptt' / '04_bptt.ipynb'}" in out
    assert "1 nbgrader source notebook(s) written, 0 already up to date, 0 kept" in out
    (tmp_path / "source" / "04_bptt" / "04_bptt.ipynb").write_text("edited")
    assert main(["release", "--nbgrader-source", str(tmp_path / "source"), "--lesson", "04"]) == 1
    err = capsys.readouterr().err
    assert "it differs from what release generates (edited?), so it was left as it is; pass " \
           "--overwrite to replace it" in err


@pytest.mark.parametrize("argv, message", [
    (["release", "--lesson", "04"], "--lesson, --overwrite and --course only apply with --nbgrader-source DIR"),
    (["release", "--check", "--nbgrader-source", "x"],
     "--check and --nbgrader-source cannot be combined"),
])
def test_release_option_misuse_is_a_usage_error(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


# ----------------------------------------------------------------------------- course file
COURSE = ('[lessons.04_bptt]\nknock_on = "none"\n\n'
          '[lessons.04_bptt.points]\nrnn_backward = 4\nq04_predict_total = 1\n')


def _course(tmp_path, text=COURSE):
    from rnncourse.grading.load.course_file import load_course

    path = tmp_path / "grading.toml"
    path.write_text(text)
    return load_course(path)


def _points_and_tests(path):
    nb = nbformat.read(path, as_version=4)
    return ({c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
             for _, c in _graded(nb)},
            {c.metadata["nbgrader"]["grade_id"]: c.source for _, c in _graded(nb)})


def test_a_course_file_sets_the_graded_cells_points_and_knock_on_policy(tmp_path):
    report = write_nbgrader_source(ROOT / "solutions", tmp_path / "source", lessons=["04"],
                                   course=_course(tmp_path))
    assert report.written == ["04_bptt/04_bptt.ipynb"]
    points, tests = _points_and_tests(tmp_path / "source" / "04_bptt" / "04_bptt.ipynb")
    assert points == {"rnn_step_backward": 2, "rnn_backward": 4, "q04_predict_total": 1,
                      "q04_total_vs_partial": 0.5, "q04_order_forced": 0.5,
                      "q04_first_term_zero": 0.5}
    assert '_rnncourse_autograde("rnn_backward", rnn_backward, knock_on="none")' in tests["rnn_backward"]
    assert "# Graded cell for rnn_backward (4 points)" in tests["rnn_backward"]
    assert "knock_on" not in tests["q04_predict_total"]


def test_without_a_course_file_the_catalogue_points_and_no_policy_argument(tmp_path):
    write_nbgrader_source(ROOT / "solutions", tmp_path / "source", lessons=["04"])
    points, tests = _points_and_tests(tmp_path / "source" / "04_bptt" / "04_bptt.ipynb")
    assert points["rnn_backward"] == 3 and points["q04_predict_total"] == 0.5
    assert '_rnncourse_autograde("rnn_backward", rnn_backward)\n' in tests["rnn_backward"]


def test_partial_credit_is_refused_for_nbgrader_and_nothing_is_written(tmp_path):
    course = _course(tmp_path, '[lessons.04_bptt]\npartial_credit = "fraction"\n')
    with pytest.raises(ValueError) as info:
        write_nbgrader_source(ROOT / "solutions", tmp_path / "source", lessons=["04"],
                              course=course)
    assert str(info.value) == (
        f"course file {tmp_path / 'grading.toml'}: lessons.04_bptt.partial_credit = 'fraction' "
        "cannot be given under nbgrader, whose graded cells here score all or nothing; remove "
        "it for the nbgrader source (or grade this lesson with rnncourse grade or on "
        "Gradescope, which support it)")
    assert not (tmp_path / "source").exists()


def test_release_refusing_a_course_file_exits_2_like_every_usage_error(tmp_path, capsys,
                                                                      monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grading.toml").write_text('[lessons.04_bptt]\npartial_credit = "fraction"\n')
    assert main(["release", "--nbgrader-source", "source", "--lesson", "04"]) == 2
    err = capsys.readouterr().err
    assert "rnncourse release: error: course file " in err
    assert err.rstrip().endswith("which support it). Nothing was written.")
    assert not (tmp_path / "source").exists()
    # as grade and export gradescope refuse an invalid course file
    (tmp_path / "grading.toml").write_text('[lessons.04_bptt]\npartial_credit = "half"\n')
    assert main(["release", "--nbgrader-source", "source", "--lesson", "04"]) == 2
    assert main(["grade", "--lesson", "04", "nothing.ipynb"]) == 2


def test_release_reads_the_course_file_of_the_folder_and_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grading.toml").write_text(COURSE)
    assert main(["release", "--nbgrader-source", "source", "--lesson", "04"]) == 0
    said = capsys.readouterr()
    assert (f"rnncourse release: using the course file {tmp_path / 'grading.toml'} of this "
            "folder (pass --course to choose another)") in said.err
    points, _ = _points_and_tests(tmp_path / "source" / "04_bptt" / "04_bptt.ipynb")
    assert points["rnn_backward"] == 4


def test_release_refuses_an_invalid_course_file_naming_the_key(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[lessons.04_bptt.points]\nrnn_backward = -2\n")
    assert main(["release", "--nbgrader-source", str(tmp_path / "source"), "--course",
                 str(bad)]) == 2
    err = capsys.readouterr().err
    assert "argument --course: " in err and "lessons.04_bptt.points.rnn_backward = -2" in err
    assert not (tmp_path / "source").exists()
