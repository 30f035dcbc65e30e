"""Running a solution notebook top to bottom and saving its outputs in place.

Solutions keep their outputs (nbval compares them), so lesson writers re-run a solution after
changing it with ``rnncourse execute solutions/04_bptt.ipynb``. The kernel is this Python
environment's own (not whatever ``python3`` kernelspec is installed elsewhere), runs in the
notebook's folder, and has BLAS pinned to one thread so stored numbers match the tests to the
last digit.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import ipykernel.kernelspec
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from rnncourse.authoring.pipeline import DEFAULT_KERNELSPEC, read_notebook, serialize_notebook

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# nbval's comment marker for a cell that is meant to raise; nbclient only knows the tag.
NBVAL_RAISES = "# NBVAL_RAISES_EXCEPTION"
RAISES_TAG = "raises-exception"


class NotebookExecutionError(RuntimeError):
    """A notebook failed to run; the message names the notebook and the cell."""


class CurrentEnvKernelSpecManager(KernelSpecManager):
    """Kernelspecs where ``python3`` is always ipykernel in the running Python environment."""

    def get_kernel_spec(self, kernel_name):
        if kernel_name == "python3":
            return self.kernel_spec_class(
                resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict()
            )
        return super().get_kernel_spec(kernel_name)


def kernel_environment(base=None):
    """A copy of ``base`` (default ``os.environ``) with OMP/OPENBLAS/MKL_NUM_THREADS set to 1 and
    progress recording off (running a solution to store its outputs is nobody's progress)."""
    env = dict(os.environ if base is None else base)
    for name in THREAD_VARIABLES:
        env[name] = "1"
    env["RNNCOURSE_PROGRESS"] = "off"
    return env


def _tag_nbval_raises(nb):
    """Tag cells that nbval expects to raise, so nbclient lets them; return the tagged cells."""
    tagged = []
    for cell in nb.cells:
        if cell.cell_type != "code" or NBVAL_RAISES not in cell.source:
            continue
        tags = cell.metadata.setdefault("tags", [])
        if RAISES_TAG not in tags:
            tags.append(RAISES_TAG)
            tagged.append(cell)
    return tagged


def execute_notebook(path, timeout=600):
    """Run the notebook at ``path`` top to bottom and save it with its new outputs.

    Parameters
    ----------
    path : str or Path of an ``.ipynb`` file; rewritten in place only if every cell ran
    timeout : float, seconds allowed per cell

    Returns
    -------
    seconds : float, wall-clock time of the run

    Raises
    ------
    NotebookExecutionError
        When a cell raises (and is not marked as meant to raise), times out, or the kernel dies;
        the notebook on disk is then left as it was.
    """
    path = Path(path).resolve()
    nb = read_notebook(path)
    tagged = _tag_nbval_raises(nb)
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvKernelSpecManager())
    current = {}
    client = NotebookClient(
        nb,
        on_cell_start=lambda cell, cell_index: current.update(index=cell_index),
        km=km,
        timeout=timeout,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    try:
        # the kernel process's own log (not the cells' output) is start-up noise: drop it
        # cleanup_kc: nbclient shuts down only kernels it made itself; ours (made for the kernel
        # spec above) would otherwise stay running, with its client's sockets still open
        client.execute(env=kernel_environment(), stderr=subprocess.DEVNULL, cleanup_kc=True)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        where = ""
        index = current.get("index")
        if index is not None:
            where = f", cell {index + 1} (counting from 1)"
        raise NotebookExecutionError(
            f"{path.name}{where} failed, so its outputs were not saved:\n{exc}\n"
            "Fix the cell (or mark it `# NBVAL_RAISES_EXCEPTION` if it is meant to raise) and run "
            "`rnncourse execute` again."
        ) from exc
    seconds = time.perf_counter() - start
    if not nb.metadata.get("kernelspec"):
        nb.metadata["kernelspec"] = dict(DEFAULT_KERNELSPEC)
    for cell in tagged:
        cell.metadata.tags.remove(RAISES_TAG)
        if not cell.metadata.tags:
            del cell.metadata["tags"]
    path.write_text(serialize_notebook(nb), encoding="utf-8")
    return seconds
