"""Energy imports by origin: shares, unit values, discounts, implied gains; the pipeline registry.

From ``energy_flows`` (value in USD, quantity in tonnes, one row per importer,
origin and month):

* ``share_volume`` / ``share_value``: the origin's part of the importer's total
  (volume shares only over rows that have a quantity);
* ``unit_value`` = value / volume (USD per tonne); ``avg_unit_value`` the same
  over all origins; ``discount`` = 1 − unit_value / avg_unit_value;
* ``discount_vs_XXX`` against a named benchmark origin's unit value;
* implied gains over a period = Σ over months (benchmark unit value − origin
  unit value) × origin volume.

Aggregation runs as Ibis expressions; the small per-period frames are then
finished in pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.indicators.trade import Period, parse_period
from dyadwatch.store import kept

if TYPE_CHECKING:
    from dyadwatch.store import PathStore

COMMODITIES = {"crude": "crude_oil", "crude_oil": "crude_oil", "gas": "pipeline_gas", "pipeline_gas": "pipeline_gas"}
# The comparisons the article makes (capacity in bcm/y); the registry is searched for each.
ARTICLE_PIPELINES = {
    "Power of Siberia": ("China–Russia East Pipeline", 38.0),
    "Power of Siberia 2": ("Power of Siberia 2 Gas Pipeline", 50.0),
    "Nord Stream 1+2": ("Nord Stream", 110.0),
}


def _monthly(wh: PathStore, commodity: str, importer: str) -> pd.DataFrame:
    """Per month and origin: value, volume (rows with a quantity) and the value of those rows."""
    commodity = COMMODITIES.get(commodity, commodity)
    if not wh.has("energy_flows"):
        raise NoDataError(
            f"No energy data in {wh.path}. Fix: `dyadwatch ingest china_crude "
            "china_crude_imports_by_origin_monthly_2020_2023.csv` (or china_gas for pipeline gas)."
        )
    t = wh.table("energy_flows")
    t = t.filter((t.commodity == commodity) & (t.importer == importer))
    g = t.group_by("period", "origin").aggregate(
        value=t.value_usd.sum(),
        volume=t.quantity.sum(),
        value_q=t.value_usd.sum(where=t.quantity.notnull()),
    )
    df = g.to_pandas()
    if df.empty:
        raise NoDataError(f"No {commodity} imports of {importer} in {wh.path}.")
    return df


def _select(df: pd.DataFrame, period: Period | None, freq: str) -> pd.DataFrame:
    """Keep the months of ``period`` and relabel them to the output period (month, year or range)."""
    if period is not None:
        df = df[df.period.isin(period.months())].copy()
        if df.empty:
            raise NoDataError(f"No energy imports in {period.label()}.")
        if (not period.annual and period.m_from != period.m_to) or period.annual:
            have = sorted(df.period.unique())
            if len(have) < len(period.months()):
                missing = sorted(set(period.months()) - set(have))
                raise NoDataError(f"The data lacks months {missing} of {period.label()}; the period cannot be summed.")
            df["period"] = period.label()
        return df
    df = df.copy()
    if freq == "A":
        n = df.groupby(df.period.str[:4]).period.nunique()
        full = n[n == 12].index
        df = df[df.period.str[:4].isin(full)]
        df["period"] = df.period.str[:4]
    return df


@kept
def origin_shares(
    wh: PathStore, commodity: str, importer: str, period: str | Period | None = None, freq: str = "M"
) -> pd.DataFrame:
    """Every origin's volume, value, shares and unit value per period (freq M: months; A: full years)."""
    p = parse_period(period) if isinstance(period, str | int) else period
    df = _select(_monthly(wh, commodity, importer), p, freq)
    g = df.groupby(["period", "origin"], as_index=False)[["value", "volume", "value_q"]].sum(min_count=1)
    tot = g.groupby("period")[["value", "volume", "value_q"]].sum(min_count=1).add_prefix("total_")
    g = g.join(tot, on="period")
    g["share_value"] = g.value / g.total_value
    g["share_volume"] = g.volume / g.total_volume
    g["unit_value"] = g.value_q / g.volume
    g["avg_unit_value"] = g.total_value_q / g.total_volume
    g["discount"] = 1 - g.unit_value / g.avg_unit_value
    cols = ["period", "origin", "volume", "value", "share_volume", "share_value", "unit_value", "avg_unit_value",
            "discount"]  # fmt: skip
    return g[cols].sort_values(["period", "share_value"], ascending=[True, False]).reset_index(drop=True)


@kept
def crude(
    wh: PathStore, importer: str, origin: str, period: str | Period | None = None, *, benchmarks: tuple[str, ...] = (),
    freq: str = "M", commodity: str = "crude_oil",
) -> pd.DataFrame:  # fmt: skip
    """One origin's imports per period: volume (t), value (USD), shares, unit value, discount vs average.

    ``benchmarks``: origins (iso3) to compare unit values with (``discount_vs_SAU`` …).
    """
    s = origin_shares(wh, commodity, importer, period, freq)
    out = s[s.origin == origin].drop(columns="origin").set_index("period")
    if out.empty:
        raise NoDataError(f"No {commodity} imports of {importer} from {origin} in the selected periods.")
    # Average over the other origins too: the all-origin average includes the origin itself.
    rest = s[s.origin != origin].groupby("period")[["value", "volume"]].sum(min_count=1)
    q = s[(s.origin != origin) & s.volume.notna()].groupby("period").value.sum(min_count=1)
    out["others_unit_value"] = q / rest.volume
    out["discount_vs_others"] = 1 - out.unit_value / out.others_unit_value
    for b in benchmarks:
        buv = s[s.origin == b].set_index("period").unit_value
        out[f"unit_value_{b}"] = buv
        out[f"discount_vs_{b}"] = 1 - out.unit_value / buv
    return out.reset_index()


def gains(
    wh: PathStore, importer: str, origin: str, start: str, end: str, *, benchmark: str = "average",
    commodity: str = "crude_oil",
) -> pd.DataFrame:  # fmt: skip
    """Implied gains per month from ``start`` to ``end`` (YYYY-MM): (benchmark − origin unit value) × volume.

    ``benchmark``: ``average`` (all origins), ``others`` (all but the origin) or an origin's iso3.
    Months where either unit value is missing contribute NULL and are counted in ``months_missing``.
    """
    m = crude(wh, importer, origin, None, benchmarks=() if benchmark in ("average", "others") else (benchmark,),
              commodity=commodity)  # fmt: skip
    m = m[(m.period >= start) & (m.period <= end)].copy()
    if m.empty:
        raise NoDataError(f"No months between {start} and {end}.")
    col = {"average": "avg_unit_value", "others": "others_unit_value"}.get(benchmark, f"unit_value_{benchmark}")
    m["benchmark_unit_value"] = m[col]
    m["gain"] = (m.benchmark_unit_value - m.unit_value) * m.volume
    m["cumulative_gain"] = m.gain.cumsum()
    m["benchmark"] = benchmark
    return m[["period", "volume", "unit_value", "benchmark", "benchmark_unit_value", "gain", "cumulative_gain"]]


def gas(wh: PathStore, importer: str, period: str | Period | None = None, freq: str = "A") -> pd.DataFrame:
    """Pipeline-gas imports by origin with shares by value (volumes are NULL when the file derived them)."""
    return origin_shares(wh, "pipeline_gas", importer, period, freq)


@kept
def pipelines(wh: PathStore, country: str | None = None, name: str | None = None) -> pd.DataFrame:
    """The pipeline registry (capacity bcm/y, status, start year), optionally for a country or a name."""
    if not wh.has("pipelines"):
        raise NoDataError(f"No pipelines in {wh.path}. Fix: `dyadwatch ingest gem gem_asia_gas_tracker_utf16.csv`.")
    t = wh.table("pipelines")
    if country:
        t = t.filter(t.countries.contains(country))
    if name:
        t = t.filter(t.name.lower().contains(name.lower()))
    return t.order_by([t.name]).to_pandas()


def article_comparisons(wh: PathStore) -> pd.DataFrame:
    """Capacities the article compares, looked up in the registry (NULL and a note where not found).

    Registry rows are project units (phases, lines, branches): the largest per project is taken and
    projects are summed (Nord Stream 1 and Nord Stream 2 are two projects; the Power of Siberia phases
    share one capacity). Units of other projects that merely mention the name are left out.
    """
    reg = wh.table("pipelines").to_pandas() if wh.has("pipelines") else None
    return comparisons(reg)


def comparisons(registry: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`article_comparisons` over a registry frame (the warehouse's or the embedded pack's)."""
    rows = []
    for label, (name, stated) in ARTICLE_PIPELINES.items():
        cap, status, src = np.nan, None, None
        if registry is not None:
            hit = registry[registry.name.str.lower().str.contains(name.lower(), regex=False)].copy()
            hit["project"] = hit.name.str.split(" – ").str[0]
            hit = hit[hit.project.str.lower().str.contains(name.lower(), regex=False)]
            if not hit.empty:
                cap = float(hit.groupby("project").capacity_bcm_y.max().sum(min_count=1))
                status = ", ".join(sorted(hit.status.dropna().unique()))
                src = ", ".join(sorted(hit.source.unique()))
        note = None if src else "not in the ingested registry (GEM's Asia tracker has no European pipelines)"
        rows.append({"pipeline": label, "registry_name": name, "capacity_bcm_y": cap, "status": status,
                     "article_bcm_y": stated, "source": src, "note": note})  # fmt: skip
    df = pd.DataFrame(rows)
    ns = df.loc[df.pipeline == "Nord Stream 1+2", "capacity_bcm_y"].iloc[0]
    df["share_of_nord_stream"] = df.capacity_bcm_y / ns if not np.isnan(ns) else np.nan
    return df
