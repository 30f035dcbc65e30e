"""``rnncourse export gradescope``: the zip of a Gradescope "programming assignment" autograder.

Gradescope builds a Docker image from the zip once (it runs ``setup.sh`` as root, with network),
then starts a fresh container from it for every submission and runs ``run_autograder`` there
(see :mod:`rnncourse.grading.platforms.gradescope_autograder` for what that does). The zip holds, at its root:

- ``setup.sh``: installs Python, pip, venv and bubblewrap from Ubuntu's packages, makes a virtual
  environment at :data:`VENV` and installs the course into it from the wheel beside it
  (dependencies from PyPI), then checks the installed version;
- ``run_autograder``: a few lines of shell that call
  ``python3 -m rnncourse.grading.platforms.gradescope_autograder`` for the exported lesson, with
  the time and memory limits given at export, and write a ``results.json`` themselves should
  Python not even start;
- ``rnncourse-<version>-py3-none-any.whl``: the course as installed here
  (:mod:`rnncourse.grading.platforms.course_wheel`), so the autograder grades with exactly this version.

The scripts were written for Gradescope's default base image, Ubuntu 22.04, whose Python is 3.10
(the course needs 3.10 or later).
"""

from __future__ import annotations

import io
import shlex
import zipfile
from pathlib import Path

import rnncourse
from rnncourse._files import write_atomic
from rnncourse.checks import graded_for_lesson
from rnncourse.grading.judging.results import points_number
from rnncourse.grading.load.course_file import DEFAULT_COURSE, load_course
from rnncourse.grading.load.submissions import resolve_lesson
from rnncourse.grading.platforms.course_wheel import FIXED_TIME, build_wheel
from rnncourse.grading.platforms.gradescope_autograder import ROOT_ENV

COURSE_MEMBER = "grading.toml"
"""The course file's name in the zip (and so in ``/autograder/source/``)."""
VENV = "/opt/rnncourse-venv"
BASE_IMAGE = "Ubuntu 22.04 (Python 3.10)"
PYTHON_ENV = "RNNCOURSE_PYTHON"

SETUP_SH = """#!/usr/bin/env bash
# Gradescope autograder setup: rnncourse {version}, lesson {lesson}.
# Written by `rnncourse export gradescope` for Gradescope's default base image,
# {base_image}; rnncourse needs Python {requires_python}.
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
here="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {{
    echo "rnncourse needs Python 3.10 or later; this image has $(python3 --version)." >&2
    echo "Choose the Ubuntu 22.04 base image in the autograder settings." >&2
    exit 1
}}
python3 -m venv {venv}
{venv}/bin/python -m pip install --upgrade pip
# the course exactly as exported (the wheel in this zip); its dependencies come from PyPI
{venv}/bin/python -m pip install "$here/{wheel}"
# kernels may run as an unprivileged user, who must be able to read the environment
chmod -R a+rX {venv}
{venv}/bin/python -c 'import rnncourse, sys; sys.exit(rnncourse.__version__ != "{version}")' || {{
    echo "rnncourse {version} did not install" >&2
    exit 1
}}
echo "rnncourse {version} installed in {venv}"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade the notebook in submission/ as lesson
# {lesson} and write results/results.json (rnncourse {version}).
# {root_env} moves the root (default /autograder); {python_env} names the interpreter
# (default: python3 from PATH, after the environment setup.sh made).
root="${{{root_env}:-/autograder}}"
export PATH="{venv}/bin:$PATH"
"${{{python_env}:-python3}}" -m rnncourse.grading.platforms.gradescope_autograder {arguments}{course_argument}
status=$?
if [ "$status" -ne 0 ] && [ ! -f "$root/results/results.json" ]; then
    mkdir -p "$root/results"
    printf '%s\\n' '{fallback}' > "$root/results/results.json"
fi
exit 0
"""

FALLBACK_JSON = ('{{"score": 0, "output": "The autograder could not start (rnncourse {version}, '
                 'lesson {lesson}); please tell your instructor.", "tests": []}}')


def setup_script(lesson, wheel):
    """The text of ``setup.sh`` for ``lesson`` (a stem) and the wheel file name."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        requires_python = metadata("rnncourse").get("Requires-Python") or ">=3.10"
    except PackageNotFoundError:
        requires_python = ">=3.10"
    return SETUP_SH.format(version=rnncourse.__version__, lesson=lesson, base_image=BASE_IMAGE,
                           requires_python=requires_python, venv=VENV, wheel=wheel)


def run_script(lesson, timeout, memory_mb, course=False):
    """The text of ``run_autograder`` for ``lesson`` with these limits; with ``course``, it
    grades with the course file the zip carries (``source/grading.toml``)."""
    arguments = " ".join(shlex.quote(a) for a in (
        "--lesson", lesson, "--timeout", f"{float(timeout):g}", "--memory", str(int(memory_mb))))
    fallback = FALLBACK_JSON.format(version=rnncourse.__version__, lesson=lesson)
    return RUN_AUTOGRADER.format(lesson=lesson, version=rnncourse.__version__, root_env=ROOT_ENV,
                                 python_env=PYTHON_ENV, venv=VENV, arguments=arguments,
                                 course_argument=(f' --course "$root/source/{COURSE_MEMBER}"'
                                                  if course else ""),
                                 fallback=fallback)


def _add(archive, name, data, mode):
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100000 | mode) << 16
    archive.writestr(info, data)


def autograder_zip(lesson, timeout=300.0, memory_mb=2048, course_bytes=None):
    """The autograder zip for ``lesson`` as bytes; ``course_bytes``, the content of a course
    file (already validated), is shipped as ``grading.toml`` and used by ``run_autograder``.

    Raises
    ------
    ValueError
        for an unknown lesson (listing the known ones) or a lesson with nothing graded.
    """
    stem = resolve_lesson(lesson)
    if not graded_for_lesson(stem):
        raise ValueError(f"lesson {stem!r} has no exercises or questions to grade")
    wheel, wheel_bytes = build_wheel()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _add(archive, "setup.sh", setup_script(stem, wheel), 0o755)
        _add(archive, "run_autograder",
             run_script(stem, timeout, memory_mb, course=course_bytes is not None), 0o755)
        _add(archive, wheel, wheel_bytes, 0o644)
        if course_bytes is not None:
            _add(archive, COURSE_MEMBER, course_bytes, 0o644)
    return buffer.getvalue()


def export_autograder(lesson, out, timeout=300.0, memory_mb=2048, force=False, course=None):
    """Write the autograder zip for ``lesson`` to ``out`` (a temporary file renamed into place).

    ``course`` is the path of a course file (:mod:`rnncourse.grading.load.course_file`), validated here
    and shipped in the zip, so Gradescope scores with its points and partial credit; None
    ships none (the catalogue's points, all or nothing).

    Returns
    -------
    dict with ``path``, ``lesson`` (its stem), ``bytes`` (the zip's size) and ``points``

    Raises
    ------
    ValueError
        for an unknown lesson, or a lesson with nothing graded;
        :class:`~rnncourse.grading.load.course_file.CourseFileError` for a course file that is not valid.
    FileExistsError
        when ``out`` exists and ``force`` is False.
    """
    out = Path(out)
    if out.exists() and not force:
        raise FileExistsError(f"{str(out)!r} exists; pass --force to replace it")
    stem = resolve_lesson(lesson)
    settings, course_bytes = DEFAULT_COURSE, None
    if course is not None:
        settings = load_course(course)
        course_bytes = Path(course).read_bytes()
    data = autograder_zip(stem, timeout, memory_mb, course_bytes)
    write_atomic(out, data, mode=0o644)
    points = points_number(sum(settings.worth(stem, ex) for ex in graded_for_lesson(stem)))
    return {"path": str(out), "lesson": stem, "bytes": len(data), "points": points,
            "course": settings.path}


__all__ = ["COURSE_MEMBER", "autograder_zip", "export_autograder", "setup_script", "run_script", "VENV",
           "BASE_IMAGE", "PYTHON_ENV"]
