"""Shared assertions for the checks' named-mistake tests (test_checks_nn.py, test_checks_rnn.py).

Each of those files keeps a WORDING table {exercise id: {mistake name: words its message must
contain}}; these helpers turn the table into parametrised cases and assertions.
"""

from rnncourse.checks import EXERCISES, check


def mistake_cases(wording):
    """(exercise id, mistake name) for every known mistake of the exercises in ``wording``."""
    return [(ex_id, m.name) for ex_id in wording for m in EXERCISES[ex_id].mistakes]


def assert_wording_covers_every_mistake(wording):
    for ex_id, names in wording.items():
        assert set(names) == {m.name for m in EXERCISES[ex_id].mistakes}, ex_id


def assert_mistake_is_named(wording, ex_id, name):
    """The mistake's own variant fails the check, and the message names that mistake."""
    mistake = next(m for m in EXERCISES[ex_id].mistakes if m.name == name)
    r = check(ex_id, mistake.variant)
    assert not r.passed and r.points == 0
    assert r.mistake == name
    assert "Likely mistake: " + wording[ex_id][name] in r.message
