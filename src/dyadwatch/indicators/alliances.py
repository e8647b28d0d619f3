"""Alliance obligations between two states per year (ATOP or COW).

ATOP and COW list only dyad-years with an alliance, so inside a source's
coverage a missing row means "no obligation" (0); outside it, NULL.
"""

from __future__ import annotations

import pandas as pd

from dyadwatch.errors import NoDataError

OBLIGATIONS = ("defense", "offense", "neutral", "nonagg", "consul", "entente")
LABELS = {
    "defense": "defence pact",
    "offense": "offence pact",
    "neutral": "neutrality",
    "nonagg": "non-aggression",
    "consul": "consultation",
    "entente": "entente",
}
SOURCE_PREFERENCE = ("atop", "cow_alliance")


def pick_source(wh, source: str | None = None) -> str:
    have = wh.sources_of("alliance_dyad_year")
    if source:
        if source not in have:
            raise NoDataError(
                f"No alliance data from {source!r} in {wh.path} (have: {have or 'none'}). "
                f"Fix: `dyadwatch ingest {source} FILE`."
            )
        return source
    for s in SOURCE_PREFERENCE:
        if s in have:
            return s
    raise NoDataError(
        f"No alliance data in {wh.path}. Fix: `dyadwatch ingest atop atop_alliance.rda` "
        "or `dyadwatch ingest cow_alliance cow_alliance.rda`."
    )


def obligations(
    wh, a: str, b: str, *, source: str | None = None, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """One row per year in [year_from, year_to] (default: the source's coverage), a's obligations to b."""
    source = pick_source(wh, source)
    t = wh.table("alliance_dyad_year").filter(lambda t: t.source == source)
    lo, hi = t.aggregate(lo=t.year.min(), hi=t.year.max()).to_pandas().iloc[0]
    rows = t.filter((t.iso3_a == a) & (t.iso3_b == b)).select("year", *OBLIGATIONS).to_pandas()
    empty = t.filter(t.iso3_a == a).select(*OBLIGATIONS).limit(1).to_pandas()
    measured = [o for o in OBLIGATIONS if not t.select(o).filter(t[o].notnull()).limit(1).to_pandas().empty]
    del empty
    years = range(year_from if year_from is not None else int(lo), (year_to if year_to is not None else int(hi)) + 1)
    out = pd.DataFrame({"year": list(years)}).merge(rows, on="year", how="left")
    inside = out["year"].between(int(lo), int(hi))
    for o in OBLIGATIONS:
        col = out[o].astype("Float64")
        out[o] = col.where(~inside | col.notna(), 0.0) if o in measured else pd.NA
        out[o] = out[o].astype("Int8")
    out["source"] = source
    return out
