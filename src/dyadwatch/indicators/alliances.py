"""Alliance obligations between two states per year (ATOP or COW).

ATOP and COW list only dyad-years with an alliance, so inside a source's
coverage a missing row means "no obligation" (0); outside it, NULL.
"""

from __future__ import annotations

import pandas as pd

from dyadwatch.pack import PackTable

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
    """The alliance source to use: the one asked for, else ATOP, else COW."""
    return wh.pick_source(
        "alliance_dyad_year",
        SOURCE_PREFERENCE,
        source,
        "`dyadwatch ingest atop atop_alliance.rda` or `dyadwatch ingest cow_alliance cow_alliance.rda`",
    )


def coverage(wh, source: str) -> dict:
    """The years a source covers and the obligations it measures (others are NULL)."""
    t = wh.table("alliance_dyad_year").filter(lambda t: t.source == source)
    agg = t.aggregate(lo=t.year.min(), hi=t.year.max(), **{o: t[o].count() for o in OBLIGATIONS}).to_pandas().iloc[0]
    return {"lo": int(agg["lo"]), "hi": int(agg["hi"]), "measured": [o for o in OBLIGATIONS if agg[o] > 0]}


def fill_years(rows: pd.DataFrame, cov: dict, year_from: int | None, year_to: int | None) -> pd.DataFrame:
    """One row per year: listed rows as they are, 0 inside coverage, NULL outside or unmeasured."""
    lo, hi = cov["lo"], cov["hi"]
    years = range(year_from if year_from is not None else lo, (year_to if year_to is not None else hi) + 1)
    out = pd.DataFrame({"year": list(years)}).merge(rows[["year", *OBLIGATIONS]], on="year", how="left")
    inside = out["year"].between(lo, hi)
    for o in OBLIGATIONS:
        if o in cov["measured"]:
            col = out[o].astype("Float64")
            out[o] = col.mask(inside & col.isna(), 0.0).astype("Int8")
        else:
            out[o] = pd.array([pd.NA] * len(out), "Int8")
    return out


def obligations(
    wh, a: str, b: str, *, source: str | None = None, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """One row per year in [year_from, year_to] (default: the source's coverage): a's obligations to b."""
    source = pick_source(wh, source)
    t = wh.table("alliance_dyad_year").filter(lambda t: t.source == source)
    rows = t.filter((t.iso3_a == a) & (t.iso3_b == b)).select("year", *OBLIGATIONS).to_pandas()
    out = fill_years(rows, coverage(wh, source), year_from, year_to)
    out["source"] = source
    return out


def panel(wh, states: list[str], source: str) -> pd.DataFrame:
    """Listed (non-empty) dyad-years among ``states``, both directions: for the embedded pack."""
    t = wh.table("alliance_dyad_year").filter(lambda t: t.source == source)
    t = t.filter(t.iso3_a.isin(states) & t.iso3_b.isin(states))
    df = t.select("iso3_a", "iso3_b", "year", *OBLIGATIONS).order_by(["iso3_a", "iso3_b", "year"]).to_pandas()
    df.insert(0, "source", source)
    return df


def _coverage_table(wh, focus) -> pd.DataFrame:
    rows = []
    for s in SOURCE_PREFERENCE:
        cov = coverage(wh, s)
        rows.append({"source": s, "lo": cov["lo"], "hi": cov["hi"], "measured": " ".join(cov["measured"])})
    return pd.DataFrame(rows)


_FILES = {"atop": ("alliances/atop_alliance.rda",), "cow_alliance": ("alliances/cow_alliance.rda",)}
PACK_TABLES = [
    PackTable(
        "alliances",
        _FILES,
        lambda wh, focus: pd.concat([panel(wh, list(focus), s) for s in SOURCE_PREFERENCE], ignore_index=True),
        "Alliance obligations, directed focus dyad-years (listed rows)",
    ),
    PackTable("alliance_coverage", _FILES, _coverage_table, "Years and obligations each alliance source covers"),
]
