"""The report's plot helpers draw on a given axes, or a figure of their own, and leave matplotlib's
global state alone."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pytest

from rnncourse.grading.reports.class_figures import FIGURES, class_figures, plot_item_outcomes, plot_score_distribution

SUMMARY = {
    "scores": [{"total": 10, "possible": 10}, {"total": 4, "possible": 10},
               {"total": 4.5, "possible": 10}],
    "items": [{"id": "tanh_backward", "full": 2, "partial": 0, "zero": 1},
              {"id": "q01_tiny_entry", "full": 1, "partial": 1, "zero": 1}],
    "reteach": [{"item": "tanh_backward", "mistake": "tanh_no_square", "count": 1}],
    "timing": {"per_submission": [{"seconds": 4.0}, {"seconds": 6.5}], "total_seconds": 10.5},
}


def test_no_global_state_changes_and_every_figure_is_a_png():
    before = (plt.get_fignums(), dict(matplotlib.rcParams))
    pngs = class_figures(SUMMARY)
    assert (plt.get_fignums(), dict(matplotlib.rcParams)) == before
    assert set(pngs) == set(FIGURES)
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in pngs.values())


def test_helpers_draw_on_the_axes_given():
    fig, (a, b) = plt.subplots(1, 2)
    try:
        assert plot_score_distribution(SUMMARY["scores"], ax=a) is a
        assert sum(p.get_height() for p in a.patches) == 3  # one count per submission
        assert [p.get_height() for p in a.patches][4] == 2  # 40-50 %: the 4 and the 4.5
        assert plot_item_outcomes(SUMMARY["items"], ax=b) is b
        widths = [p.get_width() for p in b.patches]  # full bars, then partial, then zero
        assert widths == [1, 2, 1, 0, 1, 1]  # drawn bottom-up: the last item first
    finally:
        plt.close(fig)


@pytest.mark.parametrize("stem", list(FIGURES))
def test_each_figure_draws_from_an_empty_class(stem):
    empty = {"scores": [], "items": [], "reteach": [], "timing": {"per_submission": []}}
    assert FIGURES[stem](empty).figure is not None
