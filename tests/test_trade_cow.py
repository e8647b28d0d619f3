"""COW trade v4: loader checks and dyad/all-dyad indicators against plain pandas on the raw .rda."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch.errors import SourceFormatError
from dyadwatch.indicators import trade
from dyadwatch.sources import cow_trade
from dyadwatch.warehouse import Warehouse


@pytest.fixture(scope="module")
def cow_wh(full_wh):
    return full_wh


@pytest.fixture(scope="module")
def raw(shared):
    ndy = pyreadr.read_r(shared / "trade/cow_trade_ndy.rda")["cow_trade_ndy"]
    sy = pyreadr.read_r(shared / "trade/cow_trade_sy.rda")["cow_trade_sy"]
    return ndy, sy


def test_rows_and_codes(cow_wh, raw):
    ndy, sy = raw
    assert cow_wh.con.execute("SELECT count(*) FROM trade_dyad_year").fetchone()[0] == len(ndy)
    assert cow_wh.con.execute("SELECT count(*) FROM trade_state_year").fetchone()[0] == len(sy)
    # Missing flows stay NULL, never 0.
    nulls = cow_wh.con.execute("SELECT count(*) FROM trade_dyad_year WHERE flow1 IS NULL").fetchone()[0]
    assert nulls == int(ndy.flow1.isna().sum()) > 0


def test_china_russia_2014_against_pandas(cow_wh, raw):
    ndy, sy = raw
    r = ndy[(ndy.ccode1 == 365) & (ndy.ccode2 == 710) & (ndy.year == 2014)].iloc[0]
    tot = sy.assign(t=sy.imports + sy.exports).set_index(["ccode", "year"]).t
    turnover = r.flow1 + r.flow2
    df = trade.cow_dyad(cow_wh, "CHN", "RUS", 2010, 2014).set_index("period")
    row = df.loc["2014"]
    assert row.imports_a_from_b == pytest.approx(r.flow2)  # flow2 = imports of 710 (China) from 365
    assert row.exports_a_to_b == pytest.approx(r.flow1)
    assert row.share_of_a_trade == pytest.approx(turnover / tot[(710, 2014)])
    assert row.share_of_b_trade == pytest.approx(turnover / tot[(365, 2014)])
    assert row.asymmetry == pytest.approx(row.share_of_b_trade / row.share_of_a_trade)
    prev = ndy[(ndy.ccode1 == 365) & (ndy.ccode2 == 710) & (ndy.year == 2013)].iloc[0]
    assert row.growth == pytest.approx(turnover / (prev.flow1 + prev.flow2) - 1)
    assert row.basis == "reported"


def test_all_dyads_rank_against_pandas(cow_wh, raw):
    ndy, _sy = raw
    year = 2014
    all_ = trade.cow_all_dyads(cow_wh, year, year)
    d = ndy[ndy.year == year]
    # Independent: China's partners ranked by turnover in plain pandas.
    chn = pd.concat(
        [
            pd.DataFrame({"p": d.ccode2[d.ccode1 == 710], "t": (d.flow1 + d.flow2)[d.ccode1 == 710]}),
            pd.DataFrame({"p": d.ccode1[d.ccode2 == 710], "t": (d.flow1 + d.flow2)[d.ccode2 == 710]}),
        ]
    ).dropna()
    rus_t = float(chn.t[chn.p == 365].iloc[0])
    expected_rank = int((chn.t > rus_t).sum()) + 1
    got = all_[(all_.a == "CHN") & (all_.b == "RUS")].iloc[0]
    assert got["rank"] == expected_rank
    assert got.n_partners == len(chn)
    # Every directed dyad appears once per year, in both orders.
    assert len(all_) == 2 * len(d)
    assert not all_.duplicated(["a", "b", "year"]).any()
    # Shares are in [0, ~1]; a missing total gives NULL, not 0.
    s = all_.share_of_a_trade.dropna()
    assert (s >= 0).all()


def _write_rda(tmp_path, name, df):
    path = tmp_path / f"{name}.rda"
    pyreadr.write_rdata(str(path), df, df_name=name)
    return path


def test_negative_value_is_an_error(tmp_path):
    df = pd.DataFrame({"ccode": [2.0, 20.0], "year": [2000.0, 2000.0], "imports": [1.0, -5.0], "exports": [1.0, 2.0]})
    path = _write_rda(tmp_path, "cow_trade_sy", df)
    with pytest.raises(SourceFormatError, match=r"negative.*rows \[2\]"):
        cow_trade.load([path])


def test_minus_nine_is_missing_with_warning(tmp_path, wh_path):
    df = pd.DataFrame({"ccode": [2.0, 20.0], "year": [2000.0, 2000.0], "imports": [1.0, -9.0], "exports": [1.0, 2.0]})
    path = _write_rda(tmp_path, "cow_trade_sy", df)
    with Warehouse(wh_path) as wh:
        res = wh.ingest(cow_trade, [path])
        assert any("-9" in n and "[2]" in n for n in res.notes)
        assert wh.con.execute("SELECT count(*) FROM trade_state_year WHERE imports IS NULL").fetchone()[0] == 1


def test_duplicate_dyad_year_is_an_error_and_nothing_lands(tmp_path, wh_path):
    df = pd.DataFrame(
        {"ccode1": [2.0, 20.0], "ccode2": [20.0, 2.0], "year": [2000.0, 2000.0], "flow1": [1.0, 1.0],
         "flow2": [1.0, 1.0], "smoothflow1": [1.0, 1.0], "smoothflow2": [1.0, 1.0]}
    )  # fmt: skip
    path = _write_rda(tmp_path, "cow_trade_ndy", df)
    with Warehouse(wh_path) as wh, pytest.raises(SourceFormatError, match="repeat a dyad-year"):
        wh.ingest(cow_trade, [path])
    with Warehouse(wh_path) as wh:
        assert not wh.has("trade_dyad_year")


def test_unknown_cow_code(tmp_path):
    df = pd.DataFrame({"ccode": [2.0, 1234.0], "year": [2000.0, 2000.0], "imports": [1.0, 1.0], "exports": [1.0, 1.0]})
    with pytest.raises(SourceFormatError, match="1234"):
        cow_trade.load([_write_rda(tmp_path, "cow_trade_sy", df)])


def test_wrong_file_type(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(SourceFormatError, match="cow_trade reads"):
        cow_trade.load([p])


_flow = st.one_of(st.just(0.0), st.floats(1e-6, 1e6))


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        # Flows in million USD: zero or at least 0.000001 (subnormal floats would underflow the ratios).
        st.tuples(_flow, _flow, st.floats(1, 1e7), st.floats(1, 1e7)),
        min_size=1,
        max_size=8,
    )
)
def test_property_shares_and_asymmetry(tmp_path_factory, rows):
    """For random flows and totals, shares = turnover/total and asymmetry = total_a/total_b."""
    years = [2000 + i for i in range(len(rows))]
    ndy = pd.DataFrame(
        {"ccode1": 2.0, "ccode2": 20.0, "year": [float(y) for y in years], "flow1": [r[0] for r in rows],
         "flow2": [r[1] for r in rows], "smoothflow1": np.nan, "smoothflow2": np.nan}
    )  # fmt: skip
    sy = pd.DataFrame(
        {"ccode": [2.0] * len(rows) + [20.0] * len(rows), "year": [float(y) for y in years] * 2,
         "imports": [r[2] for r in rows] + [r[3] for r in rows], "exports": 0.0}
    )  # fmt: skip
    d = tmp_path_factory.mktemp("h")
    with Warehouse(d / "w.duckdb") as wh:
        wh.ingest(cow_trade, [_write_rda(d, "cow_trade_ndy", ndy), _write_rda(d, "cow_trade_sy", sy)])
        out = trade.cow_dyad(wh, "USA", "CAN")
    t = np.array([r[0] + r[1] for r in rows])
    np.testing.assert_allclose(out.turnover, t)
    np.testing.assert_allclose(out.share_of_a_trade, t / np.array([r[2] for r in rows]))
    np.testing.assert_allclose(out.share_of_b_trade, t / np.array([r[3] for r in rows]))
    ok = t > 0
    np.testing.assert_allclose(out.asymmetry[ok], (np.array([r[2] for r in rows]) / np.array([r[3] for r in rows]))[ok])
    assert (out["rank"][ok] == 1).all()
