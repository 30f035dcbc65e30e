"""A private install of the course package, so a batch grades a copy nobody edits meanwhile."""

from __future__ import annotations

import compileall
import shutil
import site
import subprocess
import venv
from pathlib import Path

import rnncourse

PACKAGE = Path(rnncourse.__file__).resolve().parent


def make_private_course(root):
    """A Python interpreter (path) that imports a private copy of ``rnncourse`` under ``root``."""
    root = Path(root)
    copy = root / "course"
    shutil.copytree(PACKAGE, copy / "rnncourse",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # byte-compiled once, as an installed package is: the kernels run with PYTHONDONTWRITEBYTECODE
    # and would otherwise compile every course module they import, in every submission
    compileall.compile_dir(copy / "rnncourse", quiet=1)
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    target = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    # the copy first, then this environment's packages (numpy, ipykernel, ...) as plain paths:
    # their .pth files, including the editable install of the working tree, are not run
    lines = [str(copy)] + [p for p in site.getsitepackages() if Path(p).is_dir()]
    Path(target, "_rnncourse_private.pth").write_text("\n".join(lines) + "\n")
    return python
