"""Conflict and power between two states: strategic rivalries, militarized disputes, capabilities, IGOs.

Everything is read through a store's ``table``/``has``/``sources_of``; on a
fresh machine the embedded pack holds the same figures for the focus states
(``derived.DERIVED``: ``conflict_*``). Missing is never zero: a year outside a source's coverage
gives no row (and the readers say where the data end), while inside it a
dyad with no dispute listed had none.

* rivalries: spells (first and last year) with their types, per source;
* disputes: per dyad-year, the number of disputes, whether one began, the
  highest hostility level (1 none … 4 use of force, 5 war) and whether any
  was fatal (NULL where the source does not know);
* power: CINC (COW NMC) and GDP (Anders–Fariss–Markowitz, logged) per
  state-year, and the ratios between the two states;
* IGO co-memberships: counts only (the COW dyadic file names no organisation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dyadwatch.errors import NoDataError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.store import Store

RIVALRY_SOURCES = ("tss_rivalry", "td_rivalry")  # TSS reaches 2020, Thompson–Dreyer 2010
MID_SOURCES = ("cow_mid", "gml_mid")  # COW MID5 reaches 2014, GML 2010
TYPES = ("spatial", "positional", "ideological", "interventionary")
HOSTLEV = {1: "no militarized action", 2: "threat to use force", 3: "display of force", 4: "use of force", 5: "war"}


def _pair(t: ir.Table, a: str, b: str) -> ir.BooleanValue:
    return ((t.iso3_a == a) & (t.iso3_b == b)) | ((t.iso3_a == b) & (t.iso3_b == a))


# --------------------------------------------------------------------- from a store


def rivalry_spells(
    store: Store, states: list[str] | None = None, a: str | None = None, b: str | None = None
) -> pd.DataFrame:
    """Rivalry spells (source, rivalry_id, name, iso3_a, iso3_b, start, end, types, data_end) from a store."""
    t = store.table("rivalries")
    if a and b:
        t = t.filter(_pair(t, a, b))
    elif states:
        t = t.filter(t.iso3_a.isin(states) & t.iso3_b.isin(states))
    cols = ["source", "rivalry_id", "name", "iso3_a", "iso3_b", "start", "end", *TYPES, "principal"]
    df = t.select(*cols).order_by(["source", "start", "rivalry_id"]).to_pandas()
    ends = store.table("rivalries")
    ends = ends.group_by("source").aggregate(data_end=ends.end.max()).to_pandas()
    return df.merge(ends, on="source", how="left")


def mid_years(
    store: Store, states: list[str] | None = None, a: str | None = None, b: str | None = None
) -> pd.DataFrame:
    """Per source and undirected dyad-year (iso3_a < iso3_b): disputes, onset, highest hostility, fatal."""
    t = store.table("mids")
    t = t.filter(t.iso3_a < t.iso3_b)  # both directions are listed; one is enough for dyad totals
    if a and b:
        t = t.filter(_pair(t, a, b))
    elif states:
        t = t.filter(t.iso3_a.isin(states) & t.iso3_b.isin(states))
    agg = t.group_by(["source", "iso3_a", "iso3_b", "year"]).aggregate(
        disputes=t.dispnum.nunique(),
        onset=t.onset.max(),
        hostlev=t.hostlev.max(),
        fatal=(t.fatality > 0).cast("int8").max(),
        dispnums=t.dispnum.cast("string").group_concat(" "),
    )
    return agg.order_by(["source", "iso3_a", "iso3_b", "year"]).to_pandas()


def coverage(store: Store, table: str) -> pd.DataFrame:
    """Per source of ``table``: first and last year it covers."""
    t = store.table(table)
    lo, hi = ("start", "end") if table == "rivalries" else ("year", "year")
    return t.group_by("source").aggregate(lo=t[lo].min(), hi=t[hi].max()).order_by("source").to_pandas()


def power_years(store: Store, states: list[str]) -> pd.DataFrame:
    """Per state-year: CINC and military spending (NMC) and ln GDP (SDP data), outer-joined."""
    frames = []
    if store.has("capabilities"):
        t = store.table("capabilities")
        frames.append(t.filter(t.iso3.isin(states)).select("iso3", "year", "cinc", "milex").to_pandas())
    if store.has("economy_state_year"):
        t = store.table("economy_state_year")
        frames.append(t.filter(t.iso3.isin(states)).select("iso3", "year", "ln_gdp").to_pandas())
    if not frames:
        raise NoDataError("No capability or GDP data. Fix: `dyadwatch ingest cow_nmc cow_nmc.rda` and "
                          "`dyadwatch ingest sdp_gdp cow_sdp_gdp.rda`.")  # fmt: skip
    out = frames[0]
    for f in frames[1:]:
        out = out.merge(f, on=["iso3", "year"], how="outer")
    # Two COW codes can be one iso3 in a year (Germany 1990); keep the larger capability.
    out = out.groupby(["iso3", "year"], as_index=False).max()
    for c in ("cinc", "milex", "ln_gdp"):
        if c not in out:
            out[c] = np.nan
    return out.astype({"year": int}).sort_values(["iso3", "year"]).reset_index(drop=True)


def igo_years(
    store: Store, states: list[str] | None = None, a: str | None = None, b: str | None = None
) -> pd.DataFrame:
    t = store.table("igo_dyad_year")
    if a and b:
        t = t.filter(_pair(t, a, b))
    elif states:
        t = t.filter(t.iso3_a.isin(states) & t.iso3_b.isin(states))
    df = t.select("iso3_a", "iso3_b", "year", "igos").to_pandas()
    lo, hi = np.minimum(df.iso3_a, df.iso3_b), np.maximum(df.iso3_a, df.iso3_b)
    df = df.assign(iso3_a=lo, iso3_b=hi).groupby(["iso3_a", "iso3_b", "year"], as_index=False).igos.max()
    return df.sort_values(["iso3_a", "iso3_b", "year"]).reset_index(drop=True)


# ------------------------------------------------------- the dyad's rows of the derived tables


def _load(derived: str, store: Store, a: str, b: str) -> tuple[pd.DataFrame, str]:
    """The dyad's rows of a derived table, whichever store builds or holds it; (frame, basis)."""
    p = store.derived(derived, (a, b))
    return p[((p.iso3_a == a) & (p.iso3_b == b)) | ((p.iso3_a == b) & (p.iso3_b == a))].reset_index(drop=True), (
        store.basis_of(derived)
    )


def dyad_rivalries(store: Store, a: str, b: str) -> tuple[pd.DataFrame, str]:
    """The dyad's rivalry spells (all sources) and the basis (warehouse or pack)."""
    return _load("conflict_rivalries", store, a, b)


def dyad_mids(store: Store, a: str, b: str) -> tuple[pd.DataFrame, str]:
    """The dyad's dispute years per source and the basis."""
    return _load("conflict_mids", store, a, b)


def dyad_igos(store: Store, a: str, b: str) -> tuple[pd.DataFrame, str]:
    return _load("conflict_igos", store, a, b)


def mid_coverage_derived(store: Store) -> pd.DataFrame:
    """:func:`coverage` of the disputes from the derived ``conflict_coverage`` table."""
    cov = store.derived("conflict_coverage")
    return cov[cov.table == "mids"][["source", "lo", "hi"]].reset_index(drop=True)


def dyad_power(df: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Per year, from :func:`power_years` rows: both sides' CINC and GDP, ``cinc_ratio`` and ``gdp_ratio`` (a over
    b); NULL where one lacks it."""
    cols = ["year", "cinc", "milex", "ln_gdp"]
    wa, wb = df.loc[df.iso3 == a, cols], df.loc[df.iso3 == b, cols]
    out = wa.merge(wb, on="year", how="outer", suffixes=("_a", "_b"), sort=True)
    out["cinc_ratio"] = out.cinc_a / out.cinc_b.where(out.cinc_b > 0)
    out["gdp_ratio"] = np.exp(out.ln_gdp_a - out.ln_gdp_b)
    return out


# -------------------------------------------------------------------- embedded pack


def build_rivalries(wh: Store, focus: Sequence[str]) -> pd.DataFrame:
    return rivalry_spells(wh, states=list(focus))


def build_mids(wh: Store, focus: Sequence[str]) -> pd.DataFrame:
    return mid_years(wh, states=list(focus))


def build_power(wh: Store, focus: Sequence[str]) -> pd.DataFrame:
    return power_years(wh, list(focus))


def build_igos(wh: Store, focus: Sequence[str]) -> pd.DataFrame:
    return igo_years(wh, states=list(focus))


def build_coverage(wh: Store, focus: Sequence[str] | None) -> pd.DataFrame:
    parts = [coverage(wh, t).assign(table=t) for t in ("rivalries", "mids", "capabilities", "economy_state_year",
                                                         "igo_dyad_year")]  # fmt: skip
    return pd.concat(parts, ignore_index=True)[["table", "source", "lo", "hi"]]
