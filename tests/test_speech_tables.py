"""The Words section's embedded-pack tables equal the warehouse computation, and the section renders from them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch import countries, pack
from dyadwatch.api import as_store
from dyadwatch.derived import DERIVED
from dyadwatch.errors import NoDataError
from dyadwatch.indicators import rhetoric as rh
from dyadwatch.indicators import speech_tables as rp
from dyadwatch.indicators import textsim
from dyadwatch.report.base import ReportContext
from dyadwatch.report.sections import words as section
from dyadwatch.store import pack_store
from helpers import run_cli


@pytest.fixture(scope="module")
def corpus_wh(full_wh):
    """The whole shared UNGDC corpus (3,600 speeches), in the session's full warehouse."""
    return full_wh


P = as_store(None)  # the embedded pack alone


def test_manifest_pins_the_corpus_folder(shared):
    from dyadwatch.warehouse import sha256

    digest = pack_store().manifest["inputs"]["ungdc"]["files"]["speeches/ungdc"]
    on_disk = [p for p in (shared / "speeches/ungdc").rglob("*") if p.is_file()]
    assert digest == pack._digest(shared, "speeches/ungdc", sha256)
    assert digest.startswith(f"{len(on_disk)} files")


def test_pack_rates_equal_the_warehouse_for_every_year(corpus_wh):
    want = rh.rates(corpus_wh, ["CHN", "RUS", "USA"], kinds=["ungd"])
    got = rp.rates(P, ["CHN", "RUS", "USA"])
    assert len(got) == len(want) > 3 * 70 * len(rh.lexicon().concepts)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    two = rp.rates(P, ["RUS", "CHN"], terms=["nato"], year_from=2022, year_to=2022).set_index("iso3")["count"]
    assert two["RUS"] == 12 and two["CHN"] == 0  # read off the two speeches (see test_rhetoric_speeches)


def test_pack_counts_match_a_plain_count_of_the_2022_file(shared):
    raw = (shared / "speeches/ungdc/2022/USA_77_2022.txt").read_text("utf-8")
    got = rp.rates(P, ["USA"], terms=["human rights"], year_from=2022, year_to=2022).iloc[0]
    assert got["words"] == len(re.findall(r"\w+(?:['’]\w+)*", raw))
    assert got["count"] == len(re.findall(r"\bhuman\W+rights?\b", raw.lower()))
    assert got["per_10k"] == pytest.approx(got["count"] * 1e4 / got["words"])


@pytest.mark.parametrize(("a", "b", "year"), [("CHN", "RUS", 2022), ("USA", "CHN", 2022), ("RUS", "USA", 1990),
                                              ("KAZ", "UZB", 2016), ("IRN", "PRK", 2019)])  # fmt: skip
def test_pack_similarity_equals_the_warehouse(corpus_wh, a, b, year):
    want = textsim.dyad_similarity(corpus_wh, a, b, year_from=year, year_to=year)
    got = rp.dyad_similarity(P, a, b, year_from=year, year_to=year)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=False, atol=5e-5, rtol=0)


def test_similarity_is_among_all_speakers_of_the_year(shared):
    """Independent of textsim: TF-IDF over every 2022 file read from disk, cosine, and China's rank for Russia."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    files = sorted((shared / "speeches/ungdc/2022").glob("*.txt"))
    codes = ["EUU" if f.name.startswith("EU_") else f.name.split("_")[0] for f in files]
    order = np.argsort(codes)
    docs = [files[i].read_text("utf-8") for i in order]
    codes = [codes[i] for i in order]
    v = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, token_pattern=r"(?u)\b[^\W\d_]{2,}\b")
    x = v.fit_transform(docs)
    sim = (x @ x.T).toarray()
    i, j = codes.index("CHN"), codes.index("RUS")
    others = np.delete(sim[i], i)
    row = rp.dyad_similarity(P, "CHN", "RUS", year_from=2022, year_to=2022).iloc[0]
    assert row["similarity"] == pytest.approx(sim[i, j], abs=5e-5)
    assert row["rank_b_for_a"] == int((others > sim[i, j]).sum()) + 1
    assert row["n_peers"] == len(files) - 1 > 150


def test_dyad_order_swaps_the_ranks():
    ab = rp.dyad_similarity(P, "CHN", "RUS")
    ba = rp.dyad_similarity(P, "RUS", "CHN")
    assert (ab.rank_b_for_a == ba.rank_a_for_b).all() and (ab.mean_sim_a == ba.mean_sim_b).all()
    assert ab.year.min() == 1946 and ab.year.max() == 2024


@pytest.mark.parametrize(("target", "term"), [("CHN", "democracy"), ("RUS", "human_rights"), ("IND", "sovereignty")])
def test_pack_collocates_equal_the_warehouse(corpus_wh, target, term):
    got = rp.collocates(P, target, term)
    since = int(got.year_from.iloc[0])
    assert since == rp.COLLOCATES_FROM
    want = rh.collocates(corpus_wh, [target], "USA", term, n=rp.COLLOCATE_N, year_from=since, kinds=["ungd"])
    assert list(got.word) == list(want.word) and list(got.side) == list(want.side)
    assert (got.count_target.to_numpy() == want.count_target.to_numpy()).all()
    assert (got.count_reference.to_numpy() == want.count_reference.to_numpy()).all()
    assert np.allclose(got.z, want.z, atol=1e-4)


def test_pack_and_warehouse_agree_when_one_side_never_says_it(corpus_wh):
    with pytest.raises(NoDataError, match="never use"):
        rh.collocates(corpus_wh, ["RUS"], "USA", "hegemony", year_from=rp.COLLOCATES_FROM, kinds=["ungd"])
    with pytest.raises(NoDataError, match="never use"):
        rp.collocates(P, "RUS", "hegemony")


def test_pack_refuses_other_countries_and_terms():
    with pytest.raises(NoDataError, match="focus countries"):
        rp.rates(P, ["CHN", "FJI"])
    with pytest.raises(NoDataError, match="focus countries"):
        rp.dyad_similarity(P, "CHN", "FJI")
    with pytest.raises(NoDataError, match="collocates for"):
        rp.collocates(P, "CHN", "nato")


def test_pack_holds_figures_not_text():
    """No column of the speech tables holds strings beyond codes, concept keys, collocate words and the version."""
    for t in [n for n in DERIVED if n.startswith("speech_")]:
        df = pack_store().frame(t)
        for c in df.select_dtypes(exclude="number").columns:
            longest = df[c].astype(str).str.len().max()
            assert longest <= 30 and not df[c].astype(str).str.contains(" ").any(), (t.name, c)


def test_words_section_renders_from_the_pack_alone():
    ctx = ReportContext(countries.resolve("CHN"), countries.resolve("RUS"), None, None, None)
    sec = section.render(ctx)
    assert sec.sources == ["ungdc"]
    assert sec.html.count("<svg") == 3  # concepts A vs B vs USA, concepts over time, similarity over time
    assert "embedded pack" in sec.html and any("embedded pack" in n for n in ctx.basis_notes)
    assert "Keyword-in-context lines quote the speeches" in sec.html
    assert "CHN (z &gt; 0) versus USA" in sec.html and "RUS (z &gt; 0) versus USA" in sec.html
    assert ">USA<" in sec.html and ">CHN–RUS<" in sec.html  # legends of the bar and similarity charts
    assert "1946–2024" in sec.html and "Republic of China" in sec.html
    # Two other focus countries, one of them the USA (reference: the UK), over a span.
    ctx = ReportContext(countries.resolve("USA"), countries.resolve("KAZ"), 2010, 2024, None)
    sec = section.render(ctx)
    assert sec.html.count("<svg") == 3 and ">GBR<" in sec.html and "KAZ (z &gt; 0) versus USA" in sec.html
    other = ReportContext(countries.resolve("CHN"), countries.resolve("FJI"), None, None, None)
    assert section.render(other) is None and "ingest ungdc" in other.missing[0].fix


def test_cli_rhetoric_falls_back_to_the_pack(fresh_machine, capsys):
    code, out, err = run_cli(capsys, "rhetoric", "CHN", "RUS", "-t", "nato", "--from", "2022", "--to", "2022",
                             "-f", "csv")  # fmt: skip
    assert code == 0, err
    assert "RUS,2022,ungd,nato,12," in out and "embedded pack" in out + err
    code, out, err = run_cli(capsys, "rhetoric", "CHN", "RUS", "--view", "similarity", "-f", "csv")
    assert code == 0, err
    assert "\nCHN,RUS,710,365,2022," in out and "rank_b_for_a" in out
    code, out, err = run_cli(capsys, "rhetoric", "CHN", "RUS", "--view", "kwic")
    assert code != 0 and "ingest ungdc" in out + err


ANCHOR_WORDS = [
    "democracy",
    "democratic",
    "republic",
    "peoples",
    "human",
    "rights",
    "right",
    "non",
    "interference",
    "cold",
    "war",
    "mentality",
    "hegemonic",
    "the",
    "in",
    "internal",
    "affairs",
    "of",
    "sovereign",
    "x",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ANCHOR_WORDS), max_size=40))
def test_property_anchored_search_equals_finditer(words):
    """The fast matcher (regex tried only where a form's first word occurs) finds exactly finditer's matches."""
    norm = " ".join(words)
    for c in rh.lexicon().concepts.values():
        for forms in (c.forms, c.exclude):
            if forms:
                pat = rh._compile(tuple(forms))
                fast = [m.span() for m in rh._finditer(pat, rh._anchors(tuple(forms)), norm)]
                assert fast == [m.span() for m in pat.finditer(norm)], (c.key, norm)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZé İΣς'’-_ 1\n.ß"), max_size=60))
def test_property_doc_tokens_are_per_token_lowercase(text):
    d = rh.Doc(text)
    spans = [m.span() for m in rh._TOKEN.finditer(text)]
    toks = [text[s:e].lower().replace("'", "").replace("’", "") for s, e in spans]
    assert d.tokens == toks and d.norm == " ".join(toks) and d.spans == spans
    assert [d.norm[s : s + len(t)] for s, t in zip(d.starts, toks, strict=True)] == toks
