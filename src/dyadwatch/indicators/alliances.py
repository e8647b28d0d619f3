"""Alliance obligations between two states per year (ATOP or COW).

ATOP and COW list only dyad-years with an alliance, so inside a source's
coverage a missing row means "no obligation" (0); outside it, NULL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.store import Store

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


_HINT = "`dyadwatch ingest atop atop_alliance.rda` or `dyadwatch ingest cow_alliance cow_alliance.rda`"


def pick_source(wh: Store, source: str | None = None) -> str:
    """The alliance source to use: the one asked for, else ATOP, else COW."""
    return wh.pick_source("alliance_dyad_year", SOURCE_PREFERENCE, source, _HINT)


def coverage(wh: Store, source: str) -> dict[str, Any]:
    """The years a source covers and the obligations it measures (others are NULL)."""
    agg = coverage_expr(wh, source).to_pandas().iloc[0]
    return {"lo": int(agg["lo"]), "hi": int(agg["hi"]), "measured": [o for o in OBLIGATIONS if agg[o] > 0]}


def coverage_expr(wh: Store, source: str) -> ir.Table:
    """First and last year of a source, and per obligation the number of dyad-years measuring it."""
    t = wh.table("alliance_dyad_year").filter(lambda t: t.source == source)
    return t.aggregate(lo=t.year.min(), hi=t.year.max(), **{o: t[o].count() for o in OBLIGATIONS})


def obligations_expr(wh: Store, a: str, b: str, source: str) -> ir.Table:
    """The listed dyad-years of a's obligations to b (``obligations`` fills the unlisted years)."""
    t = wh.table("alliance_dyad_year").filter(lambda t: t.source == source)
    return t.filter((t.iso3_a == a) & (t.iso3_b == b)).select("year", *OBLIGATIONS)


def fill_years(rows: pd.DataFrame, cov: dict[str, Any], year_from: int | None, year_to: int | None) -> pd.DataFrame:
    """One row per year: listed rows as they are, 0 inside coverage, NULL outside or unmeasured."""
    lo, hi = cov["lo"], cov["hi"]
    first = year_from if year_from is not None else lo
    years = np.arange(first, (year_to if year_to is not None else hi) + 1, dtype=np.int64)
    # Plain arrays, not a merge and masks per column: the verdict of every reference dyad calls this twice.
    listed = rows.drop_duplicates("year", keep="first")
    at = listed.year.to_numpy(dtype=np.int64) - first
    ok = (at >= 0) & (at < len(years))
    inside = (years >= lo) & (years <= hi)
    cols: dict[str, object] = {"year": years}
    for o in OBLIGATIONS:
        values = np.zeros(len(years), dtype=np.int8)
        null = ~inside
        if o in cov["measured"]:
            col = pd.to_numeric(listed[o], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            values[at[ok]] = np.nan_to_num(col[ok]).astype(np.int8)
            null[at[ok]] = np.isnan(col[ok]) & ~inside[at[ok]]  # a listed value outside coverage still shows
        else:
            null = np.ones(len(years), dtype=bool)
        cols[o] = pd.arrays.IntegerArray(values, null)
    return pd.DataFrame(cols)


def obligations(
    wh: Store, a: str, b: str, *, source: str | None = None, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """One row per year in [year_from, year_to] (default: the source's coverage): a's obligations to b."""
    source = pick_source(wh, source)
    rows = obligations_expr(wh, a, b, source).to_pandas()
    out = fill_years(rows, coverage(wh, source), year_from, year_to)
    out["source"] = source
    return out


def dyad(
    store: Store, a: str, b: str, *, source: str | None = None, year_from: int | None = None, year_to: int | None = None
) -> tuple[pd.DataFrame, str]:
    """``obligations`` from the derived alliance tables, whichever store holds or builds them; (frame, basis)."""
    from dyadwatch.store import choose_source

    covs = store.derived("alliance_coverage").set_index("source")
    # Not None: the derived table was just read, so some store holds or builds it.
    own = cast("Store", store.store_of("alliance_coverage"))
    src = choose_source(list(covs.index), SOURCE_PREFERENCE, source, "alliance_dyad_year", own.describe(), _HINT)
    row = covs.loc[src]
    cov = {"lo": int(row.lo), "hi": int(row.hi), "measured": str(row.measured).split()}
    p = store.derived("alliance_panel", (a, b))
    df = fill_years(p[(p.source == src) & (p.iso3_a == a) & (p.iso3_b == b)], cov, year_from, year_to)
    df["source"] = src
    return df, store.basis_of("alliance_panel")


def panel(wh: Store, states: list[str] | None, source: str) -> pd.DataFrame:
    """Listed (non-empty) dyad-years among ``states`` (all if None), both directions."""
    df = panel_expr(wh, states, source).to_pandas()
    df.insert(0, "source", source)
    return df


def panel_expr(wh: Store, states: list[str] | None, source: str) -> ir.Table:
    """The expression behind :func:`panel`."""
    t = wh.table("alliance_dyad_year").filter(lambda t: t.source == source)
    if states is not None:
        t = t.filter(t.iso3_a.isin(states) & t.iso3_b.isin(states))
    return t.select("iso3_a", "iso3_b", "year", *OBLIGATIONS).order_by(["iso3_a", "iso3_b", "year"])


def _sources(wh: Store) -> list[str]:
    """The alliance sources ``wh`` holds, preferred first."""
    have = wh.sources_of("alliance_dyad_year")
    return list(dict.fromkeys(s for s in (*SOURCE_PREFERENCE, *have) if s in have))


def build_panel(wh: Store, focus: Sequence[str] | None) -> pd.DataFrame:
    """Listed dyad-years among ``focus`` (every state if None) from every alliance source ``wh`` holds."""
    return pd.concat([panel(wh, list(focus) if focus else None, s) for s in _sources(wh)], ignore_index=True)


def build_coverage(wh: Store, focus: Sequence[str] | None) -> pd.DataFrame:
    rows = []
    for s in _sources(wh):
        cov = coverage(wh, s)
        rows.append({"source": s, "lo": cov["lo"], "hi": cov["hi"], "measured": " ".join(cov["measured"])})
    return pd.DataFrame(rows)
