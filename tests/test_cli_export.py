"""``rnncourse export gradescope``: option checks with messages naming the bad value, and the zip."""

from __future__ import annotations

import zipfile

import pytest

import rnncourse
from rnncourse.cli import main

KNOWN = ("00_welcome, 01_feedforward_backprop, 02_recurrence_and_cycles, 03_unrolling, 04_bptt, "
         "05_training_in_practice, 06_gated_cells")


def _export(*args):
    return main(["export", "gradescope", *map(str, args)])


def test_writes_the_zip_and_says_what_it_wrote(tmp_path, capsys):
    out = tmp_path / "autograder.zip"
    assert _export("--lesson", "04", "--out", out, "--timeout", "120", "--memory", "1024") == 0
    said = capsys.readouterr().out
    assert said.startswith(f"rnncourse export: wrote {out} (")
    assert said.endswith(" MB) for lesson 04_bptt, 7 points. Upload it on the Gradescope "
                         "assignment's Configure Autograder page, base image Ubuntu 22.04 "
                         "(Python 3.10).\n")
    archive = zipfile.ZipFile(out)
    assert archive.namelist() == ["setup.sh", "run_autograder",
                                  f"rnncourse-{rnncourse.__version__}-py3-none-any.whl"]
    assert b"--lesson 04_bptt --timeout 120 --memory 1024\n" in archive.read("run_autograder")


def test_an_unknown_lesson_lists_the_known_ones(tmp_path, capsys):
    assert _export("--lesson", "4_bptt", "--out", tmp_path / "a.zip") == 2
    assert (f"argument --lesson: unknown lesson '4_bptt'; use one of: {KNOWN}"
            in capsys.readouterr().err)
    assert not (tmp_path / "a.zip").exists()


def test_a_lesson_with_nothing_to_grade_is_refused(tmp_path, capsys, monkeypatch):
    from rnncourse.cli import export

    monkeypatch.setattr(export, "graded_for_lesson",
                        lambda stem: [] if stem == "00_welcome" else ["something"])
    assert _export("--lesson", "00", "--out", tmp_path / "a.zip") == 2
    assert ("argument --lesson: lesson '00_welcome' has nothing to grade; use one of: "
            "01_feedforward_backprop, 02_recurrence_and_cycles" in capsys.readouterr().err)


def test_out_must_end_in_zip(tmp_path, capsys):
    assert _export("--lesson", "04", "--out", tmp_path / "autograder.tar") == 2
    assert (f"argument --out: '{tmp_path / 'autograder.tar'}' does not end in .zip; give a name "
            "such as autograder.zip") in capsys.readouterr().err


def test_out_must_not_be_a_folder(tmp_path, capsys):
    folder = tmp_path / "grading.zip"
    folder.mkdir()
    assert _export("--lesson", "04", "--out", folder) == 2
    assert f"argument --out: '{folder}' is a folder" in capsys.readouterr().err


def test_out_needs_an_existing_folder(tmp_path, capsys):
    assert _export("--lesson", "04", "--out", tmp_path / "nope" / "a.zip") == 2
    assert (f"argument --out: the folder '{tmp_path / 'nope'}' does not exist; create it first"
            in capsys.readouterr().err)


def test_an_existing_file_is_kept_unless_force(tmp_path, capsys):
    out = tmp_path / "autograder.zip"
    out.write_bytes(b"keep me")
    assert _export("--lesson", "04", "--out", out) == 2
    assert f"argument --out: '{out}' exists; pass --force to replace it" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"
    assert _export("--lesson", "04", "--out", out, "--force") == 0
    assert zipfile.is_zipfile(out)


@pytest.mark.parametrize("option, value, message", [
    ("--timeout", "0", "argument --timeout: must be a finite number greater than 0, got '0'"),
    ("--memory", "lots", "argument --memory: expected a whole number >= 1, got 'lots'"),
])
def test_bad_limits(tmp_path, capsys, option, value, message):
    assert _export("--lesson", "04", "--out", tmp_path / "a.zip", option, value) == 2
    assert message in capsys.readouterr().err


def test_lesson_and_out_are_required(capsys):
    assert main(["export", "gradescope"]) == 2
    assert "the following arguments are required: --lesson, --out" in capsys.readouterr().err


def test_export_without_a_platform(capsys):
    assert main(["export"]) == 2
    assert ("rnncourse export: error: choose a platform: rnncourse export gradescope --lesson ID "
            "--out autograder.zip") in capsys.readouterr().err


def test_export_is_listed_in_the_help(capsys):
    assert main(["--help"]) == 0
    # argparse's column widths differ between Python versions: compare the words
    words = " ".join(capsys.readouterr().out.split())
    assert "export package the autograder for a grading platform (Gradescope)" in words


def test_a_failed_export_says_why_with_exit_1(tmp_path, capsys, monkeypatch):
    import rnncourse.grading.platforms.gradescope_export as gradescope_export

    def not_installed(*args, **kwargs):
        raise RuntimeError("rnncourse is imported but not installed (no package metadata)")

    monkeypatch.setattr(gradescope_export, "export_autograder", not_installed)
    assert _export("--lesson", "04", "--out", tmp_path / "a.zip") == 1
    assert (f"rnncourse export: could not write '{tmp_path / 'a.zip'}': rnncourse is imported but "
            "not installed (no package metadata)") in capsys.readouterr().err


def test_a_course_file_is_checked_and_shipped(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    course = tmp_path / "mine.toml"
    course.write_text('[lessons.04_bptt.points]\nrnn_backward = 4\n')
    out = tmp_path / "autograder.zip"
    assert _export("--lesson", "04", "--out", out, "--course", course) == 0
    assert f" MB) for lesson 04_bptt, 8 points as set by {course}. Upload" in capsys.readouterr().out
    archive = zipfile.ZipFile(out)
    assert archive.read("grading.toml") == course.read_bytes()
    assert (b'--memory 2048 --course "$root/source/grading.toml"\n'
            in archive.read("run_autograder"))


def test_grading_toml_of_the_current_folder_is_used_and_announced(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grading.toml").write_text('[lessons.04_bptt.points]\nq04_predict_total = 2\n')
    assert _export("--lesson", "04", "--out", "a.zip") == 0
    said = capsys.readouterr()
    assert (f"rnncourse export: using the course file {tmp_path / 'grading.toml'} of this "
            "folder (pass --course to choose another)") in said.err
    assert "8.5 points as set by" in said.out
    assert "grading.toml" in zipfile.ZipFile(tmp_path / "a.zip").namelist()


def test_an_invalid_course_file_is_refused_naming_the_key(tmp_path, capsys):
    course = tmp_path / "bad.toml"
    course.write_text('[lessons.04_bptt]\npartial_credit = "some"\n')
    assert _export("--lesson", "04", "--out", tmp_path / "a.zip", "--course", course) == 2
    err = capsys.readouterr().err
    assert "argument --course: " in err and "partial_credit" in err and "'some'" in err
    assert not (tmp_path / "a.zip").exists()


def test_without_a_course_file_the_zip_carries_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _export("--lesson", "04", "--out", "a.zip") == 0
    archive = zipfile.ZipFile(tmp_path / "a.zip")
    assert "grading.toml" not in archive.namelist()
    assert b"--course" not in archive.read("run_autograder")
