"""The UN Digital Library GA vote file (both column namings) and its combination with unvotes/Voeten."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch import sources
from dyadwatch.errors import SourceFormatError
from dyadwatch.indicators import votes as iv
from dyadwatch.indicators import votes_sources as vsrc
from dyadwatch.sources.undl import symbol_key
from dyadwatch.warehouse import Warehouse
from helpers import snapshot

CURRENT = ["undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution", "meeting", "title",
           "agenda_title", "subjects", "modality", "draft", "committee_report", "total_yes", "total_no",
           "total_abstentions", "total_non_voting", "total_ms", "undl_link"]  # fmt: skip
PLURAL_2024 = ["undl_id", "ms_codes", "ms_names", "ms_votes", "date", "session", "resolutions", "meeting", "title",
               "agenda_titles", "subjects", "modality", "draft", "committee_report", "yes", "no", "abstentions",
               "non-voting", "total-voting", "undl_link"]  # fmt: skip
NAMES = {"CHN": "CHINA", "RUS": "RUSSIAN FEDERATION", "USA": "UNITED STATES", "IND": "INDIA", "KAZ": "KAZAKHSTAN"}

# (undl_id, date, session, symbol, title, {state: vote})
RESOLUTIONS = [
    (4071001, "2023-12-19", 78, "A/RES/78/190", "Situation of human rights in Ukraine",
     {"CHN": "N", "RUS": "N", "USA": "Y", "IND": "A", "KAZ": "A"}),
    (4071002, "2024-12-17", 79, "A/RES/79/185", "Problem of the militarization of Crimea",
     {"CHN": "A", "RUS": "N", "USA": "Y", "IND": "A", "KAZ": "X"}),
    (4071003, "2025-02-24", 79, "A/RES/ES-11/7", "Advancing a comprehensive, just and lasting peace in Ukraine",
     {"CHN": "A", "RUS": "N", "USA": "N", "IND": "A", "KAZ": "A"}),
    (4071004, "2025-06-12", 79, "A/RES/79/300", "Protection of civilians",
     {"CHN": "Y", "RUS": "Y", "USA": "N", "IND": "Y", "KAZ": "Y"}),
]  # fmt: skip


def write_undl(path: Path, resolutions=RESOLUTIONS, header=CURRENT, nonvoting="X") -> Path:
    """A GA voting CSV as the Library writes it: one row per member state per resolution, quoted titles."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for uid, date, session, symbol, title, votes in resolutions:
            codes = [v if v != "X" else nonvoting for v in votes.values()]
            tot = {k: codes.count(k) for k in ("Y", "N", "A")}
            for ms, v in votes.items():
                w.writerow([uid, ms, NAMES.get(ms, ms), v if v != "X" else nonvoting, date, session, symbol,
                            f"A/{session}/PV.{uid % 100}", title, f"Agenda: {title}", "UKRAINE--POLITICAL CONDITIONS",
                            "Voting", f"A/{session}/L.{uid % 50}", "", tot["Y"], tot["N"], tot["A"],
                            len(codes) - sum(tot.values()), len(codes),
                            f"https://digitallibrary.un.org/record/{uid}"])  # fmt: skip
    return path


def test_current_columns(tmp_path):
    out = sources.get("undl").load([write_undl(tmp_path / "2025_9_19_ga_voting.csv")])
    rc, v = out["roll_calls"].to_pandas(), out["votes"].to_pandas()
    assert len(rc) == 4 and len(v) == 20
    assert rc.set_index("rcid").loc[4071003, "session"] == 79 and rc.year.tolist() == [2023, 2024, 2025, 2025]
    assert rc["issue_hr"].isna().all() and rc["important"].isna().all()  # unknown, never false
    got = v.set_index(["rcid", "iso3"]).vote
    assert got[(4071001, "CHN")] == 3 and got[(4071001, "IND")] == 2 and got[(4071002, "KAZ")] == 8
    assert got[(4071004, "USA")] == 3 and got[(4071004, "RUS")] == 1
    assert v.cow[v.iso3 == "RUS"].unique().tolist() == [365]


def test_2024_plural_columns_read_the_same(tmp_path):
    cur = sources.get("undl").load([write_undl(tmp_path / "a.csv")])
    old = sources.get("undl").load([write_undl(tmp_path / "b.csv", header=PLURAL_2024, nonvoting="NV")])
    for t in ("roll_calls", "votes"):
        assert cur[t].equals(old[t])


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda rows: rows[3].__setitem__(3, "Yes"), r"'ms_vote' has values \['YES'\] at lines \[4\]"),
        (lambda rows: rows[2].__setitem__(4, "19/12/2023"), r"not YYYY-MM-DD dates at lines \[3\]"),
        (lambda rows: rows.insert(3, list(rows[2])), r"repeat a \(undl_id, ms_code\) pair at lines \[3, 4\]"),
        (lambda rows: rows[5].__setitem__(slice(1, 3), ["QQQ", "NOWHERE"]), r"does not know: \['QQQ \(NOWHERE\)'\]"),
        (lambda rows: rows[2].__setitem__(0, "abc"), r"'undl_id' has values that are not record numbers"),
    ],
)
def test_bad_rows_name_the_line(tmp_path, edit, message):
    path = write_undl(tmp_path / "v.csv")
    rows = list(csv.reader(open(path, encoding="utf-8")))
    edit(rows)
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(SourceFormatError, match=message):
        sources.get("undl").load([path])


def test_missing_column_names_both_spellings(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("undl_id,ms_name,date,resolution\n1,CHINA,2024-01-01,A/RES/78/1\n")
    with pytest.raises(SourceFormatError, match=r"lacks .* \['ms_code', 'ms_vote'\] .* \['ms_codes', 'ms_votes'\]"):
        sources.get("undl").load([path])


def test_totals_that_disagree_with_rows_are_reported(tmp_path, wh_path):
    path = write_undl(tmp_path / "v.csv")
    text = path.read_text().replace(",4,1,0,0,5,", ",5,1,0,0,5,")  # resolution 4: 4 yes, the file says 5
    path.write_text(text)
    with Warehouse(wh_path) as wh:
        res = wh.ingest(sources.get("undl"), [path])
    assert any("totals differ" in n and "4071004" in n for n in res.notes)


def test_bad_file_leaves_the_warehouse_unchanged(tmp_path, wh_path):
    with Warehouse(wh_path) as wh:
        wh.ingest(sources.get("undl"), [write_undl(tmp_path / "good.csv")])
    before = snapshot(wh_path)
    bad = write_undl(tmp_path / "bad.csv")
    bad.write_text(bad.read_text().replace(",Y,", ",?,", 1))
    with Warehouse(wh_path) as wh, pytest.raises(SourceFormatError):
        wh.ingest(sources.get("undl"), [bad])
    assert snapshot(wh_path) == before


@pytest.mark.parametrize(
    "a, b",
    [("A/RES/74/56", "R/74/56"), ("A/RES/1514(XV)", "R/15/1514"), ("A/RES/54/54 K", "R/54/54K"),
     ("A/RES/ES-11/7", "A/RES/ES-11/7"), ("A/RES/1967(XVIII)", "R/18/1967")],
)  # fmt: skip
def test_symbol_keys_match_across_writings(a, b):
    assert symbol_key(a) == symbol_key(b) is not None


@given(st.integers(1, 99), st.integers(1, 400), st.sampled_from(["", "A", "B", "K"]))
def test_symbol_key_property(session, number, letter):
    assert symbol_key(f"A/RES/{session}/{number}{letter}") == symbol_key(f"R/{session}/{number}{letter}")
    assert symbol_key(f"A/RES/{session}/{number} {letter}".strip()) == f"{session}/{number}{letter}"


@pytest.fixture(scope="module")
def combined_wh(tmp_path_factory, shared):
    """unvotes (to 2019, real shared files) plus a UNDL file overlapping its last year and running to 2025."""
    path = tmp_path_factory.mktemp("undl") / "w.duckdb"
    with Warehouse(path) as wh:
        wh.ingest(
            sources.get("unvotes"),
            [shared / "unga" / f for f in ("un_votes.rda", "un_roll_calls.rda", "un_roll_call_issues.rda")],
        )
        last = wh.con.execute(
            "SELECT rcid, date, resolution FROM roll_calls WHERE year = 2019 ORDER BY rcid LIMIT 2"
        ).fetchall()
        overlap = [
            (9_000_000 + i, str(d), 74, r, "matched", {"CHN": "Y", "RUS": "Y", "USA": "N"})
            for i, (_, d, r) in enumerate(last)
        ]
        undl = write_undl(path.parent / "ga.csv", [*overlap, *RESOLUTIONS])
        wh.ingest(sources.get("undl"), [undl])
    wh = Warehouse(path, read_only=True)
    yield wh
    wh.close()


def test_votes_run_to_2025_with_the_combined_source(combined_wh):
    assert iv.pick_source(combined_wh) == "unvotes+undl"
    df = iv.measures(combined_wh, "CHN", "RUS", measure="agreement")
    assert df.year.max() == 2025 and df.year.min() == 1946
    by = df.set_index("year")
    assert by.loc[2023, "n"] == 1 and by.loc[2023, "agreement"] == 1.0  # both N
    assert by.loc[2025, "n"] == 2 and by.loc[2025, "agreement"] == 0.5  # A/N, then Y/Y
    plain = iv.measures(combined_wh, "CHN", "RUS", measure="agreement", source="unvotes").set_index("year")
    assert by.loc[1990:2019].equals(plain.loc[1990:2019])  # the older source's years are untouched


def test_undl_alone_and_bad_combination(combined_wh):
    alone = iv.measures(combined_wh, "CHN", "RUS", measure="agreement", source="undl")
    assert alone.year.tolist() == [2019, 2023, 2024, 2025]
    with pytest.raises(Exception, match=r"combined sources are"):
        iv.pick_source(combined_wh, "voeten+undl")


def test_coverage_reports_matches_and_the_source_used(combined_wh):
    cov = vsrc.coverage(combined_wh).set_index("year")
    assert cov.loc[2019, "undl"] == 2 and cov.loc[2019, "undl_matched"] == 2 and cov.loc[2019, "used"] == "unvotes"
    assert cov.loc[2025, "used"] == "undl" and cov.loc[2025, "unvotes"] == 0
    assert cov.loc[1990, "undl_matched"] is pd.NA  # no undl roll calls that year: not zero matches


def test_issue_subsets_leave_out_undl_years(combined_wh):
    df = iv.measures(combined_wh, "CHN", "RUS", measure="agreement", issue="hr")
    assert df.year.max() == 2019


# --- Security Council: the SC voting file and the veto list -------------------------------------------------

VETO_HEADER = ("year,date,month,draft,meeting_record,agenda_item,crisis_topic,region,member_veto1,member_veto2,"
               "member_veto3,single_veto,multiple_vetoes,China,France,Russia,USSR,USA,UK,russia_china,usa_uk,"
               "usa_france,usa_france_uk,france_uk")  # fmt: skip
VETO_ROWS = [
    '1946,2/16/1946,2,S/PV.23,S/PV.23,Letter from the Heads of the Lebanese and Syrian delegations,Lebanon,'
    "Middle East,USSR,,,1,0,0,0,0,1,0,0,0,0,0,0,0",
    "1972,8/25/1972,8,S/10771,S/PV.1660,Admission of new Members Bangladesh,Admission,South Asia,China,,,1,0,1,0,0,"
    "0,0,0,0,0,0,0,0",
    "1972,9/10/1972,9,S/10784,S/PV.1662,The situation in the Middle East,Lebanon,Middle East,USA,,,1,0,0,0,0,0,1,0,"
    "0,0,0,0,0",
    '2011,10/4/2011,10,S/2011/612,S/PV.6627,"The situation in the Middle East, Syria",Syria,Middle East,Russia,China,'
    ",0,1,1,0,1,0,0,0,1,0,0,0,0",
    "2014,3/15/2014,3,S/2014/189,S/PV.7138,Letter dated 28 February 2014 from Ukraine,Ukraine,Eastern Europe,Russia,"
    ",,1,0,0,0,1,0,0,0,0,0,0,0,0",
    "2022,5/26/2022,5,S/2022/431,S/PV.9048,Non-proliferation/Democratic People's Republic of Korea,North Korea,"
    "East Asia,China,Russia,,0,1,1,0,1,0,0,0,1,0,0,0,0",
]  # fmt: skip
SC_HEADER = (
    "undl_id,ms_code,ms_name,permanent_member,ms_vote,date,resolution,draft,meeting,description,agenda,"
    "subjects,vote_note,modality,total_yes,total_no,total_abstentions,total_non_voting,total_ms,undl_link"
)


def write_vetoes(path: Path, rows=VETO_ROWS) -> Path:
    path.write_text(VETO_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_sc(path: Path) -> Path:
    res = [  # (undl_id, date, symbol, {member: vote})
        (4000101, "2023-03-01", "S/RES/2675(2023)", {"CHN": "Y", "RUS": "Y", "USA": "Y", "GBR": "Y", "FRA": "Y"}),
        (4000102, "2024-03-25", "S/RES/2728(2024)", {"CHN": "Y", "RUS": "Y", "USA": "A", "GBR": "Y", "FRA": "Y"}),
        (4000103, "2025-02-24", "S/RES/2774(2025)", {"CHN": "Y", "RUS": "Y", "USA": "Y", "GBR": "A", "FRA": "A"}),
        (4000104, "2025-06-30", "S/RES/2785(2025)", {"CHN": "A", "RUS": "Y", "USA": "Y", "GBR": "Y", "FRA": "Y"}),
    ]
    names = {"CHN": "CHINA", "RUS": "RUSSIAN FEDERATION", "USA": "UNITED STATES", "GBR": "UNITED KINGDOM",
             "FRA": "FRANCE"}  # fmt: skip
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(SC_HEADER.split(","))
        for uid, date, sym, votes in res:
            for ms, v in votes.items():
                w.writerow([uid, ms, names[ms], "TRUE", v, date, sym, "", "S/PV.1", sym, "Agenda", "", "", "Voting",
                            3, 0, 2, 0, 15, f"https://digitallibrary.un.org/record/{uid}"])  # fmt: skip
    return path


def test_unsc_reads_both_files_and_vetoes_of_a_dyad(tmp_path, wh_path):
    from dyadwatch.indicators import vetoes

    with Warehouse(wh_path) as wh:
        res = wh.ingest(sources.get("unsc"), [write_vetoes(tmp_path / "v.csv"), write_sc(tmp_path / "sc.csv")])
        assert res.rows == {"sc_votes": 20, "vetoes": 8}
        d = vetoes.drafts(wh, "CHN", "RUS")
        assert d.kind.tolist() == ["RUS only", "CHN only", "joint", "RUS only", "joint"]  # USSR 1946 is Russia's
        s = vetoes.summary(wh, "CHN", "RUS").set_index("year")
        assert s.loc[2011, "joint"] == 1 and s.loc[2014, "RUS_only"] == 1 and s.loc[1990, "joint"] == 0
        assert s.loc[2025, "joint"] is pd.NA  # beyond the veto list (to 2022): no data, not zero
        assert s.loc[2025, "sc_shared"] == 2 and s.loc[2025, "sc_agreement"] == 0.5
        assert vetoes.summary(wh, "USA", "GBR", year_from=1972, year_to=1972).USA_only.tolist() == [1]


def test_veto_list_bad_member_and_date(tmp_path):
    bad = write_vetoes(tmp_path / "v.csv", [*VETO_ROWS[:2], VETO_ROWS[2].replace(",USA,", ",Germany,")])
    with pytest.raises(SourceFormatError, match=r"\['Germany'\] at lines \[4\] are not permanent members"):
        sources.get("unsc").load([bad])
    bad = write_vetoes(tmp_path / "w.csv", [VETO_ROWS[0].replace("2/16/1946", "1946-02-16")])
    with pytest.raises(SourceFormatError, match=r"not m/d/yyyy dates at lines \[2\]"):
        sources.get("unsc").load([bad])


def test_vetoes_cli(tmp_path, wh_path, capsys):
    from helpers import run_cli

    code, _, err = run_cli(capsys, "ingest", "unsc", write_vetoes(tmp_path / "v.csv"), "--db", wh_path)
    assert code == 0, err
    code, out, _ = run_cli(capsys, "vetoes", "China", "Russia", "--drafts", "--format", "csv", "--db", wh_path)
    assert code == 0 and "S/2011/612" in out and "joint" in out


def test_vote_sources_cli(combined_wh, capsys):
    from helpers import run_cli

    code, out, err = run_cli(capsys, "vote-sources", "--format", "csv", "--db", combined_wh.path)
    assert code == 0, err
    assert out.splitlines()[0] == "year,undl,unvotes,undl_matched,used"
    assert "2019,2,90,2,unvotes" in out and "2025,2,0,0,undl" in out


@given(
    st.lists(
        st.fixed_dictionaries({s: st.sampled_from(["Y", "N", "A", "X"]) for s in ("CHN", "RUS", "USA", "IND", "KAZ")}),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
)
@settings(max_examples=25, deadline=None)
def test_undl_roundtrip_property(tmp_path_factory, ballots, plural):
    """Any vote matrix written in either column naming reads back exactly (Y/A/N/X → 1/2/3/8)."""
    res = [(4090000 + i, f"2024-0{1 + i % 9}-15", 78, f"A/RES/78/{i + 1}", f"Resolution {i}", b)
           for i, b in enumerate(ballots)]  # fmt: skip
    path = write_undl(tmp_path_factory.mktemp("p") / "v.csv", res, header=PLURAL_2024 if plural else CURRENT)
    v = sources.get("undl").load([path])["votes"].to_pandas()
    got = {(r.rcid, r.iso3): r.vote for r in v.itertuples()}
    want = {(4090000 + i, s): {"Y": 1, "A": 2, "N": 3, "X": 8}[c] for i, b in enumerate(ballots) for s, c in b.items()}
    assert got == want
