"""The smallest ``--memory`` a kernel can work in, measured once per batch before grading.

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
"""

from __future__ import annotations

import copy
import math
import os
import shutil
import tempfile
from dataclasses import dataclass

from rnncourse.grading.judging.evaluate import read_file_safely
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
"""


@dataclass(frozen=True)
class BareKernel:
    """What a bare kernel needed here.

    Attributes
    ----------
    peak_mb : int, the kernel's peak address space after start-up and the imports, in MB
    minimum_mb : int, the smallest ``--memory`` accepted (:func:`recommended_minimum`)
    """

    peak_mb: int
    minimum_mb: int

    def as_dict(self):
        return {"bare_kernel_peak_mb": self.peak_mb, "memory_minimum_mb": self.minimum_mb}


def recommended_minimum(peak_mb):
    """``peak_mb`` plus the margin (a quarter, at least 128 MB), rounded up to 50 MB.

    >>> recommended_minimum(610)
    800
    """
    margin = max(MARGIN_MIN_MB, MARGIN_FRACTION * peak_mb)
    return int(math.ceil((peak_mb + margin) / ROUND_TO_MB) * ROUND_TO_MB)


def measure_bare_kernel(launcher):
    """Start one kernel with ``launcher`` and measure it; a :class:`BareKernel`, or None when no
    kernel could be started or measured (grading then goes on, and reports the kernels' fate).
    """
    launcher = copy.copy(launcher)  # prepare() records the private folder on the launcher
    workdir = tempfile.mkdtemp(prefix="rnncourse-memory-")
    private = os.path.join(workdir, "work")
    os.makedirs(private)
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
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if not text.isdigit():
        return None
    peak_mb = int(math.ceil(int(text) / 1024))
    return BareKernel(peak_mb, recommended_minimum(peak_mb))


def memory_problem(memory_mb, bare):
    """The message refusing ``--memory memory_mb``, or None when it is enough (or unmeasured).

    >>> memory_problem(256, BareKernel(610, 800))
    '--memory 256: a bare kernel needs about 610 MB here (to start and import numpy and the course); pass at least 800'
    """
    if bare is None or memory_mb >= bare.minimum_mb:
        return None
    return (f"--memory {memory_mb}: a bare kernel needs about {bare.peak_mb} MB here (to start and "
            f"import numpy and the course); pass at least {bare.minimum_mb}")


__all__ = ["BareKernel", "measure_bare_kernel", "memory_problem", "recommended_minimum"]
