"""The derived speech tables: UNGDC figures for the focus countries, how each is built and how it is read.

They hold numbers computed from the UN General Debate Corpus, never speech text
or sentences (keyword-in-context lines quote speeches, so they need the corpus
itself). The embedded pack is exactly these tables; ``api.answer`` chooses them
when no store holds the speeches:

* ``speech_concepts``: per focus country and year, the words spoken and each
  lexicon concept's count — the inputs of ``rhetoric.rates`` (rates are count ×
  10,000 / words, computed on load).
* ``speech_similarity``: per year, the TF-IDF cosine similarity of every focus
  dyad and each side's rank, computed among *all* that year's speakers exactly as
  ``textsim.dyad_similarity`` does, so a rank means the same on both paths.
* ``speech_peers``: per focus country and year, the number of other speakers and
  the mean similarity to them (the context columns of ``dyad_similarity``).
* ``speech_collocates``: the words near democracy, human rights, sovereignty and
  hegemony that most distinguish each focus country's use from the USA's
  (``rhetoric.collocates``, counts and scores only), speeches since 1992.

The build tokenises each focus speech once and reuses it for counts and collocates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.indicators import rhetoric as rh
from dyadwatch.indicators import textsim
from dyadwatch.store import in_years

if TYPE_CHECKING:
    from dyadwatch.store import PathStore, Store

SOURCE = "ungdc"
KIND = textsim.KIND
REFERENCE = "USA"  # collocates compare each focus country's usage with the United States'
COLLOCATE_TERMS = ("democracy", "human_rights", "sovereignty", "hegemony")
COLLOCATE_N = 8  # words per side, as the report shows
COLLOCATES_FROM = 1992  # after the USSR: Russia and Central Asia as states, not the ROC under CHN
# ---------------------------------------------------------------- build (from a warehouse)


def _docs(wh: PathStore, focus: Sequence[str]) -> pd.DataFrame:
    """Every UNGD speech of the focus countries and the reference, tokenised once: iso3, year, doc."""

    def read() -> pd.DataFrame:
        sp = rh._speeches(wh, sorted({*focus, REFERENCE}), None, None, [KIND])
        return pd.DataFrame({"iso3": sp.iso3, "year": sp.year.astype(int), "doc": [rh.Doc(t) for t in sp.text]})

    return wh.cached(("speech_docs", tuple(focus)), read)  # shared by the four builds of one store


def build_concepts(wh: PathStore, focus: Sequence[str]) -> pd.DataFrame:
    """Focus country-years: words and each concept's count (several texts of a year pooled, as ``rates``)."""
    concepts = rh.lexicon().pick(None)
    d = _docs(wh, focus)
    d = d[d.iso3.isin(list(focus))]
    rows = [(r.iso3, r.year, r.doc.words, *(r.doc.count(c) for c in concepts)) for r in d.itertuples(index=False)]
    df = pd.DataFrame(rows, columns=["iso3", "year", "words", *(c.key for c in concepts)])
    df = df.groupby(["iso3", "year"], as_index=False).sum()
    df["lexicon"] = rh.lexicon().version
    return df.sort_values(["iso3", "year"]).reset_index(drop=True)


def _similarities(wh: PathStore, focus: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(focus dyad-years, focus country-years) from one similarity matrix per year among all speakers."""

    def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
        texts = textsim._year_texts(wh, None, None, KIND)
        fs = set(focus)
        dyads, peers = [], []
        for year, sub in texts.groupby("year"):
            m = textsim.similarity_matrix(dict(zip(sub.iso3, sub.text, strict=True)))
            keys = list(m.index)
            x = m.to_numpy()
            off = ~np.eye(len(keys), dtype=bool)
            here = [i for i, k in enumerate(keys) if k in fs]
            for i in here:
                peers.append((int(year), keys[i], len(keys) - 1, float(x[i][off[i]].mean())))
            for p, i in enumerate(here):
                row_i = x[i][off[i]]
                for j in here[p + 1 :]:
                    s = x[i, j]
                    # rank as textsim._rank: 1 + the other speakers nearer to one side than the other side is
                    rank_j_for_i = int((row_i > s).sum()) + 1
                    rank_i_for_j = int((x[j][off[j]] > x[j, i]).sum()) + 1
                    dyads.append((int(year), keys[i], keys[j], float(s), rank_j_for_i, rank_i_for_j))
        d = pd.DataFrame(dyads, columns=["year", "iso3_a", "iso3_b", "similarity", "rank_b_for_a", "rank_a_for_b"])
        p = pd.DataFrame(peers, columns=["year", "iso3", "n_peers", "mean_sim"])
        # Four decimals is far below what separates one year's speeches; ranks come from the full values.
        return d.round({"similarity": 4}), p.round({"mean_sim": 4})

    return wh.cached(("speech_similarity", tuple(focus)), compute)


def build_similarity(wh: PathStore, focus: Sequence[str]) -> pd.DataFrame:
    return _similarities(wh, focus)[0]


def build_peers(wh: PathStore, focus: Sequence[str]) -> pd.DataFrame:
    return _similarities(wh, focus)[1]


def build_collocates(wh: PathStore, focus: Sequence[str]) -> pd.DataFrame:
    """Each focus country (not the USA) against the USA, per key term, speeches since COLLOCATES_FROM."""
    d = _docs(wh, focus)
    d = d[d.year >= COLLOCATES_FROM]
    out = []
    for target in sorted(set(focus) - {REFERENCE}):
        years = d.year[d.iso3 == target]
        if years.empty:
            continue
        first = int(years.min())
        tdocs = d.doc[d.iso3 == target]
        rdocs = d.doc[(d.iso3 == REFERENCE) & (d.year >= first)]
        for concept in rh.lexicon().pick(COLLOCATE_TERMS):
            t, r = rh.doc_window_counts(tdocs, concept), rh.doc_window_counts(rdocs, concept)
            if not t or not r:
                continue  # one side never uses the term: nothing to compare (the section says so)
            df = rh.distinguishing(t, r, COLLOCATE_N)
            out.append(df.assign(iso3=target, year_from=first, term=concept.key))
    cols = ["iso3", "term", "year_from", "side", "word", "count_target", "count_reference", "log_odds", "z"]
    return pd.concat(out, ignore_index=True)[cols].round({"log_odds": 4, "z": 4})


# ---------------------------------------------------------------- readers


def _concepts(store: Store, iso3s: Sequence[str]) -> pd.DataFrame:
    df = store.derived("speech_concepts", iso3s)
    have = set(df["lexicon"].astype(str))
    if have and have != {rh.lexicon().version}:
        raise NoDataError(
            f"The embedded pack's concept counts use lexicon version {', '.join(sorted(have))}, this installation's "
            f"lexicon is {rh.lexicon().version}. Fix: `dyadwatch pack build --data DIR` or ingest the speeches."
        )
    return df


def rates(
    store: Store,
    iso3s: Sequence[str],
    *,
    terms: Iterable[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """``rhetoric.rates(..., kinds=["ungd"])`` from the pack: iso3, year, kind, term, count, words, per_10k."""
    concepts = rh.lexicon().pick(terms)
    df = _concepts(store, iso3s)
    df = df[df.iso3.isin(list(iso3s))]
    df = in_years(df, year_from, year_to)
    keys = [c.key for c in concepts]
    long = df.melt(id_vars=["iso3", "year", "words"], value_vars=keys, var_name="term", value_name="count")
    long["kind"] = KIND
    long["per_10k"] = (long["count"] * rh.PER / long["words"]).where(long["words"] > 0)
    order = {k: i for i, k in enumerate(keys)}
    long["_o"] = long["term"].map(order)
    long = long.sort_values(["year", "iso3", "_o"]).drop(columns="_o").reset_index(drop=True)
    out = long[["iso3", "year", "kind", "term", "count", "words", "per_10k"]].astype({"count": "int64"})
    out.attrs["lexicon_version"] = rh.lexicon().version
    return out


def dyad_similarity(
    store: Store, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """``textsim.dyad_similarity`` from the pack (similarities to 4 decimals)."""
    lo, hi = sorted((a, b))
    s = store.derived("speech_similarity", (a, b))
    s = s[(s.iso3_a == lo) & (s.iso3_b == hi)].copy()
    if (a, b) != (lo, hi):
        s = s.rename(columns={"rank_b_for_a": "rank_a_for_b", "rank_a_for_b": "rank_b_for_a"})
    s = in_years(s, year_from, year_to)
    if s.empty:
        raise NoDataError(f"No year in which both {a} and {b} have a {KIND!r} speech in the embedded pack.")
    p = store.derived("speech_peers", (a, b))
    s = s.merge(p[p.iso3 == a][["year", "n_peers", "mean_sim"]].rename(columns={"mean_sim": "mean_sim_a"}), on="year")
    s = s.merge(p[p.iso3 == b][["year", "mean_sim"]].rename(columns={"mean_sim": "mean_sim_b"}), on="year")
    cols = ["year", "similarity", "rank_b_for_a", "rank_a_for_b", "n_peers", "mean_sim_a", "mean_sim_b"]
    return s[cols].sort_values("year").reset_index(drop=True)


def collocates(store: Store, target: str, term: str) -> pd.DataFrame:
    """Words near ``term`` distinguishing ``target``'s speeches from the USA's since ``year_from`` (in the rows).

    Columns as ``rhetoric.collocates``: term, word, count_target, count_reference, log_odds, z, side; plus year_from.
    """
    (concept,) = rh.lexicon().pick([term])
    if concept.key not in COLLOCATE_TERMS:
        raise NoDataError(
            f"The embedded pack holds collocates for {', '.join(COLLOCATE_TERMS)} only. Fix: ingest the speeches "
            "(`dyadwatch ingest ungdc UNGDC_FOLDER`)."
        )
    c = store.derived("speech_collocates", (target,))
    c = c[(c.iso3 == target) & (c.term == concept.key)]
    if c.empty:
        raise NoDataError(
            f"{target} or {REFERENCE} never use(s) {concept.label!r} in their General Debate speeches since "
            f"{COLLOCATES_FROM}; no collocates to compare."
        )
    cols = ["term", "word", "count_target", "count_reference", "log_odds", "z", "side", "year_from"]
    return c[cols].reset_index(drop=True)
