"""Conceptual questions: a plain answer (a letter, a set of letters, a number), judged by hash.

A question is an :class:`~rnncourse.checks.engine.protocol.Exercise` whose ``answer_kind`` is
``"value"``: ``check("q04_total_vs_partial", "d")`` goes through the same ``check`` as a function
exercise, and the grader reads the literal answer from the submitted notebook instead of calling
anything in the kernel.

Kinds
-----
- ``"choice"``: one letter (``"b"``);
- ``"choices"``: several letters (``{"a", "c"}``, ``["a", "c"]`` or ``"a, c"``);
- ``"number"``: a number, compared after rounding to ``digits`` significant digits (the
  tolerance); a "predict the output" question is a number question whose prompt asks for the
  value the next cell prints.

The key is never stored in plain text. Each answer is normalised (:meth:`QuestionExercise.normalise`)
and hashed with the question's salt (:func:`answer_digest`); the catalogue stores the digests of
the accepted answers, and a map from the digests of known wrong answers to the
:class:`Misconception` each reveals. For a several-letter question, one option picked wrongly
(``"+a"``) or missed (``"-c"``) can carry its own misconception too. The texts that would give the
answer away (the explanation of the right answer, each misconception's words) are sealed with the
answer they belong to (:func:`seal`): they can only be read by giving that answer.

This only keeps the key out of sight: the answer space is small, so anyone with the package can
hash every option and find the key (docs/grading.md says so; questions are worth few points).
"""

from __future__ import annotations

import base64
import hashlib
import math
import numbers
import re
from dataclasses import dataclass

from rnncourse.checks.engine.protocol import Exercise
from rnncourse.checks.engine.result import Verdict

QUESTION_POINTS = 0.5
"""Default points of one question (a catalogue entry may set its own ``points``)."""

KINDS = ("choice", "choices", "number")
class _NotReturnedYet:
    """The answer of a function that answers a question (the nbgrader form) while its body is
    still the stub ``raise NotImplementedError()``: not answered yet."""

    def __repr__(self):
        return "..."


NOT_RETURNED = _NotReturnedYet()

ANSWER_TIME_LIMIT = 2.0
"""Seconds a function answering a question gets to return its answer."""
"""What a question's function answer gives while it only raises NotImplementedError (the
notebook's ``check`` and the static reader of the graded notebook alike)."""

UNANSWERED = (None, Ellipsis, NOT_RETURNED)
DIGEST_CHARS = 24


def answer_digest(salt, text):
    """The salted SHA-256 (first 24 hex digits) of a normalised answer ``text``.

    >>> answer_digest("q0_demo:1f", "b") == answer_digest("q0_demo:1f", "b")
    True
    """
    return hashlib.sha256(f"rnncourse-question\x00{salt}\x00{text}".encode()).hexdigest()[:DIGEST_CHARS]


def _keystream(salt, answer_text, n):
    blocks, counter = [], 0
    while 32 * len(blocks) < n:
        blocks.append(hashlib.sha256(f"rnncourse-seal\x00{salt}\x00{answer_text}\x00{counter}"
                                     .encode()).digest())
        counter += 1
    return b"".join(blocks)[:n]


def seal(salt, answer_text, message):
    """``message`` encrypted with a key stream derived from the normalised ``answer_text`` (base64).

    >>> unseal("s", "b", seal("s", "b", "why b is right")) == "why b is right"
    True
    """
    data = message.encode()
    return base64.b64encode(bytes(a ^ b for a, b in zip(data, _keystream(salt, answer_text,
                                                                         len(data))))).decode()


def unseal(salt, answer_text, sealed):
    """The message :func:`seal` sealed with ``answer_text`` (garbage for any other answer)."""
    data = base64.b64decode(sealed)
    plain = bytes(a ^ b for a, b in zip(data, _keystream(salt, answer_text, len(data))))
    return plain.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Misconception:
    """What a wrong answer reveals: a ``name`` (for reports), the ``sealed`` text shown (see
    :func:`seal`: sealed with the wrong answer it belongs to), and the ``section`` of the lesson
    that resolves it."""

    name: str
    sealed: str
    section: str

    def words(self, salt, answer_text):
        """The unsealed text, without the section."""
        return unseal(salt, answer_text, self.sealed)

    def message(self, salt, answer_text):
        return f"{self.words(salt, answer_text)} See {self.section}."


def _shown(answer):
    """``repr`` of an answer, with a set's items sorted (so messages never depend on hash order)."""
    if isinstance(answer, (set, frozenset)):
        try:
            return "{" + ", ".join(sorted(map(repr, answer))) + "}"
        except TypeError:
            return f"a set of {len(answer)} items"
    text = repr(answer)
    return text if len(text) <= 80 else text[:77] + "..."


def _letters_of(answer):
    """The letters of a several-letter answer as a sorted tuple, or None if it is not one."""
    if isinstance(answer, str):
        parts = [p for p in re.split(r"[\s,;]+", answer.strip()) if p]
        if len(parts) == 1 and len(parts[0]) > 1:
            parts = list(parts[0])  # "ac"
    elif isinstance(answer, (set, frozenset, list, tuple)):
        parts = list(answer)
    else:
        return None
    if not all(isinstance(p, str) for p in parts):
        return None
    return tuple(sorted({p.strip().lower() for p in parts}))


class QuestionExercise(Exercise):
    """One self-check question (see the module docstring).

    Parameters
    ----------
    id : str, ``q<lesson number>_<name>``, e.g. ``"q04_total_vs_partial"``
    lesson : str, the lesson stem
    kind : ``"choice"``, ``"choices"`` or ``"number"``
    prompt : str, the question in one or two sentences (the widget shows it)
    salt : str, this question's salt (any short string; change it and re-hash to rotate the key)
    accepted : dict digest of an accepted normalised answer -> the explanation of the right
        answer, sealed with that answer (:func:`seal`; shown when it is given)
    section : str, where the lesson explains it (shown with an unrecognised wrong answer)
    options : dict letter -> option text (choice kinds)
    wrong : dict digest -> :class:`Misconception`, for known wrong answers (and, for ``"choices"``,
        ``"+x"`` / ``"-x"``: option x picked wrongly / missed)
    digits : int, significant digits a number is rounded to before hashing (number kind)
    points : points of the question (default :data:`QUESTION_POINTS`)
    """

    answer_kind = "value"

    def __init__(self, id, lesson, kind, prompt, salt, accepted, section,
                 options=None, wrong=None, digits=3, points=QUESTION_POINTS):
        if not re.fullmatch(r"q\d{2}_[a-z0-9_]+", str(id)):
            raise ValueError(f"question id {id!r} must look like 'q04_total_vs_partial' "
                             "(q, the two-digit lesson number, _, a lower-case name)")
        if id[1:3] != str(lesson)[:2]:
            raise ValueError(f"question id {id!r} does not start with the number of its lesson "
                             f"{lesson!r}; name it 'q{str(lesson)[:2]}_...'")
        if kind not in KINDS:
            raise ValueError(f"question {id}: kind {kind!r} is not one of {', '.join(KINDS)}")
        if kind != "number" and not options:
            raise ValueError(f"question {id}: a {kind!r} question needs options, e.g. "
                             "options={'a': '...', 'b': '...'}")
        if not accepted:
            raise ValueError(f"question {id}: no accepted answer; add accepted={{digest: sealed "
                             "explanation}} (see docs/checks.md, 'Adding a question')")
        self.id, self.lesson, self.kind, self.prompt = id, lesson, kind, prompt
        self.salt, self.accepted, self.section = salt, dict(accepted), section
        self.options = dict(sorted((options or {}).items()))  # shown in letter order
        self.wrong = dict(wrong or {})
        self.digits, self.points = int(digits), points

    # ------------------------------------------------------------------ answers
    def example(self):
        """A sample answer of the right kind (never the key), for messages."""
        return {"choice": "'a'", "choices": "{'b', 'd'}", "number": "0.25"}[self.kind]

    def returned_by(self, answer):
        """``(value, problem)``: a function answering the question (the nbgrader form,
        ``def q04_x(): return "b"`` handed to ``check``) is called and its returned value is the
        answer; any other answer is itself. ``problem`` says why a function gave none."""
        if not callable(answer) or isinstance(answer, type):
            return answer, None
        from rnncourse.checks.engine.calls import run_limited

        name = getattr(answer, "__name__", "your function")
        status, value = run_limited(answer, ANSWER_TIME_LIMIT)
        if status == "returned":
            return value, None
        if status == "timeout":
            return None, (f"{name}() did not return within {ANSWER_TIME_LIMIT:g} s; it should "
                          f"only return your answer, e.g. return {self.example()}")
        if isinstance(value, NotImplementedError):
            return NOT_RETURNED, None
        return None, (f"{name}() raised {type(value).__name__}: {value}; it should only return "
                      f"your answer, e.g. return {self.example()}")

    def accepts(self, answer):
        answer, problem = self.returned_by(answer)
        if problem:
            return problem
        how = f"check({self.id!r}, {self.example()})"
        if answer is NOT_RETURNED:
            return (f"not answered yet: in the function {self.id}, replace the raise "
                    f"NotImplementedError() line with return and your answer, e.g. return "
                    f"{self.example()}, then run the cell again.")
        if any(answer is u for u in UNANSWERED):
            return (f"not answered yet: put your answer in place of `...`, e.g. {how}, then run "
                    "the cell again. This cell is what is graded; the buttons above only check "
                    "an answer.")
        if self.kind == "number":
            if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
                return f"{_shown(answer)} is not a number; answer with a number, e.g. {how}"
            if not math.isfinite(float(answer)):
                return f"{_shown(answer)} is not a finite number; answer with a number, e.g. {how}"
            return None
        letters = _letters_of(answer) if self.kind == "choices" else (
            (answer.strip().lower(),) if isinstance(answer, str) else None)
        if not letters or (self.kind == "choice" and len(letters) != 1):
            what = "one letter in quotes" if self.kind == "choice" else "a set of letters"
            return f"{_shown(answer)} is not an answer here; answer with {what}, e.g. {how}"
        unknown = [x for x in letters if x not in self.options]
        if unknown:
            return (f"{', '.join(map(repr, unknown))} is not one of the options "
                    f"{', '.join(self.options)}; answer e.g. {how}")
        return None

    def normalise(self, answer):
        """The canonical text of an answer that :meth:`accepts`: ``"b"``, ``"a,c"``, ``"0.015"``."""
        if self.kind == "number":
            value = float(answer)
            return format(value + 0.0, f".{self.digits}g")  # + 0.0: -0.0 becomes 0.0
        if self.kind == "choices":
            return ",".join(_letters_of(answer))
        return answer.strip().lower()

    def digest(self, answer):
        """The salted digest of ``answer`` (normalised first)."""
        return self.digest_of_text(self.normalise(answer))

    @property
    def full_salt(self):
        return f"{self.id}:{self.salt}"

    def digest_of_text(self, text):
        """The salted digest of an already normalised text (e.g. ``"+a"`` for a choices option)."""
        return answer_digest(self.full_salt, text)

    def seal_for(self, text, message):
        """``message`` sealed with the normalised answer ``text`` (for authors)."""
        return seal(self.full_salt, text, message)

    # ------------------------------------------------------------------ the protocol
    def make_cases(self, seed):
        return [{"label": "your answer", "question": self.id}]

    def call(self, answer, case, time_limit=None):
        """Record the answer as plain data (nothing is run, except a function that returns the
        answer: :meth:`returned_by`)."""
        problem = self.accepts(answer)
        if problem:
            return {"status": "unanswerable", "problem": problem, "mutated": []}
        answer, _ = self.returned_by(answer)
        return {"status": "returned", "value": self.normalise(answer), "mutated": []}

    def judge_outputs(self, case, outputs):
        if outputs.get("status") != "returned" or not isinstance(outputs.get("value"), str):
            return Verdict(False, str(outputs.get("problem") or "no answer was given"),
                           "unanswered")
        text = outputs["value"]
        digest = self.digest_of_text(text)
        if digest in self.accepted:
            return Verdict(True, f"Right. {unseal(self.full_salt, text, self.accepted[digest])}")
        known = self.wrong.get(digest)
        if known is not None:
            return Verdict(False, f"Not quite: {known.message(self.full_salt, text)}", known.name)
        if self.kind == "choices":
            notes = self._option_notes(text)
            if notes:  # each option's words, then each section once
                sections = " and ".join(dict.fromkeys(m.section for _, m in notes))
                return Verdict(False, "Not quite: " + " ".join(
                    m.words(self.full_salt, key) for key, m in notes) + f" See {sections}.",
                    notes[0][1].name)
        return Verdict(False, f"Not quite. Think it through again with {self.section}.",
                       "unrecognised")

    def section_for(self, mistake):
        for known in self.wrong.values():
            if known.name == mistake:
                return known.section
        return self.section

    def _option_notes(self, text):
        chosen = set(text.split(","))
        notes = []
        for letter in self.options:
            sign = "+" if letter in chosen else "-"
            note = self.wrong.get(self.digest_of_text(sign + letter))
            if note is not None:
                notes.append((sign + letter, note))
        return notes


__all__ = ["QuestionExercise", "Misconception", "answer_digest", "seal", "unseal",
           "QUESTION_POINTS", "KINDS"]
