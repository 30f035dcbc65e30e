"""After a kernel crash, keep the work done before it: re-run the earlier cells, then judge.

A cell that kills the kernel (a segfault through ``ctypes``, ``os._exit``, killing its own
process) would otherwise cost every exercise not yet judged, including the ones whose functions
were written and checked cells earlier. :func:`rerun_before` starts a *fresh* kernel, with the same
launcher (the sandbox) and limits, in a private folder of its own, and runs the notebook's code
cells *before* the crashing one again, in order, within what is left of the submission's time.
The worker then judges the exercises in that kernel exactly as usual: a function defined before
the crash is judged on its merits; one that is not bound there scores 0 with a message saying
so (:func:`unbound_problem`). The row's status stays ``kernel died``, and a problem line says
that the exercises were judged on a re-run up to the crashing cell.

The same holds when the kernel dies (or has to be stopped) while a function is being *judged*
— a function that segfaults or calls ``os._exit`` on the grader's inputs: the exercise being
judged scores 0, and the ones after it are judged in a fresh kernel that re-ran the notebook's
code cells (all of them, or those before a crashing cell), at most :data:`MAX_REVIVALS` times
per submission (:func:`revive_note` says so in the report).

Nothing here trusts the kernel more than the first run did: the same cells run under the same
limits, and judging is the same trusted step outside it.
"""

from __future__ import annotations

import os
import time

from rnncourse.grading.sandbox.kernel import Kernel

MAX_REVIVALS = 2
"""Fresh kernels a submission gets when its kernel dies while its functions are judged (two let
a dependency and the exercise calling it both crash, and the knock-on re-judge still run)."""


def rerun_before(kernel, cells, crash_position, deadline, cell_timeout):
    """Run ``cells[:crash_position]`` (``(index, source)`` pairs) in the started ``kernel``.

    Returns
    -------
    (int, str or None) : how many cells ran, and why the re-run stopped early (None when every
    cell before the crash ran). Errors in cells do not stop it, as in the first run.
    """
    ran = 0
    for _index, source in cells[:crash_position]:
        left = deadline - time.monotonic()
        if left <= 0:
            return ran, "the submission's time ran out"
        reply = kernel.execute(source, min(left, cell_timeout))
        if reply.status == "timeout":
            return ran, "a cell did not finish in time"
        if reply.status == "died":
            return ran, "the kernel died again"
        ran += 1
    return ran, None


def recovered_kernel(workdir, submission_bytes, memory_mb, launcher, submission_file,
                     folder="rerun", files=()):
    """A fresh :class:`~rnncourse.grading.sandbox.kernel.Kernel` (not started) in ``workdir/folder``,
    whose private folder holds only the submission's copy (and ``files``, as for
    :class:`~rnncourse.grading.sandbox.kernel.Kernel`); returns ``(kernel, private folder)``.
    """
    private = os.path.join(workdir, folder)
    os.makedirs(private)
    with open(os.path.join(private, submission_file), "wb") as fh:
        fh.write(submission_bytes)
    return Kernel(private, memory_mb, launcher=launcher, files=files), private


def rerun_note(crash_name, ran, stopped):
    """The problem line saying how the exercises were judged after the crash."""
    note = (f"the exercises were judged on a re-run in a fresh kernel of the {ran} code cell(s) "
            f"before {crash_name}, where the kernel died")
    if stopped:
        note += f" (the re-run stopped early: {stopped})"
    return note


def revive_note(exercise_id, ran, total, stopped):
    """The problem line saying how the exercises after ``exercise_id`` were judged, once the
    kernel died while it was judged."""
    note = (f"the exercises after {exercise_id} were judged in a fresh kernel that re-ran "
            f"{ran} of the notebook's {total} code cell(s)")
    if stopped:
        note += f" (the re-run stopped early: {stopped})"
    return note


def unbound_problem(fn_name, crash_name):
    """Why an exercise whose function is not bound after the re-run could not be judged."""
    return (f"{fn_name} was not defined by the cells before {crash_name}, where the kernel died, "
            "so it could not be judged")


__all__ = ["MAX_REVIVALS", "rerun_before", "recovered_kernel", "rerun_note", "revive_note",
           "unbound_problem"]
