"""Submission identities: the path a gradebook row is named by, and the folder it is relative to.

A submission's identity is its path relative to a root folder (``alice/04_bptt.ipynb``); it
names its gradebook row, its JSON report and its feedback file, so a regrade replaces exactly
that row and those files. The root (:func:`submission_root`) is, in this order:

1. ``--root DIR`` when given (every PATH must be inside it);
2. else the root recorded in the existing gradebook's ``root`` column, when its rows name only
   one and every PATH is inside it;
3. else the deepest folder common to the PATHs, where a folder PATH counts as itself and a file
   PATH as the folder holding it — and when only files are given, all in one folder, the folder
   above it, so the student's folder stays in the name.

So ``rnncourse grade submissions/`` and then ``rnncourse grade submissions/alice/04_bptt.ipynb``
both name the row ``alice/04_bptt.ipynb``. The ``root`` column records the root relative to the
gradebook's own folder (:func:`root_text`), so moving both together keeps it valid. A file whose
identity equals an existing row's but whose root differs is another file, and is refused
(:func:`check_identities`) rather than put in that row's place.
"""

from __future__ import annotations

import os
from pathlib import Path

from rnncourse.grading.records.gradebook_csv import spreadsheet_cell


def _inside(path, folder):
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # different drives
        return False


def submission_root(paths, root=None, existing=None, out=None):
    """The folder submission identities are relative to, as an absolute path.

    Parameters
    ----------
    paths : list of str or Path, the PATHs given to ``rnncourse grade`` (files or folders)
    root : str, Path or None, ``--root``
    existing : :class:`Gradebook` or None, the gradebook being graded into
    out : str, Path or None, that gradebook's file (its ``root`` column is relative to its folder)

    Raises
    ------
    ValueError
        when ``root`` is not a folder or a PATH is not inside it.
    """
    absolute = [os.path.abspath(p) for p in paths]
    if root is not None:
        folder = os.path.abspath(root)
        if not os.path.isdir(folder):
            raise ValueError(f"argument --root: {str(root)!r} is not a folder; give the folder "
                             "that holds every student's submission (e.g. submissions/)")
        for given, path in zip(paths, absolute):
            if not _inside(path, folder):
                raise ValueError(f"argument --root: {str(given)!r} is not inside {str(root)!r}; "
                                 "give the folder that holds every student's submission")
        return folder
    recorded = existing.recorded_root(out) if existing is not None and out is not None else None
    if recorded is not None and all(_inside(p, recorded) for p in absolute):
        return recorded
    folders = [p if os.path.isdir(p) else os.path.dirname(p) for p in absolute]
    try:
        common = os.path.commonpath(folders)
    except ValueError:
        return os.path.abspath(os.sep)
    if not any(os.path.isdir(p) for p in absolute) and all(f == common for f in folders):
        common = os.path.dirname(common)  # one folder of files: keep that folder in the names
    return common


def root_text(root, out):
    """How the ``root`` column records ``root``: relative to the gradebook's folder, with ``/``."""
    relative = os.path.relpath(os.path.abspath(root), os.path.abspath(Path(out).parent))
    return relative.replace(os.sep, "/")


def check_identities(book, names, root):
    """Refuse a batch whose row names clash with rows named relative to another root.

    ``names`` are the batch's identities, ``root`` its ``root`` column text. A row of ``book``
    with the same name but another (non-empty) root is a different file — e.g. ``04_bptt.ipynb``
    of ``alice/`` and of ``bob/``, each graded on its own — and must not be replaced by it.

    Raises
    ------
    ValueError
        naming the row, both roots and the fix (``--root``).
    """
    if book is None:
        return
    roots = {row["submission"]: row.get("root", "") for row in book.rows if row.get("submission")}
    for name in names:
        old = roots.get(spreadsheet_cell(name), "")
        if old and old != root:
            raise ValueError(
                f"the gradebook already has a row {name!r} named relative to {old!r}, but this "
                f"{name!r} is relative to {root!r}: they are different files. Grade files from "
                f"the folder the row was graded from ({old!r}), or give --root so that the names "
                "differ")


__all__ = ["submission_root", "root_text", "check_identities"]
