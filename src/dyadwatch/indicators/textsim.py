"""Speech similarity: per year, TF-IDF cosine similarity between every pair of speakers.

Text vectors are numerical work, not relational, so they live here and use
scikit-learn. Each year is its own corpus (IDF from that year's speeches), so
a similarity says how alike two speeches are *relative to that year's
debate*. One document per country and year: several texts of the same kind
are joined. Years with fewer speakers (before 2010 the shared corpus holds only
16 countries) rank the dyad among fewer peers; ``n_speakers`` says how many.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.store import kept

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from dyadwatch.store import PathStore

KIND = "ungd"


def vectorizer() -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    # Sublinear tf: a word said 20 times is not 20 times as telling; min_df=2 drops one-off tokens (names, typos).
    return TfidfVectorizer(
        lowercase=True, stop_words="english", sublinear_tf=True, min_df=2, token_pattern=r"(?u)\b[^\W\d_]{2,}\b"
    )


def similarity_matrix(texts: Mapping[str, str]) -> pd.DataFrame:
    """Cosine similarity of the TF-IDF vectors of ``texts`` (key → text), as a square DataFrame."""
    keys = sorted(texts)
    if len(keys) < 2:
        raise NoDataError(f"Speech similarity needs at least two speakers; got {keys}.")
    docs = [texts[k] for k in keys]
    try:
        x = vectorizer().fit_transform(docs)
    except ValueError:  # every token in fewer than 2 documents: fall back to no document-frequency floor
        v = vectorizer().set_params(min_df=1)
        x = v.fit_transform(docs)
    sim = (x @ x.T).toarray()  # rows are L2-normalised, so the dot product is the cosine
    np.fill_diagonal(sim, 1.0)
    return pd.DataFrame(sim, index=keys, columns=keys)


def _year_texts(wh: PathStore, year_from: int | None, year_to: int | None, kind: str) -> pd.DataFrame:
    """One text per speaker and year (a report and its verdict ask twice: read once per store and ingest)."""
    frame: pd.DataFrame = wh.cached(
        ("speech_year_texts", year_from, year_to, kind), lambda: _read_year_texts(wh, year_from, year_to, kind)
    )
    return frame


def _year_matrix(wh: PathStore, kind: str, year: int, sub: pd.DataFrame) -> pd.DataFrame:
    """A year's similarity matrix, computed once per store and ingest (TF-IDF over every speech of the year is
    most of a full warehouse's report; any window that holds the year has the same matrix)."""
    m: pd.DataFrame = wh.cached(
        ("speech_similarity_matrix", kind, year),
        lambda: similarity_matrix(dict(zip(sub.iso3, sub.text, strict=True))),
        persist=True,
    )
    return m


def _read_year_texts(wh: PathStore, year_from: int | None, year_to: int | None, kind: str) -> pd.DataFrame:
    if not wh.sources_of("speeches"):
        raise NoDataError(f"No speeches in {wh.path}. Fix: `dyadwatch ingest ungdc UNGDC_FOLDER`.")
    t = wh.table("speeches")
    t = t.filter(t.kind == kind)
    if year_from is not None:
        t = t.filter(t.year >= year_from)
    if year_to is not None:
        t = t.filter(t.year <= year_to)
    df = t.select("iso3", "year", "text").to_pandas()
    return df.groupby(["year", "iso3"], as_index=False)["text"].agg("\n".join)


def _rank(row: pd.Series, who: str, other: str) -> int:
    """1 + the number of other speakers closer to ``who`` than ``other`` is."""
    peers = row.drop(labels=[who])
    return int((peers > peers[other]).sum()) + 1


@kept  # reads every speech of the years (TF-IDF per year): seconds on a warehouse
def dyad_similarity(
    wh: PathStore, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None, kind: str = KIND
) -> pd.DataFrame:
    """Per year both spoke: similarity, b's rank among a's nearest speakers and a's among b's, n_speakers."""
    texts = _year_texts(wh, year_from, year_to, kind)
    have = texts.groupby("year")["iso3"].agg(set)
    rows = []
    for year, codes in have.items():
        if a not in codes or b not in codes:
            continue
        m = _year_matrix(wh, kind, int(year), texts[texts.year == year])
        rows.append(
            (int(year), float(m.loc[a, b]), _rank(m.loc[a], a, b), _rank(m.loc[b], b, a), len(codes) - 1,
             float(m.loc[a].drop(a).mean()), float(m.loc[b].drop(b).mean()))
        )  # fmt: skip
    if not rows:
        raise NoDataError(f"No year in which both {a} and {b} have a {kind!r} speech in {wh.path}.")
    cols = ["year", "similarity", "rank_b_for_a", "rank_a_for_b", "n_peers", "mean_sim_a", "mean_sim_b"]
    return pd.DataFrame(rows, columns=cols)


@kept  # the year's texts and matrix
def nearest(wh: PathStore, a: str, year: int, *, n: int = 10, kind: str = KIND) -> pd.DataFrame:
    """The ``n`` speakers whose speech in ``year`` is most similar to a's."""
    texts = _year_texts(wh, year, year, kind)
    if a not in set(texts.iso3):
        raise NoDataError(f"{a} has no {kind!r} speech in {year} in {wh.path}.")
    m = _year_matrix(wh, kind, year, texts)
    s = m.loc[a].drop(a).sort_values(ascending=False).head(n)
    return pd.DataFrame({"rank": range(1, len(s) + 1), "iso3": s.index, "similarity": s.to_numpy()})
