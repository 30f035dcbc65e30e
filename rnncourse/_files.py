"""Writing a file whole: a reader sees the old content or the new one, never half of either.

Every file the course writes for an instructor or a student (gradebooks, reports, feedback,
exported zips, nbgrader source notebooks, Gradescope's ``results.json``) goes through
:func:`write_atomic`, so an interrupted run never leaves a truncated file in place of a good one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

UMASK = "umask"
"""``mode=UMASK``: the permissions of an ordinary new file (0o666 less the process's umask)."""


def _umask_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path, data, mode=None):
    """Write ``data`` to ``path`` through a temporary file in the same folder, renamed into place.

    Parameters
    ----------
    path : str or Path, the file to write (its folder is created if missing)
    data : str (written as UTF-8, line endings as given) or bytes
    mode : int, :data:`UMASK` or None, the new file's permission bits; None keeps the private
        0o600 of a temporary file (gradebooks and reports hold students' marks)

    Returns
    -------
    Path, the file written

    The temporary file is removed when anything fails, and ``path`` is then left as it was.
    """
    if not isinstance(data, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"write_atomic writes str or bytes, not {type(data).__name__}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        if mode is not None:
            os.chmod(tmp, _umask_mode() if mode == UMASK else mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


__all__ = ["UMASK", "write_atomic"]
