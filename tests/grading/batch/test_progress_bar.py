"""grading.progress: what a batch prints on stderr besides errors."""

from __future__ import annotations

import io

from rnncourse.grading.batch.progress_bar import Progress, course_note
from rnncourse.grading.load.course_file import DEFAULT_COURSE, parse_course


def test_the_progress_bar_writes_one_line_per_step_off_a_terminal():
    stream = io.StringIO()
    progress = Progress(4, stream, width=8)
    progress.step()
    progress.step("bob")
    assert stream.getvalue() == "[##......] 1/4 \n[####....] 2/4 bob\n"


def test_the_course_file_is_announced_only_when_there_is_one():
    assert course_note(DEFAULT_COURSE, False) is None
    course = parse_course(b"[lessons.04_bptt]\nknock_on = 'none'\n", "/course/grading.toml")
    assert course_note(course, True) == ("rnncourse grade: course file /course/grading.toml (found "
                                         "in the current folder): points and partial credit for "
                                         "04_bptt")
    assert "(--course)" in course_note(course, False)

