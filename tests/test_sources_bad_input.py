"""Real bad files: each gets one clear message, a non-zero exit, and an unchanged warehouse."""

import gzip
import shutil

import pytest

from helpers import run_cli, snapshot


@pytest.fixture(scope="module")
def _seeded_once(shared, tmp_path_factory):
    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse

    db = tmp_path_factory.mktemp("seeded") / "bad.duckdb"
    with Warehouse(db) as wh:
        assert wh.ingest(sources.get("cow_alliance"), [shared / "alliances/cow_alliance.rda"]).rows
    return db


@pytest.fixture
def seeded(_seeded_once, tmp_path):
    """A warehouse with COW alliances ingested: each test's own copy, since each tries to write to it."""
    db = tmp_path / "bad.duckdb"
    shutil.copyfile(_seeded_once, db)
    return db


def _bad(tmp_path, name, content: bytes):
    p = tmp_path / name
    p.write_bytes(content)
    return p


LFS = b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 12345\n"
HTML = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not Found</body></html>"


@pytest.mark.parametrize(
    ("source", "name", "content", "message"),
    [
        ("voeten", "UNVotesPublished.RData", LFS, "Git LFS pointer"),
        ("atop", "atop_v4_member_level.csv", HTML, "HTML/XML page"),
        ("unvotes", "un_votes.rda", b"", "empty"),
        ("atop", "atop_v4_member_level.csv", b"a,b,c\n1,2,3\n", "missing column"),
        ("cow_alliance", "cow_alliance.rda", b"ccode1,ccode2\n2,20\n", "not an R data file"),
    ],
)
def test_bad_files(seeded, tmp_path, capsys, source, name, content, message):
    path = _bad(tmp_path, name, content)
    before = snapshot(seeded)
    code, _out, err = run_cli(capsys, "ingest", source, path, "--db", seeded)
    assert code != 0
    assert message in err and str(path) in err
    assert "Fix" in err or "fix" in err or "expects" in err
    assert snapshot(seeded) == before


def test_truncated_rda(seeded, shared, tmp_path, capsys):
    data = (shared / "alliances/atop_alliance.rda").read_bytes()
    path = _bad(tmp_path, "atop_alliance.rda", data[: len(data) // 3])
    before = snapshot(seeded)
    code, _, err = run_cli(capsys, "ingest", "atop", path, "--db", seeded)
    assert code == 3 and "truncated or corrupt" in err
    assert snapshot(seeded) == before


def test_file_of_another_source(seeded, shared, capsys):
    before = snapshot(seeded)
    code, _, err = run_cli(capsys, "ingest", "atop", shared / "alliances/cow_alliance.rda", "--db", seeded)
    assert code == 3 and "expected an R object named 'atop_alliance'" in err
    code, _, err = run_cli(capsys, "ingest", "voeten", shared / "alliances/atop_alliance.rda", "--db", seeded)
    assert code == 3 and "missing column" in err
    assert snapshot(seeded) == before


def test_gzip_that_is_not_r(seeded, tmp_path, capsys):
    path = _bad(tmp_path, "cow_alliance.rda", gzip.compress(b"hello, not R"))
    code, _, err = run_cli(capsys, "ingest", "cow_alliance", path, "--db", seeded)
    assert code == 3 and "cannot be read" in err


def test_unknown_country_and_source(capsys, tmp_path, fresh_machine):
    code, _, err = run_cli(capsys, "votes", "Chna", "RUS")
    assert code == 2 and "Closest matches: China (CHN)" in err
    code, _, err = run_cli(capsys, "ingest", "nosuch", tmp_path / "x.csv", "--db", tmp_path / "x.duckdb")
    assert code == 2 and "Known sources:" in err


def test_missing_file(capsys, tmp_path):
    code, _, err = run_cli(capsys, "ingest", "voeten", tmp_path / "nope.RData", "--db", tmp_path / "x.duckdb")
    assert code == 3 and "no such file" in err


@pytest.mark.parametrize("cut", ["tail", "middle"])
def test_partner_table_cut_short_disagrees_with_its_stated_totals(seeded, shared, tmp_path, capsys, cut):
    """A cipf-comtrade partner table states its totals (ranks 1..n, shares summing to 1 per year): rows cut
    from the end of a year or from its middle are refused, naming the year, and nothing is written."""
    import pandas as pd

    src = pd.read_excel(shared / "trade/comtrade_china_import_partners_2014_2025.xlsx")
    y = int(src.refYear.value_counts().idxmax())  # a whole year (the last, 2025, has 13 partners so far)
    rows = src.index[src.refYear == y]
    drop = rows[-40:] if cut == "tail" else rows[5:8]
    path = tmp_path / "comtrade_china_import_partners_2014_2025.xlsx"
    src.drop(index=drop).to_excel(path, index=False)
    before = snapshot(seeded)
    code, _out, err = run_cli(capsys, "ingest", "china_tables", path, "--db", seeded)
    assert code == 3, err
    assert str(path) in err and str(y) in err and "rows are missing" in err and "Fix" in err
    assert ("sum to" in err) if cut == "tail" else ("not ranked" in err)
    assert snapshot(seeded) == before
    src.to_excel(path, index=False)  # the same table whole is accepted
    code, _out, err = run_cli(capsys, "ingest", "china_tables", path, "--db", seeded)
    assert code == 0, err


# Crashes the 200-case mutation fuzz found (`make fuzz`): each a clear SourceFormatError now.


def test_sipri_fractional_year_is_refused_by_line(shared, tmp_path):
    import csv
    import io

    from dyadwatch.errors import SourceFormatError
    from dyadwatch.sources import sipri

    text = (shared / "arms/sipri_trade_register_2000_2023.csv").read_text("utf-8", errors="replace")
    lines = text.splitlines()
    h = next(i for i, line in enumerate(lines) if "Order date" in line)
    row = next(csv.reader(io.StringIO(lines[h + 1])))
    row[next(csv.reader(io.StringIO(lines[h]))).index("Order date")] = "2019.5"  # was: TypeError from pandas
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    lines[h + 1] = out.getvalue()
    path = tmp_path / "trade_register.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(SourceFormatError, match=rf"'Order date'.*line\(s\) \[{h + 2}\]"):
        sipri.load([path])


def test_idealpoints_fractional_vote_count_is_refused(shared, tmp_path):
    import pandas as pd

    from dyadwatch.errors import SourceFormatError
    from dyadwatch.sources import idealpoints

    df = pd.read_stata(shared / "unga/IdealpointsJuly2025.dta", convert_categoricals=False)
    df.loc[3, "nvotesall"] = 12.5  # was: TypeError "cannot safely cast non-equivalent float64 to int32"
    path = tmp_path / "IdealpointsJuly2025.dta"
    df.to_stata(path, write_index=False, version=118)
    with pytest.raises(SourceFormatError, match=r"'nvotesall' at data row\(s\) \[4\]"):
        idealpoints.load([path])


def test_unvotes_malformed_roll_call_date_is_refused(shared, tmp_path):
    import pyreadr

    from dyadwatch.errors import SourceFormatError
    from dyadwatch.sources import unvotes

    rc = pyreadr.read_r(str(shared / "unga/un_roll_calls.rda"))["un_roll_calls"]
    rc["date"] = rc["date"].astype(str)
    rc.loc[2, "date"] = "1946.02-01"  # was: ValueError from pandas' date parser
    bad = tmp_path / "un_roll_calls.rda"
    pyreadr.write_rdata(str(bad), rc, df_name="un_roll_calls")
    files = [shared / "unga/un_votes.rda", bad, shared / "unga/un_roll_call_issues.rda"]
    with pytest.raises(SourceFormatError, match=r"roll call\(s\) \[\d+\] have dates that are not dates"):
        unvotes.load(files)
