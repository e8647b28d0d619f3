"""Property tests: the declared column checks and the CSV neutralisation."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch.errors import InvalidValueError
from dyadwatch.outputs import neutralise_cell
from dyadwatch.validate import check_table

scores = st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)), min_size=1, max_size=40)


def _cameo(values):
    n = len(values)
    return pa.table({"code": [f"{i:03d}" for i in range(n)], "goldstein": pa.array(values, pa.float64())})


@settings(deadline=None)  # the first call imports pyarrow.compute's kernels
@given(scores)
def test_goldstein_check_accepts_the_scale_refuses_the_rest_and_nulls_nan(values):
    tbl = _cameo(values)
    bad = [v for v in values if v is not None and not math.isnan(v) and not -10 <= v <= 10]
    if bad:
        with pytest.raises(InvalidValueError, match="goldstein"):
            check_table("cameo_codes", tbl, "cameo", ["CAMEO.goldsteinscale.txt"])
        return
    out, notes = check_table("cameo_codes", tbl, "cameo", ["CAMEO.goldsteinscale.txt"])
    got = out.column("goldstein").to_pylist()
    assert got == [None if v is None or math.isnan(v) else v for v in values]
    assert bool(notes) == any(v is not None and math.isnan(v) for v in values)


@settings(deadline=None)
@given(st.lists(st.text(max_size=6), min_size=1, max_size=20))
def test_period_pattern(periods):
    import re

    tbl = pa.table({"period": periods})
    ok = all(re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", p) for p in periods)
    if ok:
        check_table("trade_flows", tbl, "comtrade", ["x.csv"])
    else:
        with pytest.raises(InvalidValueError, match="a year YYYY or a month YYYY-MM"):
            check_table("trade_flows", tbl, "comtrade", ["x.csv"])


@given(st.text(max_size=20))
def test_neutralised_cells_never_start_a_formula(text):
    out = neutralise_cell(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out == text or out == "'" + text
