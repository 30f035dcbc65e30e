"""checks.engine.compare: differences found and said in words, including which time steps."""

import numpy as np

from rnncourse.checks.engine.compare import compare, describe, summarize


def test_values_off_at_some_time_steps_are_named():
    exp = np.ones((2, 5, 3))
    got = exp.copy()
    got[:, 3, :] += 0.5
    problems = compare(got, exp, "dx", rtol=1e-7, atol=1e-9, time_axes={"dx": 1})
    assert [(p.kind, p.steps, p.T) for p in problems] == [("values", [3], 5)]
    # code index 3 is the lessons' step t = 4 (maths counts steps from 1)
    assert summarize(problems, ("dx", "dh0")) == ("dx is off at time step t = 4 of T = 5 (index "
                                                  "t-1 in code: 3) by up to 0.5 (relative error "
                                                  "0.5). dh0 is right")


def test_structural_problems_come_with_a_sentence():
    [p] = compare(np.zeros((2, 3)), np.zeros((2, 4)), "dW", rtol=1e-7, atol=1e-9,
                  shapes={"dW": "(D, H)"})
    assert (p.kind, p.text) == ("shape", "dW has shape (2, 3), expected (2, 4) = (D, H)")
    [p] = compare({"a": 1.0}, {"a": 1.0, "b": 2.0}, "clipped", rtol=1e-7, atol=1e-9)
    assert p.text == "clipped has missing key(s) ['b']; return one entry per key of the input"
    assert compare([1.0, 2.0], [1.0, 2.0], "pair", rtol=1e-7, atol=1e-9) == []


def test_describe_names_what_came_back():
    assert describe(None) == "None"
    assert describe(np.zeros((2, 3))) == "an array of shape (2, 3)"
    assert describe([1, 2, 3]) == "3 values"
    assert describe({"__opaque__": "Foo", "repr": "<Foo>"}) == "a Foo (<Foo>)"
