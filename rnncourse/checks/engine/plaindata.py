"""Plain data: what it is, how any value becomes plain data, and its ``.npz`` + JSON format.

This is the one module that knows the format cases and outputs cross processes in.

The exercise protocol (see :mod:`rnncourse.checks`) only ever moves *plain data* between its
steps: ``None``, ``bool``, ``int``, ``float``, ``str``, numpy arrays of numbers or strings, and
lists/tuples/dicts of those. :func:`pack` splits such a value into a JSON-able tree plus a dict of
arrays (ready for ``np.savez``); :func:`unpack` puts it back together. Tuples come back as lists
(the judges accept either), dict keys keep their type (``int`` keys stay ``int``), and NaN/inf
floats survive. :func:`to_bytes`/:func:`from_bytes` do both steps into one ``.npz`` blob that loads
with ``allow_pickle=False``.

Example
-------
>>> import numpy as np
>>> blob = to_bytes({"x": np.arange(3.0), "edges": {1: [2]}, "f": {"family": "quadratic"}})
>>> back = from_bytes(blob)
>>> back["x"].tolist(), back["edges"], back["f"]
([0.0, 1.0, 2.0], {1: [2]}, {'family': 'quadratic'})
"""

from __future__ import annotations

import io
import json
import math
import zipfile

import numpy as np

_META = "__meta__"
_MAX_DEPTH = 8
PLAIN_DTYPE_KINDS = "biufcUS"
"""numpy dtype kinds that are plain data: booleans, integers, floats, complex numbers, strings."""

MAX_BYTES = 64 * 1024 * 1024
MAX_ARRAY_ITEMS = 4_000_000


# ----------------------------------------------------------------------------- any value -> plain data
_NOT_SCALAR = object()


def plain_scalar(value):
    """``value`` as a Python ``None``/``bool``/``int``/``float``/``str`` (numpy scalars included),
    or ``_NOT_SCALAR`` when it is not a scalar."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return _NOT_SCALAR


def plain(value, depth=0):
    """Copy ``value`` into plain data (see the module docstring).

    Arrays are copied, tuples become lists, numpy scalars become Python numbers, and anything
    else becomes ``{"__opaque__": type name, "repr": short repr}`` so the judge can name it.
    """
    scalar = plain_scalar(value)
    if scalar is not _NOT_SCALAR:
        return scalar
    if isinstance(value, np.ndarray) and value.dtype.kind in PLAIN_DTYPE_KINDS:
        return np.array(value, copy=True)
    if depth < _MAX_DEPTH and isinstance(value, (list, tuple)) and len(value) <= 100_000:
        return [plain(v, depth + 1) for v in value]
    if depth < _MAX_DEPTH and isinstance(value, dict):
        keys_ok = all(isinstance(k, (str, int, np.integer)) and not isinstance(k, bool)
                      for k in value)
        if keys_ok:
            return {(int(k) if isinstance(k, np.integer) else k): plain(v, depth + 1)
                    for k, v in value.items()}
    try:
        text = repr(value)
    except Exception:  # a learner's object with a broken __repr__
        text = "<unprintable>"
    return {"__opaque__": type(value).__name__, "repr": text[:200]}


def is_opaque(value):
    """True for the placeholder :func:`plain` makes for a value that is not plain data."""
    return isinstance(value, dict) and "__opaque__" in value and "repr" in value



# ----------------------------------------------------------------------------- the format


def pack(value):
    """Split plain data into ``(tree, arrays)``: ``tree`` is JSON-able, ``arrays`` maps names to arrays.

    Raises
    ------
    TypeError
        for anything that is not plain data (functions, objects, object-dtype arrays).
    """
    arrays = {}

    def enc(v):
        scalar = plain_scalar(v)
        if isinstance(scalar, float) and not math.isfinite(scalar):
            return {"__float__": repr(scalar)}
        if scalar is not _NOT_SCALAR:
            return scalar
        if isinstance(v, np.ndarray):
            if v.dtype.kind not in PLAIN_DTYPE_KINDS:
                raise TypeError(f"cannot pack an array of dtype {v.dtype}: only numbers or strings")
            name = f"a{len(arrays)}"
            arrays[name] = v
            return {"__array__": name}
        if isinstance(v, (list, tuple)):
            return [enc(item) for item in v]
        if isinstance(v, dict):
            return {"__dict__": [[enc(k), enc(item)] for k, item in v.items()]}
        raise TypeError(
            f"cannot pack a {type(v).__name__} ({v!r:.60}): cases and outputs must be plain data "
            "(numbers, strings, arrays, and lists/dicts of them)"
        )

    return enc(value), arrays


def unpack(tree, arrays):
    """Inverse of :func:`pack`: rebuild the value from its JSON-able ``tree`` and ``arrays``."""

    def dec(v):
        if isinstance(v, list):
            return [dec(item) for item in v]
        if isinstance(v, dict):
            if "__array__" in v:
                return np.asarray(arrays[v["__array__"]])
            if "__float__" in v:
                return float(v["__float__"])
            if "__dict__" in v:
                return {_key(dec(k)): dec(item) for k, item in v["__dict__"]}
            raise ValueError(f"unknown tag in packed data: {sorted(v)}")
        return v

    return dec(tree)


def _key(k):
    # dict keys must be hashable; a packed list key (never produced by pack) would not be
    return tuple(k) if isinstance(k, list) else k


def to_bytes(value):
    """Pack ``value`` into the bytes of one ``.npz`` file (JSON tree stored as a string array)."""
    tree, arrays = pack(value)
    buf = io.BytesIO()
    np.savez(buf, **{_META: np.array(json.dumps(tree))}, **arrays)
    return buf.getvalue()


def from_bytes(blob):
    """Inverse of :func:`to_bytes`; loads with ``allow_pickle=False``."""
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:
        tree = json.loads(str(z[_META]))
        arrays = {k: z[k] for k in z.files if k != _META}
    return unpack(tree, arrays)


def from_untrusted_bytes(blob, limit=MAX_BYTES, max_items=MAX_ARRAY_ITEMS):
    """``(value, None)`` from an ``.npz`` blob written by untrusted code, or ``(None, reason)``.

    Refuses an archive larger than ``limit`` bytes once decompressed, an array that is not
    plain data or holds more than ``max_items`` items, and nesting too deep to decode; never
    raises.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            if sum(info.file_size for info in archive.infolist()) > limit:
                return None, "the outputs file is too large"
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            for key in z.files:
                arr = z[key]
                if arr.dtype.kind not in PLAIN_DTYPE_KINDS or arr.size > max_items:
                    return None, f"the outputs file holds an unacceptable array ({arr.dtype})"
        return from_bytes(blob), None
    except RecursionError:
        return None, "the outputs file is nested too deeply"
    except Exception as exc:
        return None, f"the outputs file cannot be read ({type(exc).__name__})"
