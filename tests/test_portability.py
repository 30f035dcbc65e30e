"""The solution notebooks' stored outputs hold on other machines, not only on the one that ran them.

numpy picks AVX-512, AVX2 or older code for ``tanh``/``exp`` at run time, and OpenBLAS picks its
matrix-product kernels by processor, so another CPU computes the same notebook with different last
bits; a long or chaotic run amplifies them. Each test below re-runs every solution under nbval
(the same command as a bare ``pytest``) in one numeric environment that stands in for a machine
we do not have:

* ``numpy-without-avx512``: numpy's AVX-512 code paths disabled (``NPY_DISABLE_CPU_FEATURES``);
* ``numpy-without-avx2``: AVX2 and AVX-512 paths disabled (an older x86-64);
* ``openblas-<core>``: OpenBLAS forced to another processor's kernels (``OPENBLAS_CORETYPE``);
* ``intel-avx512-like``: numpy without AVX-512 and OpenBLAS with Haswell kernels together (the
  combination that reproduced an Intel Xeon's results on an AMD EPYC);
* ``last-bit-noise``: about 30% of every ``tanh``/``exp``/``log`` result moved by one unit in the
  last place (``tests/portability/ulp_noise_startup.py``), a stand-in for another maths library,
  e.g. on ARM.

Every variant must pass. Only the variable under test differs from the parent's environment (BLAS
stays at one thread, as the root conftest sets it), and two things that no compared output depends
on are left out, since the bare ``pytest`` run (nbval in this environment) already covers them:

* figures are not rendered: the kernels' IPython profile sets ``InlineBackend.figure_formats`` to
  nothing, so a figure still prints its ``<Figure size ... with N Axes>`` line, which nbval
  compares, but no PNG, which nbval never compares (rendering costs most of a variant's time);
* cells that cannot change what is compared are not run: a cell whose output nbval ignores and
  that only calls a function on literal arguments (``ask("q04_...")``, ``bptt_explorer(T=10)``:
  a widget, no name bound, nothing of the notebook read), and every cell after the last compared
  one.

The variants run side by side, as many at a time as this process may use CPUs. A variant that
cannot differ on this machine (no AVX-512 to disable) is skipped with the reason.
"""

from __future__ import annotations

import ast
import json
import os
import platform
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOISE_STARTUP = ROOT / "tests" / "portability" / "ulp_noise_startup.py"
X86 = platform.machine().lower() in ("x86_64", "amd64", "i686", "x86")

pytestmark = [pytest.mark.portability, pytest.mark.slow]


def _numpy_dispatch():
    """(dispatch targets numpy can switch off, features this CPU has), for this numpy version."""
    try:
        from numpy._core import _multiarray_umath as umath  # numpy >= 2
    except ImportError:  # pragma: no cover - numpy 1.x
        from numpy.core import _multiarray_umath as umath
    available = {name for name, present in umath.__cpu_features__.items() if present}
    return list(umath.__cpu_dispatch__), available


def _disable(prefixes):
    """``NPY_DISABLE_CPU_FEATURES`` value switching off every available target with these prefixes."""
    targets, available = _numpy_dispatch()
    names = [t for t in targets if t in available and t.startswith(prefixes)]
    return " ".join(names)


AVX512 = ("AVX512", "X86_V4")
AVX2_AND_UP = AVX512 + ("AVX2", "FMA3", "X86_V3")


def _variants():
    """name -> environment overrides (or a skip reason as a string)."""
    variants = {}
    no512, no2 = (_disable(AVX512), _disable(AVX2_AND_UP)) if X86 else ("", "")
    variants["numpy-without-avx512"] = (
        {"NPY_DISABLE_CPU_FEATURES": no512} if no512 else "this CPU (or numpy) has no AVX-512 code to disable"
    )
    variants["numpy-without-avx2"] = (
        {"NPY_DISABLE_CPU_FEATURES": no2} if no2 else "this CPU (or numpy) has no AVX2 code to disable"
    )
    # A core type every CPU of the family can run, unlike what OpenBLAS picks for a current one.
    core = "Sandybridge" if X86 else "ARMV8"
    if os.environ.get("OPENBLAS_CORETYPE", "").lower() == core.lower():
        core = "Nehalem" if X86 else "CortexA53"
    variants[f"openblas-{core.lower()}"] = {"OPENBLAS_CORETYPE": core}
    if X86 and no512:
        variants["intel-avx512-like"] = {"NPY_DISABLE_CPU_FEATURES": no512, "OPENBLAS_CORETYPE": "Haswell"}
    else:
        variants["intel-avx512-like"] = "needs an x86-64 CPU with AVX-512"
    variants["last-bit-noise"] = {"IPYTHONDIR": None, "RNNCOURSE_ULP_NOISE_SEED": "1"}
    return variants


VARIANTS = _variants()


IGNORED = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")
NO_FIGURES = "c = get_config()\nc.InlineBackend.figure_formats = set()\n"


def _profile(folder, noise):
    """An IPython folder whose kernels render no figure images (and add last-bit noise if asked)."""
    profile = Path(folder) / "ipython" / "profile_default"
    (profile / "startup").mkdir(parents=True)
    (profile / "ipython_kernel_config.py").write_text(NO_FIGURES)
    if noise:
        shutil.copy(NOISE_STARTUP, profile / "startup" / "00-last-bit-noise.py")
    return str(profile.parent)


def _compared(cell):
    """True when nbval compares this cell's stored outputs."""
    source = "".join(cell.get("source", ""))
    tags = cell.get("metadata", {}).get("tags", [])
    return (cell["cell_type"] == "code" and bool(cell.get("outputs"))
            and not any(mark in source for mark in IGNORED)
            and not {"nbval-ignore-output", "nbval-skip"} & set(tags))


def _display_only(cell):
    """True for an ignored-output cell that only calls a function on literal arguments."""
    source = "".join(cell.get("source", ""))
    if cell["cell_type"] != "code" or "NBVAL_IGNORE_OUTPUT" not in source:
        return False
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    if len(body) != 1 or not isinstance(body[0], ast.Expr) or not isinstance(body[0].value, ast.Call):
        return False
    call = body[0].value
    try:
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            ast.literal_eval(arg)
    except ValueError:
        return False
    return isinstance(call.func, ast.Name)


def trimmed(notebook):
    """The notebook without the cells that cannot change a compared output (module docstring)."""
    cells = notebook["cells"]
    last = max((i for i, c in enumerate(cells) if _compared(c)), default=-1)
    kept = [c for i, c in enumerate(cells) if i <= last and not _display_only(c)]
    return dict(notebook, cells=kept)


def _trimmed_solutions(folder):
    target = Path(folder) / "solutions"
    target.mkdir()
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        (target / path.name).write_text(json.dumps(trimmed(notebook), indent=1), encoding="utf-8")
    return target


def _run_variant(name, overrides, folder):
    env = dict(os.environ)
    env.update({k: v for k, v in overrides.items() if k != "IPYTHONDIR"})
    env["IPYTHONDIR"] = _profile(folder, noise="IPYTHONDIR" in overrides)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header",
         "-o", "addopts=", "--rootdir", str(folder), "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
         str(_trimmed_solutions(folder))],
        cwd=folder, env=env, capture_output=True, text=True, timeout=900,
    )


@pytest.fixture(scope="module")
def variant_runs(tmp_path_factory):
    """name -> a future of that variant's nbval run; they run side by side, one per usable CPU."""
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with ThreadPoolExecutor(max_workers=max(1, workers or 1)) as pool:
        yield {name: pool.submit(_run_variant, name, overrides, tmp_path_factory.mktemp(name))
               for name, overrides in VARIANTS.items() if not isinstance(overrides, str)}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_solution_outputs_hold_in_another_numeric_environment(name, variant_runs):
    overrides = VARIANTS[name]
    if isinstance(overrides, str):
        pytest.skip(overrides)
    result = variant_runs[name].result()
    tail = "\n".join(result.stdout.splitlines()[-60:])
    assert result.returncode == 0, (
        f"solution notebooks differ from their stored outputs under {name} ({overrides}):\n{tail}"
    )
    assert " passed" in tail and "failed" not in tail, tail


def test_trimming_keeps_every_compared_cell_and_drops_only_display_calls():
    """Test the trimming: every compared cell stays, in order; what goes is a literal-argument
    call with ignored output, or a cell after the last compared one."""
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        kept = trimmed({"cells": cells})["cells"]
        assert [c for c in cells if _compared(c)] == [c for c in kept if _compared(c)], path.name
        assert all(c in cells for c in kept)
    keep = {"cell_type": "code", "source": "# NBVAL_IGNORE_OUTPUT\nexplorer(T=T)", "outputs": []}
    drop = {"cell_type": "code", "source": "# NBVAL_IGNORE_OUTPUT\nask(\"q04_x\")", "outputs": []}
    bind = {"cell_type": "code", "source": "# NBVAL_IGNORE_OUTPUT\nw = ask(\"q04_x\")", "outputs": []}
    shown = {"cell_type": "code", "source": "print(1)", "outputs": [{"output_type": "stream"}]}
    after = {"cell_type": "code", "source": "x = 1", "outputs": []}
    assert trimmed({"cells": [keep, drop, bind, shown, after]})["cells"] == [keep, bind, shown]


def test_the_noise_variant_really_changes_results(tmp_path):
    """Test the tester: the last-bit noise must move a training run's last digits."""
    code = (
        "import numpy as np\n"
        "from rnncourse.nn import MLP\n"
        "from rnncourse.data import spirals\n"
        "X, y = spirals(100, seed=0)\n"
        "m = MLP((2, 16, 3), activation='tanh', seed=0)\n"
        "for _ in range(200):\n"
        "    loss, grads = m.loss(X, y)\n"
        "    for k in m.params: m.params[k] -= 1.0 * grads[k]\n"
        "print(repr(float(m.loss(X, y)[0])))\n"
    )
    noisy = f"__name__ = '__main__'\nexec(open({str(NOISE_STARTUP)!r}).read())\n" + code
    plain_out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    noisy_out = subprocess.run([sys.executable, "-c", noisy], capture_output=True, text=True, check=True)
    assert plain_out.stdout != noisy_out.stdout
    assert abs(float(plain_out.stdout) - float(noisy_out.stdout)) < 1e-6  # noise, not a different run


def test_the_noise_profile_is_active_in_an_ipython_kernel_start(tmp_path):
    """The variant's IPYTHONDIR really installs the noise before user code runs."""
    env = dict(os.environ, IPYTHONDIR=_profile(tmp_path, noise=True))
    out = subprocess.run(
        [sys.executable, "-m", "IPython", "-c",
         "import numpy as np; print(getattr(np.tanh, '__wrapped__', None) is not None)"],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    )
    assert out.stdout.strip().splitlines()[-1] == "True", out.stdout + out.stderr
