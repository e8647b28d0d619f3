"""Trade, energy and published facts from the warehouse, else from the embedded pack.

The pack tables declared here hold figures dyadwatch computed (COW trade shares,
asymmetry and ranks for the focus dyads; China's crude and pipeline-gas import
shares, unit values and discounts; the pipeline registry rows the energy section
shows) and published facts transcribed with their citation. Each ``load_*``
function returns ``(frame, basis)`` with basis ``"warehouse"`` when the
warehouse holds the data and ``"pack"`` otherwise, in the warehouse function's
columns, so report sections and claims read the same frame either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from dyadwatch.errors import NeedsIngestError, NoDataError
from dyadwatch.indicators import energy as en
from dyadwatch.indicators import trade as tr
from dyadwatch.indicators import trade_region as trg
from dyadwatch.store import derived_spec, pack_store

if TYPE_CHECKING:
    from dyadwatch.store import ChainStore, PackStore, PathStore, Store

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


# --------------------------------------------------------------------------- basis note


def pack_note(source_names: list[str]) -> str:
    """The sentence a section shows when its figures come from the pack: which sources, with their citations."""
    return (
        "Basis: dyadwatch's embedded pack — figures computed from "
        + pack_store().citations(source_names)
        + ". No warehouse holds "
        "these data; ingest the files (`dyadwatch ingest …`) to use your own."
    )


# --------------------------------------------------------------------------- trade


def _has_cow(wh: Store) -> bool:
    return wh.has("trade_dyad_year", "cow_trade")


def _has_trade(wh: Store) -> bool:
    return wh.has("trade_flows") or _has_cow(wh)


def cow_dyad_from_pack(
    store: Store, a: str, b: str, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """:func:`trade.cow_dyad` from the derived ``trade_cow`` table: one row per year in :data:`trade.OUT_COLUMNS`."""
    # The whole series once per dyad and store (a report's claims and Central Asia table ask for it ~30 times).
    d = store.cached(("cow_dyad_from_pack", a, b), lambda: _cow_dyad_series(store, a, b), persist=True)
    if year_from is not None:
        d = d[d.year >= year_from]
    if year_to is not None:
        d = d[d.year <= year_to]
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


def load_trade(
    wh: PathStore, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None
) -> tuple[pd.DataFrame, str]:
    """:func:`trade.trade` (USD) from the warehouse when it holds trade data, else COW trade from the pack."""
    if _has_trade(wh):
        return tr.trade(wh, a, b, year_from=year_from, year_to=year_to), "warehouse"
    df = cow_dyad_from_pack(wh, a, b, year_from, year_to)
    for c in ("exports_a_to_b", "imports_a_from_b", "turnover"):
        df[c] = df[c] * 1e6  # one unit per column, as trade.trade gives it
    df["unit"] = "USD"
    return df, "pack"


def load_region(
    wh: ChainStore, a: str, b: str, states: list[str], *, year_from: int | None = None, year_to: int | None = None
) -> tuple[pd.DataFrame, str]:
    """:func:`trade_region.region` from the warehouse, else from the pack's COW trade (to 2014)."""
    if _has_trade(wh):
        return trg.region(wh, a, b, states, year_from=year_from, year_to=year_to), "warehouse"
    # Not None: every chain ``api`` opens ends with the embedded pack (a bare pack is never a ChainStore here).
    cast("PackStore", wh.pack).require(a, b, *states)

    def from_pack(
        _wh: object, s: str, who: str, _period: object, *, year_from: int | None = None,
        year_to: int | None = None, **_kw: object,
    ) -> pd.DataFrame:  # fmt: skip
        return load_trade(wh, s, who, year_from=year_from, year_to=year_to)[0]

    return trg.region(None, a, b, states, year_from=year_from, year_to=year_to, trade_fn=from_pack), "pack"


# --------------------------------------------------------------------------- facts


def load_facts(wh: Store) -> tuple[pd.DataFrame, str]:
    """The whole facts table: the warehouse's when it has one, else the pack's."""
    if wh.has("facts"):
        return wh.table("facts").order_by(["metric", "period"]).to_pandas()[FACT_COLUMNS], "warehouse"
    df = wh.derived("published_facts").copy()
    df["period"] = df.period.astype(str)
    return df[FACT_COLUMNS], "pack"


def facts_for(wh: Store, entities: list[str], prefix: str | None = None) -> tuple[pd.DataFrame, str]:
    """:func:`trade_region.facts_for` with the pack fallback."""
    df, basis = load_facts(wh)
    return trg.filter_facts(df, entities, prefix), basis


def currency_shares(wh: Store, entities: list[str]) -> tuple[pd.DataFrame, str]:
    """:func:`trade_region.currency_shares` with the pack fallback."""
    df, basis = facts_for(wh, entities)
    return trg.currency_rows(df), basis


# --------------------------------------------------------------------------- energy


def _has_commodity(wh: Store, commodity: str) -> bool:
    if not wh.has("energy_flows"):
        return False
    t = wh.table("energy_flows")
    return bool(t.filter(t.commodity == commodity).count().to_pandas())


def _energy_pack(store: Store, name: str, importer: str, freq: str) -> pd.DataFrame:
    p = store.derived(name).copy()
    p["period"] = p.period.astype(str)  # years alone would read as integers
    p = p[(p.importer == importer) & (p.freq == freq)]
    if p.empty:
        raise NoDataError(f"The embedded pack has no {name} rows for importer {importer} (freq {freq}).")
    return p


def load_crude(
    wh: PathStore, importer: str, origin: str, *, benchmarks: tuple[str, ...] = (), freq: str = "M"
) -> tuple[pd.DataFrame, str]:
    """:func:`energy.crude` (every period) from the warehouse, else from the pack (its origins only)."""
    if _has_commodity(wh, "crude_oil"):
        return en.crude(wh, importer, origin, None, benchmarks=benchmarks, freq=freq), "warehouse"
    p = _energy_pack(wh, "energy_crude", importer, freq)
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
    return out.reset_index(), "pack"


def load_gains(
    wh: PathStore, importer: str, origin: str, start: str, end: str, *, benchmark: str = "others"
) -> tuple[pd.DataFrame, str]:
    """:func:`energy.gains` from the warehouse, else the pack's monthly gains (benchmark average or others)."""
    if _has_commodity(wh, "crude_oil"):
        return en.gains(wh, importer, origin, start, end, benchmark=benchmark), "warehouse"
    if benchmark not in ("average", "others"):
        raise NoDataError(f"The embedded pack holds gains against the average and the other origins, not {benchmark}.")
    m, _ = load_crude(wh, importer, origin)
    m = m[(m.period >= start) & (m.period <= end)].copy()
    if m.empty:
        raise NoDataError(f"No months between {start} and {end} in the embedded pack.")
    m["benchmark_unit_value"] = m["avg_unit_value" if benchmark == "average" else "others_unit_value"]
    m["gain"] = m[f"gain_vs_{benchmark}"]
    m["cumulative_gain"] = m.gain.cumsum()
    m["benchmark"] = benchmark
    return m[["period", "unit_value", "benchmark", "benchmark_unit_value", "gain", "cumulative_gain"]], "pack"


def load_gas(wh: PathStore, importer: str, freq: str = "A") -> tuple[pd.DataFrame, str]:
    """:func:`energy.gas` (shares by origin) from the warehouse, else from the pack."""
    if _has_commodity(wh, "pipeline_gas"):
        return en.gas(wh, importer, None, freq=freq), "warehouse"
    p = _energy_pack(wh, "energy_gas", importer, freq)
    p = p.sort_values(["period", "share_value"], ascending=[True, False], kind="stable")  # energy.gas's order
    return p.drop(columns=["importer", "freq"]).reset_index(drop=True), "pack"


def load_pipelines(wh: PathStore, name: str | None = None) -> tuple[pd.DataFrame, str]:
    """The pipeline registry (optionally names containing ``name``) from the warehouse, else from the pack."""
    if wh.has("pipelines"):
        return en.pipelines(wh, None, name), "warehouse"
    df = wh.derived("pipeline_registry")
    if name:
        df = df[df.name.str.lower().str.contains(name.lower(), regex=False)]
    return df.reset_index(drop=True), "pack"


def load_comparisons(wh: PathStore) -> tuple[pd.DataFrame, str]:
    """:func:`energy.article_comparisons` over the warehouse's registry, else the pack's."""
    reg, basis = load_pipelines(wh)
    return en.comparisons(reg), basis
