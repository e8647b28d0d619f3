"""`changes A B`: new roll calls, change points, trade periods and the verdict, since a date or an ingest."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from dyadwatch import sources
from dyadwatch.changes import changes
from dyadwatch.errors import DyadwatchError
from dyadwatch.warehouse import Warehouse
from helpers import run_cli
from test_fetch_comtrade import record
from test_fetch_gdelt import event
from test_undl import RESOLUTIONS, write_undl

NEW_2025 = [
    (4072001, "2025-10-20", 80, "A/RES/80/12", "Cooperation between the UN and the CSTO",
     {"CHN": "Y", "RUS": "Y", "USA": "A", "IND": "Y", "KAZ": "Y"}),
    (4072002, "2025-11-03", 80, "A/RES/80/30", "Necessity of ending the embargo against Cuba",
     {"CHN": "Y", "RUS": "A", "USA": "N", "IND": "Y", "KAZ": "Y"}),
]  # fmt: skip


def _events(path, months: list[str], quad: int, first_id: int) -> None:
    rows = [event(first_id + i, f"{m}15", "CHN", "RUS", "04" if quad == 1 else "19", quad, 2.0 if quad == 1 else -8.0)
            for i, m in enumerate(months)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")


def _trade(path, years: list[int]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(record(156, 643, 2022, "M", 1.0)))
        w.writeheader()
        for y in years:
            for flow, v in (("M", 80e9 * (1.3 if y == 2023 else 1)), ("X", 70e9 * (1.2 if y == 2023 else 1))):
                w.writerow(record(156, 643, y, flow, v))


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Two rounds of updates: ingests 1-3 (undl to 2025-06, 12 months of events, 2022 trade), then 4-6."""
    d = tmp_path_factory.mktemp("changes")
    path = d / "w.duckdb"
    months1 = [f"2023{m:02d}" for m in range(1, 13)]
    months2 = [f"2024{m:02d}" for m in range(1, 7)]
    with Warehouse(path) as wh:
        wh.ingest(sources.get("undl"), [write_undl(d / "2025_7_23_ga_voting.csv")])
        _events(d / "20231231234500.export.CSV", months1, 1, 1000)
        wh.ingest(sources.get("gdelt"), [d / "20231231234500.export.CSV"])
        _trade(d / "api_2022_H6.csv", [2022])
        wh.ingest(sources.get("comtrade"), [d / "api_2022_H6.csv"])
        wh.ingest(sources.get("undl"), [write_undl(d / "2026_02_06_ga_voting.csv", [*RESOLUTIONS, *NEW_2025])])
        _events(d / "20240630234500.export.CSV", months2, 4, 2000)
        wh.ingest(sources.get("gdelt"), [d / "20240630234500.export.CSV"])
        _trade(d / "api_2023_H6.csv", [2023])
        wh.ingest(sources.get("comtrade"), [d / "api_2023_H6.csv"])
        assert [i["id"] for i in wh.ingests()] == [1, 2, 3, 4, 5, 6]
    return path


def test_since_ingest_finds_what_the_later_ingests_brought(history):
    ch = changes("CHN", "RUS", since_ingest=3, db=history)
    rc = ch.roll_calls
    assert rc.resolution.tolist() == ["A/RES/80/12", "A/RES/80/30"] and set(rc.source) == {"undl"}
    assert rc[["vote_a", "vote_b", "same"]].values.tolist() == [["yes", "yes", True], ["yes", "abstain", False]]
    assert ch.change_points.period.tolist() == ["2024-01"]
    cp = ch.change_points.iloc[0]
    assert cp.before == pytest.approx(1.0) and cp.after == pytest.approx(-1.0)
    assert ch.trade.period.tolist() == ["2023"]
    assert ch.trade.growth.iloc[0] == pytest.approx((80e9 * 1.3 + 70e9 * 1.2) / 150e9 - 1)


def test_since_ingest_before_everything_reports_all_of_it(history):
    ch = changes("CHN", "RUS", since_ingest=1, db=history)
    assert len(ch.roll_calls) == 2  # ingest 4 re-read the undl file: only the two resolutions not in ingest 1's file
    assert ch.trade.period.tolist() == ["2022", "2023"]


def test_since_date(history):
    ch = changes("CHN", "RUS", since=dt.date(2025, 7, 1), db=history)
    assert ch.roll_calls.resolution.tolist() == ["A/RES/80/12", "A/RES/80/30"]
    assert ch.trade.empty and ch.change_points.empty
    ch = changes("CHN", "RUS", since=dt.date(2023, 12, 1), db=history)
    assert "2024-01" in ch.change_points.period.tolist() and ch.trade.period.tolist() == ["2023"]


def test_gone_files_are_unknown_not_new(history, tmp_path):
    import shutil

    copy = tmp_path / "w.duckdb"
    shutil.copy(history, copy)
    with Warehouse(copy) as wh:
        files = json.loads(wh.ingests()[0]["files"])
    moved = tmp_path / "moved.csv"
    shutil.move(files[0], moved)
    try:
        ch = changes("CHN", "RUS", since_ingest=3, db=copy)
        assert ch.roll_calls.empty and any("files of ingest 1 are gone" in n for n in ch.notes)
    finally:
        shutil.move(moved, files[0])


def test_the_verdict_is_reported(history):
    v = changes("CHN", "RUS", since_ingest=3, db=history).verdict
    assert set(v) >= {"before", "now", "changed", "year_before", "year_now"}
    assert v["changed"] == (v["before"] is not None and v["before"] != v["now"])


def test_one_of_since_or_since_ingest(history):
    with pytest.raises(DyadwatchError, match=r"exactly one of --since DATE or --since-ingest ID"):
        changes("CHN", "RUS", db=history)
    with pytest.raises(DyadwatchError, match=r"No ingest 99"):
        changes("CHN", "RUS", since_ingest=99, db=history)


def test_cli_text_csv_json(history, capsys):
    code, out, err = run_cli(capsys, "changes", "CHN", "RUS", "--since-ingest", "3", "--db", history)
    assert code == 0, err
    assert "A/RES/80/30" in out and "New change points" in out and "Verdict" in out
    code, out, _ = run_cli(capsys, "changes", "China", "Russia", "--since", "2023-12-01", "-f", "csv", "--db", history)
    assert code == 0 and out.startswith("section,source,when,item,a,b,detail")
    assert "roll_call,undl,2025-11-03,A/RES/80/30,yes,abstain,different votes" in out
    code, out, _ = run_cli(capsys, "changes", "CHN", "RUS", "--since-ingest", "3", "-f", "json", "--db", history)
    got = json.loads(out)
    assert [r["resolution"] for r in got["roll_calls"]] == ["A/RES/80/12", "A/RES/80/30"] and got["since_ingest"] == 3
    code, _, err = run_cli(capsys, "changes", "CHN", "RUS", "--db", history)
    assert code == 1 and "exactly one of" in err
