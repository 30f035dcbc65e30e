"""grading.snapshot: a change to the course files is detected."""

from __future__ import annotations

from rnncourse.grading.load.snapshot import changed_files, course_files_digest


def test_course_file_changes_are_detected(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    before = course_files_digest(tmp_path)
    (tmp_path / "pkg" / "a.py").write_text("x = 2\n")
    (tmp_path / "b.py").write_text("")
    assert changed_files(before, course_files_digest(tmp_path)) == ["b.py", "pkg/a.py"]
