"""``rnncourse doctor``: check that this machine can run the course, and say what to fix.

One line per check, ``OK`` or ``PROBLEM`` with the fix; exit code 0 when everything is fine.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rnncourse.authoring.layout import CourseFolderNotFound, course_root, find_lessons_dir

MIN_PYTHON = (3, 10)
PACKAGES = ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "nbformat", "nbclient", "ipykernel")
KERNEL_TIMEOUT = 30
WIDGET_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
REINSTALL = 'pip install -e . (in the course folder)'


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: what was found and, when not ok, what to do."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True  # False: only some users need it (a NOTE, not a problem)

    def line(self) -> str:
        """``OK       name: detail``, ``PROBLEM  name: detail -> fix: ...``, or ``NOTE ...`` for a
        check that only some users need (the grading sandbox: instructors who grade)."""
        if self.ok:
            return f"OK       {self.name}: {self.detail}"
        return f"{'PROBLEM ' if self.required else 'NOTE    '} {self.name}: {self.detail} -> fix: {self.fix}"


def _version_tuple(text):
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def minimum_versions() -> dict[str, str]:
    """``{package: minimum version}`` from rnncourse's own declared dependencies (pyproject)."""
    found: dict[str, str] = {}
    try:
        requirements = importlib.metadata.requires("rnncourse") or []
    except importlib.metadata.PackageNotFoundError:
        return found
    for requirement in requirements:
        if "extra ==" in requirement:
            continue
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*>=\s*([0-9][0-9.]*)", requirement)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def check_python() -> CheckResult:
    version = ".".join(map(str, sys.version_info[:3]))
    wanted = ".".join(map(str, MIN_PYTHON))
    if sys.version_info[:2] >= MIN_PYTHON:
        return CheckResult("python", True, f"{version} ({sys.executable})")
    return CheckResult("python", False, f"{version} is too old, the course needs >= {wanted}",
                       f"install Python {wanted} or newer and reinstall the course: {REINSTALL}")


def check_package(name: str, minimum: str | None = None) -> CheckResult:
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return CheckResult(name, False, "not installed", f"pip install {name} (or {REINSTALL})")
    if minimum and _version_tuple(version) < _version_tuple(minimum):
        return CheckResult(name, False, f"{version} is older than the {minimum} the course needs",
                           f'pip install --upgrade "{name}>={minimum}"')
    needs = f" (needs >= {minimum})" if minimum else ""
    return CheckResult(name, True, f"{version}{needs}")


def check_kernel(timeout: float = KERNEL_TIMEOUT) -> CheckResult:
    """Start the ``python3`` kernel JupyterLab would start, run ``1+1``, and import rnncourse in it."""
    name = "python3 kernel"
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError as exc:
        return CheckResult(name, False, f"cannot load the notebook runner ({exc})", REINSTALL)
    code = "import sys\nprint(sys.prefix)\nimport rnncourse\n1+1"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    try:
        with tempfile.TemporaryDirectory() as folder:  # not the course folder: import must be real
            client = NotebookClient(nb, kernel_name="python3", timeout=timeout, startup_timeout=timeout,
                                    allow_errors=True, resources={"metadata": {"path": folder}})
            client.execute(stderr=subprocess.DEVNULL)  # ipykernel's start-up warnings are noise here
    except Exception as exc:  # any failure to start or talk to the kernel is the finding
        return CheckResult(name, False, f"did not start or answer within {timeout} s ({type(exc).__name__}: {exc})",
                           "python -m ipykernel install --sys-prefix, then run rnncourse doctor again")
    outputs = nb.cells[0].outputs
    errors = [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stdout")
    prefix = printed.strip().splitlines()[0] if printed.strip() else "?"
    if errors:
        return CheckResult(name, False, f"runs in {prefix}, where `import rnncourse` fails "
                           f"({errors[0].ename}: {errors[0].evalue})",
                           f"make the kernel use this environment ({sys.prefix}): "
                           "python -m ipykernel install --sys-prefix; "
                           "or run pip install -e . in the kernel's environment")
    results = [o for o in outputs if o.output_type == "execute_result"]
    if not results or results[0].data.get("text/plain") != "2":
        return CheckResult(name, False, "started but did not answer 2 to 1+1",
                           "python -m ipykernel install --sys-prefix, then run rnncourse doctor again")
    return CheckResult(name, True, f"starts and runs 1+1 = 2 (in {prefix})")


def check_widgets() -> CheckResult:
    name = "widgets in JupyterLab"
    if importlib.util.find_spec("jupyterlab_widgets") is None:
        return CheckResult(name, False, "jupyterlab_widgets (the widget extension) is not installed",
                           'pip install "ipywidgets>=8" (it brings jupyterlab_widgets)')
    try:
        from jupyter_core.paths import jupyter_path

        folders = [Path(p) / WIDGET_EXTENSION for p in jupyter_path("labextensions")]
    except ImportError:
        folders = [Path(sys.prefix, "share", "jupyter", "labextensions", WIDGET_EXTENSION)]
    found = next((f for f in folders if f.is_dir()), None)
    if found is None:
        return CheckResult(name, False, f"jupyterlab_widgets is installed but JupyterLab cannot see {WIDGET_EXTENSION}",
                           'pip install --force-reinstall "jupyterlab_widgets>=3" in this environment')
    version = importlib.metadata.version("jupyterlab_widgets")
    return CheckResult(name, True, f"jupyterlab_widgets {version} ({found})")


def check_lessons() -> CheckResult:
    name = "lessons"
    try:
        folder = find_lessons_dir()
    except CourseFolderNotFound:
        return CheckResult(name, False, f"no lessons/ folder next to the package, at {course_root() / 'lessons'}",
                           "install the course from its repository: run pip install -e . in the repository folder")
    count = len(list(folder.glob("*.ipynb")))
    if count == 0:
        return CheckResult(name, False, f"{folder} has no notebooks",
                           "update your copy of the course (git pull); lesson writers run rnncourse release")
    return CheckResult(name, True, f"{count} notebooks in {folder}")


def check_grading_sandbox() -> CheckResult:
    """Whether ``rnncourse grade`` can run student kernels in its bubblewrap sandbox here."""
    name = "grading sandbox"
    try:
        from rnncourse.grading.sandbox.bubblewrap import SandboxUnavailable, probe
    except ImportError as exc:
        return CheckResult(name, False, f"the grader cannot be loaded ({exc})", REINSTALL)
    try:
        launcher = probe()
    except SandboxUnavailable as exc:
        return CheckResult(name, False, f"rnncourse grade cannot sandbox student code: {exc.reason} "
                           "(only instructors who grade need this)", exc.fix, required=False)
    return CheckResult(name, True, f"bubblewrap works ({launcher.bwrap}); {launcher.description}")


def all_checks() -> list[CheckResult]:
    """Run every check, in order, and return the list of :class:`CheckResult`."""
    minimums = minimum_versions()
    results = [check_python()]
    results += [check_package(name, minimums.get(name)) for name in PACKAGES]
    results += [check_kernel(), check_widgets(), check_lessons(), check_grading_sandbox()]
    return results


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check Python, packages, the kernel, widgets, lessons and the grading sandbox; say what to fix",
        description=(
            "Check that this machine can run the course: Python version, package versions, that a "
            "python3 kernel starts and runs code, that the JupyterLab widget extension is installed "
            "and that the lessons are found, and whether the grader's bubblewrap sandbox works here. "
            "Prints one line per check; exit code 1 if any check the course needs failed (the "
            "grading sandbox, which only instructors who grade need, is a NOTE, not a failure)."
        ),
    )
    parser.add_argument("--hub", action="store_true",
                        help="also check what the workshop hub needs (rnncourse hub start): JupyterHub, "
                             "configurable-http-proxy, Node.js, root, and a Python learners can run")
    parser.set_defaults(run=run, parser=parser)
    return parser


def hub_checks() -> list[CheckResult]:
    """What ``rnncourse hub start`` needs, as :class:`CheckResult` lines (see rnncourse.hub.requirements)."""
    from rnncourse.hub.requirements import all_requirements

    try:
        lessons = find_lessons_dir()
    except CourseFolderNotFound:
        lessons = None
    return [CheckResult(f"hub: {r.name}", r.ok, r.detail, r.fix) for r in all_requirements(lessons)]


def run(args: argparse.Namespace) -> int:
    """Carry out ``rnncourse doctor``; returns 0 when every check is OK, else 1."""
    results = all_checks() + (hub_checks() if getattr(args, "hub", False) else [])
    for result in results:
        print(result.line())
    problems = sum(not r.ok and r.required for r in results)
    if problems:
        print(f"{problems} problem(s) found: fix them in the order shown, then run rnncourse doctor again.")
        return 1
    if getattr(args, "hub", False):
        print("Everything is ready: start the workshop hub with rnncourse hub start (docs/workshop.md).")
    else:
        print("Everything is ready: start the course with rnncourse lab.")
    return 0
