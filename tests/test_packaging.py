"""Keep pyproject.toml, environment.yml and the README's commands honest with each other."""

import re
from pathlib import Path

import pytest

try:
    import tomllib  # Python >= 3.11
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package
    tomllib = pytest.importorskip("tomli", reason="on Python 3.10 these tests need `pip install tomli`")

ROOT = Path(__file__).resolve().parents[1]


def _names(requirements):
    return {re.split(r"[<>=!~ \[]", r.strip(), maxsplit=1)[0].lower() for r in requirements}


def _conda_dependencies():
    deps, pip_deps, in_deps, in_pip = [], [], False, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if in_deps and re.match(r"^\s{2}- pip:\s*$", line):
            in_pip = True
            continue
        m = re.match(r"^\s+- (.+)$", line)
        if in_deps and m:
            (pip_deps if in_pip and line.startswith("      ") else deps).append(m.group(1).strip())
    return deps, pip_deps


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["test"])
    deps, pip_deps = _conda_dependencies()
    conda = _names(deps) - {"python", "pip"}
    missing = wanted - conda
    extra = conda - wanted
    assert not missing, f"environment.yml lacks {sorted(missing)} that pyproject.toml requires"
    assert not extra, f"environment.yml has {sorted(extra)} that pyproject.toml does not declare"
    assert "-e ." in pip_deps, "environment.yml must install the course itself with `pip: [-e .]`"


def test_python_floor_is_the_same():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps, _ = _conda_dependencies()
    floor = project["requires-python"].removeprefix(">=")
    assert f"python>={floor}" in deps


def test_readme_quick_start_and_ci_agree():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install -e . && rnncourse lab" in readme
    assert 'pip install -e ".[test,nbgrader,hub,report]" && pytest' in readme
    assert 'pip install -q -e ".[test,nbgrader,hub,report]"' in ci and re.search(r"^pytest\s*$", ci, re.M)


def test_the_nbgrader_extra_and_the_readme_say_the_same():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["optional-dependencies"]["nbgrader"] == ["nbgrader>=0.9"]
    readme = (ROOT / "README.md").read_text()
    assert 'pip install -e ".[nbgrader]"' in readme
    assert "rnncourse release --nbgrader-source" in readme


def test_console_script_points_at_cli_main():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["rnncourse"] == "rnncourse.cli:main"


def test_ci_lints_types_and_runs_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    for command in ("ruff check .", "mypy", 'pytest -m "not slow"'):
        assert command in readme, f"README's 'Running the tests' should show `{command}`"
    assert re.search(r"^ruff check \.\s*$", ci, re.M) and re.search(r"^mypy\s*$", ci, re.M)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {"ruff", "mypy"} <= _names(project["optional-dependencies"]["test"])
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    assert tool["ruff"]["line-length"] and tool["mypy"]["files"]


def test_ci_runs_the_quick_subset_under_the_oldest_and_newest_python_with_the_numpy_floor():
    ci = (ROOT / ".ci" / "run").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    floor = project["requires-python"].removeprefix(">=")
    assert re.search(rf"^for version in {re.escape(floor)} 3\.\d+; do$", ci, re.M), \
        f"CI should run the quick subset under Python {floor} (requires-python) and a newer one"
    assert 'pins=("numpy==$numpy_floor.*")' in ci and 'pytest -q -m "not slow"' in ci
    numpy = next(d for d in project["dependencies"] if d.startswith("numpy"))
    assert re.fullmatch(r"numpy>=\d+\.\d+", numpy), f"{numpy}: CI reads the floor as numpy>=X.Y"
    # the quick subset is the library, checks and grading tests: no notebooks, no browser
    assert "tests/checks tests/grading" in ci and "tests/test_notebooks.py" in ci


def test_the_license_is_an_spdx_expression_and_the_build_backend_reads_it():
    """A license table (``{ text = ... }``) makes setuptools warn on every install; the SPDX
    string form needs setuptools 77 or newer, so the build requirement says so."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["license"] == "MIT"
    [setuptools] = [r for r in config["build-system"]["requires"] if r.startswith("setuptools")]
    floor = setuptools.split(">=")[1]
    assert tuple(int(p) for p in floor.split(".")) >= (77,), setuptools


def test_the_hub_extra_the_readme_and_ci_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert _names(project["optional-dependencies"]["hub"]) == {"jupyterhub", "jupyterhub-idle-culler"}
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install -e ".[hub]"' in readme and "docs/workshop.md" in readme
    assert "npm install -g configurable-http-proxy" in readme
    assert "npm install -g --silent configurable-http-proxy" in ci and "apt-get install -y -qq nodejs npm" in ci
