"""The progress file on disk: where it is, appending one record, reading a learner's file safely.

Writing (:func:`record`) is one ``os.write`` of one line to a file opened with ``O_APPEND``, so
two kernels of the same learner never interleave half-lines; the file is created with mode 0o600
in a 0o700 folder. When a line would take the file past :data:`MAX_BYTES`, the file is first
renamed to ``progress.jsonl.1`` (replacing the one before): the oldest records go, the newest
:data:`MAX_BYTES` to ``2 * MAX_BYTES`` stay.

Reading (:func:`read_progress`) is done by whoever shows progress, possibly for someone else (a
workshop's dashboard reads every learner's home): nothing is followed through a symlink, anything
but a regular file is refused (a FIFO would block the reader), a file owned by someone other
than the expected owner is refused, at most :data:`MAX_BYTES` per file are read (the newest), and
every line goes through :func:`~rnncourse.progress.record_format.parse_line`; lines that are not
records are counted, never shown.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from rnncourse._files import write_atomic
from rnncourse.progress.record_format import MAX_LINE_BYTES, Record, parse_line

PROGRESS_FILE = "progress.jsonl"
PREVIOUS_FILE = PROGRESS_FILE + ".1"
PREFERENCES_FILE = "preferences.json"
FOLDER = ".rnncourse"
"""The folder in a home that holds the progress file and the preferences."""
MAX_BYTES = 1_000_000
"""Bytes one progress file grows to before it is rotated (and the most read from one file)."""
MAX_PREFERENCES_BYTES = 4096
DIR_ENV = "RNNCOURSE_PROGRESS_DIR"
SWITCH_ENV = "RNNCOURSE_PROGRESS"
OFF_VALUES = ("off", "0", "false", "no")
GRADER_ENVS = ("NBGRADER_EXECUTION",)
"""Set while a grader runs the notebook (nbgrader's autograde and validate): nothing is recorded."""


def progress_dir(env=None) -> Path:
    """The folder of the progress file: ``$RNNCOURSE_PROGRESS_DIR``, else ``~/.rnncourse``."""
    env = os.environ if env is None else env
    chosen = env.get(DIR_ENV)
    return Path(chosen).expanduser() if chosen else Path.home() / FOLDER


def recording_enabled(env=None) -> bool:
    """Whether verdicts are recorded: not when ``RNNCOURSE_PROGRESS=off`` (or 0/false/no), and
    not while a grader runs the notebook (``NBGRADER_EXECUTION`` is set)."""
    env = os.environ if env is None else env
    if str(env.get(SWITCH_ENV, "")).strip().lower() in OFF_VALUES:
        return False
    return not any(env.get(name) for name in GRADER_ENVS)


def record(rec: Record, folder=None) -> Path:
    """Append ``rec`` to the progress file in ``folder`` (default :func:`progress_dir`).

    Raises
    ------
    OSError
        when the folder or file cannot be written, or the file is not a regular file; the
        caller (``check``) swallows it.
    """
    folder = Path(folder) if folder is not None else progress_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    line = rec.to_line()
    path = folder / PROGRESS_FILE
    fd = _open_for_append(path)
    try:
        info = os.fstat(fd)
        if info.st_size and info.st_size + len(line) > MAX_BYTES:
            os.close(fd)
            fd = -1
            os.replace(path, folder / PREVIOUS_FILE)
            fd = _open_for_append(path)
            info = os.fstat(fd)
        if info.st_mode & 0o077:
            os.fchmod(fd, 0o600)
        written = os.write(fd, line)
        if written != len(line):
            raise OSError(f"only {written} of {len(line)} bytes of a progress record were written")
    finally:
        if fd >= 0:
            os.close(fd)
    return path


def _open_for_append(path):
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    fd = os.open(path, flags, 0o600)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a regular file; progress is not recorded there")
    return fd


@dataclass
class ReadResult:
    """What :func:`read_progress` found.

    Attributes
    ----------
    records : list of Record, in the order they were written
    skipped : int, lines that were not valid records (edited, garbage, too long)
    problems : list of str, files refused and why (a symlink, not a regular file, another owner)
    """

    records: list = field(default_factory=list)
    skipped: int = 0
    problems: list = field(default_factory=list)


def read_progress(folder, owner_uid: int | None = None) -> ReadResult:
    """The records in ``folder`` (``progress.jsonl.1`` then ``progress.jsonl``), read safely.

    ``folder`` itself must not be a symlink; with ``owner_uid``, files owned by anyone else are
    refused. A missing folder or file is simply no records.
    """
    result = ReadResult()
    dir_fd = _open_folder(folder, result)
    if dir_fd is None:
        return result
    try:
        for name in (PREVIOUS_FILE, PROGRESS_FILE):
            data = _read_file(dir_fd, name, MAX_BYTES, owner_uid, result)
            if data is not None:
                _parse_into(data, result)
    finally:
        os.close(dir_fd)
    return result


def _open_folder(folder, result):
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        result.problems.append(f"{Path(folder).name}: not a readable folder ({exc.strerror})")
        return None


def _read_file(dir_fd, name, limit, owner_uid, result):
    """The last ``limit`` bytes of the regular file ``name`` in ``dir_fd``, or None."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        result.problems.append(f"{name}: not readable ({exc.strerror})")
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            result.problems.append(f"{name}: not a regular file")
            return None
        if owner_uid is not None and info.st_uid != owner_uid:
            result.problems.append(f"{name}: owned by another user")
            return None
        start = max(info.st_size - limit, 0)
        chunks, offset = [], start
        while offset < info.st_size:
            chunk = os.pread(fd, min(1 << 20, info.st_size - offset), offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
        data = b"".join(chunks)
        if start > 0:  # the first line is cut: drop it
            cut = data.find(b"\n")
            data = data[cut + 1:] if cut >= 0 else b""
            result.skipped += 1
        return data
    except OSError as exc:
        result.problems.append(f"{name}: not readable ({exc.strerror})")
        return None
    finally:
        os.close(fd)


def _parse_into(data, result):
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        rec = parse_line(line) if len(line) <= MAX_LINE_BYTES else None
        if rec is None:
            result.skipped += 1
        else:
            result.records.append(rec)


def set_anonymous(anonymous: bool, folder=None) -> Path:
    """Write the preference "show me anonymously on a workshop's dashboard" (or not)."""
    folder = Path(folder) if folder is not None else progress_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = json.dumps({"anonymous": bool(anonymous)}) + "\n"
    return write_atomic(folder / PREFERENCES_FILE, text)


def is_anonymous(folder=None, owner_uid: int | None = None) -> bool:
    """Whether the learner whose folder this is asked to be shown anonymously.

    No preferences file means no; a file that is unreadable or not exactly
    ``{"anonymous": true|false}`` means yes (when in doubt, the name is hidden).
    """
    folder = Path(folder) if folder is not None else progress_dir()
    scratch = ReadResult()
    dir_fd = _open_folder(folder, scratch)
    if dir_fd is None:
        return bool(scratch.problems)
    try:
        data = _read_file(dir_fd, PREFERENCES_FILE, MAX_PREFERENCES_BYTES, owner_uid, scratch)
    finally:
        os.close(dir_fd)
    if data is None:
        return bool(scratch.problems)
    try:
        prefs = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return True
    if not isinstance(prefs, dict) or set(prefs) != {"anonymous"} or not isinstance(
            prefs["anonymous"], bool):
        return True
    return prefs["anonymous"] or scratch.skipped > 0


__all__ = ["progress_dir", "recording_enabled", "record", "read_progress", "ReadResult",
           "set_anonymous", "is_anonymous", "PROGRESS_FILE", "PREVIOUS_FILE", "PREFERENCES_FILE",
           "FOLDER", "MAX_BYTES", "DIR_ENV", "SWITCH_ENV"]
