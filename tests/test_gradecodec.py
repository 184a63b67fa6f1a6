"""The codec that carries a student's values into the test kernel: exact, and data only."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import civicspace as cs
from civicspace.grading import codec


def roundtrip(value):
    return codec.decode(codec.loads(codec.dumps(codec.encode(value))))


LOADERS = sorted(n for n in dir(cs.data) if n.startswith("load_") and callable(getattr(cs.data, n)))


@pytest.mark.parametrize("loader", LOADERS)
def test_every_course_table_crosses_exactly(loader):
    table = getattr(cs.data, loader)()
    pd.testing.assert_frame_equal(roundtrip(table), table, check_exact=True, check_column_type=True, check_index_type=True)


SCALARS = [
    0,
    -7,
    2**60,
    2.5,
    float("inf"),
    "Ünïcode ✓",
    None,
    True,
    b"\x00\xff",
    np.int64(3),
    np.int32(-2),
    np.uint8(7),
    np.float64(0.1),
    np.float32(1.5),
    np.bool_(False),
    pd.NA,
    pd.NaT,
    pd.Timestamp("2021-06-04"),
    pd.Timestamp("2021-06-04 10:00", tz="UTC"),
    pd.Timedelta("3D"),
    np.datetime64("2020-01-01", "D"),
]


@pytest.mark.parametrize("value", SCALARS, ids=[f"{type(v).__name__}-{i}" for i, v in enumerate(SCALARS)])
def test_scalars_keep_their_exact_type(value):
    back = roundtrip(value)
    assert type(back) is type(value)
    assert back is value or back == value


def test_nan_survives_and_containers_keep_their_kind():
    back = roundtrip([float("nan"), (1, "a"), {1: {"x"}, (2, 3): frozenset({4})}])
    assert type(back) is list and np.isnan(back[0])
    assert back[1:] == [(1, "a"), {1: {"x"}, (2, 3): frozenset({4})}]
    assert type(back[1]) is tuple and type(back[2][(2, 3)]) is frozenset


PANDAS = {
    "nullable Int64 with NA": pd.Series([1, None, 3], dtype="Int64", name="n"),
    "ordered categorical": pd.Series(pd.Categorical(["b", "a", None], categories=["b", "a"], ordered=True)),
    "string index and name": pd.Series([2, 1], index=pd.Index(["x", "y"], name="country"), name="count"),
    "datetime with NaT": pd.Series(pd.to_datetime(["2020-01-06", None])),
    "multi-index": pd.Series([1, 2], index=pd.MultiIndex.from_tuples([("A", 2020), ("B", 2021)], names=["region", "year"])),
    "crosstab": pd.crosstab(
        pd.Series(["ICCPR", "CAT", "CAT"], name="treaty"), pd.Series(["party", "party", "signatory"], name="status")
    ),
    "integer column labels": pd.DataFrame({2019: [1.0], 2020: [np.nan]}, index=pd.Index(["RUS"], name="iso3")),
    "empty frame": pd.DataFrame(),
    "object column with mixed values": pd.DataFrame({"a": pd.Series(["x", 1, None], dtype=object)}),
}


@pytest.mark.parametrize("name", sorted(PANDAS))
def test_pandas_objects_cross_exactly(name):
    value = PANDAS[name]
    back = roundtrip(value)
    if isinstance(value, pd.DataFrame):
        pd.testing.assert_frame_equal(back, value, check_exact=True)
    else:
        pd.testing.assert_series_equal(back, value, check_exact=True)


def test_numpy_arrays_keep_dtype_and_shape():
    value = np.arange(6, dtype="int16").reshape(2, 3)
    back = roundtrip(value)
    assert back.dtype == value.dtype and back.shape == value.shape and (back == value).all()


def test_code_and_other_objects_arrive_as_unsupported_markers():
    for value in (lambda x: x, open, pd, object(), pd.DataFrame.plot):
        back = roundtrip(value)
        assert isinstance(back, codec.Unsupported)
        assert back != back and back != 0
        with pytest.raises(TypeError):
            bool(back)


@pytest.mark.parametrize(
    "message",
    [
        {"t": "exec", "v": "import os"},
        {"t": "np", "dtype": "V8", "v": 0},
        {"t": "series", "index": {"t": "range", "start": 0, "stop": 1, "step": 1}, "dtype": "int64", "v": [1, 2]},
        {
            "t": "series",
            "index": {"t": "range", "start": 0, "stop": 1, "step": 1},
            "dtype": {"categorical": {"t": "list", "v": []}, "ordered": False},
            "codes": [0],
        },
        {"t": "range", "start": 0, "stop": 1, "step": 0},
        ["a plain JSON list is not a value"],
    ],
)
def test_malformed_or_hostile_messages_are_refused(message):
    with pytest.raises(codec.DecodeError):
        codec.decode(message)


def test_deep_nesting_and_huge_messages_are_refused():
    deep = {"t": "list", "v": []}
    for _ in range(codec.MAX_DEPTH + 5):
        deep = {"t": "list", "v": [deep]}
    with pytest.raises(codec.DecodeError):
        codec.decode(deep)
    with pytest.raises(codec.DecodeError):
        codec.loads(b" " * (codec.MAX_MESSAGE_BYTES + 1))
    with pytest.raises(codec.DecodeError):
        codec.loads(b"{not json")
    assert json.loads(codec.dumps(codec.encode([1, 2]))) == {"t": "list", "v": [1, 2]}
