"""The smallest ``--memory`` a kernel can work in, measured before grading (or remembered).

``--memory`` is an address-space limit (``RLIMIT_AS``) on each student kernel. Below what a bare
kernel needs to start and import what grading uses, *every* kernel dies and every student gets
0 with status ``kernel died`` — a silent zero for the whole class. So before any submission is
graded, :func:`measure_bare_kernel` starts one kernel exactly as a submission's (same launcher,
same environment, with a generous limit), imports numpy and the course package in it, loads the
grader's harness code, and has the kernel read its own peak address space (``VmPeak`` in
``/proc/self/status``, the quantity ``RLIMIT_AS`` limits). That costs one kernel start (about a
second); bisecting over limits would cost many.

:func:`memory_problem` then refuses a ``--memory`` below :func:`recommended_minimum`: the peak
plus a margin (a quarter of it, at least 128 MB, rounded up to 50 MB) for the student's own
arrays and what the harness allocates when it calls the functions.

The measurement is remembered (:func:`cache_dir`, one small JSON file) and reused by later
batches only when everything it depends on is the same: the course package (the hash of its
files), the Python and package versions, the machine, the interpreter and the kind of launcher
(:func:`cache_key`); any difference measures again. Only launchers whose kernels cannot write the
grader's files (the sandbox, or a separate user id) read or write the cache, so a student's code
can never plant a measurement.

The same measuring kernel also builds matplotlib's font list (done once here, after the peak is
read) and hands it on (:attr:`BareKernel.kernel_files`): every student kernel starts with a copy
in its private matplotlib folder instead of scanning the system's fonts again (about 0.1 s of
CPU per submission). The list is built inside the same sandbox, so it names only fonts the
kernels see.
"""

from __future__ import annotations

import base64
import copy
import glob
import hashlib
import json
import math
import os
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from rnncourse._files import write_atomic
from rnncourse.grading.judging.evaluate import read_file_safely
from rnncourse.grading.load.snapshot import course_files_digest
from rnncourse.grading.sandbox.harness import _RUNNING_FILE, harness_source
from rnncourse.grading.sandbox.kernel import Kernel

MEASURE_LIMIT_MB = 16384
"""The address-space limit the measuring kernel runs under (generous: it must not die)."""

MEASURE_TIMEOUT = 60.0
MARGIN_FRACTION = 0.25
MARGIN_MIN_MB = 128
ROUND_TO_MB = 50

_PEAK_FILE = ".vmpeak"
_MEASURE = """
import numpy, rnncourse, rnncourse.checks
exec(compile({harness!r}, "<rnncourse-harness>", "exec"),
     {{"__name__": "rnncourse_grading_harness", "__file__": {running!r}}})
with open("/proc/self/status") as _fh:
    _peak = [line.split()[1] for line in _fh if line.startswith("VmPeak:")]
with open({out!r}, "w") as _fh:
    _fh.write(_peak[0] if _peak else "")
try:  # after the peak: matplotlib's font list, written to MPLCONFIGDIR for the student kernels
    import matplotlib.font_manager
except Exception:
    pass
"""

_FONT_LISTS = os.path.join(".matplotlib", "fontlist-*.json")
MAX_FONT_LIST_BYTES = 8 * 1024 * 1024
CACHE_FORMAT = 1
_PACKAGES = ("numpy", "ipykernel", "ipython", "pyzmq", "jupyter_client", "matplotlib", "rnncourse")


@dataclass(frozen=True)
class BareKernel:
    """What a bare kernel needed here.

    Attributes
    ----------
    peak_mb : int, the kernel's peak address space after start-up and the imports, in MB
    minimum_mb : int, the smallest ``--memory`` accepted (:func:`recommended_minimum`)
    kernel_files : tuple of (path relative to the private folder, bytes): files every student
        kernel starts with (matplotlib's font list)
    cached : bool, whether this came from the cache of an earlier batch
    """

    peak_mb: int
    minimum_mb: int
    kernel_files: tuple = field(default=(), repr=False)
    cached: bool = False

    def as_dict(self):
        return {"bare_kernel_peak_mb": self.peak_mb, "memory_minimum_mb": self.minimum_mb,
                "measured": "earlier (cached)" if self.cached else "now"}


def recommended_minimum(peak_mb):
    """``peak_mb`` plus the margin (a quarter, at least 128 MB), rounded up to 50 MB.

    >>> recommended_minimum(610)
    800
    """
    margin = max(MARGIN_MIN_MB, MARGIN_FRACTION * peak_mb)
    return int(math.ceil((peak_mb + margin) / ROUND_TO_MB) * ROUND_TO_MB)


def cache_dir() -> Path:
    """The folder remembered measurements live in: ``$RNNCOURSE_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/rnncourse``, else ``~/.cache/rnncourse``."""
    if os.environ.get("RNNCOURSE_CACHE_DIR"):
        return Path(os.environ["RNNCOURSE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rnncourse"


def _version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def cache_key(launcher) -> dict:
    """Everything a bare kernel's peak depends on, as a dict: a remembered measurement is used
    only when all of it is equal."""
    course = hashlib.sha256(json.dumps(sorted(course_files_digest().items())).encode()).hexdigest()
    return {"format": CACHE_FORMAT, "course": course, "python": sys.version,
            "executable": sys.executable, "packages": {n: _version(n) for n in _PACKAGES},
            "machine": [platform.node(), platform.machine(), platform.release()],
            "launcher": type(launcher).__name__,  # not its description: that names a fresh uid
            "sandboxed": bool(getattr(launcher, "sandboxed", False)), "euid": os.geteuid(),
            "limit_mb": MEASURE_LIMIT_MB}


def _cacheable(launcher):
    """Whether kernels of ``launcher`` cannot write the grader's files (sandbox or own uid)."""
    return bool(getattr(launcher, "sandboxed", False)) or getattr(launcher, "uid", None) is not None


def _cache_path(key):
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]
    return cache_dir() / f"bare-kernel-{digest}.json"


def _load_cached(key):
    """The remembered :class:`BareKernel` for ``key``, or None (missing, unreadable, other key)."""
    try:
        data = json.loads(_cache_path(key).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        peak_mb = data["peak_mb"]
        if not isinstance(peak_mb, int) or isinstance(peak_mb, bool) or peak_mb <= 0:
            return None
        files = tuple((str(name), base64.b64decode(text, validate=True))
                      for name, text in sorted(data.get("files", {}).items())
                      if _safe_relative(name))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return BareKernel(peak_mb, recommended_minimum(peak_mb), files, cached=True)


def _store(key, bare):
    data = {"key": key, "peak_mb": bare.peak_mb,
            "files": {name: base64.b64encode(blob).decode("ascii")
                      for name, blob in bare.kernel_files}}
    try:
        write_atomic(_cache_path(key), json.dumps(data, sort_keys=True))
    except OSError:
        pass  # no cache (read-only home): measure again next time


def _safe_relative(name):
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def measure_bare_kernel(launcher, cache: bool = True) -> BareKernel | None:
    """Start one kernel with ``launcher`` and measure it; a :class:`BareKernel`, or None when no
    kernel could be started or measured (grading then goes on, and reports the kernels' fate).

    With ``cache`` (and a launcher whose kernels cannot write the grader's files), a measurement
    remembered for the same :func:`cache_key` is returned instead, and a new one is remembered.
    """
    key = cache_key(launcher) if cache and _cacheable(launcher) else None
    if key is not None:
        cached = _load_cached(key)
        if cached is not None:
            return cached
    bare = _measure(launcher)
    if bare is not None and key is not None:
        _store(key, bare)
    return bare


def _measure(launcher):
    launcher = copy.copy(launcher)  # prepare() records the private folder on the launcher
    workdir = tempfile.mkdtemp(prefix="rnncourse-memory-")
    private = os.path.join(workdir, "work")
    os.makedirs(private)
    files = []
    try:
        with Kernel(private, MEASURE_LIMIT_MB, launcher=launcher) as kernel:
            if not kernel.start():
                return None
            out = os.path.join(private, _PEAK_FILE)
            code = _MEASURE.format(harness=harness_source(), running=_RUNNING_FILE,
                                   out=kernel.kernel_path(out))
            if kernel.execute(code, MEASURE_TIMEOUT).status != "ok":
                return None
            text = (read_file_safely(out, limit=64) or b"").decode("ascii", "replace").strip()
            for path in sorted(glob.glob(os.path.join(private, _FONT_LISTS))):
                blob = read_file_safely(path, limit=MAX_FONT_LIST_BYTES)
                if blob:
                    files.append((os.path.relpath(path, private), blob))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if not text.isdigit():
        return None
    peak_mb = int(math.ceil(int(text) / 1024))
    return BareKernel(peak_mb, recommended_minimum(peak_mb), tuple(files))


def memory_problem(memory_mb, bare):
    """The message refusing ``--memory memory_mb``, or None when it is enough (or unmeasured).

    >>> memory_problem(256, BareKernel(610, 800))
    '--memory 256: a bare kernel needs about 610 MB here (to start and import numpy and the course); pass at least 800'
    """
    if bare is None or memory_mb >= bare.minimum_mb:
        return None
    return (f"--memory {memory_mb}: a bare kernel needs about {bare.peak_mb} MB here (to start and "
            f"import numpy and the course); pass at least {bare.minimum_mb}")


__all__ = ["BareKernel", "cache_dir", "cache_key", "measure_bare_kernel", "memory_problem",
           "recommended_minimum"]
