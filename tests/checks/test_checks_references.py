"""grading.references: static detection of answers that call the course's reference."""

from __future__ import annotations

import pytest

from rnncourse.checks.references import static_flags
from tests.grading.test_grading_corpus import CORRECT, lesson_notebook


# ----------------------------------------------------------------------------- static reference check
def _nb(*sources):
    return lesson_notebook({}, before=sources)


@pytest.mark.parametrize("source", [
    "from rnncourse.nn import tanh_backward as tb\ndef tanh_backward(dout, cache):\n    return tb(dout, cache)",
    "import rnncourse.nn as r\ndef tanh_backward(dout, cache):\n    return r.tanh_backward(dout, cache)",
    "import rnncourse\ndef tanh_backward(dout, cache):\n    return rnncourse.nn.tanh_backward(dout, cache)",
    "from rnncourse import nn\ndef tanh_backward(dout, cache):\n    return nn.tanh_backward(dout, cache)",
    "from rnncourse.nn import *\nref = tanh_backward\ndef tanh_backward(dout, cache):\n    return ref(dout, cache)",
    "import importlib\ndef tanh_backward(dout, cache):\n"
    "    return getattr(importlib.import_module('rnncourse.nn'), 'tanh_backward')(dout, cache)",
    "import rnncourse.nn as r\ndef helper(a, b):\n    return r.tanh_backward(a, b)\n"
    "def tanh_backward(dout, cache):\n    return helper(dout, cache)",
    "def tanh_backward(dout, cache):\n    from rnncourse.nn import tanh_backward as t\n    return t(dout, cache)",
    "import rnncourse.nn\ntanh_backward = rnncourse.nn.tanh_backward",
    "%matplotlib inline\nfrom rnncourse.nn import tanh_backward",
])
def test_static_check_flags_calls_to_the_reference(source):
    flags = static_flags(_nb(source), {"tanh_backward": "tanh_backward"})
    assert "tanh_backward" in flags[("tanh_backward")]
    assert "rnncourse.nn.tanh_backward" in flags["tanh_backward"]
    bound = source.rstrip().endswith(("tanh_backward = rnncourse.nn.tanh_backward",
                                      "from rnncourse.nn import tanh_backward"))
    assert flags["tanh_backward"] == (
        "tanh_backward is the course's own rnncourse.nn.tanh_backward" if bound
        else "tanh_backward calls the course's reference rnncourse.nn.tanh_backward")


@pytest.mark.parametrize("source", [
    CORRECT["tanh_backward"],
    # the library's other functions are allowed, and so is importing the reference elsewhere
    "from rnncourse.nn import tanh_forward, tanh_backward as ref\n" + CORRECT["tanh_backward"],
    "from rnncourse.nn import tanh_backward\n" + CORRECT["tanh_backward"],
    "import rnncourse.nn as r\ndef tanh_backward(dout, cache):\n"
    "    return dout * (1 - r.tanh_forward(cache)[0] * 0 - cache ** 2)",
])
def test_static_check_leaves_honest_answers_alone(source):
    assert static_flags(_nb(source), {"tanh_backward": "tanh_backward"}) == {}


def test_equivalent_library_functions_count_as_the_reference():
    source = ("from rnncourse.rnn import rnn_backward_truncated\n"
              "def rnn_backward(dh, cache):\n    return rnn_backward_truncated(dh, cache, dh.shape[1])")
    flags = static_flags(_nb(source), {"rnn_backward": "rnn_backward"})
    assert "rnn_backward_truncated" in flags["rnn_backward"]
