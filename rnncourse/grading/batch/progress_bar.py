"""What a batch tells the instructor on stderr while it runs: the progress bar and the course
file in use (the end-of-run summary is :mod:`rnncourse.grading.batch.summary`).

Nothing here decides a score; :mod:`rnncourse.grading.batch.run` calls these while it runs.
"""

from __future__ import annotations

import sys


class Progress:
    """``[#####.....] 10/20`` on stderr, redrawn in place on a terminal, one line per step otherwise."""

    def __init__(self, total, stream=None, width=20):
        self.total, self.done, self.width = total, 0, width
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def step(self, label=""):
        self.done += 1
        filled = int(self.width * self.done / max(self.total, 1))
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} {label}"
        if self.tty:
            self.stream.write("\r\x1b[2K" + line[:120])
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line[:200] + "\n")
        self.stream.flush()


def course_note(course, found):
    """The line announcing the course file in use (None without one)."""
    if course.path is None:
        return None
    how = "found in the current folder" if found else "--course"
    return (f"rnncourse grade: course file {course.path} ({how}): points and partial credit "
            f"for {', '.join(course.lessons) or 'no lesson'}")


__all__ = ["Progress", "course_note"]
