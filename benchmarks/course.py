"""Time the whole course: every solution notebook executed top to bottom, and its slowest cells.

Runs each notebook in ``solutions/`` (or those given) in a fresh kernel of this environment, the
way ``rnncourse execute`` does (one BLAS thread, the notebook's folder as working directory,
cells marked ``# NBVAL_RAISES_EXCEPTION`` allowed to raise), but never saves anything. Prints the
wall time of each notebook (kernel start included), the course total against the target
(<= 25 s on a quiet machine), and the slowest cells of each notebook with their share.

With ``--rounds R`` every notebook runs R times, interleaved (one run of each per round), and
the median and range are printed. ``--pythonpath DIR`` runs the kernels with another checkout's
``rnncourse`` first on the path, so two versions can be compared in one run
(``--compare DIR`` does both: this checkout and DIR, interleaved).

This is a benchmark, not a test: it prints numbers and asserts nothing.

Usage::

    python benchmarks/course.py [--rounds 1] [--top 5] [--compare DIR] [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_notebook(path, pythonpath):
    """Execute ``path`` in a fresh kernel; returns (wall seconds, [(cell index, seconds, first
    line)])."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    from rnncourse.authoring.execute import (
        CurrentEnvKernelSpecManager,
        _tag_nbval_raises,
        kernel_environment,
    )
    from rnncourse.authoring.pipeline import read_notebook

    nb = read_notebook(path)
    _tag_nbval_raises(nb)
    env = kernel_environment()
    env["PYTHONPATH"] = str(pythonpath)
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvKernelSpecManager())
    client = NotebookClient(nb, km=km, timeout=600, record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute(env=env, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    cells = []
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        begin, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type != "code" or not begin or not end:
            continue
        seconds = (datetime.fromisoformat(end.replace("Z", "+00:00"))
                   - datetime.fromisoformat(begin.replace("Z", "+00:00"))).total_seconds()
        first = next((line for line in cell.source.splitlines()
                      if line.strip() and not line.startswith("# NBVAL")), "")
        cells.append((index + 1, seconds, first[:70]))
    return wall, cells


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every solutions/*.ipynb)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every notebook this many times, interleaved (default 1)")
    parser.add_argument("--top", type=int, default=5, help="slowest cells shown per notebook")
    parser.add_argument("--compare", type=Path, default=None,
                        help="another checkout whose rnncourse to time too, interleaved")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "solutions").glob("*.ipynb"))
    versions = {"this": ROOT}
    if args.compare:
        versions["other"] = args.compare.resolve()
    print(f"{len(notebooks)} notebooks; {os.cpu_count()} CPUs; load average "
          f"{os.getloadavg()[0]:.1f} at start; versions: "
          + ", ".join(f"{k} = {v}" for k, v in versions.items()), flush=True)
    walls = {(v, nb.name): [] for v in versions for nb in notebooks}
    cells = {}
    for r in range(args.rounds):
        for nb in notebooks:
            pairs = list(versions.items())
            for version, path in (pairs if r % 2 == 0 else pairs[::-1]):  # ABBA over rounds
                wall, timed = run_notebook(nb.resolve(), path)
                walls[version, nb.name].append(wall)
                cells.setdefault((version, nb.name), []).append(timed)
                print(f"  {version:5} {nb.name:34} {wall:6.2f} s", flush=True)
    print()
    for version in versions:
        total = [sum(walls[version, nb.name][r] for nb in notebooks) for r in range(args.rounds)]
        print(f"[{version}] course total: {statistics.median(total):.1f} s "
              f"(rounds: {', '.join(f'{t:.1f}' for t in total)}; target <= 25 s on a quiet machine)")
        for nb in notebooks:
            runs = walls[version, nb.name]
            print(f"  {nb.name:34} {statistics.median(runs):6.2f} s  "
                  f"({min(runs):.2f}-{max(runs):.2f})")
            per_cell = {}
            for timed in cells[version, nb.name]:
                for index, seconds, first in timed:
                    per_cell.setdefault((index, first), []).append(seconds)
            slow = sorted(per_cell.items(), key=lambda kv: -statistics.median(kv[1]))[:args.top]
            for (index, first), secs in slow:
                print(f"      cell {index:3}: {statistics.median(secs):6.2f} s  {first}")
    if "other" in versions:
        ratios = [sum(walls["other", nb.name][r] for nb in notebooks)
                  / sum(walls["this", nb.name][r] for nb in notebooks) for r in range(args.rounds)]
        print(f"other / this, per round: {', '.join(f'{x:.2f}x' for x in ratios)}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
