"""The browser harness tested on a small notebook built here: the kernel is this environment's
Python in a scratch home, a working slider changes its output, and the checks the course tests
rely on really fail on a broken slider and on an error cell (a tester that cannot fail proves
nothing).
"""

from __future__ import annotations

import sys

import nbformat
import pytest

from tests.browser.labdriver import REPO, cell_errors, cells_meant_to_raise

pytestmark = pytest.mark.browser

CELLS = [
    ("markdown", "# Harness check"),
    ("code", "import os, sys\nprint('prefix', sys.prefix)\nprint('home', os.environ['HOME'])\n"
             "print('threads', os.environ.get('OMP_NUM_THREADS'))"),
    ("code", "import ipywidgets as widgets\n"
             "good = widgets.IntSlider(value=3, min=0, max=10, description='n')\n"
             "good_out = widgets.Output()\n"
             "def show(change=None):\n"
             "    good_out.clear_output(wait=True)\n"
             "    with good_out:\n"
             "        print(f'n={good.value}: squared {good.value ** 2}')\n"
             "good.observe(show, 'value')\nshow()\nwidgets.VBox([good, good_out])"),
    ("code", "broken = widgets.IntSlider(value=3, min=0, max=10, description='m')\n"
             "broken_out = widgets.Output()\n"
             "with broken_out:\n    print('m=3')\n"
             "def redraw(change):\n    raise ValueError('the callback is broken on purpose')\n"
             "broken.observe(redraw, 'value')\nwidgets.VBox([broken, broken_out])"),
    ("code", "raise RuntimeError('meant to fail: tagged raises-exception')"),
    ("code", "raise ValueError('an unexpected error')"),
    ("code", "print('never reached')"),
]


@pytest.fixture(scope="module")
def harness(tmp_path_factory, module_notebooks):
    nb = nbformat.v4.new_notebook()
    for kind, source in CELLS:
        maker = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(maker(source))
    nb.cells[4].metadata["tags"] = ["raises-exception"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    path = tmp_path_factory.mktemp("harness") / "harness.ipynb"
    nbformat.write(nb, path)
    page = module_notebooks.open(path, "harness")
    cells = page.run_all(timeout=120)
    module_notebooks.shot(page, "after-run")
    return page, cells, nbformat.read(path, as_version=4)


def test_kernel_is_this_environments_python_in_a_scratch_home(harness, lab_scratch):
    _, cells, _ = harness
    text = cells[1]["text"]
    assert f"prefix {sys.prefix}" in text, f"the kernel is not this environment's Python: {text!r}"
    assert f"home {lab_scratch / 'home'}" in text, f"the kernel's HOME is not the scratch one: {text!r}"
    assert "threads 1" in text


def test_a_working_slider_changes_its_output(harness):
    page, _, _ = harness
    before = page.driven_output(2)
    assert before["texts"] == ["n=3: squared 9\n"] or "n=3: squared 9" in before["texts"][0]
    handle = page.sliders(2).first
    old, new = page.nudge_slider(handle)
    assert (old, new) == ("3.0", "6.0")
    after = page.wait_for_change(2, before, timeout=30)
    assert after is not None and "n=6: squared 36" in after["texts"][0], after


def test_a_broken_slider_is_caught(harness):
    """The widget check must fail when a callback raises: its output never changes."""
    page, _, _ = harness
    before = page.driven_output(3)
    page.nudge_slider(page.sliders(3).first)
    assert page.wait_for_change(3, before, timeout=6) is None


def test_an_error_cell_is_reported_and_a_tagged_one_is_not(harness):
    _, cells, nb = harness
    errors = cell_errors(cells, allowed=cells_meant_to_raise(nb))
    assert [index for index, _ in errors] == [5]
    assert "ValueError: an unexpected error" in errors[0][1]
    assert not cells[6]["prompt"].startswith("[") or cells[6]["prompt"] == "[ ]:", \
        "Run All should stop at the unexpected error"
    assert cell_errors(cells)[0][0] == 4, "without the tag, the first error is the tagged cell's"


def test_the_server_works_on_a_copy_outside_the_repository(harness, lab_workspace):
    page, _, _ = harness
    assert (lab_workspace / page.path).is_file()
    assert REPO not in lab_workspace.resolve().parents
