"""SIPRI trade register: loader, arms indicators against an independent computation, CLI, bad input."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyadwatch.errors import NoDataError, SourceFormatError
from dyadwatch.indicators import arms as ia
from dyadwatch.sources import sipri
from dyadwatch.sources._files import DataWarning
from dyadwatch.warehouse import Warehouse
from helpers import run_cli, snapshot

REGISTER = "arms/sipri_trade_register_2000_2023.csv"


@pytest.fixture(scope="module")
def arms_wh(full_wh, ingest_notes):
    res = ingest_notes["sipri"]
    assert res["rows"] == {"arms_transfers": 20480}
    assert any("Hamas (Palestine)*" in n for n in res["notes"])  # non-state recipients warned, not failed
    return full_wh


def _independent_tiv(path, supplier: str, recipient: str) -> dict[int, float]:
    """TIV per delivery year read with the csv module: skip to the header line, sum by hand."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("SIPRI AT Database ID"))
    out: dict[int, float] = defaultdict(float)
    for row in csv.DictReader(io.StringIO("\n".join(lines[start:]))):
        if row["Supplier"] == supplier and row["Recipient"] == recipient:
            out[int(row["Delivery year"])] += float(row["TIV delivery values"] or 0)
    return dict(out)


def test_russia_to_china_tiv_matches_independent_sum(arms_wh, shared):
    expected = _independent_tiv(shared / REGISTER, "Russia", "China")
    df = ia.transfers(arms_wh, "RUS", "CHN")
    assert list(df.year) == list(range(2000, 2024))
    got = dict(zip(df.year, df.tiv, strict=True))
    assert got.keys() == expected.keys()
    for y, v in expected.items():
        assert got[y] == pytest.approx(v, abs=1e-9), y
    assert sum(got.values()) > 20_000  # the 2000s Su-27/Su-30 era: tens of billions of TIV


def test_shares_and_categories_against_pandas(arms_wh, shared):
    raw = pd.read_csv(shared / REGISTER, skiprows=11)
    rus = raw[raw.Supplier == "Russia"].groupby("Delivery year")["TIV delivery values"].sum()
    chn = raw[raw.Recipient == "China"].groupby("Delivery year")["TIV delivery values"].sum()
    dy = raw[(raw.Supplier == "Russia") & (raw.Recipient == "China")]
    df = ia.transfers(arms_wh, "RUS", "CHN").set_index("year")
    for y in (2005, 2018, 2023):
        pair = dy.loc[dy["Delivery year"] == y, "TIV delivery values"].sum()
        assert df.loc[y, "share_of_a_exports"] == pytest.approx(pair / rus[y])
        assert df.loc[y, "share_of_b_imports"] == pytest.approx(pair / chn[y])
    cat = ia.by_category(arms_wh, "RUS", "CHN")
    exp = dy.groupby(["Delivery year", "Armament category"])["TIV delivery values"].sum()
    got = cat.set_index(["year", "category"])["tiv"]
    assert len(got) == len(exp)
    for (y, c), v in exp.items():
        assert got[(y, c)] == pytest.approx(v)
    top = ia.top_systems(arms_wh, "RUS", "CHN", n=3)
    exp_top = dy.groupby("Designation")["TIV delivery values"].sum().sort_values(ascending=False).head(3)
    assert list(top.designation) == list(exp_top.index)


def test_years_without_deliveries_are_zero_inside_and_absent_outside(arms_wh):
    df = ia.transfers(arms_wh, "CHN", "RUS", year_from=1995, year_to=2030)
    assert df.year.min() == 2000 and df.year.max() == 2023  # outside the register: no rows, not zeros
    assert (df.tiv >= 0).all()
    assert df.share_of_a_exports.notna().any()


def test_non_state_rows_kept_with_null_iso3(arms_wh):
    t = arms_wh.table("arms_transfers")
    rows = t.filter(t.recipient_name == "Hamas (Palestine)*").to_pandas()
    assert len(rows) and rows.recipient.isna().all()
    assert t.filter(t.recipient_name == "China").to_pandas().recipient.eq("CHN").all()


def test_cli_arms_csv_one_row_per_delivery_year(arms_wh, capsys):
    code, out, err = run_cli(capsys, "arms", "Russia", "China", "--format", "csv", "--db", arms_wh.path)
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert "tiv" in df.columns and df.year.is_unique
    assert df.set_index("year").loc[2000, "tiv"] == pytest.approx(2205.0)
    code, out, _ = run_cli(capsys, "arms", "RUS", "CHN", "--by", "systems", "--top", "2", "-f", "json",
                           "--db", arms_wh.path)  # fmt: skip
    assert code == 0 and "Su-30MK" in out


def test_no_data_is_an_error_with_the_fix(tmp_path):
    with Warehouse(tmp_path / "empty.duckdb") as wh, pytest.raises(NoDataError, match="ingest sipri"):
        ia.transfers(wh, "RUS", "CHN")


# --- bad input ------------------------------------------------------------------------------------

TITLE = (
    "Transfers of major conventional arms from All countries  to All countries . Deals with deliveries or orders\n"
    "SIPRI trend-indicator values (TIVs) are in millions.\n\nSource: SIPRI Arms Transfers Database (c) SIPRI.\n"
)
HEADER = ",".join(sipri.HEADER) + "\n"
ROW = "1,Russia,China,Su-27S,FGA aircraft,Aircraft,2000,No,2,No,2001,No,New,30,30,{tiv},No\n"


def _write(tmp_path, text: str, name: str = "register.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER + ROW.format(tiv=60), "title lines before the table are missing"),
        (TITLE + HEADER.replace("TIV delivery values", "TIV delivered") + ROW.format(tiv=60), "missing"),
        (TITLE + HEADER + ROW.format(tiv="sixty"), "line"),
        (TITLE + HEADER, "no rows"),
    ],
)
def test_bad_registers_fail_clearly_and_change_nothing(tmp_path, text, message):
    db = tmp_path / "w.duckdb"
    good = _write(tmp_path, TITLE + HEADER + ROW.format(tiv=60), "good.csv")
    with Warehouse(db) as wh:
        wh.ingest(sipri, [good])
    before = snapshot(db)
    bad = _write(tmp_path, text)
    with Warehouse(db) as wh, pytest.raises(SourceFormatError, match=message) as e:
        wh.ingest(sipri, [bad])
    assert str(bad) in str(e.value)
    assert snapshot(db) == before


def test_changed_header_names_the_columns(tmp_path):
    bad = _write(tmp_path, TITLE + HEADER.replace("Recipient", "Buyer") + ROW.format(tiv=1))
    with pytest.raises(SourceFormatError, match=r"missing \['Recipient'\], unexpected \['Buyer'\]"):
        sipri.load([bad])


# --- property: the loader keeps every row and the indicator sums them ------------------------------

NAMES = ["Russia", "China", "India", "Belarus", "Hamas (Palestine)*"]
deal = st.tuples(
    st.sampled_from(NAMES), st.sampled_from(NAMES), st.integers(2000, 2005),
    st.integers(0, 400).map(lambda x: x / 4), st.integers(1, 50),
)  # fmt: skip


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(deal, min_size=1, max_size=30))
def test_property_loader_and_tiv_sum(tmp_path_factory, deals):
    tmp = tmp_path_factory.mktemp("prop")
    lines = [
        f"{i},{s},{r},X-{i},tank,Armoured vehicles,1999,No,{u},No,{y},No,New,1,1,{tiv},No\n"
        for i, (s, r, y, tiv, u) in enumerate(deals)
    ]
    path = _write(tmp, TITLE + HEADER + "".join(lines))
    with pytest.warns(DataWarning) if any(s.endswith("*") or r.endswith("*") for s, r, *_ in deals) else _nothing():
        tbl = sipri.load([path])["arms_transfers"]
    assert tbl.num_rows == len(deals)
    with Warehouse(tmp / "p.duckdb") as wh:
        wh.ingest(sipri, [path])
        df = ia.transfers(wh, "RUS", "CHN")
    for y in range(min(d[2] for d in deals), max(d[2] for d in deals) + 1):
        exp = sum(t for s, r, yy, t, _ in deals if s == "Russia" and r == "China" and yy == y)
        assert df.set_index("year").loc[y, "tiv"] == pytest.approx(exp)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_arms_section(arms_wh):
    from dyadwatch import countries
    from dyadwatch.report.base import ReportContext
    from dyadwatch.report.sections import arms as section

    ctx = ReportContext(countries.resolve("RUS"), countries.resolve("CHN"), 2010, None, arms_wh)
    sec = section.render(ctx)
    assert sec.sources == ["sipri"] and sec.html.count("<svg") == 2 and "Su-35S" in sec.html
    fresh = ReportContext(ctx.a, ctx.b, None, None, None)
    assert section.render(fresh) is None  # no section without data: the page's top names what is missing
    assert [m.part for m in fresh.missing] == ["Arms transfers (SIPRI)"] and "ingest sipri" in fresh.missing[0].fix
