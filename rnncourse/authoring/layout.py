"""Where the course's ``lessons/`` and ``solutions/`` folders are.

The course is used from a checkout installed in editable mode (``pip install -e .``), so the
folders sit next to the ``rnncourse`` package: ``<checkout>/rnncourse``, ``<checkout>/lessons``,
``<checkout>/solutions``.
"""

from __future__ import annotations

from pathlib import Path

import rnncourse


class CourseFolderNotFound(FileNotFoundError):
    """The course's lessons/ or solutions/ folder is not next to the installed package."""


def course_root():
    """The folder that holds the ``rnncourse`` package (the repository checkout when editable)."""
    return Path(rnncourse.__file__).resolve().parent.parent


def _find(name, option):
    folder = course_root() / name
    if folder.is_dir():
        return folder
    raise CourseFolderNotFound(
        f"the course's {name}/ folder was not found at {folder}. rnncourse looks for it next to "
        "the rnncourse package, which is where it is when the course is installed from its "
        "repository with `pip install -e .` (run that in the repository folder), or pass "
        f"{option} DIR to say where it is"
    )


def find_lessons_dir():
    """The course's ``lessons/`` folder; raises :class:`CourseFolderNotFound` saying how to fix it."""
    return _find("lessons", "--lessons")


def find_solutions_dir():
    """The course's ``solutions/`` folder; raises :class:`CourseFolderNotFound` saying how to fix it."""
    return _find("solutions", "--solutions")
