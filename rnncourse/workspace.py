"""A learner's workspace: copying the course's lessons into it, and handing out a fixed lesson.

Both never overwrite: a file that already exists in the workspace is the learner's. New lessons are
copied next to it; a fixed version of a lesson the learner already has lands beside their copy,
under a name that says it is an update (see :func:`deliver_update`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Never copied: editor and interpreter leftovers inside lessons/.
IGNORED_NAMES = {".ipynb_checkpoints", "__pycache__", ".DS_Store"}
# The name a fixed lesson gets beside the learner's own copy: 04_bptt.ipynb -> 04_bptt.update-1.ipynb
UPDATE_INFIX = "update"


@dataclass
class CopyReport:
    """Paths (relative to the workspace) that :func:`copy_lessons` copied or left alone."""

    copied: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # already in the workspace: kept as they are


def _course_files(lessons_dir):
    for path in sorted(lessons_dir.rglob("*")):
        relative = path.relative_to(lessons_dir)
        if any(part in IGNORED_NAMES for part in relative.parts) or not path.is_file():
            continue
        yield relative


def _write_new(target: Path, data: bytes) -> bool:
    """Create ``target`` with ``data``; False (and nothing written) when it already exists."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "xb") as handle:  # "x": fail rather than overwrite, even in a race
            handle.write(data)
    except FileExistsError:
        return False
    return True


def copy_lessons(lessons_dir, workspace):
    """Copy every file of ``lessons_dir`` into ``workspace``, never overwriting an existing file.

    Parameters
    ----------
    lessons_dir : str or Path, the course's lessons/ folder (not modified)
    workspace : str or Path, the learner's folder; created if needed

    Returns
    -------
    CopyReport
        ``.copied`` and ``.skipped`` list relative paths, in sorted order.

    Raises
    ------
    FileNotFoundError
        When ``lessons_dir`` is not a folder.
    NotADirectoryError
        When ``workspace`` exists but is a file.
    """
    lessons_dir = Path(lessons_dir)
    workspace = Path(workspace)
    if not lessons_dir.is_dir():
        raise FileNotFoundError(f"lessons folder not found: {lessons_dir}; pass --lessons DIR")
    if workspace.exists() and not workspace.is_dir():
        raise NotADirectoryError(
            f"the workspace {workspace} is a file, not a folder; choose another with --workspace DIR"
        )
    workspace.mkdir(parents=True, exist_ok=True)  # even when there is nothing to copy yet
    report = CopyReport()
    for relative in _course_files(lessons_dir):
        target = workspace / relative
        if target.exists() or target.is_symlink():
            report.skipped.append(relative)
            continue
        if _write_new(target, (lessons_dir / relative).read_bytes()):
            report.copied.append(relative)
        else:
            report.skipped.append(relative)
    return report


@dataclass(frozen=True)
class UpdateOutcome:
    """What :func:`deliver_update` did: ``how`` is "copied", "unchanged" or "beside"; ``path`` is
    where the new version is now (relative to the workspace)."""

    how: str
    path: str

    def sentence(self) -> str:
        """One line for the instructor's terminal and the learner's update notes."""
        if self.how == "copied":
            return f"{self.path}: copied (the learner did not have it)"
        if self.how == "unchanged":
            return f"{self.path}: already up to date"
        return f"{self.path}: the learner's own copy is kept; the fixed version is beside it"


def update_name(relative: str, number: int) -> str:
    """``04_bptt.ipynb`` and 2 -> ``04_bptt.update-2.ipynb`` (in the same folder)."""
    path = Path(relative)
    return str(path.with_name(f"{path.stem}.{UPDATE_INFIX}-{number}{path.suffix}"))


def deliver_update(data: bytes, workspace, relative: str) -> UpdateOutcome:
    """Put a fixed version (``data``) of the course file ``relative`` into ``workspace``.

    If the learner has no such file, it is created. If their file, or an update already delivered
    beside it, holds exactly ``data``, nothing is written. Otherwise the learner's file is left as
    it is and the new version is written as ``<stem>.update-<N><suffix>`` with the first free N.
    """
    workspace = Path(workspace)
    relative = Path(relative).as_posix()
    if Path(relative).is_absolute() or ".." in Path(relative).parts:
        raise ValueError(f"the course file must be a path inside the workspace, not {relative!r}")
    target = workspace / relative
    if not (target.exists() or target.is_symlink()) and _write_new(target, data):
        return UpdateOutcome("copied", relative)
    number = 0
    candidate = relative
    while True:
        path = workspace / candidate
        if path.is_symlink() or not path.exists():
            if _write_new(path, data):
                return UpdateOutcome("beside", candidate)
        elif path.is_file() and path.read_bytes() == data:
            return UpdateOutcome("unchanged", candidate)
        number += 1
        candidate = update_name(relative, number)
