"""Nothing lost, nothing silently wrong: ingest semantics (issue 15, defects 1-7).

Each test builds the situation the issue describes from the real shared files and checks the
exit code, the message (no traceback) and that the warehouse content is what it must be.
"""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pyreadr
import pytest

from dyadwatch import sources
from dyadwatch.errors import EmptyInputError, InvalidValueError, ShrinkError, TruncatedFileError
from dyadwatch.sources import cameo, facts, gdelt, ungdc
from dyadwatch.warehouse import Warehouse
from helpers import run_cli, snapshot

FACTS = "trade/reference_facts.csv"


def _count(db, table, where="true"):
    with Warehouse(db, read_only=True) as wh:
        return wh.con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def _facts_db(shared, tmp_path):
    db = tmp_path / "f.duckdb"
    with Warehouse(db) as wh:
        wh.ingest(facts, [shared / FACTS])
    return db


# 1. An empty file (header only, or an .rda with the columns and no rows) never deletes what is there.


def test_header_only_facts_file_deletes_nothing(shared, tmp_path, capsys):
    db = _facts_db(shared, tmp_path)
    before = snapshot(db)
    header = tmp_path / "reference_facts.csv"
    header.write_text((shared / FACTS).read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    code, _, err = run_cli(capsys, "ingest", "facts", header, "--db", db)
    assert code == 3 and "no data rows" in err and str(header) in err and "Traceback" not in err
    assert snapshot(db) == before and _count(db, "facts") == 34


def test_empty_un_votes_rda_deletes_no_vote(shared, tmp_path, capsys):
    db = tmp_path / "v.duckdb"
    unga = [shared / "unga" / f for f in ("un_votes.rda", "un_roll_calls.rda", "un_roll_call_issues.rda")]
    with Warehouse(db) as wh:
        wh.ingest(sources.get("unvotes"), unga)
    before = snapshot(db)
    votes = pyreadr.read_r(str(unga[0]))["un_votes"]
    empty = tmp_path / "un_votes.rda"
    pyreadr.write_rdata(str(empty), votes.iloc[:0], df_name="un_votes")
    code, _, err = run_cli(capsys, "ingest", "unvotes", empty, *unga[1:], "--db", db)
    assert code == 3 and "no data rows for votes" in err, err
    assert snapshot(db) == before


def _voeten_file(path, rows):
    df = pd.DataFrame(rows, columns=["rcid", "ccode", "vote"])
    df["session"] = 1
    df["date"] = df["rcid"].map(lambda r: f"1/{1 + r % 28}/1990")
    df["year"] = 1990.0
    df["unres"] = "R/1/" + df["rcid"].astype(str)
    df["importantvote"] = 0
    df["member"] = 1
    for i in ("me", "nu", "di", "hr", "co", "ec"):
        df[i] = "0"
    pyreadr.write_rdata(str(path), df, df_name="x")
    return path


def test_shrinking_a_source_needs_allow_shrink_and_says_what_goes(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    full = _voeten_file(tmp_path / "full.RData", [(r, c, 1) for r in range(1, 21) for c in (2, 365, 710)])
    small = _voeten_file(tmp_path / "small.RData", [(1, 2, 1), (1, 365, 3)])
    assert run_cli(capsys, "ingest", "voeten", full, "--db", db)[0] == 0
    before = snapshot(db)
    code, _, err = run_cli(capsys, "ingest", "voeten", small, "--db", db)
    assert (
        code == 5
        and "would delete 19 of the 20 roll_calls rows" in err
        and "58 of the 60 votes rows" in err
        and "--allow-shrink" in err
    )
    assert snapshot(db) == before
    code, _, _ = run_cli(capsys, "ingest", "voeten", small, "--db", db, "--allow-shrink")
    assert code == 0 and _count(db, "votes") == 2


# 2. A second, different, valid file adds to (or updates) the source instead of replacing it.


def test_cameo_goldstein_file_keeps_the_event_descriptions(shared, tmp_path):
    db = tmp_path / "c.duckdb"
    with Warehouse(db) as wh:
        wh.ingest(cameo, [shared / "events/cameo_eventcodes.txt"])
        res = wh.ingest(cameo, [shared / "events/cameo_goldsteinscale.txt"])
        assert not res.skipped
        df = wh.table("cameo_codes").to_pandas().set_index("code")
    assert df.description.notna().sum() == 311 and df.goldstein.notna().sum() >= 290
    assert df.loc["042", "description"] and df.loc["042", "goldstein"] == pytest.approx(1.9)


def test_own_facts_file_adds_to_the_published_ones(shared, tmp_path):
    db = _facts_db(shared, tmp_path)
    own = tmp_path / "my_facts.csv"
    own.write_text("metric,period,value,unit,publisher,url\nkz_cn_trade,2024,44.0,USD bn,KZ stat,https://stat.gov.kz\n")
    with Warehouse(db) as wh:
        wh.ingest(facts, [own])
        files = {f["path"] for f in wh.current_files()}
    assert _count(db, "facts") == 35
    assert files == {str((shared / FACTS).resolve()), str(own.resolve())}


# 3. Files are known by their resolved path, never by base name or the path as typed.


def test_two_gdelt_files_of_one_name_in_two_folders_both_stay(shared, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    shutil.copy(shared / "events/gdelt1_georgia_2012-08.csv", a / "events.csv")
    shutil.copy(shared / "events/gdelt1_georgia_2012-12.csv", b / "events.csv")
    with Warehouse(tmp_path / "g.duckdb") as wh:
        n_a = wh.ingest(gdelt, [a / "events.csv"]).rows["events"]
        n_b = wh.ingest(gdelt, [b / "events.csv"]).rows["events"]
        total = wh.con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert total == n_a + n_b and n_a > 0 and n_b > 0


def test_corpus_given_relative_then_absolute_is_one_corpus(shared, tmp_path, monkeypatch):
    corpus = tmp_path / "ungdc"
    for year in ("2021", "2022"):
        shutil.copytree(shared / "speeches/ungdc" / year, corpus / year)
    monkeypatch.chdir(tmp_path)
    with Warehouse(tmp_path / "u.duckdb") as wh:
        first = wh.ingest(ungdc, [corpus.relative_to(tmp_path)])
        again = wh.ingest(ungdc, [corpus])
        n = wh.con.execute("SELECT count(*) FROM speeches").fetchone()[0]
    assert again.skipped and n == first.rows["speeches"] > 300


# 4. "Nothing changed" means the current content came from these exact files.


def test_reingesting_an_older_version_restores_it(tmp_path):
    db = tmp_path / "o.duckdb"
    path = tmp_path / "UNVotesPublished.RData"
    rows_a = [(r, c, 1) for r in range(1, 11) for c in (2, 365)]
    rows_b = [(r, c, 3) for r in range(1, 11) for c in (2, 365)]
    with Warehouse(db) as wh:
        wh.ingest(sources.get("voeten"), [_voeten_file(path, rows_a)])
        wh.ingest(sources.get("voeten"), [_voeten_file(path, rows_b)])
        res = wh.ingest(sources.get("voeten"), [_voeten_file(path, rows_a)])
        votes = {r[0] for r in wh.con.execute("SELECT DISTINCT vote FROM votes").fetchall()}
        current = wh.current_files()
    assert not res.skipped and votes == {1}
    assert len(current) == 1 and current[0]["ingest_id"] == 3


def test_older_facts_version_under_the_same_name(shared, tmp_path):
    path = tmp_path / "reference_facts.csv"
    text = (shared / FACTS).read_text("utf-8")
    path.write_text(text, "utf-8")
    db = tmp_path / "f.duckdb"
    with Warehouse(db) as wh:
        wh.ingest(facts, [path])
        path.write_text(text.replace(",190.271,", ",999.0,"), "utf-8")
        wh.ingest(facts, [path])
        path.write_text(text, "utf-8")
        assert not wh.ingest(facts, [path]).skipped
        v = wh.con.execute("SELECT value FROM facts WHERE metric = 'cn_ru_trade_turnover' AND period = '2022'")
        assert v.fetchone()[0] == 190.271


# 5. Truncated files are refused with the line.


@pytest.mark.parametrize(
    ("source", "rel", "keep"),
    [
        ("facts", FACTS, 0.5),
        ("comtrade", "trade/comtrade_partner_codes.csv", 0.53),
        ("atop", "alliances/atop_v4_member_level.csv", 0.5),
        ("cameo", "events/cameo_eventcodes.txt", 0.5),
        ("gdelt", "events/gdelt1_georgia_2012-08.csv", 0.5),
        ("sipri", "arms/sipri_trade_register_2000_2023.csv", 0.5),
    ],
)
def test_truncated_file_is_refused_with_its_line(shared, tmp_path, capsys, source, rel, keep):
    data = (shared / rel).read_bytes()
    cut = int(len(data) * keep)
    while data[cut - 1 : cut] in (b"\n", b"\r"):  # a cut mid-line, as a broken download leaves it
        cut += 1
    p = tmp_path / (shared / rel).name
    p.write_bytes(data[:cut])
    db = tmp_path / "t.duckdb"
    code, _, err = run_cli(capsys, "ingest", source, p, "--db", db)
    line = data[:cut].count(b"\n") + 1
    assert code == 3 and f"line {line}, the last, does not end with a line break" in err, err
    with pytest.raises(TruncatedFileError):
        sources.get(source).load([p])


# 6. Values no publisher writes: an error naming file, line and column; NaN becomes NULL with a note.


def test_goldstein_out_of_range_named_with_file_and_column(shared, tmp_path, capsys):
    p = tmp_path / "CAMEO.goldsteinscale.txt"
    p.write_text((shared / "events/cameo_goldsteinscale.txt").read_text("utf-8").replace("\t1.9\n", "\t1e308\n", 1))
    code, _, err = run_cli(capsys, "ingest", "cameo", p, "--db", tmp_path / "c.duckdb")
    assert code == 3 and "column 'goldstein': 1e+308 is not a Goldstein score from -10 to 10" in err, err
    assert str(p) in err


def test_facts_value_inf_is_refused(shared, tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("metric,period,value,unit,publisher,url\ncn_ru_trade,2022,inf,USD bn,GACC,https://x\n")
    with Warehouse(tmp_path / "f.duckdb") as wh, pytest.raises(InvalidValueError, match="a finite number"):
        wh.ingest(facts, [p])


def _gdelt_row(**values) -> str:
    base = {"GLOBALEVENTID": "1", "SQLDATE": "20240115", "IsRootEvent": "1", "EventCode": "042",
            "EventBaseCode": "042", "EventRootCode": "04", "QuadClass": "1", "GoldsteinScale": "1.9",
            "NumMentions": "10", "NumSources": "2", "NumArticles": "10", "AvgTone": "-1.5",
            "Actor1CountryCode": "CHN", "Actor2CountryCode": "RUS"}  # fmt: skip
    base.update({k: str(v) for k, v in values.items()})
    return "\t".join(base.get(c, "") for c in gdelt.V2_COLUMNS) + "\n"


def test_gdelt_nan_becomes_null_with_a_note_and_1e308_is_refused(tmp_path):
    p = tmp_path / "20240115.export.CSV"
    p.write_text(_gdelt_row(GLOBALEVENTID=1) + _gdelt_row(GLOBALEVENTID=2, GoldsteinScale="NaN"))
    with Warehouse(tmp_path / "g.duckdb") as wh:
        res = wh.ingest(gdelt, [p])
        g = dict(wh.con.execute("SELECT event_id, goldstein FROM events").fetchall())
        mean = wh.con.execute("SELECT avg(goldstein) FROM events").fetchone()[0]
    assert g[2] is None and mean == pytest.approx(1.9)
    assert any("NaN" in n and "stored as NULL" in n for n in res.notes)
    p.write_text(_gdelt_row(GLOBALEVENTID=3, GoldsteinScale="1e308"))
    with Warehouse(tmp_path / "g.duckdb") as wh, pytest.raises(InvalidValueError, match="goldstein"):
        wh.ingest(gdelt, [p])


# 7. Byte-order marks are accepted by every text loader.


def test_gdelt_file_with_a_bom_is_read(shared, tmp_path):
    src = shared / "events/gdelt1_georgia_2012-08.csv"
    p = tmp_path / src.name
    p.write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
    assert gdelt.load([p])["events"].num_rows == gdelt.load([src])["events"].num_rows > 0


def test_baci_file_with_a_bom_is_read(tmp_path):
    from dyadwatch.sources import baci

    body = "t,i,j,k,v,q\n2020,156,643,010121,1.5,2\n"
    plain, bom = tmp_path / "BACI_HS17_Y2020_V202401.csv", tmp_path / "bom" / "BACI_HS17_Y2020_V202401.csv"
    bom.parent.mkdir()
    plain.write_text(body)
    bom.write_bytes(b"\xef\xbb\xbf" + body.encode())
    assert baci.load([bom])["trade_flows"].to_pylist() == baci.load([plain])["trade_flows"].to_pylist()


@pytest.mark.parametrize("rel", [FACTS, "alliances/atop_v4_member_level.csv", "events/cameo_eventcodes.txt"])
def test_csv_loaders_accept_a_bom(shared, tmp_path, rel):
    src = shared / rel
    p = tmp_path / src.name
    p.write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
    source = {"trade": facts, "alliances": sources.get("atop"), "events": cameo}[rel.split("/")[0]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the loaders' data notes (ATOP's own member codes)
        got, want = source.load([p]), source.load([src])
    assert {k: t.num_rows for k, t in got.items()} == {k: t.num_rows for k, t in want.items()}


def test_ingests_command_shows_current_files(shared, tmp_path, capsys):
    db = _facts_db(shared, tmp_path)
    code, out, _ = run_cli(capsys, "ingests", "--db", db, "--format", "json")
    assert code == 0 and "reference_facts.csv" in out and '"rows": 34' in out
    code, out, _ = run_cli(capsys, "ingests", "--db", db, "--history", "--format", "csv")
    assert code == 0 and "facts" in out


def test_empty_error_is_a_source_format_error():
    assert issubclass(EmptyInputError, ValueError) and ShrinkError.exit_code == 5


def test_a_failed_first_ingest_leaves_no_empty_warehouse(tmp_path, capsys):
    """A new --db path whose first ingest fails is not left behind as an empty warehouse (nor its new folder)."""
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    db = tmp_path / "new" / "w.duckdb"
    code, _, err = run_cli(capsys, "ingest", "facts", bad, "--db", db)
    assert code == 3 and "missing column" in err
    assert not db.exists() and not db.parent.exists()
    # An existing warehouse is never removed, whatever fails.
    good = tmp_path / "kept.duckdb"
    with Warehouse(good):
        pass
    code, _, _ = run_cli(capsys, "ingest", "facts", bad, "--db", good)
    assert code == 3 and good.exists()
