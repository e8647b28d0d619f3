"""Issue 14 ("What a new user hit"): wrong results and crashes on ordinary mistakes, through the real CLI.

Items 2 (growth in a window's first year), 3 (a mistyped --db), 4 (--out by extension), 7–12 (bad years,
folders, one-state dyads): each is a clear message and a non-zero exit, checked before any long work.
"""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyadwatch import api, sources
from dyadwatch.errors import ArgumentError, NoDataError, WarehouseNotFoundError
from dyadwatch.warehouse import Warehouse
from helpers import run_cli, snapshot


@pytest.fixture(scope="module")
def trade_wh(tmp_path_factory, shared):
    """COW trade (to 2014) and China's Comtrade tables (2014–2025): both trade paths."""
    path = tmp_path_factory.mktemp("nu") / "trade.duckdb"
    with Warehouse(path) as wh:
        wh.ingest(sources.get("cow_trade"), [shared / "trade/cow_trade_ndy.rda", shared / "trade/cow_trade_sy.rda"])
    cow_only = path.with_name("cow.duckdb")
    cow_only.write_bytes(path.read_bytes())
    with Warehouse(path) as wh:
        wh.ingest(
            sources.get("china_tables"),
            [
                shared / "trade/comtrade_china_trade_balance_2014_2025.xlsx",
                shared / "trade/comtrade_china_import_partners_2014_2025.xlsx",
                shared / "trade/comtrade_china_export_partners_mirror_2014_2025.xlsx",
            ],
        )
    return {"cow": cow_only, "flows": path}


def _csv(out: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(out))


# ----------------------------------------------------------------------------- item 2: growth in a window


def test_growth_in_the_first_year_of_a_window_on_the_pack(capsys, fresh_machine) -> None:
    code, out, err = run_cli(capsys, "trade", "CHN", "RUS", "--format", "csv")
    assert code == 0, err
    full = _csv(out).set_index("period")
    code, out, err = run_cli(capsys, "trade", "CHN", "RUS", "--from", "2010", "--format", "csv")
    assert code == 0, err
    win = _csv(out).set_index("period")
    assert win.index[0] == 2010 and pd.notna(win.growth.iloc[0])
    assert win.growth.iloc[0] == pytest.approx(full.growth[2010])
    assert win.growth.iloc[0] == pytest.approx(full.turnover[2010] / full.turnover[2009] - 1)


@pytest.mark.parametrize("store", ["cow", "flows"])
def test_growth_in_the_first_year_of_a_window_on_a_warehouse(capsys, trade_wh, store) -> None:
    db = trade_wh[store]
    code, out, err = run_cli(capsys, "trade", "CHN", "RUS", "--format", "csv", "--db", db)
    assert code == 0, err
    full = _csv(out).set_index("period")
    for args in (["--from", "2010"], ["--period", "2014"], ["--from", "2014", "--to", "2014"]):
        code, out, err = run_cli(capsys, "trade", "CHN", "RUS", *args, "--format", "csv", "--db", db)
        assert code == 0, err
        win = _csv(out).set_index("period")
        first = win.index[0]
        assert pd.notna(win.growth.iloc[0]), args
        assert win.growth.iloc[0] == pytest.approx(full.growth[first]), args


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lo=st.integers(1992, 2014), span=st.integers(0, 6))
def test_a_window_never_changes_a_value(fresh_machine, lo, span) -> None:
    full = api.trade("CHN", "RUS").data.set_index("period")
    win = api.trade("CHN", "RUS", year_from=lo, year_to=min(lo + span, 2014)).data.set_index("period")
    pd.testing.assert_frame_equal(win, full.loc[win.index], check_dtype=False)


# ----------------------------------------------------------------------------- item 3: a mistyped --db


def test_a_mistyped_db_is_an_error_not_the_pack(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DYADWATCH_DB", raising=False)
    missing = tmp_path / "no/such/dir/w.duckdb"
    code, out, err = run_cli(capsys, "votes", "CHN", "RUS", "--db", missing)
    assert code == 2 and out == ""
    assert f"No warehouse at {missing}" in err and "leave --db" in err
    monkeypatch.setenv("DYADWATCH_DB", str(missing))
    code, out, err = run_cli(capsys, "alliances", "CHN", "RUS")
    assert code == 2 and "No warehouse at" in err
    with pytest.raises(WarehouseNotFoundError):
        api.votes("CHN", "RUS", db=missing)
    assert not missing.exists() and not missing.parent.exists()


def test_only_the_default_location_may_be_absent(capsys, fresh_machine) -> None:
    code, _, err = run_cli(capsys, "votes", "CHN", "RUS", "--format", "csv")
    assert code == 0 and "embedded pack" in err


# ----------------------------------------------------------------------------- item 4: --out by extension


def test_all_dyads_refuses_an_unknown_extension_before_any_work(capsys, votes_wh, tmp_path) -> None:
    out = tmp_path / "panel.xlsx"
    t = time.perf_counter()
    code, _, err = run_cli(capsys, "votes", "--all-dyads", "--out", out, "--db", votes_wh.path)
    assert code == 2 and "extension '.xlsx'" in err and ".parquet" in err and ".csv" in err
    assert time.perf_counter() - t < 5 and not out.exists()


@pytest.fixture(scope="module")
def panel_files(votes_wh, tmp_path_factory):
    """The same 2018–2019 panel written once per extension through the CLI."""
    import contextlib

    d = tmp_path_factory.mktemp("panel")
    paths = {}
    for ext in ("parquet", "csv", "dta", "feather"):
        p = d / f"panel.{ext}"
        with contextlib.suppress(SystemExit):
            from dyadwatch.cli import main

            main(["votes", "--all-dyads", "--from", "2018", "--to", "2019", "--out", str(p), "--db", votes_wh.path])
        paths[ext] = p
    return paths


def test_all_dyads_writes_by_extension(panel_files) -> None:
    ref = pd.read_parquet(panel_files["parquet"])
    assert len(ref) > 10_000 and set(ref.year) == {2018, 2019}
    assert panel_files["csv"].read_bytes()[:4] != b"PAR1"  # the reported bug: Parquet bytes in a .csv
    readers = {"csv": pd.read_csv, "dta": pd.read_stata, "feather": pd.read_feather}
    for ext, read in readers.items():
        got = read(panel_files[ext])
        assert list(got.columns) == list(ref.columns), ext
        assert len(got) == len(ref), ext
        # NULLs stay missing in every format (never 0)
        assert got.isna().sum().sum() == ref.isna().sum().sum(), ext
        pd.testing.assert_series_equal(got.agreement, ref.agreement, check_dtype=False, check_names=False)


# ----------------------------------------------------------------------------- items 7, 8, 9, 12: bad years


BAD_YEARS = [["--from", "2030"], ["--from", "2010", "--to", "2000"], ["--to", "2000", "--from", "2010"]]


@pytest.mark.parametrize("years", BAD_YEARS, ids=["future", "reversed", "reversed-to-first"])
@pytest.mark.parametrize(
    "command",
    [["alliances", "CHN", "RUS"], ["trade", "CHN", "RUS"], ["region", "CHN", "RUS"], ["votes", "CHN", "RUS"],
     ["report", "IND", "PAK"], ["rhetoric", "CHN", "RUS"], ["events", "CHN", "RUS"], ["arms", "RUS", "CHN"]],
    ids=lambda c: c[0],
)  # fmt: skip
def test_bad_years_are_one_message_before_any_work(capsys, fresh_machine, command, years) -> None:
    t = time.perf_counter()
    code, out, err = run_cli(capsys, *command, *years, "--out" if command[0] == "report" else "--format",
                             str(fresh_machine / "r") if command[0] == "report" else "csv")  # fmt: skip
    assert code == 2, err
    assert "Traceback" not in err and out == ""
    assert ("in the future" in err) if "2030" in years else ("Fix: swap them" in err)
    assert time.perf_counter() - t < 5
    assert not (fresh_machine / "r").exists()


@pytest.mark.parametrize("years", BAD_YEARS[:2], ids=["future", "reversed"])
def test_bad_years_on_a_warehouse_and_the_api(capsys, trade_wh, years) -> None:
    for cmd in (["trade", "CHN", "RUS"], ["region", "CHN", "RUS"]):
        code, out, err = run_cli(capsys, *cmd, *years, "--db", trade_wh["flows"])
        assert code == 2 and "Traceback" not in err and out == "", err
    yf, yt = (2030, None) if "2030" in years else (2010, 2000)
    for fn in (api.trade, api.votes, api.alliances):
        with pytest.raises(ArgumentError):
            fn("CHN", "RUS", year_from=yf, year_to=yt, db=trade_wh["flows"])


def test_years_after_the_data_say_what_the_data_cover(capsys, trade_wh, votes_wh) -> None:
    code, out, err = run_cli(capsys, "trade", "CHN", "RUS", "--from", "2026", "--db", trade_wh["flows"])
    assert code == 4 and "No trade between CHN and RUS in 2026" in err and out == ""
    code, out, err = run_cli(capsys, "votes", "CHN", "RUS", "--from", "2021", "--db", votes_wh.path)
    assert code == 4 and out == "" and "the data cover 1946–2019" in err
    code, out, err = run_cli(capsys, "alliances", "CHN", "RUS", "--from", "2019", "--db", votes_wh.path)
    assert code == 4 and out == "" and "–2018" in err


def test_years_after_the_data_on_the_pack(capsys, fresh_machine) -> None:
    code, out, err = run_cli(capsys, "votes", "CHN", "RUS", "--from", "2020")
    assert code == 4 and out == "" and "the data cover 1946–2019" in err
    code, out, err = run_cli(capsys, "alliances", "CHN", "RUS", "--from", "2019")
    assert code == 4 and out == "" and "IndexError" not in err


# ----------------------------------------------------------------------------- item 10: a folder for a file


def test_a_folder_for_a_single_file_source(capsys, shared, tmp_path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse(db) as wh:
        wh.ingest(sources.get("cow_alliance"), [shared / "alliances/cow_alliance.rda"])
    before = snapshot(db)
    code, _, err = run_cli(capsys, "ingest", "sipri", shared / "arms", "--db", db)
    assert code == 3 and "Traceback" not in err
    assert "a folder" in err and "sipri_trade_register_2000_2023.csv" in err and "Fix:" in err
    assert snapshot(db) == before


# ----------------------------------------------------------------------------- item 11: a dyad of one state


@pytest.mark.parametrize(
    "command",
    [["votes"], ["alliances"], ["trade"], ["report"], ["assess"], ["rhetoric"], ["events"], ["arms"],
     ["region"], ["composition", "--period", "2019"]],
    ids=lambda c: c[0],
)  # fmt: skip
def test_a_dyad_needs_two_states(capsys, fresh_machine, command) -> None:
    cmd, *rest = command
    code, out, err = run_cli(capsys, cmd, "CHN", "China", *rest)
    assert code == 2 and out == "" and "two different states" in err and "'CHN' and 'China' are both CHN" in err
    assert not (fresh_machine / "report-out").exists()


def test_a_dyad_needs_two_states_in_the_api(fresh_machine) -> None:
    for fn in (api.votes, api.alliances, api.trade):
        with pytest.raises(ArgumentError, match="two different states"):
            fn("CHN", "CHN")
    with pytest.raises(NoDataError):  # ArgumentError is not a NoDataError: the two stay apart
        api.votes("CHN", "RUS", year_from=2021)
