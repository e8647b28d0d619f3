"""What states say: concept rates, keyword-in-context lines, collocates and speech similarity.

From the user's speeches when ingested; else, for focus countries' UN General Debate speeches, from the derived
tables of the embedded pack (numbers only: keyword-in-context lines quote speeches, which it does not hold).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dyadwatch import countries
from dyadwatch.api.core import Result, answer, pack_note, run
from dyadwatch.errors import NeedsIngestError

if TYPE_CHECKING:
    import pandas as pd

    from dyadwatch.store import ChainStore, Store

VIEWS = ("rates", "kwic", "collocates", "similarity")
SIMILARITY_NOTE = "TF-IDF cosine similarity per year among that year's speakers; rank 1 = nearest."
_FIX = "Fix: `dyadwatch ingest ungdc UNGDC_FOLDER` (or `dyadwatch ingest text FILE …`)."


def rhetoric(
    states: Sequence[str],
    view: str = "rates",
    *,
    terms: list[str] | None = None,
    kind: str | None = None,
    reference: str = "USA",
    n: int = 15,
    year_from: int | None = None,
    year_to: int | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """One ``view`` of the speeches of ``states`` (``kind``: one kind of speech, default every kind):

    * ``rates``: each lexicon concept's uses per 10,000 words, per state and year (``terms``: some concepts);
    * ``kwic``: the first term's uses in context (needs the speeches themselves);
    * ``collocates``: the words near the first term (default democracy) that distinguish the states' use from
      ``reference``'s (``n`` per side); from the pack, each focus state against the USA since 1992;
    * ``similarity``: the first two states' TF-IDF speech similarity per year and each side's rank.
    """
    from dyadwatch.indicators import rhetoric as rh
    from dyadwatch.indicators import speech_tables as st
    from dyadwatch.indicators import textsim

    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
    iso = [countries.resolve_input(s).iso3 for s in states]
    ref = countries.resolve_input(reference).iso3
    term = (terms or ["democracy"])[0]
    kinds = [kind] if kind else None

    def own(s: ChainStore) -> pd.DataFrame:
        if view == "rates":
            return rh.rates(s, iso, terms=terms, kinds=kinds, year_from=year_from, year_to=year_to)
        if view == "kwic":
            return rh.kwic(s, iso, term, kinds=kinds, year_from=year_from, year_to=year_to)
        if view == "collocates":
            return rh.collocates(s, iso, ref, term, n=n, kinds=kinds, year_from=year_from, year_to=year_to)
        return textsim.dyad_similarity(
            s, iso[0], iso[1], kind=kind or textsim.KIND, year_from=year_from, year_to=year_to
        )

    def derived(s: ChainStore) -> pd.DataFrame:
        if kind not in (None, st.KIND):
            raise NeedsIngestError(
                f"No speeches ingested, and the embedded pack holds only UN General Debate speeches. {_FIX}"
            )
        if view == "rates":
            return st.rates(s, iso, terms=terms, year_from=year_from, year_to=year_to)
        if view == "kwic":
            raise NeedsIngestError(
                f"No speeches ingested: keyword-in-context lines quote the speeches, not in the pack. {_FIX}"
            )
        if view == "similarity":
            return st.dyad_similarity(s, iso[0], iso[1], year_from=year_from, year_to=year_to)
        if ref != st.REFERENCE:
            raise NeedsIngestError(f"The embedded pack compares collocates with {st.REFERENCE} only, not {ref}. {_FIX}")
        if year_from is not None or year_to is not None:
            raise NeedsIngestError(
                f"The embedded pack's collocates pool speeches since {st.COLLOCATES_FROM}; no --from/--to."
            )
        import pandas as pd

        parts = [st.collocates(s, x, term).assign(iso3=x) for x in iso if x != st.REFERENCE]
        return pd.concat(parts, ignore_index=True)

    def go(store: ChainStore) -> Result:
        df, basis = answer(store, "speeches", own, derived)
        notes = [f"Lexicon version {rh.lexicon().version}."] if view != "similarity" else [SIMILARITY_NOTE]
        if view == "collocates":
            notes.append(
                f"Each of {', '.join(iso)} against {st.REFERENCE} (z > 0: typical of the country), speeches since "
                "year_from."
                if basis == "pack"
                else f"z > 0: typical of {'+'.join(iso)}; z < 0: typical of {ref} (weighted log-odds)."
            )
        if basis == "pack":
            notes.append(pack_note(["ungdc"]))
        sources = ["ungdc"] if basis == "pack" else store.sources_of("speeches")
        return Result(df, basis, sources, notes)

    return run(db, wh, go)


def rhetoric_rates(
    a: str,
    b: str,
    *,
    terms: list[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """How often each side uses the lexicon's concepts per 10,000 words of its UN General Debate speeches."""
    return rhetoric([a, b], "rates", terms=terms, year_from=year_from, year_to=year_to, db=db, wh=wh)


def speech_similarity(
    a: str,
    b: str,
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """TF-IDF cosine similarity of the two sides' General Debate speeches per year, and each side's rank."""
    return rhetoric([a, b], "similarity", year_from=year_from, year_to=year_to, db=db, wh=wh)
