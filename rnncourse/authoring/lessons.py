"""Regenerating ``lessons/`` from ``solutions/``, and checking that ``lessons/`` is not stale.

``solutions/*.ipynb`` is the source of truth; each ``lessons/<name>.ipynb`` is generated from the
solution of the same name by :func:`rnncourse.authoring.pipeline.render_lesson`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rnncourse.authoring.markup import MarkupError
from rnncourse.authoring.pipeline import render_lesson


@dataclass
class ReleaseReport:
    """What :func:`release` did. Every list holds file names such as ``"04_bptt.ipynb"``."""

    written: list = field(default_factory=list)  # created or changed
    unchanged: list = field(default_factory=list)  # already identical, left untouched
    extra: list = field(default_factory=list)  # lessons without a solution (reported, never deleted)


@dataclass
class LessonsStatus:
    """How ``lessons/`` compares with what :func:`release` would write. Lists hold file names."""

    up_to_date: list = field(default_factory=list)
    stale: list = field(default_factory=list)  # differs from what release would generate
    missing: list = field(default_factory=list)  # a solution whose lesson does not exist
    extra: list = field(default_factory=list)  # a lesson with no solution of the same name

    @property
    def ok(self):
        """True when every lesson is exactly what release would generate, and nothing is extra."""
        return not (self.stale or self.missing or self.extra)


def solution_notebooks(solutions_dir):
    """The solution notebooks in ``solutions_dir`` (top level only), sorted by name."""
    solutions_dir = Path(solutions_dir)
    if not solutions_dir.is_dir():
        raise FileNotFoundError(
            f"solutions folder not found: {solutions_dir}; pass --solutions DIR pointing at the "
            "course's solutions/ folder"
        )
    return sorted(p for p in solutions_dir.glob("*.ipynb") if p.is_file())


def render_all(solutions_dir):
    """``{file name: lesson text}`` for every solution notebook.

    Every notebook is validated before anything is returned, so one bad notebook stops the whole
    release, and the :class:`MarkupError` lists the problems of all notebooks at once.
    """
    rendered = {}
    problems = []
    for path in solution_notebooks(solutions_dir):
        try:
            rendered[path.name] = render_lesson(path)
        except MarkupError as exc:
            problems.extend(exc.problems)
    if problems:
        raise MarkupError(problems)
    return rendered


def _lesson_names(lessons_dir):
    lessons_dir = Path(lessons_dir)
    if not lessons_dir.is_dir():
        return []
    return sorted(p.name for p in lessons_dir.glob("*.ipynb") if p.is_file())


def _read_bytes(path):
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def release(solutions_dir, lessons_dir):
    """Write ``lessons_dir/<name>.ipynb`` for every ``solutions_dir/<name>.ipynb``.

    A lesson whose bytes would not change is not rewritten. Lessons without a solution are
    reported in ``.extra`` and left in place. Nothing is written when any solution's markup is
    wrong.

    Returns
    -------
    ReleaseReport

    Raises
    ------
    MarkupError
        Listing every markup problem in every solution notebook (notebook, cell and fix).
    FileNotFoundError
        When ``solutions_dir`` does not exist.
    """
    rendered = render_all(solutions_dir)
    lessons_dir = Path(lessons_dir)
    lessons_dir.mkdir(parents=True, exist_ok=True)
    report = ReleaseReport()
    for name, text in rendered.items():
        target = lessons_dir / name
        data = text.encode("utf-8")
        if _read_bytes(target) == data:
            report.unchanged.append(name)
        else:
            target.write_bytes(data)
            report.written.append(name)
    report.extra = [name for name in _lesson_names(lessons_dir) if name not in rendered]
    return report


def check_lessons(solutions_dir, lessons_dir):
    """Compare ``lessons_dir`` with what :func:`release` would write, without writing anything.

    Returns
    -------
    LessonsStatus

    Raises
    ------
    MarkupError, FileNotFoundError
        As :func:`release`.
    """
    rendered = render_all(solutions_dir)
    lessons_dir = Path(lessons_dir)
    status = LessonsStatus()
    for name, text in rendered.items():
        current = _read_bytes(lessons_dir / name)
        if current is None:
            status.missing.append(name)
        elif current != text.encode("utf-8"):
            status.stale.append(name)
        else:
            status.up_to_date.append(name)
    status.extra = [name for name in _lesson_names(lessons_dir) if name not in rendered]
    return status
