"""The root conftest.py's plan for pytest-xdist names real places and keeps what must stay together."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# loaded from its file: under pytest the name "conftest" may already be another folder's conftest
_SPEC = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
conftest = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(conftest)


def test_every_scope_named_in_the_plan_exists():
    for place in [*conftest.SHARED_SCOPES.values(), *conftest.LONGEST_FIRST]:
        assert (ROOT / place).exists(), f"conftest.py names {place}, which is not in the suite any more"


def test_a_notebooks_cells_and_a_files_tests_share_one_scope():
    assert conftest.xdist_scope("solutions/04_bptt.ipynb::Cell 3") == "solutions/04_bptt.ipynb"
    assert conftest.xdist_scope("solutions/04_bptt.ipynb::Cell 17") == "solutions/04_bptt.ipynb"
    assert conftest.xdist_scope("tests/test_graph.py::test_a[x::y]") == "tests/test_graph.py"


def test_the_folders_sharing_a_fixture_are_one_scope():
    assert conftest.xdist_scope("tests/hub/test_hub_cli.py::test_x") == "tests/hub"
    assert conftest.xdist_scope("tests/hub/test_hub_browser.py::test_y") == "tests/hub"
    assert conftest.xdist_scope("tests/grading/reports/test_class_page.py::t") == "tests/grading/reports"
    assert conftest.xdist_scope("tests/grading/test_grading_real.py::t") == "tests/grading/test_grading_real.py"
