"""The package's import structure, read with :mod:`ast` (nothing is imported to check it).

- no import circle between modules of ``rnncourse`` (imports inside functions count too);
- the checks and the library import nothing from the grader, the command line or the workshop hub;
- ``rnncourse.grading``'s subpackages are its phases, each importing only from those before it;
- no two modules share a name.

A test of the tester builds module trees with a circle (one through an import inside a function,
as a lazy import hides one) and proves each rule fails on them.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

import rnncourse

PACKAGE = Path(rnncourse.__file__).resolve().parent

GRADING_PHASES = ("load", "sandbox", "judging", "records", "reports", "batch", "platforms")
"""``rnncourse.grading``'s subpackages in import order: each may import only from those before it."""

BELOW_THE_GRADER = ("checks", "nn", "rnn", "graph", "gradcheck", "optim", "data")
ABOVE_THEM = ("grading", "cli", "hub")

NAMES_MIRRORING_THE_LIBRARY = "checks.catalogue"
"""The exercise catalogue's modules are named after the library module whose exercises they hold
(``checks.catalogue.nn`` holds the exercises of ``nn``), as tests are named after what they test."""


def module_files(root: Path) -> dict[str, Path]:
    """``{dotted module name: file}`` for every module of the package folder ``root``."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``module`` (source at ``path``) imports, anywhere in its code.

    ``from package import name`` counts as importing ``package.name`` when that is a module, else
    ``package``; the parent packages Python runs on the way are not counted.
    """
    found = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
    return {name for name in found if name in known and name != module}


def import_graph(root: Path) -> dict[str, set[str]]:
    """``{module: the package's modules it imports}`` for the package folder ``root``."""
    files = module_files(root)
    return {name: imports_of(name, path, set(files)) for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` as ``[a, b, ..., a]``, or None when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """``"a -> b"`` for each import from the checks or the library into the grader, CLI or hub."""
    return [f"{m} -> {d}" for m in sorted(graph) for d in sorted(graph[m])
            if _top(m) in BELOW_THE_GRADER and _top(d) in ABOVE_THEM]


def phase_violations(graph: dict[str, set[str]], package: str) -> list[str]:
    """Imports between the subpackages of ``package`` that do not point to an earlier phase, and
    modules of ``package`` that sit in no phase."""
    def phase(module):
        rest = module[len(package) + 1:].split(".") if module.startswith(package + ".") else None
        return rest[0] if rest else None

    found = []
    for module in sorted(graph):
        own = phase(module)
        if own is None:
            continue
        if own not in GRADING_PHASES:
            found.append(f"{module} is in no phase of {package} ({', '.join(GRADING_PHASES)})")
            continue
        for dep in sorted(graph[module]):
            if dep == package:
                found.append(f"{module} -> {dep} (the package's public face, above every phase)")
            elif phase(dep) in GRADING_PHASES and (GRADING_PHASES.index(phase(dep))
                                                    > GRADING_PHASES.index(own)):
                found.append(f"{module} -> {dep} ({own} imports the later phase {phase(dep)})")
    return found


def shared_names(modules: list[str]) -> dict[str, list[str]]:
    """``{name: modules}`` for each last name used by more than one module (or package).

    A module of :data:`NAMES_MIRRORING_THE_LIBRARY` may share the name of the library module whose
    exercises it holds (and only that name). ``__main__`` is Python's name for what
    ``python -m package`` runs, so every package may have one.
    """
    def counted(module):
        name = module.rsplit(".", 1)[-1]
        if name == "__main__":
            return False
        mirror = module.startswith(f"rnncourse.{NAMES_MIRRORING_THE_LIBRARY}.")
        return not (mirror and any(m.rsplit(".", 1)[-1] == name and _top(m) in BELOW_THE_GRADER
                                   and not m.startswith("rnncourse.checks") for m in modules))

    names = Counter(m.rsplit(".", 1)[-1] for m in modules if "." in m and counted(m))
    return {name: sorted(m for m in modules if m.rsplit(".", 1)[-1] == name and counted(m))
            for name, n in names.items() if n > 1}


GRAPH = import_graph(PACKAGE)


def test_the_graph_is_read_from_the_real_package():
    assert "rnncourse.grading.batch.run" in GRAPH["rnncourse.grading"]
    assert "rnncourse.checks.engine.answers" in GRAPH["rnncourse.checks.autograder"]  # in a function
    assert "rnncourse.graph.toposort" in GRAPH["rnncourse.graph"]  # relative or absolute


def test_no_import_circle_in_the_package():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_the_checks_and_the_library_import_nothing_from_the_grader_cli_or_hub():
    assert upward_imports(GRAPH) == []


def test_grading_subpackages_are_its_phases_and_import_only_earlier_ones():
    present = {m.split(".")[2] for m in GRAPH if m.startswith("rnncourse.grading.")}
    assert present == set(GRADING_PHASES)
    assert phase_violations(GRAPH, "rnncourse.grading") == []


def test_no_two_modules_share_a_name():
    assert shared_names(sorted(GRAPH)) == {}


# ------------------------------------------------------------------- the rules fail when broken

def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root / "rnncourse"


def test_find_cycle_on_synthetic_graphs():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None  # a diamond is no circle
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"x": {"a"}, "a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]


def test_a_circle_through_an_import_inside_a_function_is_found(tmp_path):
    """As bubblewrap -> launchers -> bubblewrap once was: a lazy import still closes a circle."""
    root = _tree(tmp_path, {
        "rnncourse/__init__.py": "",
        "rnncourse/grading/__init__.py": "",
        "rnncourse/grading/sandbox/__init__.py": "",
        "rnncourse/grading/sandbox/launchers.py": (
            "from rnncourse.grading.sandbox import containment\n"
            "def choose():\n    from rnncourse.grading.sandbox import bubblewrap\n"),
        "rnncourse/grading/sandbox/containment.py": "",
        "rnncourse/grading/sandbox/bubblewrap.py": "from .launchers import choose\n",
    })
    graph = import_graph(root)
    assert graph["rnncourse.grading.sandbox.launchers"] == {
        "rnncourse.grading.sandbox.containment", "rnncourse.grading.sandbox.bubblewrap"}
    assert find_cycle(graph) == ["rnncourse.grading.sandbox.bubblewrap",
                                 "rnncourse.grading.sandbox.launchers",
                                 "rnncourse.grading.sandbox.bubblewrap"]


def test_an_upward_import_and_a_phase_out_of_order_are_found(tmp_path):
    root = _tree(tmp_path, {
        "rnncourse/__init__.py": "",
        "rnncourse/checks/__init__.py": "import rnncourse.grading.load.submissions\n",
        "rnncourse/grading/__init__.py": "",
        "rnncourse/grading/load/__init__.py": "",
        "rnncourse/grading/load/submissions.py": "from rnncourse.grading.records import writers\n",
        "rnncourse/grading/records/__init__.py": "",
        "rnncourse/grading/records/writers.py": "import rnncourse.grading\n",
        "rnncourse/grading/helpers.py": "",
    })
    graph = import_graph(root)
    assert upward_imports(graph) == ["rnncourse.checks -> rnncourse.grading.load.submissions"]
    assert phase_violations(graph, "rnncourse.grading") == [
        "rnncourse.grading.helpers is in no phase of rnncourse.grading "
        f"({', '.join(GRADING_PHASES)})",
        "rnncourse.grading.load.submissions -> rnncourse.grading.records.writers "
        "(load imports the later phase records)",
        "rnncourse.grading.records.writers -> rnncourse.grading "
        "(the package's public face, above every phase)",
    ]


def test_shared_names_are_found_and_only_the_catalogue_mirrors_the_library():
    modules = ["rnncourse", "rnncourse.nn", "rnncourse.rnn", "rnncourse.rnn.lstm",
               "rnncourse.checks", "rnncourse.checks.catalogue", "rnncourse.checks.catalogue.nn",
               "rnncourse.checks.catalogue.lstm", "rnncourse.checks.catalogue.questions",
               "rnncourse.grading", "rnncourse.grading.questions", "rnncourse.authoring",
               "rnncourse.authoring.questions", "rnncourse.cli", "rnncourse.cli.nn"]
    assert shared_names(modules) == {
        "questions": ["rnncourse.authoring.questions", "rnncourse.checks.catalogue.questions",
                      "rnncourse.grading.questions"],
        "nn": ["rnncourse.cli.nn", "rnncourse.nn"],
    }


@pytest.mark.parametrize("source, expected", [
    ("import rnncourse.nn", {"rnncourse.nn"}),
    ("from rnncourse import nn, __version__", {"rnncourse.nn", "rnncourse"}),
    ("from rnncourse.nn import affine_forward", {"rnncourse.nn"}),
    ("from . import nn", {"rnncourse.nn"}),
    ("from .checks import engine", {"rnncourse.checks"}),
    ("import numpy", set()),
])
def test_imports_are_resolved_to_modules(tmp_path, source, expected):
    root = _tree(tmp_path, {"rnncourse/__init__.py": "", "rnncourse/nn.py": "",
                            "rnncourse/checks/__init__.py": "", "rnncourse/user.py": source})
    assert import_graph(root)["rnncourse.user"] == expected
