"""Detect answers that call the course's own reference implementation.

The library a student imports contains the answer to every exercise (``rnncourse.rnn.rnn_backward``
and friends), so an answer like ``def rnn_backward(dh, cache): return r.rnn_backward(dh, cache)``
would pass every test. :func:`static_flags` reads the notebook's code (never running it) and
flags an exercise whose function, or any notebook function it uses, refers to a reference of
that exercise through

- ``from rnncourse.rnn import rnn_backward [as z]`` / ``from rnncourse.rnn.core import *``,
- ``import rnncourse.rnn as r`` + ``r.rnn_backward``, ``import rnncourse`` + ``rnncourse.rnn.rnn_backward``,
- ``z = rnncourse.rnn.rnn_backward`` at the top level, ``getattr(module, "rnn_backward")``,
  ``importlib.import_module("rnncourse.rnn")``;
- or whose name is simply bound to the reference (``rnn_backward = rnncourse.rnn.rnn_backward``).

Names resolve against modules the grader already imported (``sys.modules``), never by importing
anything new. The runtime report of the harness adds what static reading misses (string tricks,
``eval``), but a determined student can still hide a call; see docs/grading.md.

"Reference" means what the exercise declares (:meth:`~rnncourse.checks.engine.Exercise.reference_names`):
its own reference plus library functions that compute the same thing (e.g. ``rnn_backward_fast``
and ``rnn_backward_truncated`` for ``rnn_backward``). Using other library functions is allowed.
"""

from __future__ import annotations

import ast
import sys

from rnncourse.checks.catalogue import EXERCISES
from rnncourse.checks.engine.function import load_function


def forbidden_functions(exercise_id):
    """The function objects an answer to ``exercise_id`` must not call (``[]`` for a question)."""
    return [load_function(n) for n in EXERCISES[exercise_id].reference_names()]


def describe_function(fn):
    module = getattr(fn, "__module__", "?")
    public = module.rsplit(".", 1)[0] if module.endswith((".core",)) else module
    return f"{public}.{getattr(fn, '__name__', '?')}"


# ----------------------------------------------------------------------------- bindings
class _Def:
    """A function (or lambda/class) defined in the notebook."""

    def __init__(self, node):
        self.node = node


def _module_object(name):
    """An already imported module, or None (we never import new code while grading)."""
    if name == "rnncourse" or name.startswith("rnncourse."):
        return sys.modules.get(name)
    return None


def _bind_import(node, scope):
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                scope[alias.asname] = _module_object(alias.name)
            else:
                top = alias.name.split(".")[0]
                scope[top] = _module_object(top)
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        module = _module_object(node.module)
        for alias in node.names:
            if alias.name == "*":
                if module is not None:
                    public = getattr(module, "__all__", None) or [
                        n for n in vars(module) if not n.startswith("_")]
                    for n in public:
                        scope[n] = getattr(module, n, None)
                continue
            value = None
            if module is not None:
                value = getattr(module, alias.name, None)
                if value is None:
                    value = _module_object(f"{node.module}.{alias.name}")
            scope[alias.asname or alias.name] = value


def _bind_statements(statements, scope):
    """Record what each top-level name is bound to after ``statements`` run, in order."""
    for node in statements:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            _bind_import(node, scope)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope[node.name] = _Def(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = _Def(node.value) if isinstance(node.value, ast.Lambda) else \
                _resolve(node.value, [scope])
            for target in targets:
                if isinstance(target, ast.Name):
                    scope[target.id] = value
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for field in ("body", "orelse", "finalbody"):
                _bind_statements(getattr(node, field, []) or [], scope)
            for handler in getattr(node, "handlers", []) or []:
                _bind_statements(handler.body, scope)


def _lookup(name, scopes):
    for scope in scopes:
        if name in scope:
            return scope[name]
    return None


def _resolve(node, scopes):
    """The object an expression names, when it is built from imports and attributes; else None."""
    if isinstance(node, ast.Name):
        return _lookup(node.id, scopes)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, scopes)
        return _attribute(base, node.attr)
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        fname = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else None)
        first = node.args[0]
        if fname in ("import_module", "__import__") and isinstance(first, ast.Constant) \
                and isinstance(first.value, str):
            return _module_object(first.value)
        if fname == "getattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                and isinstance(node.args[1].value, str):
            return _attribute(_resolve(first, scopes), node.args[1].value)
    return None


def _attribute(base, attr):
    if base is None or isinstance(base, _Def):
        return None
    if isinstance(base, type(sys)):
        value = getattr(base, attr, None)
        if value is None:
            value = _module_object(f"{base.__name__}.{attr}")
        return value
    return None


# ----------------------------------------------------------------------------- the check
def parse_notebook_code(notebook):
    """The notebook's code cells as one list of top-level statements (magics translated; cells
    that still do not parse are skipped: they fail in the kernel too)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        transform = TransformerManager().transform_cell
    except Exception:  # pragma: no cover - IPython is a dependency of ipykernel
        transform = None
    statements = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        try:
            code = transform(source) if transform else source
            statements.extend(ast.parse(code).body)
        except Exception:
            continue
    return statements


def _uses(node, scopes, forbidden, seen):
    """The first forbidden object that the code of ``node`` refers to (following notebook functions)."""
    if id(node) in seen:
        return None
    seen.add(id(node))
    local = {}
    body = node.body if isinstance(getattr(node, "body", None), list) else []
    _bind_statements(body, local)
    scopes = [local] + scopes
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Name, ast.Attribute, ast.Call)):
            value = _resolve(sub, scopes)
            if value is None:
                continue
            if isinstance(value, _Def):
                if value.node is not node:
                    found = _uses(value.node, scopes[1:], forbidden, seen)
                    if found is not None:
                        return found
                continue
            for fn in forbidden:
                if value is fn:
                    return fn
    return None


def static_flags(notebook, functions):
    """Which exercises' functions refer to their reference implementation.

    Parameters
    ----------
    notebook : dict, a parsed nbformat-4 notebook
    functions : dict exercise id -> the name of the student's function

    Returns
    -------
    dict exercise id -> reason (only the flagged exercises)
    """
    forbidden_by_id = {ex_id: forbidden_functions(ex_id) for ex_id in functions}  # imports first
    statements = parse_notebook_code(notebook)
    scope = {}
    _bind_statements(statements, scope)
    flags = {}
    for exercise_id, fn_name in functions.items():
        forbidden = forbidden_by_id[exercise_id]
        bound = scope.get(fn_name)
        hit = None
        if any(bound is fn for fn in forbidden):
            hit = bound
            how = f"{fn_name} is the course's own {describe_function(hit)}"
        elif isinstance(bound, _Def):
            hit = _uses(bound.node, [scope], forbidden, set())
            how = f"{fn_name} calls the course's reference {describe_function(hit)}" if hit else ""
        if hit is not None:
            flags[exercise_id] = how
    return flags
