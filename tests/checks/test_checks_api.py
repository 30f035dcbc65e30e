"""check(exercise_id, fn): unknown ids and answers of the wrong kind never raise."""

from rnncourse.checks import check
from rnncourse.rnn import rnn_backward


def test_unknown_id_fails_and_suggests_closest_ids():
    r = check("rnn_backwrd", rnn_backward)
    assert not r.passed and r.points == 0
    assert "unknown exercise id 'rnn_backwrd'" in r.message
    assert "did you mean rnn_backward" in r.message
    r = check("zzzz", rnn_backward)
    assert "known ids: warmup_sum_of_squares, affine_forward" in r.message


def test_not_a_function():
    r = check("rnn_backward", 3)
    assert not r.passed
    assert "expected a function, got a int (3)" in r.message
    assert "check('rnn_backward', rnn_backward)" in r.message
