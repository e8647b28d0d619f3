"""Streamed BACI ingest into a lake (``lake_trade``): the same rows and trade indicators as the warehouse ingest of
the same files, the loader's checks and messages, mode add, and atomicity under kill -9 and Ctrl-C."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dyadwatch import lake, lake_ingest
from dyadwatch.api import open_store
from dyadwatch.engines.lakeviews import LakeStore
from dyadwatch.errors import EmptyInputError, InvalidValueError, ShrinkError, SourceFormatError
from dyadwatch.indicators import trade, trade_composition
from dyadwatch.sources import baci
from dyadwatch.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from baci_generate import generate  # noqa: E402

from helpers import kill_lake_ingest_before_commit, signal_lake_ingest, start_lake_ingest  # noqa: E402

HEADER = "t,i,j,k,v,q\n"
ROWS = (
    HEADER + "2022,251,699,10121,1.5,2\n2022,699,251,10121,0.5,1\n2022,842,251,270900,10.0,NA\n"
    "2022,251,842,20110,0.25,           NA\n"
)
ORDER = "reporter, partner, period, hs_code, file, value_usd, quantity"


def _rows(con) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM trade_flows ORDER BY {ORDER}").df()


def _content(root: Path) -> tuple:
    """What a reader sees: the current entries and a digest of every live row."""
    found = lake.files(root, "trade_flows")
    if not found:
        return lake.current(root), None
    lst = "[" + ", ".join(f"'{f}'" for f in found) + "]"
    digest = duckdb.sql(
        f"SELECT count(*), sum(hash(reporter, partner, period, hs_code, value_usd, file)) FROM read_parquet({lst})"
    ).fetchone()
    return lake.current(root), digest


def _indicators(store) -> dict:
    dyads, rca = trade_composition.all_dyad_indices(store, "2021")
    sort = lambda df, keys: df.sort_values(keys).reset_index(drop=True)  # noqa: E731
    return {
        "dyads": sort(dyads, ["i", "j"]),
        "rca": sort(rca, ["i", "k"]),
        "trade": trade.trade(store, "FRA", "IND", year_from=2020, year_to=2021),
        "bilateral": trade.bilateral(store, "USA", "TWN", "2021"),
        "composition": trade_composition.composition(store, "USA", "FRA", "2021", level="hs6"),
        "concentration": pd.DataFrame([trade_composition.concentration(store, "FRA", "USA", "2021")]),
        "complementarity": pd.DataFrame(
            {"c": [trade_composition.complementarity(store, "IND", "CHE", "2021", level=lv) for lv in (2, 4, 6)]}
        ),
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    """Two years of generated BACI files (BACI's codes: 251 France, 699 India, 842 USA, 490 Taiwan …)."""
    d = tmp_path_factory.mktemp("baci")
    return [
        generate(d / f"BACI_HS17_Y{y}_V202401b.csv", flows=150_000, n_countries=60, year=y, seed=y)
        for y in (2020, 2021)
    ]


# --- the same rows and indicators as the warehouse -------------------------------------------------------------


def test_generated_files_rows_and_trade_indicators_equal_the_warehouse(generated, tmp_path):
    root = tmp_path / "lake"
    res = lake_ingest.ingest(root, baci, generated)  # the one entry point: lake_ingest hands BACI over
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(baci, generated)
        want_rows = _rows(wh.con)
        want = _indicators(wh)
    assert res.rows == {"trade_flows": len(want_rows)} and len(want_rows) > 250_000
    store = open_store(root)  # --db LAKE_DIR: the reader's own door
    try:
        assert store.describe().startswith("the lake")
        assert store.sources_of("trade_flows") == ["baci"] and store.has("trade_flows", "baci")
        got = _indicators(store)
        rows = _rows(store.stores[0].con)
    finally:
        store.close()
    pd.testing.assert_frame_equal(rows, want_rows, check_dtype=False)
    assert set(rows.file) == {str(p.resolve()) for p in generated}  # the warehouse's labels
    assert len(want["dyads"]) > 1000 and want["trade"].imports_a_from_b.notna().all()
    for name, df in want.items():
        pd.testing.assert_frame_equal(got[name], df, rtol=1e-9, atol=1e-9, obj=name)


def test_null_quantities_non_states_and_codes_that_share_an_iso3_as_in_the_warehouse(tmp_path):
    p = tmp_path / "BACI_HS17_Y2022_V202401b.csv"
    # 899 ("Areas, nes") is not a state: left out with the loader's note. 250 and 251 are both France: the
    # loader checks duplicates on the raw codes, so these two flows are not repeats.
    p.write_text(ROWS + "2022,899,699,10121,3,1\n2022,250,699,10121,7,nan\n2022,251,699,10122,nan,1\n")
    root = tmp_path / "lake"
    res = lake_ingest.ingest(root, baci, [p])
    with Warehouse(tmp_path / "w.duckdb") as wh:
        ref = wh.ingest(baci, [p])
        want = _rows(wh.con)
    with LakeStore(root) as ls:
        got = _rows(ls.con)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert len(got) == 6 and got.quantity.isna().sum() == 3 and got.value_usd.isna().sum() == 1
    nostate = [n for n in ref.notes if "not states" in n]
    assert nostate and res.notes == nostate  # the NaN notes are the warehouse's only (see the module's doc)


def test_release_zip_streams_its_data_members_with_its_country_list(generated, tmp_path):
    z = tmp_path / "BACI_HS17_V202401b.zip"
    codes = tmp_path / "country_codes_V202401b.csv"
    # BACI's own list: here it makes 490 (which dyadwatch maps to Taiwan) an area that is not a state.
    codes.write_text("country_code,country_name,country_iso2,country_iso3\n490,Other Asia nes,,S19\n")
    with zipfile.ZipFile(z, "w") as zf:
        for p in generated:
            zf.write(p, f"BACI_HS17_V202401b/{p.name}")
        zf.write(codes, codes.name)
        zf.writestr("product_codes_HS17_V202401b.csv", "code,description\n010121,Horses\n")
        zf.writestr("Readme.txt", "BACI")
    root = tmp_path / "lake"
    res = lake_ingest.ingest(root, baci, [z])
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(baci, [*generated, codes])  # what the zip holds, unpacked
        want = _rows(wh.con)
    with LakeStore(root) as ls:
        got = _rows(ls.con)
    assert set(got.file) == {f"{z.resolve()}!{p.name}" for p in generated}  # ZIP!NAME, as for GDELT zips
    assert "TWN" not in set(got.reporter) and res.rows == {"trade_flows": len(want)}
    pd.testing.assert_frame_equal(got.drop(columns="file"), want.drop(columns="file"), check_dtype=False)
    entry = lake.current(root)["baci"]
    assert len(entry.inputs) == 1 and len(entry.inputs[0]["parts"]) == 2  # one input, a part per member
    assert not [p for p in (root / "_staging").iterdir() if p.is_dir()]  # unpacked members removed


def test_a_country_list_given_with_the_data_is_used_and_a_new_one_rereads_the_data(tmp_path):
    p = tmp_path / "BACI_HS17_Y2022_V202401b.csv"
    p.write_text(ROWS + "2022,9999,699,10121,3,1\n")
    codes = tmp_path / "country_codes_V202401b.csv"
    codes.write_text("country_code,country_name,country_iso2,country_iso3\n9999,Wakanda,WK,NOR\n")
    root = tmp_path / "lake"
    lake_ingest.ingest(root, baci, [p, codes])
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(baci, [p, codes])
        pd.testing.assert_frame_equal(_rows(LakeStore(root).con), _rows(wh.con), check_dtype=False)
    assert lake_ingest.ingest(root, baci, [p, codes]).skipped
    codes.write_text("country_code,country_name,country_iso2,country_iso3\n9999,Wakanda,WK,SWE\n")
    res = lake_ingest.ingest(root, baci, [p, codes])  # the data file is unchanged, its mapping is not
    assert not res.skipped and res.removed == {"trade_flows": 5}
    with LakeStore(root) as ls:
        assert ls.con.execute("SELECT count(*) FROM trade_flows WHERE reporter = 'SWE'").fetchone()[0] == 1


# --- mode add, sha256 skip, re-read, shrink ---------------------------------------------------------------------


def test_second_ingest_skipped_and_changed_file_replaces_its_part(tmp_path):
    a, b = tmp_path / "BACI_HS17_Y2021_V202401b.csv", tmp_path / "BACI_HS17_Y2022_V202401b.csv"
    a.write_text(ROWS.replace("2022,", "2021,"))
    b.write_text(ROWS)
    root = tmp_path / "lake"
    lake_ingest.ingest(root, baci, [a, b])
    assert lake.current(root)["baci"].rows == {"trade_flows": 8}
    before = _content(root)
    assert lake_ingest.ingest(root, baci, [a]).skipped
    assert _content(root) == before and lake.last_id(root) == 1
    old = {i["identity"]: i["parts"] for i in lake.current(root)["baci"].inputs}
    a.write_text(HEADER + "2021,251,699,10121,9,2\n2021,699,251,10121,0.5,1\n2021,842,251,270900,10.0,NA\n")
    res = lake_ingest.ingest(root, baci, [a])
    assert not res.skipped and res.removed == {"trade_flows": 4} and res.rows == {"trade_flows": 3}
    entry = lake.current(root)["baci"]
    assert entry.rows == {"trade_flows": 7}
    assert not set(old[str(a.resolve())]) & set(entry.live["trade_flows"])
    assert set(old[str(b.resolve())]) <= set(entry.live["trade_flows"])
    with LakeStore(root) as ls:
        v = ls.con.execute("SELECT sum(value_usd) FROM trade_flows WHERE period = '2021'").fetchone()[0]
    assert v == pytest.approx(19_500.0)


def test_shrinking_reread_and_empty_file_refused(tmp_path):
    a = tmp_path / "BACI_HS17_Y2022_V202401b.csv"
    a.write_text(ROWS)
    root = tmp_path / "lake"
    lake_ingest.ingest(root, baci, [a])
    before = _content(root)
    a.write_text(HEADER + "2022,251,699,10121,1.5,2\n")
    with pytest.raises(ShrinkError, match="would delete 3 of the 4"):
        lake_ingest.ingest(root, baci, [a])
    assert _content(root) == before
    a.write_text(HEADER)
    with pytest.raises(EmptyInputError, match="no data rows for trade_flows"):
        lake_ingest.ingest(root, baci, [a])
    assert _content(root) == before
    assert lake_ingest.ingest(root, baci, [a], allow_shrink=True).rows == {"trade_flows": 0}
    with LakeStore(root) as ls:
        assert not ls.has("trade_flows") and ls.sources_of("trade_flows") == []


# --- bad input: the loader's messages, with lines; nothing committed -------------------------------------------


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        (HEADER + "2022,251,699,10121,1,2\n2022,251,699,10122,-1,2\n", SourceFormatError, r"negative.*lines \[3\]"),
        (HEADER + "2022,251,699,121,1,2\n", SourceFormatError, r"wrong length at lines \[2\]"),
        (HEADER + "2022,251,699,10121,1,2\n2022,251,699,1012a,1,2\n", SourceFormatError, r"length at lines \[3\]"),
        (
            HEADER + "2022,251,699,10121,1,2\n2022,842,699,5,1,2\n2022,251,699,010121,1,2\n",
            SourceFormatError,
            # The loader checks lengths before duplicates, whatever the order of the lines.
            r"wrong length at lines \[3\]",
        ),
        (HEADER + "2022,251,699,10121,1,2\n2022,251,699,010121,1,2\n", SourceFormatError, r"1 duplicated.*\[2, 3\]"),
        (HEADER + "2022,251,699,10121,1,2\n2022,9999,699,10121,1,2\n", SourceFormatError, r"\[9999\].*lines \[3\]"),
        ("year,exporter,importer\n2022,1,2\n", SourceFormatError, "not BACI"),
        (HEADER + "2022,251,699,10121,1,2\n2022,251,x,10121,1,2\n", SourceFormatError, "cannot be read as BACI"),
        (
            HEADER + "2022,251,699,10121,1,2\n2022,251,699,10122,1e12,2\n",
            InvalidValueError,
            r"line 3, column 'value_usd': 1000000000000000.0 is not an amount from 0 to 1e\+14 USD",
        ),
        (HEADER + "2022,251,699,10121,inf,2\n", InvalidValueError, r"line 2, column 'value_usd': inf is not a finite"),
        (HEADER + "22,251,699,10121,1,2\n", InvalidValueError, r"line 2, column 'period': '22' is not a year YYYY"),
        (
            HEADER + "2022,251,699,10121,1,2\n12022,251,699,10122,1,2\n-202,251,699,10123,1,2\n",
            InvalidValueError,
            r"line 3, column 'period': '12022' is not a year YYYY or a month YYYY-MM \(2 value",
        ),
    ],
)
def test_bad_input_named_by_line_and_nothing_committed(tmp_path, text, error, match):
    good = tmp_path / "BACI_HS17_Y2021_V202401b.csv"
    good.write_text(ROWS.replace("2022,", "2021,"))
    root = tmp_path / "lake"
    lake_ingest.ingest(root, baci, [good])
    before = _content(root)
    p = tmp_path / "BACI_HS17_Y2022_V202401b.csv"
    p.write_text(text)
    with pytest.raises(error, match=match) as e:
        lake_ingest.ingest(root, baci, [p])
    assert str(p.resolve()) in str(e.value)
    if error is SourceFormatError:  # the warehouse's loader gives the same message
        with pytest.raises(SourceFormatError) as w:
            baci.load([p.resolve()])
        assert str(e.value) == str(w.value)
    assert _content(root) == before
    assert not list((root / "trade_flows").glob("source=baci/part=BACI_HS17_Y2022*"))  # staged parts removed
    assert not [d for d in (root / "_staging").iterdir() if d.is_dir()]


# --- the CLI, and atomicity: kill -9 and Ctrl-C at random points -----------------------------------------------


def _start(files: list[Path], root: Path, **env: str) -> subprocess.Popen:
    return start_lake_ingest("baci", files, root, **env)


def test_cli_ingest_and_trade_over_the_lake(generated, tmp_path):
    root = tmp_path / "lake"
    p = _start(generated[:1], root)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert "baci (add, streamed): trade_flows:" in out
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run(
        [sys.executable, "-m", "dyadwatch", "trade", "FRA", "IND", "--db", str(root), "--format", "csv"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "2020" in r.stdout and "estimated" in r.stdout


def test_kill_and_interrupt_at_random_points_leave_the_lake_as_before(generated, tmp_path):
    root = tmp_path / "lake"
    lake_ingest.ingest(root, baci, generated[:1])
    lake_ingest.ingest(tmp_path / "timing", baci, generated[:1])  # the same two ingests, undisturbed
    t0 = time.perf_counter()
    lake_ingest.ingest(tmp_path / "timing", baci, generated[1:])  # how long the killed ingest would take
    took = time.perf_counter() - t0 + 1.5  # plus the CLI's start-up
    want = lake.current(tmp_path / "timing")["baci"].rows
    signal_lake_ingest(
        lambda: _start(generated[1:], root), lambda: _content(root), took, lambda after: _landed(after, want)
    )
    # With every part written and nothing committed (the pause before the commit): still nothing visible.
    lake2 = tmp_path / "lake2"
    flag = tmp_path / "paused"

    def staged() -> None:
        found = list((lake2 / "trade_flows").glob("source=baci/part=*/data.parquet"))
        assert found and found[0].stat().st_size > 100_000

    kill_lake_ingest_before_commit(lambda **env: _start(generated[1:], lake2, **env), flag, staged)
    assert lake.current(lake2) == {} and lake.files(lake2, "trade_flows") == []
    # The next ingest removes what the killed ones left and lands.
    res = lake_ingest.ingest(root, baci, generated[1:])
    assert res.skipped or lake.current(root)["baci"].rows == want
    assert lake.vacuum(root, keep_superseded=True) == []


def _landed(after, want) -> None:
    assert after[0]["baci"].rows == want


def test_concurrent_ingest_refused(generated, tmp_path):
    root = tmp_path / "lake"
    lake_ingest.ingest(root, baci, generated[:1])
    with lake.writer(root), pytest.raises(lake.LakeBusyError, match="another ingest is writing"):
        lake_ingest.ingest(root, baci, generated[1:])
    assert lake.last_id(root) == 1
