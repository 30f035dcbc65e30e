"""A wheel of the installed course package, built offline (no build backend, no network).

An exported autograder (:mod:`rnncourse.grading.platforms.gradescope_export`) carries the course as a
wheel, so the grading container installs exactly the version that exported it, whether or not
that version is on a package index. :func:`build_wheel` writes it from what is installed here:

- every file of the ``rnncourse`` package folder (``__pycache__`` and ``*.pyc`` left out),
  with fixed timestamps and modes, so the same tree gives the same bytes;
- ``rnncourse-<version>.dist-info/`` with ``METADATA`` (name, version, summary,
  ``Requires-Python``, ``Provides-Extra`` and ``Requires-Dist``, copied from the installed
  distribution's metadata, so pip fetches the same dependencies), ``WHEEL`` (pure Python,
  ``py3-none-any``), ``entry_points.txt`` (the ``rnncourse`` command) and ``RECORD`` (the
  SHA-256 and size of every file, as pip checks them).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import zipfile
from pathlib import Path

import rnncourse

DIST_NAME = "rnncourse"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)
"""Timestamp of every member (zip has no time zone; any fixed date gives reproducible bytes)."""


def wheel_name(version=None):
    """``rnncourse-<version>-py3-none-any.whl``."""
    return f"{DIST_NAME}-{version or rnncourse.__version__}-py3-none-any.whl"


def package_files(package_dir=None):
    """``[(archive name, path)]`` of the package's files, sorted (no caches, no hidden files)."""
    package_dir = Path(package_dir or Path(rnncourse.__file__).resolve().parent)
    found = []
    for path in sorted(package_dir.rglob("*")):
        relative = path.relative_to(package_dir)
        if any(part == "__pycache__" or part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix not in (".pyc", ".pyo"):
            found.append((f"{DIST_NAME}/{relative.as_posix()}", path))
    return found


def metadata_text(distribution):
    """The ``METADATA`` file (core metadata 2.1) from an installed distribution's metadata."""
    meta = distribution.metadata
    lines = ["Metadata-Version: 2.1", f"Name: {DIST_NAME}", f"Version: {rnncourse.__version__}"]
    if meta.get("Summary"):
        lines.append(f"Summary: {meta['Summary']}")
    if meta.get("Requires-Python"):
        lines.append(f"Requires-Python: {meta['Requires-Python']}")
    lines += [f"Provides-Extra: {extra}" for extra in meta.get_all("Provides-Extra") or []]
    lines += [f"Requires-Dist: {req}" for req in distribution.requires or []]
    return "\n".join(lines) + "\n"


def entry_points_text(distribution):
    """``entry_points.txt``: the installed distribution's console scripts."""
    scripts = [ep for ep in distribution.entry_points if ep.group == "console_scripts"]
    if not scripts:
        return ""
    return "[console_scripts]\n" + "".join(f"{ep.name} = {ep.value}\n" for ep in scripts)


def _record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def _add(archive, name, data, mode=0o644):
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100000 | mode) << 16
    archive.writestr(info, data)


def build_wheel(package_dir=None, distribution=None):
    """The wheel of the installed course, as bytes.

    Parameters
    ----------
    package_dir : path of the ``rnncourse`` package folder (default: the one imported)
    distribution : importlib.metadata.Distribution (default: the installed ``rnncourse``)

    Returns
    -------
    (str, bytes) : the wheel's file name and its content

    Raises
    ------
    RuntimeError
        when ``rnncourse`` is imported but not installed as a distribution (no metadata to
        copy its dependencies from), or the installed metadata is of another version.
    """
    if distribution is None:
        try:
            distribution = importlib.metadata.distribution(DIST_NAME)
        except importlib.metadata.PackageNotFoundError:
            raise RuntimeError("rnncourse is imported but not installed (no package metadata); "
                               "install it with pip install -e . in the course checkout") from None
    if distribution.version != rnncourse.__version__:
        raise RuntimeError(f"the installed rnncourse metadata says version {distribution.version} "
                           f"but the imported package is {rnncourse.__version__}; reinstall the "
                           "course (pip install -e .) and export again")
    info_dir = f"{DIST_NAME}-{rnncourse.__version__}.dist-info"
    members = [(name, path.read_bytes()) for name, path in package_files(package_dir)]
    members.append((f"{info_dir}/METADATA", metadata_text(distribution).encode()))
    members.append((f"{info_dir}/WHEEL", (
        "Wheel-Version: 1.0\n"
        f"Generator: rnncourse export ({rnncourse.__version__})\n"
        "Root-Is-Purelib: true\n"
        "Tag: py3-none-any\n").encode()))
    entry_points = entry_points_text(distribution)
    if entry_points:
        members.append((f"{info_dir}/entry_points.txt", entry_points.encode()))
    record = [f"{name},{_record_hash(data)},{len(data)}" for name, data in members]
    record.append(f"{info_dir}/RECORD,,")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            _add(archive, name, data)
        _add(archive, f"{info_dir}/RECORD", ("\n".join(record) + "\n").encode())
    return wheel_name(), buffer.getvalue()


__all__ = ["build_wheel", "wheel_name", "package_files", "metadata_text", "entry_points_text"]
