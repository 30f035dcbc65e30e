"""The class roster (``--roster roster.csv``): which student each submission belongs to.

A roster is a CSV file with a header line. The columns read (names are matched without regard to
case or surrounding spaces; any other column is ignored):

- ``submission`` (required): what the student's submissions are named by — the student's folder
  (``alice`` for ``alice/04_bptt.ipynb``) or the start of a file name in a flat folder (``carol``
  for ``carol_04_bptt.ipynb``, ``smithjane`` for Canvas's ``smithjane_1234_5678_04_bptt.ipynb``);
- ``student_id`` (required): the id your learning platform knows the student by (Canvas's SIS
  User ID, Moodle's ID number); it goes into the gradebook and the exports;
- ``name``, ``email``, ``login``, ``section`` (optional): shown in the gradebook (``name``) and
  written to the exports (Canvas: ``Student``, ``SIS Login ID``, ``Section``; Moodle: ``Full
  name``, ``Email address``).

A byte-order mark (as spreadsheets write it), ``;`` or tab separators, blank lines and spaces
around values are accepted. Missing columns, a line with more values than the header has
columns (an unquoted separator inside a value), an empty ``submission`` or ``student_id``, and two
rows with the same ``submission`` (ignoring case) or the same ``student_id`` are refused with a
:class:`ValueError` that names the file, the line and the fix.

Matching (:meth:`Roster.match`): a submission's identity is cut into candidate keys — its first
folder when it has one, else its file name without ``.ipynb`` — and each candidate also counts
cut at every ``_`` (``Jane Doe_123_assignsubmission_file_`` gives ``Jane Doe``, ``Jane Doe_123``,
...). Comparison ignores case. Exactly one roster entry must match; none or several leave the
submission unmatched, and the batch lists it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

REQUIRED = ("submission", "student_id")
OPTIONAL = ("name", "email", "login", "section")


@dataclass(frozen=True)
class Student:
    """One roster entry.

    Attributes
    ----------
    key : str, the ``submission`` column (as written)
    student_id, name, email, login, section : str (empty when the roster has no such column)
    """

    key: str
    student_id: str
    name: str = ""
    email: str = ""
    login: str = ""
    section: str = ""

    @property
    def label(self):
        """``student_id (name)``, or the id alone, for messages."""
        return f"{self.student_id} ({self.name})" if self.name else self.student_id


def candidate_keys(identity):
    """The roster keys (case-folded) a submission identity can be matched by, shortest first.

    >>> candidate_keys("Jane Doe_42_assignsubmission_file_/04_bptt.ipynb")
    ['jane doe', 'jane doe_42', 'jane doe_42_assignsubmission', 'jane doe_42_assignsubmission_file']
    >>> candidate_keys("carol_04_bptt.ipynb")
    ['carol', 'carol_04', 'carol_04_bptt']
    """
    parts = identity.split("/")
    base = parts[0] if len(parts) > 1 else parts[0].removesuffix(".ipynb")
    pieces = base.strip().strip("_").split("_")
    keys = []
    for end in range(1, len(pieces) + 1):
        key = "_".join(pieces[:end]).strip().casefold()
        if key and key not in keys:
            keys.append(key)
    return keys


@dataclass
class Roster:
    """The students of a roster file, in file order.

    Attributes
    ----------
    path : str, the file (for messages)
    students : list of :class:`Student`
    """

    path: str
    students: list

    def __post_init__(self):
        self._by_key = {s.key.strip().casefold(): s for s in self.students}

    def match(self, identity):
        """``(student, [])`` for the one entry matching ``identity``; ``(None, [])`` for none;
        ``(None, keys)`` when several entries match (the roster's keys, as written)."""
        found = [self._by_key[k] for k in candidate_keys(identity) if k in self._by_key]
        if len(found) == 1:
            return found[0], []
        return None, [s.key for s in found]


def _delimiter(first_line):
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_roster(path):
    """Read and check the roster at ``path``.

    Returns
    -------
    :class:`Roster`

    Raises
    ------
    ValueError
        for a missing or unreadable file, a missing column, an empty key or id, or a key or id
        given twice; the message names the file (and the line) and says what to fix.
    """
    path = Path(path)
    where = f"the roster {str(path)!r}"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ValueError(f"argument --roster: no such file: {str(path)!r}") from None
    except IsADirectoryError:
        raise ValueError(f"argument --roster: {str(path)!r} is a folder; give a CSV file") \
            from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where} is not UTF-8 text (byte {exc.start}); save it as "
                         "\"CSV UTF-8\" from your spreadsheet") from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first)))
    except csv.Error as exc:
        raise ValueError(f"{where} is not valid CSV ({exc})") from None
    numbered = [(n, r) for n, r in enumerate(records, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise ValueError(f"{where} is empty; it needs a header line with the columns "
                         f"{', '.join(REQUIRED)} (and optionally {', '.join(OPTIONAL)})")
    _, header = numbered[0]
    names = [h.strip().casefold() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ValueError(f"{where} has no column {', '.join(map(repr, missing))} (found: "
                         f"{', '.join(h.strip() for h in header)}); the columns read are "
                         f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}")
    index = {name: names.index(name) for name in (*REQUIRED, *OPTIONAL) if name in names}
    students, keys, ids = [], {}, {}
    for number, record in numbered[1:]:
        if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
            sep = _delimiter(first)
            shown = "tab" if sep == "\t" else repr(sep)
            raise ValueError(f"{where}, line {number}: {len(record)} values but the header has "
                             f"{len(header)} columns, so its columns would shift; put a value "
                             f"holding a {shown} in double quotes (\"Núñez{sep} José\")")
        cells = {name: (record[i].strip() if i < len(record) else "") for name, i in index.items()}
        for column in REQUIRED:
            if not cells[column]:
                raise ValueError(f"{where}, line {number}: the {column} is empty; fill it in or "
                                 "delete the line")
        key, sid = cells["submission"].casefold(), cells["student_id"]
        if key in keys:
            raise ValueError(f"{where}, line {number}: submission {cells['submission']!r} is "
                             f"also on line {keys[key]}; each student needs their own")
        if sid in ids:
            raise ValueError(f"{where}, line {number}: student_id {sid!r} is also on line "
                             f"{ids[sid]}; list each student once")
        keys[key], ids[sid] = number, number
        students.append(Student(key=cells["submission"], student_id=sid,
                                **{name: cells.get(name, "") for name in OPTIONAL}))
    return Roster(path=str(path), students=students)


__all__ = ["Roster", "Student", "read_roster", "candidate_keys", "REQUIRED", "OPTIONAL"]
