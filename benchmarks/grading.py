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

It also prints where a submission's time goes, per grading mode, from the JSON reports: kernel
start (the sandbox's start included), notebook execution (the cells' own times), judging, and the
rest of the worker's time; and per batch: the sandbox probe and the bare-kernel memory
measurement (each timed once more in a separate process), and the batch's time outside the
submissions (wall time minus the submissions' seconds divided by the jobs).

With ``--rounds R`` the selected modes run R times, interleaved (one run of each per round), and
the median and range of each number are printed; on a busy machine compare ratios from one run.
With ``--compare DIR`` the two versions alternate which goes first from round to round (use an
even number of rounds), so a load that rises or falls during the run favours neither.

Usage::

    python benchmarks/grading.py [--copies 20] [--notebook PATH] [--modes bare,j1,j2,unsafe]
                                 [--rounds 1] [--seed N] [--save DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
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


def grade(folder, jobs, out, lesson, *extra, env=None):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "rnncourse", "grade", "--jobs", str(jobs),
                           "--lesson", lesson, "--out", str(out), *extra, str(folder)],
                          capture_output=True, text=True, env=env, cwd=folder.parent)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"rnncourse grade failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    totals = [line.rsplit(",", 2)[-2:] for line in out.read_text().splitlines()[1:]]
    full = sum(1 for got, possible in totals if got == possible and int(possible) > 0)
    return seconds, full


def phases(out):
    """Mean seconds per submission of each phase, from the JSON reports beside ``out``.

    ``kernel``: from the worker's start to its kernel answering (sandbox start included);
    ``execution``: the notebook's code cells; ``judging``: calling the functions and judging;
    ``other``: the rest of the worker's time (private folder, teardown); ``seconds``: all of it.
    """
    reports = Path(out).parent / f"{Path(out).stem}-reports"
    rows = []
    for path in reports.glob("*.json"):
        data = json.loads(path.read_text())
        timing = data.get("timing") or data.get("details", {}).get("timing", {})
        seconds = data.get("seconds", data.get("details", {}).get("seconds", 0.0))
        cells = sum(c.get("seconds", 0.0) for c in data.get("cells", []))
        kernel, judging = timing.get("kernel_start", 0.0), timing.get("judging", 0.0)
        rows.append({"kernel": kernel, "execution": cells, "judging": judging,
                     "other": seconds - kernel - cells - judging, "seconds": seconds})
    return {k: sum(r[k] for r in rows) / max(len(rows), 1)
            for k in ("kernel", "execution", "judging", "other", "seconds")}


_PER_BATCH = """
import sys, time
try:
    from rnncourse.grading.sandbox.launcher_choice import choose_launcher
    from rnncourse.grading.batch.memory import measure_bare_kernel
except ImportError:  # before the grading package had subpackages
    from rnncourse.grading.launchers import choose_launcher
    from rnncourse.grading.memory import measure_bare_kernel
start = time.perf_counter()
launcher = choose_launcher(sandbox=sys.argv[1] == "sandbox")
probed = time.perf_counter()
measure_bare_kernel(launcher)
print(probed - start, time.perf_counter() - probed)
"""


def per_batch(sandbox, env=None):
    """Seconds of the sandbox probe and of the bare-kernel memory measurement, in a fresh process."""
    proc = subprocess.run([sys.executable, "-c", _PER_BATCH, "sandbox" if sandbox else "unsafe"],
                          capture_output=True, text=True, check=True, env=env,
                          cwd=tempfile.gettempdir())
    probe, memory = (float(v) for v in proc.stdout.split())
    return {"probe": probe, "memory": memory}


def spread(values, fmt="{:.2f}"):
    """``median`` or ``median (min-max)`` of ``values``."""
    med = fmt.format(statistics.median(values))
    if len(values) == 1:
        return med
    return f"{med} ({fmt.format(min(values))}-{fmt.format(max(values))})"


MODES = {"j1": (1, ()), "j2": (2, ()), "unsafe": (1, ("--unsafe-same-user",)),
         "unsafe2": (2, ("--unsafe-same-user",))}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20, help="submissions to grade (default 20)")
    parser.add_argument("--notebook", type=Path, default=None,
                        help="the notebook to copy (default: solutions/01_feedforward_backprop.ipynb)")
    parser.add_argument("--modes", default="bare,j1,j2,unsafe",
                        help="comma-separated runs: bare (nbclient), j1, j2 (grade --jobs 1/2 in "
                             "the sandbox), unsafe, unsafe2 (--unsafe-same-user --jobs 1/2) "
                             "(default bare,j1,j2,unsafe)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the modes this many times, interleaved; medians and ranges "
                             "are printed (default 1)")
    parser.add_argument("--seed", type=int, default=12345,
                        help="the grading seed, so gradebooks of two runs can be compared "
                             "(default 12345)")
    parser.add_argument("--save", type=Path, default=None,
                        help="copy each mode's gradebook and reports of the last round here")
    parser.add_argument("--compare", type=Path, default=None,
                        help="another checkout: every grading mode also runs with its rnncourse "
                             "(first on PYTHONPATH), interleaved, shown as MODE@other")
    parser.add_argument("--cold-cache", action="store_true",
                        help="do not warm the cache of the bare-kernel measurement before the "
                             "rounds (a fresh cache folder is used either way)")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m != "bare" and m not in MODES]
    if unknown or not modes:
        parser.error(f"--modes {args.modes!r}: choose from bare, {', '.join(MODES)}")
    if args.rounds < 1 or args.copies < 1:
        parser.error("--rounds and --copies must be >= 1")
    os.environ.update(MPLBACKEND="agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                      MKL_NUM_THREADS="1")
    tmp = Path(tempfile.mkdtemp(prefix="rnncourse-bench-"))
    os.environ["RNNCOURSE_CACHE_DIR"] = str(tmp / "cache")  # never the user's own cache
    # each version is found by PYTHONPATH alone: the commands run outside this checkout, since
    # ``python -m`` puts the current folder first on sys.path, ahead of PYTHONPATH
    envs = {"": dict(os.environ, PYTHONPATH=str(ROOT))}
    if args.compare:
        envs["@other"] = dict(os.environ, PYTHONPATH=str(args.compare.resolve()))
    grading_modes = [m for m in modes if m != "bare"]
    modes = (["bare"] if "bare" in modes else []) + [m + v for m in grading_modes for v in envs]
    try:
        if not args.cold_cache:  # the cache as a second batch of the same course finds it
            for sandboxed in (True, False):
                per_batch(sandboxed, envs[""])
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
              f"{os.getloadavg()[0]:.1f} at start; modes {','.join(modes)}; "
              f"{args.rounds} round(s)", flush=True)
        lesson = source.stem if source != tmp / "built.ipynb" else "01_feedforward_backprop"
        n = args.copies
        walls = {m: [] for m in modes}
        fulls = {m: [] for m in modes}
        phase = {m: [] for m in modes if m != "bare"}
        batch = {f"{kind}{v}": [] for kind in ("sandbox", "unsafe") for v in envs}
        for r in range(args.rounds):
            # with --compare, odd rounds run the other checkout first (ABBA: a load that rises
            # or falls during the run does not favour one version)
            order = modes if r % 2 == 0 else ([m for m in modes if m == "bare"] + [
                m + v for m in grading_modes for v in reversed(list(envs))])
            for mode in order:
                if mode == "bare":
                    walls[mode].append(sum(bare(copies, tmp)))
                    fulls[mode].append(n)
                    continue
                base, version = mode.split("@")[0], ("@" + mode.split("@")[1]) if "@" in mode else ""
                jobs, extra = MODES[base]
                if "--unsafe-same-user" in extra and not version and os.geteuid() == 0:
                    extra = (*extra, "--unsafe-as-root")  # as root, this version asks for it by name
                out = tmp / f"{mode}-{r}.csv"
                seconds, full = grade(folder, jobs, out, lesson, "--seed", str(args.seed), *extra,
                                      env=envs[version])
                walls[mode].append(seconds)
                fulls[mode].append(full)
                phase[mode].append(phases(out))
                if args.save and r == args.rounds - 1:
                    args.save.mkdir(parents=True, exist_ok=True)
                    shutil.copy(out, args.save / f"{mode}.csv")
                    shutil.copytree(tmp / f"{mode}-{r}-reports", args.save / f"{mode}-reports",
                                    dirs_exist_ok=True)
            for v, env in envs.items():
                batch["sandbox" + v].append(per_batch(True, env))
                batch["unsafe" + v].append(per_batch(False, env))
            print(f"round {r + 1}: " + ", ".join(f"{m} {walls[m][-1]:.1f} s" for m in modes)
                  + f"; load average {os.getloadavg()[0]:.1f}", flush=True)
        labels = {"bare": "bare nbclient execution", "j1": "rnncourse grade --jobs 1",
                  "j2": "rnncourse grade --jobs 2", "unsafe": "--unsafe-same-user -j 1",
                  "unsafe2": "--unsafe-same-user -j 2"}
        print()
        print("wall time of the whole class, s (median and range over rounds), s per submission, "
              "full marks")
        for mode in modes:
            label = labels[mode.split("@")[0]] + ("  @other" if "@" in mode else "")
            print(f"{label:<25}: {spread(walls[mode], '{:.1f}')} s; "
                  f"{statistics.median(walls[mode]) / n:.2f} s/sub; full marks "
                  f"{min(fulls[mode])}/{n}")
        print()
        print("where a submission's time goes (mean per submission, s; median over rounds):")
        print(f"{'mode':<8} {'kernel start':>14} {'execution':>14} {'judging':>14} "
              f"{'other':>14} {'worker total':>14}")
        for mode, rows in phase.items():
            cols = [spread([row[k] for row in rows]) for k in
                    ("kernel", "execution", "judging", "other", "seconds")]
            print(f"{mode:<14} " + " ".join(f"{c:>14}" for c in cols))
        for v in envs:
            print(f"per batch{v} (fresh process, s):  sandbox probe "
                  f"{spread([b['probe'] for b in batch['sandbox' + v]])}, memory measurement in the "
                  f"sandbox {spread([b['memory'] for b in batch['sandbox' + v]])}, without "
                  f"{spread([b['memory'] for b in batch['unsafe' + v]])}")
        for mode, rows in phase.items():
            jobs = MODES[mode.split("@")[0]][0]
            outside = [w - n * row["seconds"] / jobs for w, row in zip(walls[mode], rows)]
            print(f"batch time outside the submissions, {mode}: {spread(outside)} s "
                  "(wall - sum of worker totals / jobs)")
        print()
        med = {m: statistics.median(v) for m, v in walls.items()}
        if "j1" in med and "bare" in med:
            print(f"grading / bare          : {med['j1'] / med['bare']:6.2f}x   (target <= 1.3)")
        if "j1" in med and "j2" in med:
            print(f"jobs 1 / jobs 2         : {med['j1'] / med['j2']:6.2f}x   "
                  "(target >= 1.7 on 2 cores)")
        for v in envs:
            for sandboxed, plain in (("j1", "unsafe"), ("j2", "unsafe2")):
                if sandboxed + v in walls and plain + v in walls:
                    ratios = [a / b for a, b in zip(walls[sandboxed + v], walls[plain + v])]
                    print(f"sandbox / unsafe ({sandboxed}{v}) : {spread(ratios)}x   (target <= 1.10)")
            if "j2" + v in med:
                print(f"class at --jobs 2{v:<6} : {med['j2' + v]:6.1f} s for {n} copies "
                      f"({med['j2' + v] / n * 40:.1f} s scaled to 40; target <= 20 s on a quiet "
                      "machine)")
        if args.compare:
            for mode in grading_modes:
                ratios = [a / b for a, b in zip(walls[mode + "@other"], walls[mode])]
                print(f"{mode}: other / this, per round: {', '.join(f'{x:.2f}x' for x in ratios)}"
                      f"  (median {statistics.median(ratios):.2f}x)")
        print(f"load average at end     : {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
