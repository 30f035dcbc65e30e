"""The course package as the batch found it: hash its files, and import what judging needs.

Both happen before any student code runs. :func:`course_files_digest` is taken again at the end;
a file that changed (:func:`changed_files`) marks every row, because the judges may then have
run code that is not the course's.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import rnncourse
from rnncourse.checks import EXERCISES


def course_files_digest(root=None):
    """``{relative path: sha256}`` of every ``*.py`` file of the course package."""
    root = Path(root or os.path.dirname(os.path.abspath(rnncourse.__file__)))
    digest = {}
    for path in sorted(root.rglob("*.py")):
        try:
            digest[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest[str(path.relative_to(root))] = "unreadable"
    return digest


def changed_files(before, after):
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def preload():
    """Import everything the judges use (each exercise says what), so nothing is imported mid-batch."""
    for exercise in EXERCISES.values():
        exercise.preload()
    import IPython.core.inputtransformer2  # noqa: F401 (used by the static reference check)
