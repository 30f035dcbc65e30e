"""What a check says: one :class:`Verdict` per case, folded into one :class:`Result` that renders.

:class:`Result` is what ``check(exercise_id, answer)`` returns: ``.passed`` and ``.message``
(pinned by the course's public interface), ``.points``/``.possible``, and an HTML panel in
Jupyter (words, not only colour).
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass
class Verdict:
    """The judgement of one case: ``passed``, a ``message``, the ``mistake`` name if one matched,
    a ``note`` for a passing answer worth a remark (an accepted alternative), whether the
    answer ran out of time on it (``timed_out``), and whether it is not written yet
    (``unfinished``: it raised ``NotImplementedError``, as a lesson's placeholder does)."""

    passed: bool
    message: str
    mistake: str | None = None
    label: str = ""
    note: str = ""
    timed_out: bool = False
    unfinished: bool = False


def verdict_mark(passed, knock_on=None, flag=None):
    """The word a verdict is shown with: PASSED, FAILED, CREDITED (passed on a knock-on) or
    FLAGGED (an answer that calls the course's reference: 0 points)."""
    if flag:
        return "FLAGGED"
    if passed:
        return "CREDITED" if knock_on else "PASSED"
    return "FAILED"


class Result:
    """The outcome of ``check(exercise_id, fn)``.

    Attributes
    ----------
    exercise_id : str
    passed : bool
    message : str, what passed or the first failing case (its shape) and what is wrong
    points, possible : int, points earned (all or nothing) and available
    mistake : str or None, the name of the known mistake that matched the first failing case
    verdicts : list of :class:`Verdict`, one per case that ran
    knock_on : tuple of str, or None: the exercises it depends on whose mistakes alone made it
        fail (it passes with the course's reference for them; see
        :mod:`~rnncourse.checks.engine.dependencies`)
    flag : str or None, why the answer is flagged (it calls the course's reference): 0 points
    """

    def __init__(self, exercise_id, passed, message, points=0, possible=0, mistake=None,
                 verdicts=(), knock_on=None, flag=None):
        self.exercise_id = exercise_id
        self.passed = bool(passed)
        self.message = message
        self.points = points
        self.possible = possible
        self.mistake = mistake
        self.verdicts = list(verdicts)
        self.knock_on = knock_on
        self.flag = flag
        self.internal_error = False  # set when the checker itself failed (nothing is recorded)

    @property
    def mark(self):
        """``"PASSED"``, ``"FAILED"``, ``"CREDITED"`` for an answer that gets its points
        although its cases fail, because the failures come from an exercise it calls, or
        ``"FLAGGED"`` (the grader's feedback uses the same words)."""
        return verdict_mark(self.passed, self.knock_on, self.flag)

    @property
    def unfinished(self):
        """Whether it failed only because the answer is not written yet (a placeholder)."""
        failed = [v for v in self.verdicts if not v.passed]
        return not self.passed and bool(failed) and failed[0].unfinished

    @property
    def headline(self):
        symbol = "✓" if self.passed else "✗"
        return f"{symbol} {self.mark}  {self.exercise_id}  ({self.points}/{self.possible} points)"

    def __str__(self):
        return f"{self.headline}\n{self.message}"

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        return self.panel_html(self.headline, self.message)

    def panel_html(self, headline, message):
        """The result's panel (green when it passed, red when not) with the given words."""
        if self.passed:  # dark text on light fill: contrast above 7:1 for both panels
            border, fill, ink = "#1a7f37", "#e6f4ea", "#0b3d1c"
        else:
            border, fill, ink = "#b42318", "#fdecea", "#5c0b05"
        return (
            f'<div role="status" style="border:1px solid {border};border-left:6px solid {border};'
            f'background:{fill};color:{ink};padding:8px 12px;margin:4px 0;border-radius:4px;'
            f'font-family:system-ui,sans-serif;line-height:1.4">'
            f"<strong>{html.escape(headline)}</strong>"
            f'<div style="white-space:pre-wrap;margin-top:4px">{html.escape(message)}</div>'
            f"</div>"
        )


__all__ = ["Verdict", "Result", "verdict_mark"]
