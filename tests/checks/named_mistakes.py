"""Shared assertions for the checks' named-mistake tests (test_checks_catalogue_*.py).

Each of those files keeps a WORDING table {exercise id: {mistake name: words its message must
contain}}; these helpers turn the table into parametrised cases and assertions. Every message
a check can give must speak of the learner's code only: INTERNAL_NAMES lists words that would
give the course's machinery away.
"""

from rnncourse.checks import EXERCISES, check

INTERNAL_NAMES = ("run_limited", "make_test_function", "<locals>", "<lambda>", "rnncourse/",
                  "_variant", "trusted_outcome", "build_args", "invoke(", "<rnncourse-harness>")


def mistake_cases(wording):
    """(exercise id, mistake name) for every known mistake of the exercises in ``wording``."""
    return [(ex_id, m.name) for ex_id in wording for m in EXERCISES[ex_id].mistakes]


def assert_wording_covers_every_mistake(wording):
    for ex_id, names in wording.items():
        assert set(names) == {m.name for m in EXERCISES[ex_id].mistakes}, ex_id


def named(result):
    """The mistake names a failing result gives (``"A or B"`` when an error fits several)."""
    return result.mistake.split(" or ") if result.mistake else []


def assert_no_internal_names(text):
    leaked = [word for word in INTERNAL_NAMES if word in text]
    assert not leaked, (leaked, text)


def assert_mistake_is_named(wording, ex_id, name):
    """The mistake's own variant fails the check, and the message names that mistake."""
    mistake = next(m for m in EXERCISES[ex_id].mistakes if m.name == name)
    r = check(ex_id, mistake.variant)
    assert not r.passed and r.points == 0
    assert name in named(r), r.message
    said = wording[ex_id][name]
    if len(named(r)) == 1:
        assert "Likely mistake: " + said in r.message
    else:  # an error several mistakes raise alike: each is given, "A Or: B"
        assert "Likely mistake: " + said in r.message or " Or: " + said in r.message
    assert_no_internal_names(r.message)


def assert_fails_as(ex_id, fn, name, words):
    """A learner's wrong answer ``fn`` fails, names exactly ``name`` and says ``words``."""
    r = check(ex_id, fn)
    assert not r.passed and r.points == 0, r.message
    assert r.mistake == name, r.message
    assert words in r.message, r.message
    assert_no_internal_names(r.message)
    return r
