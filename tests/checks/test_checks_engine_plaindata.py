"""checks.engine.plaindata: the plain-data format keeps what JSON alone would lose."""

import numpy as np
import pytest

from rnncourse.checks import from_bytes, pack, to_bytes


def test_pack_keeps_types_that_json_alone_would_lose():
    value = {"edges": {1: [2, 3], 2: []}, "x": np.arange(4.0).reshape(2, 2), "y": np.arange(3),
             "loss": float("nan"), "big": float("inf"), "flag": True, "k": 3, "t": (1, "a")}
    back = from_bytes(to_bytes(value))
    assert back["edges"] == {1: [2, 3], 2: []}
    assert back["x"].dtype == np.float64 and back["y"].dtype.kind == "i"
    assert np.isnan(back["loss"]) and back["big"] == float("inf")
    assert back["flag"] is True and back["k"] == 3 and back["t"] == [1, "a"]
    with pytest.raises(TypeError, match="cannot pack a function"):
        pack({"f": test_pack_keeps_types_that_json_alone_would_lose})
