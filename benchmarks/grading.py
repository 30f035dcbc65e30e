"""Benchmark the autograder: bare nbclient execution vs ``rnncourse grade --jobs 1`` vs ``--jobs 2``.

Grades N copies (default 20) of one solution notebook (default
``solutions/01_feedforward_backprop.ipynb``; a small built notebook if it does not exist) and
executes the same copies bare with nbclient (one fresh kernel each, as a grader must), then
prints the time per submission and the ratios the issue sets targets for:

- grading / bare execution per submission   (target <= 1.3)
- ``--jobs 1`` / ``--jobs 2`` wall time       (target >= 1.7 on 2 cores)

Grading runs in the bubblewrap sandbox (the default). The sandbox's own start-up cost is the
mean kernel start-up time (``timing.kernel_start`` in the JSON reports) of a ``--jobs 1`` run in
the sandbox minus that of a ``--jobs 1 --unsafe-same-user`` run, which is also printed.

Both sides run the kernel with ``MPLBACKEND=agg`` and one BLAS thread, so the comparison is
about the grader's overhead (sandbox, harness, judging), not figure rendering. This is a
benchmark, not a test: it prints numbers and asserts nothing.

Usage::

    python benchmarks/grading.py [--copies 20] [--notebook PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "solutions" / "01_feedforward_backprop.ipynb"


def build_notebook(path):
    """A small lesson-1 notebook with correct answers (used when the solution is missing)."""
    sys.path.insert(0, str(ROOT))
    from tests.grading.test_grading_corpus import lesson_notebook, write

    write(lesson_notebook(), path)


def bare(copies, workdir):
    """Execute each copy with nbclient in a fresh kernel; returns the seconds of each."""
    import nbclient
    import nbformat

    times = []
    for path in copies:
        nb = nbformat.read(str(path), as_version=4)
        start = time.perf_counter()
        client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                         resources={"metadata": {"path": str(workdir)}})
        client.execute()
        times.append(time.perf_counter() - start)
    return times


def grade(folder, jobs, out, lesson, *extra):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "rnncourse", "grade", "--jobs", str(jobs),
                           "--lesson", lesson, "--out", str(out), *extra, str(folder)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"rnncourse grade failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    totals = [line.rsplit(",", 2)[-2:] for line in out.read_text().splitlines()[1:]]
    full = sum(1 for got, possible in totals if got == possible and int(possible) > 0)
    return seconds, full


def kernel_start(out):
    """Mean seconds from a worker's start to its kernel answering, from the JSON reports."""
    reports = Path(out).parent / f"{Path(out).stem}-reports"
    times = [json.loads(p.read_text())["timing"]["kernel_start"] for p in reports.glob("*.json")]
    return sum(times) / max(len(times), 1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20, help="submissions to grade (default 20)")
    parser.add_argument("--notebook", type=Path, default=None,
                        help="the notebook to copy (default: solutions/01_feedforward_backprop.ipynb)")
    args = parser.parse_args(argv)
    os.environ.update(MPLBACKEND="agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                      MKL_NUM_THREADS="1")
    tmp = Path(tempfile.mkdtemp(prefix="rnncourse-bench-"))
    try:
        source = args.notebook or (DEFAULT if DEFAULT.exists() else None)
        if source is None:
            source = tmp / "built.ipynb"
            build_notebook(source)
        folder = tmp / "submissions"
        folder.mkdir()
        copies = []
        for i in range(args.copies):
            copies.append(folder / f"student_{i:02d}.ipynb")
            shutil.copy(source, copies[-1])
        print(f"notebook: {source.relative_to(ROOT) if source.is_relative_to(ROOT) else source.name}"
              f"; {args.copies} copies; {os.cpu_count()} CPUs; load average "
              f"{os.getloadavg()[0]:.1f} at start")
        bare_times = bare(copies, tmp)
        lesson = source.stem if source != tmp / "built.ipynb" else "01_feedforward_backprop"
        one, full1 = grade(folder, 1, tmp / "jobs1.csv", lesson)
        two, full2 = grade(folder, 2, tmp / "jobs2.csv", lesson)
        bare1, full0 = grade(folder, 1, tmp / "unsafe.csv", lesson, "--unsafe-same-user")
        start_sandbox, start_bare = kernel_start(tmp / "jobs1.csv"), kernel_start(tmp / "unsafe.csv")
        n = args.copies
        bare_each = sum(bare_times) / n
        print(f"bare nbclient execution : {bare_each:6.2f} s per submission "
              f"(min {min(bare_times):.2f}, max {max(bare_times):.2f})")
        print(f"rnncourse grade --jobs 1: {one / n:6.2f} s per submission ({one:.1f} s in all; "
              f"{full1}/{n} full marks)")
        print(f"rnncourse grade --jobs 2: {two / n:6.2f} s per submission ({two:.1f} s in all; "
              f"{full2}/{n} full marks)")
        print(f"--unsafe-same-user -j 1 : {bare1 / n:6.2f} s per submission ({bare1:.1f} s in all; "
              f"{full0}/{n} full marks; no sandbox)")
        print(f"kernel start, sandbox   : {start_sandbox:6.2f} s; without: {start_bare:.2f} s; "
              f"sandbox start-up cost {start_sandbox - start_bare:+.2f} s per submission")
        print(f"grading / bare          : {one / n / bare_each:6.2f}x   (target <= 1.3)")
        print(f"jobs 1 / jobs 2         : {one / two:6.2f}x   (target >= 1.7 on 2 cores)")
        print(f"load average at end     : {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
