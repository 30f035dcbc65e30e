"""The room at a glance: every learner's progress file folded into one grid and a summary.

:class:`Room` reads, for each learner the hub lists, the progress file in *that learner's home*
(:func:`rnncourse.hub.accounts.home_of`): a record is attributed to the learner whose home it is
in, never to anything written inside it, so a forged record cannot claim another learner. Files
are read as :func:`rnncourse.progress.read_progress` reads them (no symlinks, regular files owned
by the home's owner, size-capped); records must also name a real exercise or question of its real
lesson with a mistake that exercise can have (:func:`rnncourse.checks.mistakes.is_known`); all the
words shown come from the catalogue. Everything else is skipped and counted per learner.

A learner who asked to be anonymous (``rnncourse progress --anonymous``) is shown as
``learner N``: N is handed out in an order that does not follow the names and stays the same for
as long as the dashboard runs.

:meth:`Room.snapshot` returns the JSON the dashboard serves at ``api/room``::

    {"learners": [{"name", "anonymous", "cells": {id: {"state", "mistake", "message"}},
                   "skipped", "last"}],
     "exercises": [ids in course order], "items": {id: {"lesson", "kind"}},
     "summary": {id: {"passed", "failing", "not_started", "top_mistake": {"id", "message",
                                                                          "count"} or null}},
     "generated": iso time}
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rnncourse.checks.mistakes import course_order, is_known, item, mistake_message, state_of
from rnncourse.hub.accounts import home_of
from rnncourse.progress import is_anonymous, latest_attempts, read_progress
from rnncourse.progress.record_format import utc_now
from rnncourse.progress.store import FOLDER, PREFERENCES_FILE, PREVIOUS_FILE, PROGRESS_FILE

MAX_NAME = 40
"""Characters of a login name shown (longer ones end in an ellipsis)."""
MAX_MESSAGE = 300
NOT_STARTED = "not started"


def shown_name(name: str) -> str:
    """A login name cut to :data:`MAX_NAME` characters, control characters replaced."""
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in str(name))
    return text if len(text) <= MAX_NAME else text[:MAX_NAME - 1] + "…"


def short(text, limit=MAX_MESSAGE):
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


class Pseudonyms:
    """``learner N`` for anonymous learners: numbers in a keyed-hash order, stable while it lives."""

    def __init__(self, key: bytes | None = None):
        self.key = key or secrets.token_bytes(32)
        self.numbers = {}

    def name_for(self, names) -> dict:
        """``{login name: "learner N"}`` for ``names``, numbering the ones not seen before."""
        new = sorted((n for n in set(names) if n not in self.numbers),
                     key=lambda n: hmac.new(self.key, n.encode("utf-8", "replace"),
                                            hashlib.sha256).digest())
        for n in new:
            self.numbers[n] = len(self.numbers) + 1
        return {n: f"learner {self.numbers[n]}" for n in names}


@dataclass
class LearnerState:
    """One learner's folded progress: ``attempts`` {id: Attempt}, lines ``skipped``, anonymity."""

    attempts: dict
    skipped: int
    anonymous: bool
    last: str | None


class Room:
    """The room of one hub: the homes root, the pseudonyms, and a cache of parsed files.

    Parameters
    ----------
    homes_root : Path, the folder holding every learner's home
    pseudonyms : :class:`Pseudonyms` (a fresh one by default)
    """

    def __init__(self, homes_root, pseudonyms=None):
        self.homes_root = Path(homes_root)
        self.pseudonyms = pseudonyms or Pseudonyms()
        self.order = course_order()
        self._cache = {}  # home -> (signature, LearnerState)

    def home(self, name: str) -> Path | None:
        """The learner's home, or None when the name does not map to a folder right below the
        homes root (a name with ``/`` or ``..`` in it)."""
        try:
            path = home_of(name, self.homes_root)
        except Exception:
            return None
        if path.parent != self.homes_root or path.name in ("", ".", ".."):
            return None
        return path

    def learner_state(self, home: Path | None) -> LearnerState:
        """The folded progress of the learner living in ``home`` (re-read only when it changed)."""
        if home is None:
            return LearnerState({}, 0, False, None)
        try:
            info = os.lstat(home)
        except OSError:
            return LearnerState({}, 0, False, None)
        if not stat.S_ISDIR(info.st_mode):
            return LearnerState({}, 1, False, None)
        folder = home / FOLDER
        signature = (info.st_uid,) + tuple(_signature(folder / n) for n in
                                           ("", PREVIOUS_FILE, PROGRESS_FILE, PREFERENCES_FILE))
        cached = self._cache.get(home)
        if cached is not None and cached[0] == signature:
            return cached[1]
        found = read_progress(folder, owner_uid=info.st_uid)
        known = [rec for rec in found.records if is_known(rec)]
        state = LearnerState(latest_attempts(known),
                             found.skipped + len(found.records) - len(known) + len(found.problems),
                             is_anonymous(folder, owner_uid=info.st_uid),
                             known[-1].time if known else None)
        self._cache[home] = (signature, state)
        return state

    def snapshot(self, users: list) -> dict:
        """The room's JSON (see the module docstring) for the hub's ``users`` (dicts with
        ``name`` and ``admin``; admins are the instructors and are not shown)."""
        learners = [u["name"] for u in users if isinstance(u, dict) and isinstance(
            u.get("name"), str) and not u.get("admin")]
        states = {name: self.learner_state(self.home(name)) for name in learners}
        self._cache = {h: v for h, v in self._cache.items()
                       if h in {self.home(n) for n in learners}}
        anonymous = [n for n in learners if states[n].anonymous]
        pseudonym = self.pseudonyms.name_for(anonymous)
        rows = []
        for name in learners:
            state = states[name]
            rows.append({"name": pseudonym.get(name) or shown_name(name),
                         "anonymous": name in pseudonym,
                         "cells": {ex: self.cell(state.attempts.get(ex)) for ex in self.order},
                         "skipped": state.skipped, "last": state.last})
        rows.sort(key=lambda r: (r["anonymous"], _natural(r["name"])))
        return {"learners": rows, "exercises": list(self.order),
                "items": {ex: {"lesson": item(ex).lesson,
                               "kind": "question" if getattr(item(ex), "answer_kind", "")
                               == "value" else "exercise"} for ex in self.order},
                "summary": self.summary(rows), "generated": utc_now()}

    @staticmethod
    def cell(attempt) -> dict:
        """The grid cell of one learner's :class:`~rnncourse.progress.Attempt` (or None)."""
        if attempt is None:
            return {"state": NOT_STARTED, "mistake": None, "message": ""}
        state, message = state_of(attempt.last)
        return {"state": state, "mistake": attempt.last.mistake if state == "failing" else None,
                "message": short(message)}

    def summary(self, rows: list) -> dict:
        """Per id: how many passed, fail, have not started, and the commonest current mistake."""
        out = {}
        for ex in self.order:
            cells = [r["cells"][ex] for r in rows]
            counts = Counter(c["state"] for c in cells)
            mistakes = Counter(c["mistake"] for c in cells if c["mistake"])
            top = None
            if mistakes:
                (mistake, count), = sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))[:1]
                top = {"id": mistake, "message": short(mistake_message(ex, mistake) or ""),
                       "count": count}
            out[ex] = {"passed": counts["passed"], "failing": counts["failing"],
                       "not_started": counts[NOT_STARTED], "top_mistake": top}
        return out


def _signature(path):
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_mode)


def _natural(name):
    """Sort key putting ``learner2`` before ``learner10``."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", name.lower()) if part]


__all__ = ["Room", "Pseudonyms", "LearnerState", "shown_name", "MAX_NAME"]
