"""Read submissions into memory and validate them, before any student code runs.

Every PATH given to ``rnncourse grade`` becomes zero or more :class:`Submission` objects: a
notebook file is one submission, a folder contributes every ``*.ipynb`` below it (sorted, hidden
folders and ``.ipynb_checkpoints`` skipped). The bytes are read here, once; nothing later reads
the original files again, so a submission that deletes or rewrites other students' files while
it runs cannot change what is graded.

A file that cannot be graded still becomes a submission, with ``error`` set to the reason
(``"not JSON (...)"``, ``"nbformat 3 is too old; ..."``, ``"empty file"``, ...); the gradebook
shows it as ``invalid notebook: <reason>``.

Names
-----
A submission's ``name`` (its gradebook row, its *identity*) is its path relative to a root
folder, so ``alice/04_bptt.ipynb`` and ``bob/04_bptt.ipynb`` stay apart. The batch passes the
root (``--root``, see :mod:`rnncourse.grading.records.identity`); without one it is the
deepest folder common to all submissions. Control
characters and undecodable bytes are shown escaped (``\\n``, ``\\udcff``) so a file name cannot
break the CSV or the terminal; the same file given twice is graded once and the second row says
``duplicate of ...``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rnncourse.checks import LESSONS

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
"""Submissions larger than this (20 MB) are not parsed: ``invalid notebook: ... too large``."""

MAX_CODE_CELLS = 2000


@dataclass
class Submission:
    """One submitted notebook, held in memory.

    Attributes
    ----------
    name : str, the gradebook row name (relative path, control characters escaped)
    path : str, where it was read from (for messages only; never read again)
    data : bytes, the file's content as read at the start of the batch
    notebook : dict or None, the parsed notebook (nbformat 4) when valid
    error : str or None, why it cannot be graded
    sha256 : str, hash of ``data`` (recorded in the JSON report)
    """

    name: str
    path: str
    data: bytes = b""
    notebook: dict | None = None
    error: str | None = None
    sha256: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def valid(self):
        return self.error is None and self.notebook is not None


def display_name(text):
    """``text`` with control characters and undecodable bytes escaped, safe for CSV and terminals."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape'd byte from a non-UTF-8 file name
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 32 or code == 127 or 0x80 <= code < 0xA0 or ch in "\u2028\u2029":
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def readable_letters(text):
    """``text`` with accents taken off letters that have an ASCII base (``José Núñez`` ->
    ``Jose Nunez``); other letters (``王芳``) are kept as they are."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def safe_file_stem(name):
    """A file-system-safe stem for a submission's feedback and report files (unique per name):
    its letters and digits (accents taken off, other scripts kept), ``.``, ``-``, the rest
    ``_``, and a hash of the whole name.

    >>> safe_file_stem("José Núñez_4211_assignsubmission_file_/04_bptt.ipynb")
    'Jose_Nunez_4211_assignsubmission_file___04_bptt-dbb209aa'
    """
    base = re.sub(r"[^\w.-]+", "_", readable_letters(name.replace("/", "__")))
    base = base.strip("._")[:80] or "submission"
    if base.endswith(".ipynb"):
        base = base[: -len(".ipynb")]
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{base}-{digest}"


def find_notebooks(paths):
    """Expand notebook files and folders into a list of ``(Path, problem or None)``.

    A PATH that is a file is taken as it is (whatever its extension, so a mis-named upload still
    gets a row); folders are walked for ``*.ipynb``.
    """
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
                for fname in sorted(files):
                    if fname.endswith(".ipynb") and not fname.startswith("."):
                        found.append(Path(root) / fname)
        else:
            found.append(path)
    return found


def _common_root(files):
    parents = [os.path.abspath(f.parent) for f in files]
    if not parents:
        return ""
    try:
        return os.path.commonpath(parents)
    except ValueError:
        return ""


def read_bytes(path, limit=MAX_NOTEBOOK_BYTES):
    """Read a regular file (not following a final symlink into a FIFO or device), at most ``limit`` + 1 bytes.

    Returns ``(data, problem)``; ``problem`` is None on success.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return b"", f"cannot be read ({exc.strerror})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return b"", "not a regular file"
        if info.st_size > limit:
            return b"", (f"the file is too large ({info.st_size / 1e6:.1f} MB; the limit is "
                         f"{limit / 1e6:.0f} MB): clear the outputs (Kernel > Restart and Clear "
                         "All Outputs) and submit again")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            return b"", f"the file is too large (over {limit / 1e6:.0f} MB)"
        return b"".join(chunks), None
    except OSError as exc:
        return b"", f"cannot be read ({exc.strerror})"
    finally:
        os.close(fd)


def parse_notebook(data):
    """Parse and check notebook bytes; return ``(notebook dict, None)`` or ``(None, reason)``."""
    if not data.strip():
        return None, "empty file"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start})"
    try:
        nb = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return None, f"not JSON ({str(exc)[:80]})"
    if not isinstance(nb, dict) or "cells" not in nb and "worksheets" not in nb:
        return None, "JSON but not a notebook (no cells)"
    major = nb.get("nbformat")
    if isinstance(major, int) and not isinstance(major, bool) and major < 4:
        return None, (f"nbformat {major} is too old; open it in JupyterLab and save it again "
                      "(that writes nbformat 4)")
    if major != 4:
        return None, f"unsupported nbformat {major!r} (expected 4)"
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return None, "JSON but not a notebook (cells is not a list)"
    n_code = 0
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            return None, f"cell {i + 1} is not a notebook cell"
        source = cell.get("source", "")
        if isinstance(source, list):
            if not all(isinstance(s, str) for s in source):
                return None, f"cell {i + 1} has a source that is not text"
            cell["source"] = "".join(source)
        elif not isinstance(source, str):
            return None, f"cell {i + 1} has a source that is not text"
        if not isinstance(cell.get("metadata", {}), dict):
            cell["metadata"] = {}
        n_code += cell["cell_type"] == "code"
    if n_code > MAX_CODE_CELLS:
        return None, f"too many code cells ({n_code}; the limit is {MAX_CODE_CELLS})"
    if not isinstance(nb.get("metadata", {}), dict):
        nb["metadata"] = {}
    return nb, None


def load_submissions(paths, limit=MAX_NOTEBOOK_BYTES, root=None):
    """Read and validate every submission under ``paths``; never raises for a bad file.

    ``root`` : folder the names are relative to (default: the deepest folder common to all
    submissions); the caller checks that every path is inside it.

    Returns
    -------
    list of :class:`Submission`, in the order found, every file exactly once by name
    """
    files = find_notebooks(paths)
    root = os.path.abspath(root) if root is not None else _common_root(files)
    submissions, seen = [], {}
    for f in files:
        absolute = os.path.abspath(f)
        relative = os.path.relpath(absolute, root) if root else absolute
        name = display_name(relative)
        real = os.path.realpath(f)
        sub = Submission(name=name, path=display_name(str(f)))
        if name in seen or real in seen:
            first = seen.get(real, seen.get(name))
            sub.name = _unique(name, {s.name for s in submissions})
            sub.error = f"duplicate of {first} (the same file was given twice)"
            submissions.append(sub)
            continue
        seen[name] = name
        seen[real] = name
        data, problem = read_bytes(f, limit)
        sub.data = data
        sub.sha256 = hashlib.sha256(data).hexdigest()
        if problem is None:
            sub.notebook, problem = parse_notebook(data)
        sub.error = problem
        submissions.append(sub)
    return submissions


def _unique(name, taken):
    k = 2
    while f"{name} ({k})" in taken:
        k += 1
    return f"{name} ({k})"


# ----------------------------------------------------------------------------- lessons
def resolve_lesson(text):
    """A lesson stem from ``--lesson`` (the stem or its unique number prefix such as ``04``)."""
    if text in LESSONS:
        return text
    matches = [stem for stem in LESSONS if stem.startswith(f"{text}_") or stem.split("_")[0] == text]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(f"unknown lesson {text!r}; use one of: {', '.join(LESSONS)}")


def lesson_of(sub, forced):
    """``(lesson, None)`` to grade ``sub`` as, or ``(None, reason)``.

    ``--lesson`` wins; then the notebook's ``metadata["rnncourse"]["lesson"]`` (written by
    ``rnncourse release``); then a file name that is exactly a lesson's (``04_bptt.ipynb``).
    """
    if forced:
        return forced, None
    meta = sub.notebook.get("metadata", {}).get("rnncourse")
    stem = meta.get("lesson") if isinstance(meta, dict) else None
    if isinstance(stem, str) and stem in LESSONS:
        return stem, None
    if stem is None:
        file_stem = os.path.basename(sub.path)[: -len(".ipynb")] if sub.path.endswith(".ipynb") else ""
        if file_stem in LESSONS:  # e.g. a solution notebook, which carries no release metadata
            return file_stem, None
    if stem is not None:
        return None, f"its metadata names an unknown lesson {str(stem)[:40]!r}; grade it with --lesson ID"
    return None, "no lesson in its metadata (was it released by rnncourse?); grade it with --lesson ID"


def named_lesson(sub):
    """The known lesson stem ``sub``'s metadata names (``metadata["rnncourse"]["lesson"]``), or
    None (no metadata, or a name that is not a lesson).

    With ``--lesson X``, a notebook that names another lesson Y is not graded as X: its row says
    ``wrong lesson: Y`` (a wrong upload must not look like a student who did nothing).
    """
    meta = sub.notebook.get("metadata", {}).get("rnncourse") if sub.notebook else None
    stem = meta.get("lesson") if isinstance(meta, dict) else None
    return stem if isinstance(stem, str) and stem in LESSONS else None
