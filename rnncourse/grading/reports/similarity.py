"""Similar answers across a class, per exercise: evidence for a human, never a penalty.

For each exercise, the code of each student's answer cell (the cell whose nbgrader ``grade_id``
is ``<exercise>-answer``) is fingerprinted with copydetect (winnowing over tokens whose
identifiers are normalised, so renaming variables does not hide a copy), minus the fingerprints of
the lesson's own starter code in that cell (the signature and docstring every student got). Two
answers whose shared code covers at least ``threshold`` of one of them are listed, with both
answers side by side and the shared code marked. Answers shorter than ``min_chars`` normalised
characters after the starter is removed are not compared: a one-line answer has one natural way
to be written, and two students writing it alike says nothing.
"""

from __future__ import annotations

import html
import io
import warnings
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

from rnncourse.grading.reports.htmlpage import esc, page, sortable_table

NOISE = 25
"""copydetect's noise threshold (its command line's default): matches shorter than this many
normalised characters are ignored."""
GUARANTEE = 30
"""copydetect's guarantee threshold (its default): matches this long are always found."""
THRESHOLD = 0.6
MIN_CHARS = 60

NOTICE = ("Similarity is evidence for a person to look at, never proof of copying and never a "
          "penalty by itself: students who studied together, followed the same worked example or "
          "wrote a short answer the one natural way can match. Read both answers, then talk to "
          "the students.")


@dataclass
class Pair:
    """Two submissions whose answers to ``exercise`` share code."""

    exercise: str
    first: str
    second: str
    similarity: tuple
    code: tuple
    slices: tuple

    @property
    def score(self) -> float:
        return float(max(self.similarity))


def answer_cells(nb) -> dict:
    """``{exercise id: source}`` of a notebook's answer cells (nbgrader ``<id>-answer``)."""
    found = {}
    for cell in getattr(nb, "cells", []):
        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if cell.get("cell_type") == "code" and isinstance(grade_id, str) \
                and grade_id.endswith("-answer"):
            found.setdefault(grade_id[: -len("-answer")], str(cell.get("source") or ""))
    return found


def _fingerprint(code, boilerplate=None):
    from copydetect import CodeFingerprint

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CodeFingerprint("answer.py", NOISE, GUARANTEE - NOISE + 1, boilerplate=boilerplate,
                               language="python", fp=io.StringIO(code))


def similar_pairs(answers: dict, starter: str = "", threshold: float = THRESHOLD,
                  min_chars: int = MIN_CHARS, exercise: str = "") -> tuple:
    """Pairs of ``answers`` (``{submission: code}``) sharing code, most similar first.

    Returns
    -------
    (pairs, compared, too_short) : the :class:`Pair` objects at or above ``threshold``, and the
    submissions compared and those too short to compare
    """
    from copydetect import compare_files

    boilerplate = np.array(sorted(_fingerprint(starter).hashes)) if starter.strip() else None
    prints, too_short = {}, []
    for name in sorted(answers):
        code = answers[name]
        if not code.strip() or code.strip() == starter.strip():
            continue
        fp = _fingerprint(code, boilerplate)
        if fp.token_coverage < min_chars:
            too_short.append(name)
            continue
        prints[name] = fp
    pairs = []
    for a, b in combinations(sorted(prints), 2):
        _, similarity, slices = compare_files(prints[a], prints[b])
        if max(similarity) >= threshold:
            pairs.append(Pair(exercise, a, b, tuple(float(s) for s in similarity),
                              (answers[a], answers[b]), slices))
    pairs.sort(key=lambda p: (-p.score, p.exercise, p.first, p.second))
    return pairs, sorted(prints), too_short


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def marked(code: str, slices) -> str:
    """``code`` as escaped HTML with the shared stretches (``slices``: 2xN character offsets) in
    ``<mark>``."""
    slices = np.asarray(slices)
    if slices.size == 0:
        return html.escape(code)
    out, at = [], 0
    for start, end in sorted(zip(slices[0].tolist(), slices[1].tolist())):
        start, end = max(int(start), at), max(int(end), at)
        while start > at and _word(code[start - 1]) and _word(code[start]):
            start -= 1  # whole words: copydetect's offsets can fall inside one
        while end < len(code) and end > start and _word(code[end - 1]) and _word(code[end]):
            end += 1
        out.append(html.escape(code[at:start]))
        out.append(f"<mark>{html.escape(code[start:end])}</mark>")
        at = end
    out.append(html.escape(code[at:]))
    return "".join(out)


def similarity_body(pairs: list, compared: dict, too_short: dict, threshold: float,
                    starter_note: str) -> str:
    """The similarity page's body: the notice, the pairs table, and each pair side by side."""
    parts = [f'<header><h1>Similar answers</h1><p class="note" id="notice">{esc(NOTICE)}</p>',
             f"<p>Per exercise, answer cells compared with copydetect (variable names "
             f"normalised); listed when shared code covers at least {threshold:.0%} of one "
             f"answer. {esc(starter_note)}</p></header><main>"]
    rows = [[(f'<a href="#pair-{i}">{p.score:.0%}</a>', f"{p.score:.4f}"),
             f"<code>{esc(p.exercise)}</code>", esc(p.first), esc(p.second)]
            for i, p in enumerate(pairs)]
    parts.append(sortable_table(["similarity", "exercise", "submission", "submission"], rows,
                                numeric=(0,), caption="Pairs above the threshold",
                                table_id="pairs-table") if pairs
                 else "<p>No pair above the threshold.</p>")
    checked = "".join(
        f"<li><code>{esc(ex)}</code>: {len(compared[ex])} answers compared"
        + (f", {len(too_short[ex])} too short to compare" if too_short.get(ex) else "")
        + "</li>" for ex in compared)
    parts.append(f"<h2>What was compared</h2><ul>{checked}</ul>")
    for i, p in enumerate(pairs):
        parts.append(
            f'<section id="pair-{i}"><h2><code>{esc(p.exercise)}</code>: {esc(p.first)} and '
            f"{esc(p.second)} ({p.similarity[0]:.0%} / {p.similarity[1]:.0%})</h2>"
            f'<div class="pair"><pre>{marked(p.code[0], p.slices[0])}</pre>'
            f"<pre>{marked(p.code[1], p.slices[1])}</pre></div></section>")
    return "".join(parts) + "</main>"


def starter_answers(lesson: str, lessons_dir: str | Path | None) -> tuple:
    """``({exercise: starter code}, note)`` from the lesson's notebook in ``lessons_dir`` (the
    course's ``lessons/`` when None); empty, with a note saying so, when it cannot be read."""
    import nbformat

    try:
        if lessons_dir is None:
            from rnncourse.authoring.layout import find_lessons_dir

            lessons_dir = find_lessons_dir()
        nb = nbformat.read(str(Path(lessons_dir) / f"{lesson}.ipynb"), as_version=4)
    except Exception as exc:  # no lessons folder: compare without the discount, and say so
        return {}, (f"The lesson's starter code could not be read ({exc}), so code every "
                    "student got is not discounted.")
    return answer_cells(nb), "The lesson's starter code in each cell is not counted."


def write_similarity(rows: list, notebooks: dict, out: str | Path, lessons_dir=None,
                     threshold: float = THRESHOLD) -> list:
    """Write ``out`` (the similarity page) for the class; returns the pairs found.

    ``rows``: ``(submission name, lesson)`` of the counted submissions; ``notebooks``:
    ``{submission name: notebook or None}``.
    """
    from rnncourse._files import write_atomic

    by_lesson = {}
    for name, lesson in rows:
        if lesson and notebooks.get(name) is not None:
            by_lesson.setdefault(lesson, []).append(name)
    pairs, compared, too_short, notes = [], {}, {}, []
    for lesson, names in sorted(by_lesson.items()):
        starters, note = starter_answers(lesson, lessons_dir)
        notes.append(note)
        cells = {name: answer_cells(notebooks[name]) for name in names}
        exercises = list(dict.fromkeys(ex for c in cells.values() for ex in c))
        for ex in exercises:
            found, used, short = similar_pairs(
                {n: c[ex] for n, c in cells.items() if ex in c}, starters.get(ex, ""),
                threshold, exercise=ex)
            pairs += found
            compared[ex], too_short[ex] = used, short
    pairs.sort(key=lambda p: (-p.score, p.exercise, p.first, p.second))
    body = similarity_body(pairs, compared, too_short, threshold, " ".join(dict.fromkeys(notes)))
    write_atomic(Path(out), page("Similar answers", body))
    return pairs


__all__ = ["Pair", "answer_cells", "similar_pairs", "marked", "similarity_body",
           "write_similarity", "starter_answers", "NOTICE", "THRESHOLD", "MIN_CHARS"]
