"""Every public function of the pinned interface's modules, ``check`` and the command line
carries type hints (mypy checks them in CI: pyproject.toml's ``[tool.mypy]`` names the files)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, as a package
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]


def _typed_files():
    files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    for entry in files:
        path = ROOT / entry
        yield from (sorted(path.rglob("*.py")) if path.is_dir() else [path])


def _public_functions(tree):
    """(qualified name, node) of module-level functions and methods of public classes."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                        not item.name.startswith("_") or item.name == "__init__"):
                    yield f"{node.name}.{item.name}", item


def _missing(fn):
    args = fn.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    missing = [p.arg for p in params if p is not None and p.annotation is None
               and p.arg not in ("self", "cls")]
    if fn.returns is None:
        missing.append("return")
    return missing


def test_the_mypy_files_exist_and_include_the_pinned_modules():
    names = {p.relative_to(ROOT).as_posix() for p in _typed_files()}
    for module in ("rnncourse/nn.py", "rnncourse/gradcheck.py", "rnncourse/optim.py",
                   "rnncourse/rnn/core.py", "rnncourse/rnn/lstm.py", "rnncourse/graph/toposort.py",
                   "rnncourse/checks/checking.py", "rnncourse/grading/batch/run.py",
                   "rnncourse/cli/__init__.py"):
        assert module in names, f"{module} is not in [tool.mypy] files"


@pytest.mark.parametrize("path", list(_typed_files()), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_public_function_has_type_hints(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    untyped = {name: _missing(fn) for name, fn in _public_functions(tree) if _missing(fn)}
    assert not untyped, (f"{path.relative_to(ROOT)}: add type hints to {untyped} "
                         "(parameter names, or 'return' for the return type)")
