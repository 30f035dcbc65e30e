"""Render the catalogue's question modules from the plain key (tests/checks/question_key.py).

    python tests/checks/render_questions.py      # rewrites rnncourse/checks/catalogue/questions/

Answers become salted digests; the explanation and each misconception's words are sealed with
the answer they belong to, so the package never holds the key in plain text.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: import tests.checks.*

from rnncourse.checks.engine.question import QuestionExercise  # noqa: E402
from tests.checks.question_key import SPEC, SPEC_PENDING  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "rnncourse" / "checks" / "catalogue" / "questions"
TITLES = {"01_feedforward_backprop": "Lesson 1 (training a feedforward network)",
          "02_recurrence_and_cycles": "Lesson 2 (recurrence and the cyclic dependency)",
          "03_unrolling": "Lesson 3 (unrolling)",
          "04_bptt": "Lesson 4 (backpropagation through time)",
          "05_training_in_practice": "Lesson 5 (training RNNs in practice)",
          "06_gated_cells": "Lesson 6 (gated cells)"}


def _literal(text, indent):
    """A string literal, split into implicitly joined pieces that fit in ~96 columns."""
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(repr(current + " " + word)) > 96 - indent:
            lines.append(current + " ")
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    if len(lines) == 1:
        return repr(lines[0])
    return "(" + ("\n" + " " * (indent + 1)).join(repr(line) for line in lines) + ")"


def _probe(q, lesson):
    return QuestionExercise(id=q["id"], lesson=lesson, kind=q["kind"], prompt="", salt=q["salt"],
                            accepted={"x": ""}, section="", options=q.get("options"),
                            digits=q.get("digits", 3))


def accepted_texts(q, lesson):
    """The normalised accepted answers of a spec entry."""
    probe = _probe(q, lesson)
    right = q["right"]
    if q["kind"] == "choices" or not isinstance(right, list):
        right = [right]
    return sorted({probe.normalise(r) for r in right})


def wrong_text(q, lesson, answer):
    probe = _probe(q, lesson)
    if q["kind"] == "choices" and isinstance(answer, str) and answer[:1] in "+-":
        return answer
    return probe.normalise(answer)


def render_module(lesson, questions):
    probe_names = []
    out = [f'"""{TITLES[lesson]}: self-check questions (rendered, do not edit by hand).', "",
           "Rendered by tests/checks/render_questions.py from the plain key outside the package; the",
           "answers are salted digests and the texts that would give them away are sealed",
           '(docs/checks.md, "Adding a question").', '"""', "",
           "from rnncourse.checks.engine.question import Misconception, QuestionExercise", "",
           f'LESSON = "{lesson}"', ""]
    for q in questions:
        probe = _probe(q, lesson)
        var = q["id"].upper()
        probe_names.append(var)
        digits = f' digits={q["digits"]},' if q["kind"] == "number" else ""
        out += [f"{var} = QuestionExercise(",
                f'    id="{q["id"]}", lesson=LESSON, kind="{q["kind"]}", salt="{q["salt"]}",{digits}',
                f"    prompt={_literal(q['prompt'], 11)},"]
        if q.get("options"):
            out.append("    options={")
            out += [f'        "{k}": {_literal(v, 13)},' for k, v in sorted(q["options"].items())]
            out.append("    },")
        out.append("    accepted={")
        for text in accepted_texts(q, lesson):
            out.append(f'        "{probe.digest_of_text(text)}":\n'
                       f'            "{probe.seal_for(text, q["explanation"])}",')
        out.append("    },")
        out.append("    wrong={")
        for answer, (name, text, section) in q["wrong"].items():
            key = wrong_text(q, lesson, answer)
            out.append(f'        "{probe.digest_of_text(key)}": Misconception(\n'
                       f'            "{name}",\n'
                       f'            "{probe.seal_for(key, text)}",\n'
                       f"            {_literal(section, 12)}),")
        out += ["    },", f"    section={_literal(q['section'], 12)},", ")", ""]
    out.append("EXERCISES = (" + ", ".join(probe_names) + ",)")
    return "\n".join(out) + "\n"


def rendered():
    """``{path: text}`` of every question module (also those of lessons not merged yet)."""
    return {OUT / f"lesson{lesson[:2]}.py": render_module(lesson, qs)
            for lesson, qs in {**SPEC, **SPEC_PENDING}.items()}


if __name__ == "__main__":
    for path, text in rendered().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
