"""Moodle's "Upload multiple feedback files in a zip": the students' feedback files in its layout.

Moodle's *Download all submissions* (with *Download submissions in folders*) gives one folder per
student, ``<Full name>_<participant id>_assignsubmission_file_/``. Its feedback importer reads a
zip of such folders: each path part is split at ``_`` into at most five pieces, the second is the
participant id and the third and fourth the plugin, and every file inside is attached to that
participant as a feedback file (Moodle's ``assignfeedback_file`` zip importer). So the zip holds,
for each submission graded from such a folder, ``<that folder>/<file name>`` — the folder name
exactly as Moodle's download gave it. Submissions graded from another layout have no participant
id and are left out (listed by :func:`moodle_feedback_zip`).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path, PurePosixPath

from rnncourse._files import write_atomic

MOODLE_FOLDER = re.compile(r"^[^_/]+_(\d+)_assign(submission|feedback)_[a-z]+_?$")
"""A folder name as Moodle's download writes it: full name, participant id, plugin."""


def participant_folder(name: str) -> str | None:
    """The Moodle folder (first path part) of a gradebook row name, or None when it is not one."""
    parts = PurePosixPath(name).parts
    if len(parts) >= 2 and MOODLE_FOLDER.match(parts[0]):
        return parts[0]
    return None


def moodle_feedback_zip(files: dict, out: str | Path, suffix: str = ".html"):
    """Write a zip for Moodle's feedback upload.

    Parameters
    ----------
    files : dict row name (``Jane Smith_4211_assignsubmission_file_/04_bptt.ipynb``) -> bytes
    out : the zip to write
    suffix : the feedback files' suffix; each is named ``feedback-<notebook stem><suffix>`` in
        its student's folder (two notebooks of one student get two files)

    Returns
    -------
    (placed, left_out) : lists of row names
    """
    placed, left_out = [], []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            folder = participant_folder(name)
            if folder is None:
                left_out.append(name)
                continue
            archive.writestr(f"{folder}/feedback-{PurePosixPath(name).stem}{suffix}", files[name])
            placed.append(name)
    write_atomic(Path(out), buffer.getvalue())
    return placed, left_out


__all__ = ["moodle_feedback_zip", "participant_folder", "MOODLE_FOLDER"]
