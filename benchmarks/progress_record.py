"""What recording a verdict adds to a check: check() with recording on vs off, on a fast exercise.

Prints the time of one check each way and their ratio, and the time of one append to the progress
file on its own. Recording must not be noticeable next to the check itself.

    python benchmarks/progress_record.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnncourse import nn  # noqa: E402
from rnncourse.checks import check  # noqa: E402
from rnncourse.progress import make_record, record  # noqa: E402


def best_of(fn, repeats=7, number=50):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def main():
    folder = tempfile.mkdtemp(prefix="rnncourse-progress-bench-")
    os.environ["RNNCOURSE_PROGRESS_DIR"] = folder

    def affine_forward(x, W, b):  # the learner's function: same name as the exercise
        return nn.affine_forward(x, W, b)

    run = lambda: check("affine_forward", affine_forward)  # noqa: E731
    off = on = float("inf")
    for _ in range(5):  # interleaved, so a busy machine slows both alike
        os.environ["RNNCOURSE_PROGRESS"] = "off"
        off = min(off, best_of(run, repeats=3))
        os.environ["RNNCOURSE_PROGRESS"] = "on"
        on = min(on, best_of(run, repeats=3))
    rec = make_record("affine_forward", "01_feedforward_backprop", True, None, 1, 1)
    append = best_of(lambda: record(rec, folder), number=200)
    size = (Path(folder) / "progress.jsonl").stat().st_size
    print(f"check('affine_forward') without recording: {off * 1e3:.2f} ms")
    print(f"check('affine_forward') with recording:    {on * 1e3:.2f} ms  (ratio {on / off:.3f})")
    print(f"one append to the progress file:           {append * 1e6:.0f} us "
          f"({append / off:.1%} of a check); file now {size} bytes")


if __name__ == "__main__":
    main()
