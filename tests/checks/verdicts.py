"""Every verdict the checks give on the known wrong answers, as plain data (run in subprocesses).

``collect()`` runs through ``check``: every catalogue mistake's own variant, each accepted
alternative's variant, and the learners' wrong answers kept by the catalogue tests
(``WRONG_ANSWERS`` of test_checks_catalogue_nn/_rnn/_graph/_named.py). Each entry keeps the result
(passed, mistake, message) and every case's verdict, so two processes can be compared in full.
``python tests/checks/verdicts.py`` prints them as JSON: test_checks_hash_seeds.py runs it under
several ``PYTHONHASHSEED`` values and compares.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO not in sys.path:  # run as a script: the test helpers are imported as tests.checks.*
    sys.path.insert(0, REPO)

from rnncourse.checks import EXERCISES, check  # noqa: E402

TEST_MODULES = ("test_checks_catalogue_nn", "test_checks_catalogue_rnn",
                "test_checks_catalogue_graph", "test_checks_catalogue_named")


def answers():
    """``(exercise id, what, function)`` for every known wrong (or accepted) answer."""
    found = []
    for ex_id, ex in EXERCISES.items():
        found += [(ex_id, f"mistake {m.name}", m.variant) for m in ex.mistakes if m.variant]
        found += [(ex_id, f"alternative {a.name}", a.variant)
                  for a in getattr(ex, "alternatives", ()) if a.variant]
    for module_name in TEST_MODULES:
        module = importlib.import_module(f"tests.checks.{module_name}")
        found += [(ex_id, f"{module_name} answer {i} ({name})", fn)
                  for i, (ex_id, fn, name, _) in enumerate(module.WRONG_ANSWERS)]
    return found


def collect():
    entries = []
    for ex_id, what, fn in answers():
        r = check(ex_id, fn)
        entries.append({"exercise": ex_id, "answer": what, "passed": r.passed,
                        "mistake": r.mistake, "message": r.message,
                        "cases": [[v.passed, v.mistake, v.message, v.note] for v in r.verdicts]})
    return entries


if __name__ == "__main__":
    json.dump(collect(), sys.stdout)
