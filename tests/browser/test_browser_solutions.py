"""Every solution notebook, as a learner meets it in JupyterLab: Run → Run All Cells runs it to the
end with no error on screen, its widgets render, and moving each control changes what it drives.

Each notebook is copied into the session's workspace, opened once in a new page and run once; the
tests below read that page. A screenshot of each run is kept in the session's screenshot folder.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.labdriver import (
    cell_errors,
    cells_meant_to_raise,
    cells_with_stored_widgets,
    load_notebook,
    notebooks_in,
)

pytestmark = pytest.mark.browser

SOLUTIONS = notebooks_in("solutions")
RUN_TIMEOUT = 150.0  # seconds for Run All of one notebook (generous; they take 5-30 s)
WIDGET_CALL = re.compile(r"\b(\w+_explorer|interact|interactive|interactive_output)\s*\(")


class Run:
    """One solution notebook after Run All in its own page."""

    def __init__(self, page, cells, notebook, failure=None):
        self.page, self.cells, self.notebook, self.failure = page, cells, notebook, failure


@pytest.fixture(scope="module", params=SOLUTIONS, ids=lambda p: p.stem)
def solution_run(request, module_notebooks):
    source = request.param
    notebook = load_notebook(source)
    page = module_notebooks.open(source, "solutions")
    try:
        cells = page.run_all(timeout=RUN_TIMEOUT)
        failure = None
    except AssertionError as exc:  # reported by the tests, with a screenshot
        cells, failure = page.state(), str(exc)
    module_notebooks.shot(page, "after-run-all")
    yield Run(page, cells, notebook, failure)
    module_notebooks.close_notebooks()


def explorer_cells(run):
    """Code cells that call an explorer or interact: they must show controls that respond."""
    found = []
    for index, cell in enumerate(run.notebook["cells"]):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and WIDGET_CALL.search(source):
            found.append(index)
    return found


def widget_cells(run):
    """Code cells meant to show a widget: stored widget output (progress bars too) or an explorer."""
    return sorted(set(cells_with_stored_widgets(run.notebook)) | set(explorer_cells(run)))


def test_runs_to_the_end_without_errors(solution_run):
    run = solution_run
    assert run.failure is None, run.failure
    allowed = cells_meant_to_raise(run.notebook)
    errors = cell_errors(run.cells, allowed)
    if errors:
        run.page.scroll_to(errors[0][0])
    assert not errors, "error output on screen after Run All Cells:\n" + "\n\n".join(
        f"cell {index + 1}:\n{text}" for index, text in errors)
    assert len(run.cells) == len(run.notebook["cells"]), "the page does not show every cell"
    not_run = [c["index"] + 1 for c in run.cells
               if c["code"] and c["source"].strip() and not re.fullmatch(r"\[\d+\]:", c["prompt"])]
    if not_run:
        run.page.scroll_to(not_run[0] - 1)
    assert not not_run, (f"cells {not_run} have no execution count after Run All Cells "
                         f"(Run All stops at an error; a cell meant to fail needs the tag raises-exception)")


def test_widgets_render_and_respond(solution_run):
    run = solution_run
    expected = widget_cells(run)
    if not expected:
        pytest.skip(f"{run.page.path} has no widgets")
    assert run.failure is None, run.failure
    failures = run.page.widget_failures()
    assert not failures, f"widgets not displayed: {failures}"
    for index in expected:
        assert run.cells[index]["widgets"] > 0, \
            f"cell {index + 1} shows no widget; it shows {run.cells[index]['text'][:300]!r}"
    with_controls = sorted(set(explorer_cells(run)) | {c["index"] for c in run.cells if c["sliders"]})
    for index in with_controls:
        run.page.scroll_to(index)
        controls = run.page.sliders(index)
        assert controls.count() > 0, f"cell {index + 1}: the widget has no slider"
        for number in range(controls.count()):
            handle = controls.nth(number)
            assert handle.is_visible(), f"cell {index + 1}: slider {number + 1} is not visible"
            before = run.page.driven_output(index)
            assert any(t.strip() for t in before["texts"]) or before["images"], \
                f"cell {index + 1}: the widget's output area is empty before any change"
            old, new = run.page.nudge_slider(handle, presses=1)
            assert old != new, f"cell {index + 1}: slider {number + 1} did not move (value {old})"
            after = run.page.wait_for_change(index, before, timeout=60)
            assert after is not None, (
                f"cell {index + 1}: moving slider {number + 1} from {old} to {new} changed neither "
                f"the printed output nor the figure within 60 s")
            errors = cell_errors(run.page.state()[index:index + 1])
            assert not errors, f"cell {index + 1}: an error after moving slider {number + 1}: {errors}"
    run.page.page.wait_for_timeout(200)


#: matplotlib's default figure.dpi, which JupyterLab's inline backend uses for its PNGs.
INLINE_DPI = 100
#: Smallest legible label height (px) as shown on screen.
MIN_LABEL_PX = 10.0


def _draws_the_lstm_step(cell):
    return cell["cell_type"] == "code" and "draw_lstm_cell(" in "".join(cell["source"])


#: The solutions that draw the LSTM step (lesson 6); the legibility test runs on these only.
DRAWING_THE_LSTM = [p for p in SOLUTIONS if any(_draws_the_lstm_step(c) for c in load_notebook(p)["cells"])]


def test_a_solution_draws_the_lstm_step():
    assert [p.stem for p in DRAWING_THE_LSTM] == ["06_gated_cells"], "the legibility test below would check nothing"


@pytest.mark.parametrize("solution_run", DRAWING_THE_LSTM, ids=lambda p: p.stem, indirect=True)
def test_the_lstm_drawing_is_legible_as_shown(solution_run):
    """Lesson 6's LSTM step: the PNG as JupyterLab lays it out keeps its labels >= 10 px tall."""
    from rnncourse.viz.lstm_cell import FONT_SIZE

    index = next(i for i, cell in enumerate(solution_run.notebook["cells"]) if _draws_the_lstm_step(cell))
    image = solution_run.page.cell(index).locator(".jp-OutputArea-output img").first
    natural, shown = image.evaluate("e => [e.naturalWidth, e.getBoundingClientRect().width]")
    assert natural > 0 and shown > 0, (natural, shown)
    label_px = FONT_SIZE * INLINE_DPI / 72 * shown / natural
    assert label_px >= MIN_LABEL_PX, (f"the LSTM drawing is shown {shown:.0f} px wide for a "
                                      f"{natural} px PNG: labels {label_px:.1f} px tall")
