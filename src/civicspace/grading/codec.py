"""A data-only codec for the values a student's kernel hands to the test kernel.

The grading pipeline (:mod:`civicspace.grading.execute`) runs a submission's code in one
kernel and the instructor's tests in another. Values cross between them as JSON
built by :func:`encode` and read back by :func:`decode`. Decoding never runs code
and never imports anything: it rebuilds only plain Python values (None, bool, int,
float, str, bytes, list, tuple, dict, set), numpy scalars and arrays of plain
dtypes, and pandas Series, DataFrames, indexes, timestamps and missing values.
Anything else arrives as :class:`Unsupported`, which a test can only fail on.

The types are kept exactly (``int`` stays ``int``, ``numpy.int64`` stays
``numpy.int64``, a categorical column keeps its categories), so a test sees the
value the student made, and honest submissions score as they would in one kernel.
"""

from __future__ import annotations

import json
import math
from typing import Any

#: Largest encoded message accepted (bytes): a hostile kernel cannot exhaust memory with one answer.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
#: Deepest nesting of containers accepted.
MAX_DEPTH = 40

#: numpy dtype kinds rebuilt from their string name (bool, ints, floats, complex, datetime, timedelta, str).
_NUMPY_KINDS = set("biufcMmU")


class DecodeError(ValueError):
    """The message is not a value this codec can rebuild (malformed, too deep or too large)."""


class Unsupported:
    """Stands in for a value of a type the codec does not carry (a figure, a module, an open file...)."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str):
        self.type_name = str(type_name)[:80]

    def __repr__(self) -> str:
        return f"<a value of type {self.type_name} that the grader cannot compare>"

    def __eq__(self, other):  # never equal to an expected answer
        return False

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self):
        raise TypeError(repr(self))


# --------------------------------------------------------------------------- encoding (student side)


def _type_name(value: Any) -> str:
    t = type(value)
    return f"{getattr(t, '__module__', '?')}.{getattr(t, '__qualname__', '?')}"


def _float(x: float) -> Any:
    if math.isnan(x) or math.isinf(x):
        return {"t": "float", "v": repr(float(x))}
    return float(x)


def _enc(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise DecodeError("nested too deeply")
    import numpy as np
    import pandas as pd

    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return value if abs(value) < 2**53 else {"t": "bigint", "v": str(value)}
    if t is float:
        return _float(value)
    if t in (list, tuple, set, frozenset):
        name = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}[t]
        return {"t": name, "v": [_enc(v, depth + 1) for v in value]}
    if t is dict:
        return {"t": "dict", "v": [[_enc(k, depth + 1), _enc(v, depth + 1)] for k, v in value.items()]}
    if t is bytes:
        return {"t": "bytes", "v": value.hex()}
    if value is pd.NA:
        return {"t": "NA"}
    if value is pd.NaT:
        return {"t": "NaT"}
    if t is pd.Timestamp:
        return {"t": "ts", "v": value.isoformat(), "tz": str(value.tz) if value.tz else None, "unit": value.unit}
    if t is pd.Timedelta:
        return {"t": "td", "v": int(value.value), "unit": value.unit}
    if isinstance(value, np.generic) and value.dtype.kind in _NUMPY_KINDS:
        return {"t": "np", "dtype": value.dtype.str, "v": _enc_numpy_scalar(value)}
    if t is np.ndarray:
        return _enc_array(value, depth)
    if t is pd.Series:
        return {
            "t": "series",
            "name": _enc(value.name, depth + 1),
            "index": _enc(value.index, depth + 1),
            **_enc_values(value, depth),
        }
    if t is pd.DataFrame:
        cols = []
        for i in range(value.shape[1]):
            cols.append(_enc_values(value.iloc[:, i], depth))
        return {
            "t": "frame",
            "columns": _enc(value.columns, depth + 1),
            "index": _enc(value.index, depth + 1),
            "data": cols,
            "attrs": _enc(dict(value.attrs), depth + 1) if value.attrs else None,
        }
    if t is pd.RangeIndex:
        return {"t": "range", "start": value.start, "stop": value.stop, "step": value.step, "name": _enc(value.name, depth + 1)}
    if t is pd.MultiIndex:
        return {
            "t": "multi",
            "levels": [_enc(value.get_level_values(i), depth + 1) for i in range(value.nlevels)],
            "names": [_enc(n, depth + 1) for n in value.names],
        }
    if isinstance(value, pd.Index) and t in (pd.Index, pd.DatetimeIndex, pd.CategoricalIndex, pd.TimedeltaIndex):
        return {"t": "index", "name": _enc(value.name, depth + 1), **_enc_values(pd.Series(value, copy=False), depth)}
    return {"t": "unsupported", "type": _type_name(value)}


def _enc_numpy_scalar(value) -> Any:
    kind = value.dtype.kind
    if kind in "Mm":
        return str(value.astype("int64"))
    if kind == "c":
        return [_float(value.real), _float(value.imag)]
    if kind == "f":
        return _float(float(value))
    item = value.item()
    return str(item) if kind in "iu" and abs(item) >= 2**53 else item


def _enc_array(value, depth: int) -> dict:
    kind = value.dtype.kind
    if kind in _NUMPY_KINDS:
        flat = [_enc_numpy_scalar(x) for x in value.reshape(-1)]
        return {"t": "ndarray", "dtype": value.dtype.str, "shape": list(value.shape), "v": flat}
    if kind == "O":
        return {"t": "ndarray", "dtype": "O", "shape": list(value.shape), "v": [_enc(x, depth + 1) for x in value.reshape(-1)]}
    return {"t": "unsupported", "type": f"numpy.ndarray[{value.dtype}]"}


def _enc_dtype(dtype, depth: int) -> Any:
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):
        return {"categorical": _enc(pd.Index(dtype.categories), depth + 1), "ordered": bool(dtype.ordered)}
    return str(dtype)


def _enc_values(series, depth: int) -> dict:
    """A column's dtype and values (as plain lists: fast for the common dtypes)."""
    import pandas as pd

    dtype = series.dtype
    spec = _enc_dtype(dtype, depth)
    if isinstance(dtype, pd.CategoricalDtype):
        return {"dtype": spec, "codes": [int(c) for c in series.cat.codes]}
    kind = getattr(dtype, "kind", "O")
    values = series.tolist()
    if kind in "iub" and not series.hasnans and type(dtype).__module__.startswith("numpy"):
        return {"dtype": spec, "v": [int(v) if kind != "b" else bool(v) for v in values]}
    if kind == "f" and type(dtype).__module__.startswith("numpy"):
        return {"dtype": spec, "v": [_float(v) for v in values]}
    return {"dtype": spec, "v": [v if type(v) is str else _enc(v, depth + 1) for v in values]}


def encode(value: Any) -> Any:
    """A JSON-ready form of ``value`` (types the codec does not carry become markers)."""
    try:
        return _enc(value, 0)
    except DecodeError:
        return {"t": "unsupported", "type": "a value nested too deeply"}
    except Exception as exc:  # a broken object must not stop the grading of the others
        return {"t": "unsupported", "type": f"{_type_name(value)} ({type(exc).__name__} while reading it)"}


def dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=False, separators=(",", ":")).encode("utf-8")


# --------------------------------------------------------------------------- decoding (test side)


def loads(data: bytes) -> Any:
    """Parse one message (JSON only: no code is run)."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise DecodeError(f"message of {len(data)} bytes is larger than the {MAX_MESSAGE_BYTES} allowed")
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise DecodeError(f"not a valid message: {type(exc).__name__}") from None


def _dtype(spec: Any, depth: int):
    import numpy as np
    import pandas as pd

    if isinstance(spec, dict) and set(spec) == {"categorical", "ordered"}:
        categories = _dec(spec["categorical"], depth + 1)
        if not isinstance(categories, pd.Index):
            raise DecodeError("categories must be an index")
        return pd.CategoricalDtype(categories, ordered=bool(spec["ordered"]))
    if not isinstance(spec, str) or len(spec) > 64:
        raise DecodeError("bad dtype")
    try:
        dtype = pd.api.types.pandas_dtype(spec)
    except (TypeError, ValueError):
        raise DecodeError(f"unknown dtype {spec[:64]!r}") from None
    if isinstance(dtype, np.dtype) and dtype.kind not in _NUMPY_KINDS | {"O"}:
        raise DecodeError(f"dtype {spec!r} is not carried")
    return dtype


def _np_scalar(dtype, raw):
    import numpy as np

    if dtype.kind in "Mm":
        return np.array([int(raw)], dtype="int64").view(dtype)[0]
    if dtype.kind == "c":
        return dtype.type(complex(_dec_float(raw[0]), _dec_float(raw[1])))
    if dtype.kind == "f":
        return dtype.type(_dec_float(raw))
    if dtype.kind in "iu":
        return dtype.type(int(raw))
    if dtype.kind == "b":
        return dtype.type(bool(raw))
    if dtype.kind == "U":
        return dtype.type(str(raw))
    raise DecodeError("bad numpy scalar")


def _dec_float(raw) -> float:
    if isinstance(raw, dict) and raw.get("t") == "float" and raw.get("v") in ("nan", "inf", "-inf"):
        return float(raw["v"])
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    raise DecodeError("bad float")


def _dec_values(obj: dict, depth: int):
    """A pandas array (with its dtype) from an encoded column."""
    import numpy as np
    import pandas as pd

    dtype = _dtype(obj.get("dtype"), depth)
    if isinstance(dtype, pd.CategoricalDtype):
        codes = obj.get("codes")
        if not isinstance(codes, list) or not all(type(c) is int and -1 <= c < len(dtype.categories) for c in codes):
            raise DecodeError("bad categorical codes")
        return pd.Categorical.from_codes(codes, dtype=dtype)
    values = obj.get("v")
    if not isinstance(values, list):
        raise DecodeError("bad column")
    items = [v if type(v) is str else _dec(v, depth + 1) for v in values]
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        arr = np.empty(len(items), dtype=object)
        arr[:] = items
        return arr
    try:
        if not isinstance(dtype, np.dtype) or dtype.kind in "Mm":
            return pd.array(items, dtype=dtype)
        return np.array(items, dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        raise DecodeError(f"values do not fit dtype {dtype}") from None


def _dec(obj: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise DecodeError("nested too deeply")
    if obj is None or isinstance(obj, (bool, str, int, float)):
        return obj
    if not isinstance(obj, dict) or not isinstance(obj.get("t"), str):
        raise DecodeError("bad value")
    import numpy as np
    import pandas as pd

    t = obj["t"]
    if t == "float":
        return _dec_float(obj)
    if t == "bigint":
        return int(str(obj["v"])[:5000])
    if t in ("list", "tuple", "set", "frozenset"):
        items = [_dec(v, depth + 1) for v in _list(obj["v"])]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t](items)
    if t == "dict":
        out = {}
        for pair in _list(obj["v"]):
            if not isinstance(pair, list) or len(pair) != 2:
                raise DecodeError("bad dict")
            out[_dec(pair[0], depth + 1)] = _dec(pair[1], depth + 1)
        return out
    if t == "bytes":
        return bytes.fromhex(str(obj["v"]))
    if t == "NA":
        return pd.NA
    if t == "NaT":
        return pd.NaT
    if t == "ts":
        ts = pd.Timestamp(str(obj["v"]))
        unit = obj.get("unit")
        return ts.as_unit(unit) if unit in ("s", "ms", "us", "ns") else ts
    if t == "td":
        unit = obj.get("unit") if obj.get("unit") in ("s", "ms", "us", "ns") else "ns"
        return pd.Timedelta(int(obj["v"]), unit="ns").as_unit(unit)
    if t == "np":
        dtype = _dtype(obj["dtype"], depth)
        if not isinstance(dtype, np.dtype):
            raise DecodeError("bad numpy scalar dtype")
        return _np_scalar(dtype, obj["v"])
    if t == "ndarray":
        shape = _list(obj["shape"])
        if not all(type(n) is int and n >= 0 for n in shape):
            raise DecodeError("bad shape")
        flat = _list(obj["v"])
        if obj["dtype"] == "O":
            arr = np.empty(len(flat), dtype=object)
            arr[:] = [_dec(v, depth + 1) for v in flat]
        else:
            dtype = _dtype(obj["dtype"], depth)
            arr = np.array([_np_scalar(dtype, v) for v in flat], dtype=dtype)
        try:
            return arr.reshape(shape)
        except ValueError:
            raise DecodeError("bad shape") from None
    if t == "range":
        ints = [obj.get(k) for k in ("start", "stop", "step")]
        if not all(type(i) is int for i in ints) or ints[2] == 0:
            raise DecodeError("bad range index")
        return pd.RangeIndex(*ints, name=_dec(obj.get("name"), depth + 1))
    if t == "multi":
        levels = [_dec(v, depth + 1) for v in _list(obj["levels"])]
        if not levels or not all(isinstance(lv, pd.Index) for lv in levels):
            raise DecodeError("bad multi-index")
        return pd.MultiIndex.from_arrays(levels, names=[_dec(n, depth + 1) for n in _list(obj["names"])])
    if t == "index":
        return pd.Index(_dec_values(obj, depth), name=_dec(obj.get("name"), depth + 1), tupleize_cols=False)
    if t == "series":
        index = _dec(obj["index"], depth + 1)
        values = _dec_values(obj, depth)
        if not isinstance(index, pd.Index) or len(index) != len(values):
            raise DecodeError("bad series")
        return pd.Series(values, index=index, name=_dec(obj.get("name"), depth + 1), copy=False)
    if t == "frame":
        index = _dec(obj["index"], depth + 1)
        columns = _dec(obj["columns"], depth + 1)
        data = _list(obj["data"])
        if not isinstance(index, pd.Index) or not isinstance(columns, pd.Index) or len(columns) != len(data):
            raise DecodeError("bad frame")
        arrays = [_dec_values(col, depth) for col in data]
        if any(len(a) != len(index) for a in arrays):
            raise DecodeError("bad frame")
        frame = pd.DataFrame({i: a for i, a in enumerate(arrays)}, index=index)
        frame.columns = columns
        if obj.get("attrs"):
            frame.attrs = _dec(obj["attrs"], depth + 1)
        return frame
    if t == "unsupported":
        return Unsupported(str(obj.get("type", "?")))
    raise DecodeError(f"unknown kind {t[:40]!r}")


def _list(value) -> list:
    if not isinstance(value, list):
        raise DecodeError("bad value")
    return value


def decode(obj: Any) -> Any:
    """The value an :func:`encode` result stands for; :class:`DecodeError` if malformed."""
    try:
        return _dec(obj, 0)
    except DecodeError:
        raise
    except (RecursionError, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise DecodeError(f"malformed value ({type(exc).__name__})") from None
