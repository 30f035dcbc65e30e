"""rnncourse progress: a learner's own view, tested on a real run of lesson 04 and on edited files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from rnncourse.checks.mistakes import mistake_message
from rnncourse.cli import main
from rnncourse.progress import make_record, record

ROOT = Path(__file__).resolve().parents[1]


def code_cell(nb, start):
    return next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith(start))


@pytest.fixture
def progress_folder(tmp_path, monkeypatch):
    folder = tmp_path / "progress"
    monkeypatch.setenv("RNNCOURSE_PROGRESS_DIR", str(folder))
    monkeypatch.delenv("RNNCOURSE_PROGRESS", raising=False)
    return folder


def progress_json(capsys, *extra):
    assert main(["progress", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def items(data):
    return {i["id"]: i for lesson in data["lessons"] for i in lesson["items"]}


@pytest.mark.slow
def test_a_real_run_of_lesson_04_with_a_right_and_a_wrong_answer(progress_folder, tmp_path,
                                                                  capsys):
    lesson = nbformat.read(ROOT / "lessons" / "04_bptt.ipynb", as_version=4)
    solution = nbformat.read(ROOT / "solutions" / "04_bptt.ipynb", as_version=4)
    code_cell(lesson, "def rnn_step_backward").source = code_cell(
        solution, "def rnn_step_backward").source                       # right
    wrong = code_cell(solution, "def rnn_backward").source
    for name in ("dWx", "dWh", "db"):  # the shared weights' gradients overwritten, not summed
        assert f"        {name} += {name}_t\n" in wrong
        wrong = wrong.replace(f"        {name} += {name}_t\n", f"        {name} = {name}_t\n")
    code_cell(lesson, "def rnn_backward").source = wrong
    question = code_cell(lesson, 'check("q04_total_vs_partial"')
    question.source = 'check("q04_total_vs_partial", "a")'
    # the lesson from its first cell to this question: both exercises and three questions
    lesson.cells = lesson.cells[:lesson.cells.index(question) + 1]
    (tmp_path / "run").mkdir()
    NotebookClient(lesson, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path / "run")}}).execute()

    data = progress_json(capsys)
    got = items(data)
    assert got["rnn_step_backward"]["state"] == "passed"
    bptt = got["rnn_backward"]
    assert (bptt["state"], bptt["mistake"]) == ("failing", "overwrite_shared")
    assert bptt["message"] == mistake_message("rnn_backward", "overwrite_shared")
    question = got["q04_total_vs_partial"]
    assert (question["state"], question["mistake"]) == ("failing", "partial_instead_of_total")
    untouched = [i for i, v in got.items() if v["state"] == "not started"]
    assert "q04_predict_total" in untouched and "affine_forward" in untouched
    assert len(untouched) == len(got) - 3 and data["skipped"] == 0

    assert main(["progress", "--lesson", "4"]) == 0
    text = capsys.readouterr().out
    assert "04_bptt: 1 of 2 exercises and 0 of 4 questions passed" in text
    assert "✓ rnn_step_backward" in text
    assert ("✗ rnn_backward          failing (1 try); last: mistake overwrite_shared: "
            + mistake_message("rnn_backward", "overwrite_shared")) in text
    assert "· q04_predict_total     not started" in text
    assert "01_feedforward" not in text


def test_nothing_recorded_yet_says_how_to_start(progress_folder, capsys):
    assert main(["progress"]) == 0
    text = capsys.readouterr().out
    assert "Your progress (0 checks recorded in" in text
    assert "00_welcome: 0 of 1 exercises passed\n  nothing tried yet" in text
    assert 'Nothing recorded yet: run a check cell in a lesson, e.g. check("affine_forward"' in text


def test_an_edited_file_shows_only_what_the_catalogue_knows(progress_folder, capsys):
    record(make_record("affine_forward", "01_feedforward_backprop", False, "forgot_bias", 0, 1),
           progress_folder)
    with open(progress_folder / "progress.jsonl", "ab") as fh:
        for bad in (make_record("affine_forward", "04_bptt", True, None, 1, 1),   # wrong lesson
                    make_record("affine_forward", "01_feedforward_backprop", True, None, 9, 9),
                    make_record("affine_forward", "01_feedforward_backprop", False, "made_up", 0,
                                1),
                    make_record("no_such_exercise", "01_feedforward_backprop", True, None, 1, 1)):
            fh.write(bad.to_line())
        fh.write(b"\x00\xffgarbage\n{not json}\n")
    data = progress_json(capsys)
    first = items(data)["affine_forward"]
    assert first["state"] == "failing" and data["skipped"] == 6 and data["records"] == 1
    assert first["message"] == mistake_message("affine_forward", first["mistake"])
    assert main(["progress"]) == 0
    assert "(6 lines of the file are not records of this course and were skipped.)" in (
        capsys.readouterr().out)


def test_anonymous_and_named_set_the_dashboard_preference(progress_folder, capsys):
    assert main(["progress", "--anonymous"]) == 0
    assert "show you as an anonymous learner" in capsys.readouterr().out
    assert progress_json(capsys)["anonymous"] is True
    assert main(["progress", "--named"]) == 0
    assert "show you by your login name" in capsys.readouterr().out
    assert progress_json(capsys)["anonymous"] is False
    assert oct(os.stat(progress_folder / "preferences.json").st_mode & 0o777) == "0o600"


def test_a_bad_lesson_is_a_usage_error_naming_it(progress_folder, capsys):
    assert main(["progress", "--lesson", "9"]) == 2
    assert "error: --lesson '9' is not a lesson; use one of 00_welcome" in capsys.readouterr().err
