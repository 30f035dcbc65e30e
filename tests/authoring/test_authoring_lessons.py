"""authoring.lessons (and authoring.layout): release writes lessons/, release --check finds stale ones."""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from rnncourse.authoring import check_lessons, find_lessons_dir, find_solutions_dir, read_notebook, release
from rnncourse.cli import main
from tests.authoring.authoring_notebooks import REPO, write_nb


def test_release_writes_normalised_json_and_is_byte_identical_across_runs(course):
    report = release(course / "solutions", course / "lessons")
    assert report.written == ["01_steps.ipynb", "02_reading.ipynb"]
    lesson_path = course / "lessons" / "01_steps.ipynb"
    first = lesson_path.read_bytes()
    text = first.decode("utf-8")
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    nbformat.validate(nbformat.reads(text, as_version=4))

    mtime = lesson_path.stat().st_mtime_ns
    again = release(course / "solutions", course / "lessons")
    assert again.written == [] and again.unchanged == ["01_steps.ipynb", "02_reading.ipynb"]
    assert lesson_path.read_bytes() == first
    assert lesson_path.stat().st_mtime_ns == mtime  # an unchanged lesson is not rewritten
    os.remove(lesson_path)
    release(course / "solutions", course / "lessons")
    assert lesson_path.read_bytes() == first


def test_release_keeps_a_lesson_without_solution_and_reports_it(course):
    extra = course / "lessons" / "99_mine.ipynb"
    extra.write_text("not generated", encoding="utf-8")
    report = release(course / "solutions", course / "lessons")
    assert report.extra == ["99_mine.ipynb"]
    assert extra.read_text(encoding="utf-8") == "not generated"


def test_release_cli_writes_lessons_and_prints_them(course, capsys):
    code = main(["release", "--solutions", str(course / "solutions")])
    out = capsys.readouterr().out
    assert code == 0
    assert "01_steps.ipynb" in out and "2 lesson(s) written" in out
    assert (course / "lessons" / "01_steps.ipynb").is_file()


def run_check(course, capsys):
    code = main(["release", "--check", "--solutions", str(course / "solutions"),
                 "--lessons", str(course / "lessons")])
    return code, capsys.readouterr().out


def test_check_passes_when_in_sync(course, capsys):
    release(course / "solutions", course / "lessons")
    code, out = run_check(course, capsys)
    assert code == 0
    assert "lessons/ is up to date (2 notebooks)" in out


def test_check_names_a_stale_lesson(course, capsys):
    release(course / "solutions", course / "lessons")
    solution = read_notebook(course / "solutions" / "01_steps.ipynb")
    solution.cells[0].source += "\nOne more sentence."
    write_nb(course / "solutions" / "01_steps.ipynb", solution)
    code, out = run_check(course, capsys)
    assert code == 1
    assert "stale" in out and "01_steps.ipynb" in out and "02_reading.ipynb" not in out
    assert "rnncourse release" in out
    assert check_lessons(course / "solutions", course / "lessons").stale == ["01_steps.ipynb"]


def test_check_names_a_missing_and_an_extra_lesson(course, capsys):
    release(course / "solutions", course / "lessons")
    os.remove(course / "lessons" / "02_reading.ipynb")
    (course / "lessons" / "07_orphan.ipynb").write_text("{}", encoding="utf-8")
    code, out = run_check(course, capsys)
    assert code == 1
    assert "missing" in out and "02_reading.ipynb" in out
    assert "extra" in out and "07_orphan.ipynb" in out
    status = check_lessons(course / "solutions", course / "lessons")
    assert (status.missing, status.extra, status.stale) == (["02_reading.ipynb"], ["07_orphan.ipynb"], [])
    assert (course / "lessons" / "07_orphan.ipynb").exists()  # --check writes and deletes nothing


def test_check_catches_a_hand_edit_that_only_touches_whitespace(course, capsys):
    release(course / "solutions", course / "lessons")
    path = course / "lessons" / "02_reading.ipynb"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    code, out = run_check(course, capsys)
    assert code == 1 and "02_reading.ipynb" in out


def test_release_check_on_the_real_course():
    solutions = REPO / "solutions"
    if not list(solutions.glob("*.ipynb")):
        pytest.skip("solutions/ has no notebooks yet, so there is nothing to compare lessons/ with")
    lessons = find_lessons_dir() if (REPO / "lessons").is_dir() else REPO / "lessons"
    assert find_solutions_dir() == solutions
    status = check_lessons(solutions, lessons)
    assert status.ok, (
        f"lessons/ is out of date (stale {status.stale}, missing {status.missing}, extra "
        f"{status.extra}); run `rnncourse release`"
    )
