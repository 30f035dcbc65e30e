"""The self-check questions, one module per lesson (``lessonNN.py``), registered in lesson order.

Question ids are ``q<lesson number>_<name>`` (``q04_total_vs_partial``); they go through the same
``check`` as the exercises and are graded like them (the grader reads the literal answer of the
graded check cell). The modules are rendered from a plain key kept outside the package
(docs/checks.md, "Adding a question").
"""

from __future__ import annotations

from rnncourse.checks.catalogue.questions import lesson01, lesson02, lesson03, lesson04, lesson05, lesson06

QUESTION_MODULES = (lesson01, lesson02, lesson03, lesson04, lesson05, lesson06)
"""The question modules, one per lesson."""

__all__ = ["QUESTION_MODULES"]
