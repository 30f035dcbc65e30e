"""``python -m rnncourse.checks``: print every exercise and self-check question of the catalogue,
lesson by lesson, with its points and its reference implementation."""

from __future__ import annotations

from rnncourse.checks.catalogue import LESSONS, graded_for_lesson, points_for_lesson


def catalogue_table() -> str:
    """The catalogue as a plain-text table: one row per exercise or question, in lesson order."""
    rows = [("id", "lesson", "points", "reference")]
    for ex in [ex for stem in LESSONS for ex in graded_for_lesson(stem)]:
        reference = ex.reference_names()[0] if ex.reference_names() else "- (a question)"
        rows.append((ex.id, ex.lesson, f"{ex.points:g}", reference.replace(":", ".")))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    totals = ", ".join(f"{stem} {points_for_lesson(stem):g}" for stem in LESSONS)
    return "\n".join(lines) + f"\n\npoints per lesson: {totals}\n"


def main() -> None:
    """Print :func:`catalogue_table`."""
    print(catalogue_table(), end="")


if __name__ == "__main__":
    main()
