"""UNGDC and user statements: loaders, concept counts against an independent count, KWIC, collocates, similarity."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch.errors import DyadwatchError, SourceFormatError
from dyadwatch.indicators import rhetoric as rh
from dyadwatch.indicators import textsim
from dyadwatch.sources import text as text_source
from dyadwatch.sources import ungdc
from dyadwatch.sources._files import DataWarning
from dyadwatch.warehouse import Warehouse
from helpers import run_cli, snapshot

YEARS = ("2021", "2022")


@pytest.fixture(scope="module")
def speech_wh(tmp_path_factory, shared):
    """UNGDC 2021–2022 (every country) plus the 1950 folder (older layout, session 05)."""
    path = tmp_path_factory.mktemp("speech") / "speech.duckdb"
    root = shared / "speeches/ungdc"
    files = ungdc.speech_files([root / y for y in (*YEARS, "1950")])
    with Warehouse(path) as wh:
        res = wh.ingest(ungdc, files)
    assert res.rows["speeches"] == len(files) > 380
    wh = Warehouse(path, read_only=True)
    yield wh
    wh.close()


def _independent_count(text: str, forms: list[str], exclude: list[str]) -> int:
    """Count the forms with plain regular expressions on the lower-cased raw text (no shared tokeniser)."""
    t = re.sub(r"['’]s\b", "", text.lower())  # possessives count as the word (issue 14, item 1)
    t = t.replace("’", "").replace("'", "")
    t = re.sub(r"[-/]", " ", t)
    for ex in exclude:
        t = re.sub(r"\b" + ex.replace("*", r"\w*").replace(" ", r"\W+") + r"\b", " ", t)
    pats = [r"\b" + f.rstrip("*").replace(" ", r"\W+") + (r"\w*" if f.endswith("*") else r"\b") for f in forms]
    return len(re.findall("|".join(sorted(pats, key=len, reverse=True)), t))


@pytest.mark.parametrize("iso3", ["CHN", "RUS"])
def test_2022_term_counts_match_an_independent_count(speech_wh, shared, iso3):
    raw = (shared / f"speeches/ungdc/2022/{iso3}_77_2022.txt").read_text("utf-8")
    df = rh.rates(speech_wh, [iso3], year_from=2022, year_to=2022)
    got = df.set_index("term")
    lex = rh.lexicon()
    for key, c in lex.concepts.items():
        assert got.loc[key, "count"] == _independent_count(raw, list(c.forms), list(c.exclude)), key
    words = len(re.findall(r"\w+(?:['’]\w+)*", raw))
    assert got["words"].iloc[0] == words
    assert got.loc["democracy", "per_10k"] == pytest.approx(got.loc["democracy", "count"] * 1e4 / words)


def test_known_2022_counts(speech_wh):
    """Pinned from reading the two speeches: Russia names NATO 12 times (4 of them "NATO’s"), China never."""
    df = rh.rates(speech_wh, ["CHN", "RUS"], terms=["nato", "multipolarity"], year_from=2022, year_to=2022)
    got = df.set_index(["iso3", "term"])["count"]
    assert got[("RUS", "nato")] == 12 and got[("CHN", "nato")] == 0
    assert got[("CHN", "multipolarity")] >= 1


def test_exclusions_do_not_count_state_names():
    c = rh.lexicon().concepts["democracy"]
    d = rh.Doc("The Democratic Republic of the Congo and the Democratic People's Republic of Korea value democracy.")
    assert d.count(c) == 1
    assert rh.Doc("non-interference, Cold-War mentality").count(rh.lexicon().concepts["cold_war_mentality"]) == 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["peace", "the", "of", "states", "development", "hegemonic", "1945"]), max_size=40),
    st.integers(0, 6),
)
def test_property_inserting_a_form_k_times_adds_k(words, k):
    concept = rh.lexicon().concepts["hegemony"]
    base = " ".join(words)
    before = rh.Doc(base).count(concept)
    after = rh.Doc(base + " " + " , ".join(["hegemonism"] * k)).count(concept)
    assert after - before == k
    assert rh.Doc(base).words == len(words)


def test_kwic_and_collocates(speech_wh):
    k = rh.kwic(speech_wh, ["CHN"], "democracy", year_from=2021, year_to=2021)
    assert len(k) == 4 and k["match"].str.lower().str.startswith("democra").all()
    assert all(len(x.split()) <= 8 for x in k.left)
    col = rh.collocates(speech_wh, ["CHN", "RUS"], "USA", "democracy", n=10)
    assert set(col.side) == {"target", "reference"}
    assert (col.loc[col.side == "target", "z"] > 0).all() and (col.loc[col.side == "reference", "z"] < 0).all()
    assert not col.word.str.startswith("democra").any()  # the term itself is not its own collocate


def test_log_odds_direction():
    from collections import Counter

    lo = rh.log_odds(Counter(relations=30, elections=1), Counter(relations=1, elections=30)).set_index("word")
    assert lo.loc["relations", "z"] > 0 > lo.loc["elections", "z"]


def test_unknown_concept_names_the_lexicon(speech_wh):
    with pytest.raises(DyadwatchError, match="lexicon"):
        rh.rates(speech_wh, ["CHN"], terms=["freedom of navigation"])


def test_similarity_matrix_properties():
    m = textsim.similarity_matrix(
        {"A": "peace and development for all nations", "B": "peace and development for all nations",
         "C": "nuclear weapons threaten the climate", "D": "climate change threatens small island states"}
    )  # fmt: skip
    assert np.allclose(m.to_numpy(), m.to_numpy().T) and np.allclose(np.diag(m), 1)
    assert m.loc["A", "B"] == pytest.approx(1.0)
    assert m.loc["A", "C"] < m.loc["A", "B"]


def test_dyad_similarity_against_direct_tfidf(speech_wh):
    from sklearn.metrics.pairwise import cosine_similarity

    sim = textsim.dyad_similarity(speech_wh, "CHN", "RUS").set_index("year")
    assert list(sim.index) == [1950, 2021, 2022]
    t = speech_wh.table("speeches")
    y = t.filter(t.year == 2022).select("iso3", "text").to_pandas().sort_values("iso3")
    x = textsim.vectorizer().fit_transform(y.text)
    full = pd.DataFrame(cosine_similarity(x), index=y.iso3, columns=y.iso3)
    assert sim.loc[2022, "similarity"] == pytest.approx(full.loc["CHN", "RUS"])
    row = full.loc["CHN"].drop("CHN")
    assert sim.loc[2022, "rank_b_for_a"] == int((row > row["RUS"]).sum()) + 1
    assert sim.loc[2022, "n_peers"] == len(y) - 1
    near = textsim.nearest(speech_wh, "CHN", 2022, n=3)
    assert list(near.iso3) == list(row.sort_values(ascending=False).index[:3])


def test_cli_rhetoric_csv(speech_wh, capsys):
    code, out, err = run_cli(capsys, "rhetoric", "CHN", "RUS", "--terms", "democracy,hegemony", "--from", "2022",
                             "--format", "csv", "--db", speech_wh.path)  # fmt: skip
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == ["a", "b", "a_cow", "b_cow", "iso3", "year", "kind", "term", "count", "words", "per_10k"]
    assert len(df) == 4 and set(df.term) == {"democracy", "hegemony"}
    code, out, _ = run_cli(capsys, "rhetoric", "CHN", "RUS", "--view", "similarity", "-f", "csv", "--db",
                           speech_wh.path)  # fmt: skip
    assert code == 0 and "rank_b_for_a" in out


# --- loaders and bad input ------------------------------------------------------------------------


def test_ungdc_names_and_special_codes(tmp_path):
    (tmp_path / "2011").mkdir()
    (tmp_path / "2011" / "EU_66_2011.txt").write_text("The European Union supports multilateralism.", "utf-8")
    (tmp_path / "2011" / "CHN_66_2011.txt").write_text("China opposes hegemonism.", "utf-8")
    (tmp_path / "README_UNGDC.txt").write_text("not a speech", "utf-8")
    with pytest.warns(DataWarning, match="EUU"):
        tbl = ungdc.load(ungdc.speech_files([tmp_path]))["speeches"].to_pandas()
    assert sorted(tbl.iso3) == ["CHN", "EUU"] and set(tbl.session) == {66} and set(tbl.kind) == {"ungd"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("China_2022.txt", b"text", "does not follow the UNGDC layout"),
        ("CHN_77_2022.txt", "Peace for all — in café".encode("cp1252"), "not UTF-8 text: byte 0x97"),
        ("XXQ_77_2022.txt", b"Some text", "country code 'XXQ'"),
        ("CHN_77_2022.txt", b"%PDF-1.4\x00\x00binary", "binary data"),
    ],
)
def test_bad_speech_files_fail_and_leave_the_warehouse_unchanged(tmp_path, shared, name, content, message):
    db = tmp_path / "w.duckdb"
    good = shared / "speeches/ungdc/2022/CHN_77_2022.txt"
    with Warehouse(db) as wh:
        wh.ingest(ungdc, [good])
    before = snapshot(db)
    (tmp_path / "2022").mkdir()
    bad = tmp_path / "2022" / name
    bad.write_bytes(content)
    with Warehouse(db) as wh, pytest.raises(SourceFormatError, match=message) as e:
        wh.ingest(ungdc, [good, bad])
    assert name in str(e.value)
    assert snapshot(db) == before


def test_text_source_with_options(tmp_path):
    p = tmp_path / "joint_statement.txt"
    p.write_text("The sides oppose hegemonism and the Cold War mentality, and colour revolutions.", "utf-8")
    with Warehouse(tmp_path / "t.duckdb") as wh:
        res = wh.ingest(text_source, [p], options={"country": "China,Russia", "date": "2022-02-04"})
        assert res.rows == {"speeches": 2}
        df = rh.rates(wh, ["CHN", "RUS"], terms=["hegemony", "colour_revolution"], kinds=["statement"])
        assert set(df.iso3) == {"CHN", "RUS"} and (df["count"] == 1).all() and set(df.year) == {2022}
        # Re-ingesting the same file with other options corrects it: its rows are replaced, not added.
        wh.ingest(text_source.with_options(country="KAZ", date="2022", kind="communique"), [p])
        rows = wh.con.execute("SELECT iso3, kind, date FROM speeches").fetchall()
    assert [(r[0], r[1], str(r[2])) for r in rows] == [("KAZ", "communique", "2022-01-01")]
    with pytest.raises(SourceFormatError, match="--country"):
        text_source.load([p], date="2022-01-01")
    with pytest.raises(SourceFormatError, match="YYYY-MM-DD"):
        text_source.load([p], country="CHN", date="4 Feb 2022")


def test_words_section(speech_wh):
    from dyadwatch import countries
    from dyadwatch.report.base import ReportContext
    from dyadwatch.report.sections import words as section

    ctx = ReportContext(countries.resolve("CHN"), countries.resolve("RUS"), 2021, 2022, speech_wh)
    sec = section.render(ctx)
    assert sec.sources == ["ungdc"] and sec.html.count("<svg") == 3  # concepts, concepts over time, similarity
    assert "in context" in sec.html and "USA" in sec.html
    assert section.reference_for("USA", "CHN") == "GBR"
    empty = ReportContext(ctx.a, countries.resolve("FJI"), None, None, None)  # not in the pack
    assert section.render(empty) is None and "ingest ungdc" in empty.missing[0].fix


def test_cli_ingest_text_statement(tmp_path, capsys):
    p = tmp_path / "joint.txt"
    p.write_text("Both sides oppose unilateral sanctions and hegemonism.", "utf-8")
    db = tmp_path / "cli.duckdb"
    code, _, err = run_cli(capsys, "ingest", "text", p, "--country", "RUS", "--date", "2023-03-21",
                           "--kind", "joint-statement", "--db", db)  # fmt: skip
    assert code == 0, err
    code, out, err = run_cli(capsys, "rhetoric", "RUS", "CHN", "-t", "sanctions", "-f", "csv", "--db", db)
    assert code == 0, err
    assert "RUS,2023,joint-statement,sanctions,1,7," in out
