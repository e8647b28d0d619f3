"""The derived trade, energy and facts tables: how each is built and how it is read.

``derived.DERIVED`` declares them: COW trade shares, asymmetry and ranks of the
focus dyads (``trade_cow``); China's crude and pipeline-gas import shares, unit
values, discounts and gains (``energy_crude``, ``energy_gas``); the pipeline
registry rows the energy section shows; the published facts with their citation.
The ``build_*`` functions make them from canonical tables (the embedded pack is
exactly their output for the focus states); the readers below give them in the
columns of the indicator computed from the canonical tables (``trade.trade``,
``energy.crude`` …), so a caller reads the same frame either way. Which of the two
answers a request is chosen in one place, ``api.answer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dyadwatch.errors import NeedsIngestError, NoDataError
from dyadwatch.indicators import energy as en
from dyadwatch.indicators import trade as tr
from dyadwatch.store import derived_spec, in_years

if TYPE_CHECKING:
    from dyadwatch.store import PathStore, Store

COW_FILES = ("trade/cow_trade_ndy.rda", "trade/cow_trade_sy.rda")
CRUDE_FILE = "energy/china_crude_imports_by_origin_monthly_2020_2023.csv"
GAS_FILE = "energy/china_pipeline_gas_imports_monthly_2020_2024.csv"
GEM_FILE = "energy/gem_pipelines_ru_ca_cn_subset.csv"
FACTS_FILE = "trade/reference_facts.csv"
# Besides the focus countries, the crude table keeps the largest origins: the benchmarks a reader compares with.
TOP_ORIGINS = 8
FACT_COLUMNS = ["metric", "entity_a", "entity_b", "period", "value", "unit", "publisher", "url", "note"]
CRUDE_COLUMNS = ["importer", "origin", "freq", "period", "share_volume", "share_value", "unit_value",
                 "avg_unit_value", "discount", "others_unit_value", "discount_vs_others", "gain_vs_average",
                 "gain_vs_others"]  # fmt: skip
PIPE_COLUMNS = ["name", "countries", "capacity_bcm_y", "status", "start_year", "owner", "source"]


# --------------------------------------------------------------------------- pack builds


def build_trade_cow(wh: Store, focus: Sequence[str]) -> pd.DataFrame:
    """Focus dyads, one row per unordered pair (a < b) and year: flows, shares and both sides' ranks.

    Ranks are computed over all of COW's dyads (as :func:`trade.cow_all_dyads` does) before the
    focus filter, so ``rank`` is B's rank among all of A's partners and ``rank_b`` A's among B's.
    """
    e = tr.cow_all_dyads_expr(wh)
    e = e.filter(e.a.isin(list(focus)) & e.b.isin(list(focus)))
    df = e.to_pyarrow().to_pandas()
    fwd = df[df.a < df.b]
    rev = df[df.a > df.b][["a", "b", "year", "rank"]].rename(columns={"a": "b", "b": "a", "rank": "rank_b"})
    out = fwd.merge(rev, on=["a", "b", "year"], how="left")
    cols = ["a", "b", "year", "exports_a_to_b", "imports_a_from_b", "share_of_a_trade", "share_of_b_trade",
            "rank", "rank_b"]  # fmt: skip
    out = out[cols].astype({"year": int, "rank": "Int64", "rank_b": "Int64"})
    return out.sort_values(["a", "b", "year"]).reset_index(drop=True)


def _crude_origins(wh: PathStore, importer: str, focus: Sequence[str] | None) -> list[str]:
    s = en.origin_shares(wh, "crude_oil", importer, None, "A")
    top = s.groupby("origin").value.sum().sort_values(ascending=False).head(TOP_ORIGINS).index
    return sorted(set(top) | (set(s.origin) & set(focus or ())))


def _importers(wh: Store, commodity: str, focus: Sequence[str] | None, derived: str) -> list[str]:
    t = wh.table("energy_flows")
    have = t.filter(t.commodity == commodity).importer.name("i").to_pandas().unique()
    if not len(have):  # energy_flows may hold only another commodity (crude but no gas)
        raise NeedsIngestError(
            f"{wh.describe()} holds no {commodity.replace('_', ' ')} flows, which {derived!r} is computed from. "
            f"Fix: {derived_spec(derived).hint}."
        )
    return sorted(set(have) & set(focus or have))


def build_energy_crude(wh: PathStore, focus: Sequence[str] | None) -> pd.DataFrame:
    frames = []
    for imp in _importers(wh, "crude_oil", focus, "energy_crude"):
        for org in _crude_origins(wh, imp, focus):
            for freq in ("M", "A"):
                try:
                    d = en.crude(wh, imp, org, None, freq=freq)
                except NoDataError:
                    continue
                # Gains per month; annual rows sum their twelve months (NULL if any month lacks a unit value).
                d["gain_vs_average"] = (d.avg_unit_value - d.unit_value) * d.volume
                d["gain_vs_others"] = (d.others_unit_value - d.unit_value) * d.volume
                frames.append(d.assign(importer=imp, origin=org, freq=freq))
    if not frames:
        return pd.DataFrame(columns=CRUDE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[CRUDE_COLUMNS]
    if "A" in set(out.freq):
        # Annual gains are the sum of the monthly ones (the definition of gains over a period).
        m = out[out.freq == "M"].assign(y=lambda d: d.period.str[:4])
        g = m.groupby(["importer", "origin", "y"])[["gain_vs_average", "gain_vs_others"]].sum(min_count=12)
        ann = out.freq == "A"
        key = list(zip(out.importer[ann], out.origin[ann], out.period[ann], strict=True))
        for c in ("gain_vs_average", "gain_vs_others"):
            out.loc[ann, c] = [g[c].get(k, np.nan) for k in key]
    return out.sort_values(["importer", "origin", "freq", "period"]).reset_index(drop=True)


def build_energy_gas(wh: PathStore, focus: Sequence[str] | None) -> pd.DataFrame:
    frames = []
    for imp in _importers(wh, "pipeline_gas", focus, "energy_gas"):
        for freq in ("M", "A"):
            g = en.gas(wh, imp, None, freq=freq)
            frames.append(g.assign(importer=imp, freq=freq))
    cols = ["importer", "origin", "freq", "period", "share_value", "share_volume", "value"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    # Unit values are left out: the file derives gas quantities from values, so they carry no information.
    # Values (USD) only for full years: a sum of twelve months, never a month as the file gives it.
    out["value"] = out.value.where(out.freq == "A")
    return out[cols].sort_values(["importer", "freq", "period", "origin"]).reset_index(drop=True)


def build_pipelines(wh: PathStore, focus: Sequence[str] | None) -> pd.DataFrame:
    df = en.pipelines(wh)
    return df[PIPE_COLUMNS].astype({"start_year": "Int64"}).reset_index(drop=True)


def build_facts(wh: Store, focus: Sequence[str] | None) -> pd.DataFrame:
    return wh.table("facts").order_by(["metric", "period"]).to_pandas()[FACT_COLUMNS]


# --------------------------------------------------------------------------- readers


def cow_dyad(store: Store, a: str, b: str, year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
    """:func:`trade.cow_dyad` from the derived ``trade_cow`` table: one row per year in :data:`trade.OUT_COLUMNS`."""
    # The whole series once per dyad and store (a report's claims and Central Asia table ask for it ~30 times).
    d = store.cached(("cow_dyad_from_pack", a, b), lambda: _cow_dyad_series(store, a, b), persist=True)
    d = in_years(d, year_from, year_to)
    if d.empty:
        raise NoDataError(f"The embedded pack has no COW trade between {a} and {b} in the selected years.")
    return d[tr.OUT_COLUMNS].reset_index(drop=True)  # selecting columns copies: callers never change the cached frame


def _cow_dyad_series(store: Store, a: str, b: str) -> pd.DataFrame:
    p = store.derived("trade_cow", (a, b))
    lo, hi = sorted((a, b))
    d = p[(p.a == lo) & (p.b == hi)].copy()
    if a != lo:  # the stored row is B's view: swap the directions
        d = d.rename(columns={"exports_a_to_b": "imports_a_from_b", "imports_a_from_b": "exports_a_to_b",
                              "share_of_a_trade": "share_of_b_trade", "share_of_b_trade": "share_of_a_trade",
                              "rank": "rank_b", "rank_b": "rank"})  # fmt: skip
    d = d.sort_values("year").reset_index(drop=True)
    d["turnover"] = d.imports_a_from_b + d.exports_a_to_b
    sa, sb = d.share_of_a_trade, d.share_of_b_trade
    d["asymmetry"] = np.where(sa > 0, sb / sa.where(sa > 0), np.nan)
    d["rank"] = d["rank"].astype("float64")
    prev = d.set_index("year").turnover
    # Growth before the window: a window never changes a value (the first year keeps its growth).
    d["growth"] = [tr._growth(t, prev.get(y - 1)) for y, t in zip(d.year, d.turnover, strict=True)]
    d["period"] = d.year.astype(str)
    d["basis"] = d["basis_exports"] = d["basis_imports"] = "reported"
    d["exports_gap"] = d["imports_gap"] = np.nan
    d["unit"] = "million USD"
    d["source"] = "cow_trade"
    return d


def trade(store: Store, a: str, b: str, year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
    """:func:`trade.trade`'s frame (USD) from ``trade_cow``."""
    df = cow_dyad(store, a, b, year_from, year_to)
    for c in ("exports_a_to_b", "imports_a_from_b", "turnover"):
        df[c] = df[c] * 1e6  # one unit per column, as trade.trade gives it
    df["unit"] = "USD"
    return df


def facts(store: Store) -> pd.DataFrame:
    """The published facts, ordered by metric and period (built from the ``facts`` table wherever it is)."""
    df = store.derived("published_facts")
    df["period"] = df.period.astype(str)  # the pack's years alone would read as integers
    return df[FACT_COLUMNS]


def _energy(store: Store, name: str, importer: str, freq: str) -> pd.DataFrame:
    p = store.derived(name).copy()
    p["period"] = p.period.astype(str)  # years alone would read as integers
    p = p[(p.importer == importer) & (p.freq == freq)]
    if p.empty:
        raise NoDataError(f"The embedded pack has no {name} rows for importer {importer} (freq {freq}).")
    return p


def crude(
    store: Store, importer: str, origin: str, *, benchmarks: tuple[str, ...] = (), freq: str = "M"
) -> pd.DataFrame:
    """:func:`energy.crude` from ``energy_crude`` (its origins only)."""
    p = _energy(store, "energy_crude", importer, freq)
    out = p[p.origin == origin].drop(columns=["importer", "origin", "freq"]).set_index("period")
    if out.empty:
        raise NoDataError(
            f"The embedded pack keeps {importer}'s crude imports from {', '.join(sorted(set(p.origin)))} only; "
            f"not {origin}. Fix: `dyadwatch ingest china_crude {CRUDE_FILE.split('/')[-1]}`."
        )
    for bm in benchmarks:
        buv = p[p.origin == bm].set_index("period").unit_value
        if buv.empty:
            raise NoDataError(f"The embedded pack has no crude unit values for the benchmark origin {bm}.")
        out[f"unit_value_{bm}"] = buv
        out[f"discount_vs_{bm}"] = 1 - out.unit_value / buv
    return out.reset_index()


def gains(store: Store, importer: str, origin: str, start: str, end: str, *, benchmark: str = "others") -> pd.DataFrame:
    """:func:`energy.gains` from ``energy_crude``'s monthly gains (benchmark average or others)."""
    if benchmark not in ("average", "others"):
        raise NoDataError(f"The embedded pack holds gains against the average and the other origins, not {benchmark}.")
    m = crude(store, importer, origin)
    m = m[(m.period >= start) & (m.period <= end)].copy()
    if m.empty:
        raise NoDataError(f"No months between {start} and {end} in the embedded pack.")
    m["benchmark_unit_value"] = m["avg_unit_value" if benchmark == "average" else "others_unit_value"]
    m["gain"] = m[f"gain_vs_{benchmark}"]
    m["cumulative_gain"] = m.gain.cumsum()
    m["benchmark"] = benchmark
    return m[["period", "unit_value", "benchmark", "benchmark_unit_value", "gain", "cumulative_gain"]]


def gas(store: Store, importer: str, freq: str = "A") -> pd.DataFrame:
    """:func:`energy.gas` (shares by origin) from ``energy_gas``."""
    p = _energy(store, "energy_gas", importer, freq)
    p = p.sort_values(["period", "share_value"], ascending=[True, False], kind="stable")  # energy.gas's order
    # energy.gas's columns (the pack holds no volumes or unit values: the file derives them from values)
    return p[["period", "origin", "value", "share_volume", "share_value"]].reset_index(drop=True)


def pipelines(store: Store, name: str | None = None) -> pd.DataFrame:
    """The ``pipeline_registry`` rows (optionally names containing ``name``)."""
    df = store.derived("pipeline_registry")
    if name:
        df = df[df.name.str.lower().str.contains(name.lower(), regex=False)]
    return df.reset_index(drop=True)


def in_period(df: pd.DataFrame, period: str | None, column: str = "period") -> pd.DataFrame:
    """Rows of a derived table inside ``period`` (a year, a month or a year-to-date range; None: every row)."""
    p = tr.parse_period(period)
    if p is None:
        return df
    year = df[column].astype(str).str[:4].astype(int)
    keep = year == p.year
    if p.m_from is not None:
        month = df[column].astype(str).str[5:7]
        if (month == "").all():
            raise tr.PeriodError(f"Period {period!r}: the embedded pack holds whole years here; ingest monthly flows.")
        keep &= month.astype(int).between(p.m_from, p.m_to)
    return df[keep].reset_index(drop=True)
