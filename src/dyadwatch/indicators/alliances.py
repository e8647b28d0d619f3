"""Alliance obligations between two states per year (ATOP or COW).

ATOP and COW list only dyad-years with an alliance, so inside a source's
coverage a missing row means "no obligation" (0); outside it, NULL.
"""

from __future__ import annotations

import pandas as pd

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
    agg = coverage_expr(wh, source).to_pandas().iloc[0]
    return {"lo": int(agg["lo"]), "hi": int(agg["hi"]), "measured": [o for o in OBLIGATIONS if agg[o] > 0]}


def coverage_expr(wh, source: str):
    """First and last year of a source, and per obligation the number of dyad-years measuring it."""
    t = wh.table("alliance_dyad_year").filter(lambda t: t.source == source)
    return t.aggregate(lo=t.year.min(), hi=t.year.max(), **{o: t[o].count() for o in OBLIGATIONS})


def obligations_expr(wh, a: str, b: str, source: str):
    """The listed dyad-years of a's obligations to b (``obligations`` fills the unlisted years)."""
    t = wh.table("alliance_dyad_year").filter(lambda t: t.source == source)
    return t.filter((t.iso3_a == a) & (t.iso3_b == b)).select("year", *OBLIGATIONS)


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
    rows = obligations_expr(wh, a, b, source).to_pandas()
    out = fill_years(rows, coverage(wh, source), year_from, year_to)
    out["source"] = source
    return out


def dyad(
    store, a: str, b: str, *, source: str | None = None, year_from: int | None = None, year_to: int | None = None
) -> tuple[pd.DataFrame, str]:
    """``obligations`` from the store's alliance rows, else from the derived ``alliances`` table; (frame, basis)."""
    if store.has("alliance_dyad_year"):
        own = store.store_of("alliance_dyad_year")
        return obligations(own, a, b, source=source, year_from=year_from, year_to=year_to), own.basis
    src = source or SOURCE_PREFERENCE[0]
    cov_row = store.derived("alliance_coverage").set_index("source").loc[src]
    cov = {"lo": int(cov_row.lo), "hi": int(cov_row.hi), "measured": str(cov_row.measured).split()}
    p = store.derived("alliance_panel", (a, b))
    rows = p[(p.source == src) & (p.iso3_a == a) & (p.iso3_b == b)]
    df = fill_years(rows, cov, year_from, year_to)
    df["source"] = src
    return df, store.basis_of("alliance_panel")


def panel(wh, states: list[str], source: str) -> pd.DataFrame:
    """Listed (non-empty) dyad-years among ``states``, both directions: for the embedded pack."""
    df = panel_expr(wh, states, source).to_pandas()
    df.insert(0, "source", source)
    return df


def panel_expr(wh, states: list[str], source: str):
    """The expression behind :func:`panel`."""
    t = wh.table("alliance_dyad_year").filter(lambda t: t.source == source)
    t = t.filter(t.iso3_a.isin(states) & t.iso3_b.isin(states))
    return t.select("iso3_a", "iso3_b", "year", *OBLIGATIONS).order_by(["iso3_a", "iso3_b", "year"])


def build_panel(wh, focus) -> pd.DataFrame:
    """Listed dyad-years among the focus states from every alliance source (the pack's ``alliances``)."""
    return pd.concat([panel(wh, list(focus), s) for s in SOURCE_PREFERENCE], ignore_index=True)


def build_coverage(wh, focus) -> pd.DataFrame:
    rows = []
    for s in SOURCE_PREFERENCE:
        cov = coverage(wh, s)
        rows.append({"source": s, "lo": cov["lo"], "hi": cov["hi"], "measured": " ".join(cov["measured"])})
    return pd.DataFrame(rows)
