"""Bilateral trade per dyad and period: flows, turnover, growth, shares, asymmetry, rank.

Two kinds of data feed it:

* COW trade v4 (``trade_dyad_year`` + ``trade_state_year``): every dyad,
  1870–2014, in million USD. :func:`cow_all_dyads` computes shares, asymmetry
  and rank for all dyads at once, as one Ibis expression (no per-dyad loop).
* Reported flows (``trade_flows``: Comtrade, the China tables, BACI): any
  period, annual or monthly. When a reporter is silent (Russia has not reported
  since 2022) :func:`bilateral` uses the partner's report — a *mirror* figure —
  converting between CIF imports and FOB exports with ``cif_margin`` (see
  ``docs/trade.md`` for the default and its source). Every row names its basis.

Definitions (A, B the dyad; totals are each state's trade with the world):

* ``turnover`` = exports A→B + imports A←B;
* ``share_of_a_trade`` = turnover / (A's exports + imports); likewise for B;
* ``asymmetry`` = share_of_b_trade / share_of_a_trade: how many times more B
  depends on trade with A than A on trade with B (> 1: B is the dependent side);
* ``rank`` = B's rank among A's partners by turnover (1 = largest).

Missing stays NULL: a share without a total is NULL, never 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dyadwatch.errors import NoDataError, PeriodError
from dyadwatch.store import in_years, kept
from dyadwatch.units import DIRECTED, check_join, unit_of

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.store import PathStore, Store

# IMF, Direction of Trade Statistics: a 6% CIF/FOB margin is the standard factor used to
# derive mirror figures (IMF DOTS Guide, 2018, "c.i.f./f.o.b. factor"). See docs/trade.md.
CIF_MARGIN = 0.06
WORLD = "WLD"
OUT_COLUMNS = [
    "period", "exports_a_to_b", "imports_a_from_b", "turnover", "growth", "share_of_a_trade",
    "share_of_b_trade", "asymmetry", "rank", "basis", "basis_exports", "basis_imports",
    "exports_gap", "imports_gap", "unit", "source",
]  # fmt: skip


@dataclass(frozen=True)
class Period:
    """A year, a month, or a year-to-date range of months inside one year."""

    year: int
    m_from: int | None = None  # None: the whole year
    m_to: int | None = None

    @property
    def annual(self) -> bool:
        return self.m_from is None

    def label(self) -> str:
        if self.annual:
            return str(self.year)
        if self.m_from == self.m_to:
            return f"{self.year}-{self.m_from:02d}"
        return f"{self.year}-{self.m_from:02d}..{self.year}-{self.m_to:02d}"

    def months(self) -> list[str]:
        lo, hi = (1, 12) if self.m_from is None or self.m_to is None else (self.m_from, self.m_to)
        return [f"{self.year}-{m:02d}" for m in range(lo, hi + 1)]

    def previous(self) -> Period:
        return Period(self.year - 1, self.m_from, self.m_to)


_P = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def parse_period(text: str | int | None) -> Period | None:
    """``2022`` → the year; ``2023-05`` → a month; ``2023-01..2023-08`` → Jan–Aug 2023 (year to date)."""
    if text is None or text == "":
        return None
    s = str(text).strip()
    parts = s.split("..")
    if len(parts) > 2:
        raise PeriodError(f"Period {s!r}: write a year (2022), a month (2023-05) or a range (2023-01..2023-08).")
    found = [_P.match(p.strip()) for p in parts]
    ms = [m for m in found if m is not None]
    if len(ms) != len(found):
        raise PeriodError(f"Period {s!r} is not understood: write 2022, 2023-05 or 2023-01..2023-08.")
    ys = [int(m.group(1)) for m in ms]
    mo = [int(m.group(2)) if m.group(2) else None for m in ms]
    if any(m is not None and not 1 <= m <= 12 for m in mo):
        raise PeriodError(f"Period {s!r}: months run from 01 to 12.")
    if len(parts) == 1:
        return Period(ys[0], mo[0], mo[0])
    m0, m1 = mo
    if ys[0] != ys[1] or m0 is None or m1 is None:
        raise PeriodError(
            f"Period {s!r}: a range must be months of one year (e.g. 2023-01..2023-08); "
            "for several years use --from/--to."
        )
    if m0 > m1:
        raise PeriodError(f"Period {s!r}: the range ends before it starts.")
    return Period(ys[0], mo[0], mo[1])


# --------------------------------------------------------------------------- COW: every dyad


def _cow_directed(wh: Store, source: str = "cow_trade") -> ir.Table:
    """Directed dyad-years (a, b) from the undirected COW table: both orders, one expression."""
    t = wh.table("trade_dyad_year").filter(lambda t: t.source == source)
    fwd = t.select(a=t.iso3_a, b=t.iso3_b, year=t.year, imports=t.flow1, exports=t.flow2)
    rev = t.select(a=t.iso3_b, b=t.iso3_a, year=t.year, imports=t.flow2, exports=t.flow1)
    return fwd.union(rev, distinct=False)


def cow_all_dyads_expr(
    wh: Store, year_from: int | None = None, year_to: int | None = None, source: str = "cow_trade", a: str | None = None
) -> ir.Table:
    """The Ibis expression behind :func:`cow_all_dyads` (for backends other than DuckDB).

    ``a`` keeps only dyads with that first state: ranks are within (a, year), so this filter is exact.
    """
    import ibis

    d = _cow_directed(wh, source)
    if a is not None:
        d = d.filter(d.a == a)
    if year_from is not None:
        d = d.filter(d.year >= year_from)
    if year_to is not None:
        d = d.filter(d.year <= year_to)
    s = wh.table("trade_state_year").filter(lambda t: t.source == source)
    # One total per state-year: COW lists Germany under 255 and 260 for 1955–1990 (260's totals mostly NULL);
    # joining both rows would duplicate every German dyad. Keep the total that exists (max skips NULL).
    tot = s.group_by([s.iso3, s.year]).aggregate(total=(s.imports + s.exports).max())
    for side in ("a", "b"):  # the directed dyad-years meet the state totals once per side
        check_join(DIRECTED, unit_of("trade_state_year"), state_key=side)
    ta = tot.rename(a="iso3", total_a="total")
    tb = tot.rename(b="iso3", total_b="total")
    d = d.mutate(turnover=d.imports + d.exports)
    j = d.left_join(ta, ["a", "year"]).select(~ibis.selectors.endswith("_right"))
    j = j.left_join(tb, ["b", "year"]).select(~ibis.selectors.endswith("_right"))
    share_a = ibis.ifelse(j.total_a > 0, j.turnover / j.total_a, ibis.null())
    share_b = ibis.ifelse(j.total_b > 0, j.turnover / j.total_b, ibis.null())
    j = j.mutate(share_of_a_trade=share_a, share_of_b_trade=share_b)
    j = j.mutate(
        asymmetry=ibis.ifelse(j.share_of_a_trade > 0, j.share_of_b_trade / j.share_of_a_trade, ibis.null()),
    )
    w = ibis.window(group_by=[j.a, j.year], order_by=ibis.desc(j.turnover))
    j = j.mutate(
        rank=ibis.ifelse(j.turnover.notnull(), (ibis.rank().over(w) + 1).cast("int32"), ibis.null()),
        n_partners=j.turnover.count().over(ibis.window(group_by=[j.a, j.year])),
    )
    return j.select(
        "a", "b", "year", exports_a_to_b="exports", imports_a_from_b="imports", turnover="turnover",
        share_of_a_trade="share_of_a_trade", share_of_b_trade="share_of_b_trade", asymmetry="asymmetry",
        rank="rank", n_partners="n_partners",
    )  # fmt: skip


def cow_all_dyads(wh: PathStore, year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
    """Shares, asymmetry and rank for every directed dyad-year of COW trade (million USD)."""
    _need(wh, "trade_dyad_year", "cow_trade", "cow_trade_ndy.rda")
    _need(wh, "trade_state_year", "cow_trade", "cow_trade_sy.rda")
    # Arrow then pandas: several times faster than Ibis's own to_pandas on 1.3 million rows.
    return cow_all_dyads_expr(wh, year_from, year_to).to_pyarrow().to_pandas()


def cow_dyad(wh: PathStore, a: str, b: str, year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
    """One row per year of COW trade between a and b, in the columns of :data:`OUT_COLUMNS`."""
    _need(wh, "trade_dyad_year", "cow_trade", "cow_trade_ndy.rda")
    # Read one year before the window: growth compares with the previous year, and a window never changes a
    # value (ranks and shares are within a year, so the wider read leaves them as they are).
    lo = year_from - 1 if year_from is not None else None
    e = cow_all_dyads_expr(wh, lo, year_to, a=a) if wh.has("trade_state_year", "cow_trade") else None
    if e is None:  # no totals: flows only, shares NULL
        d = _cow_directed(wh)
        d = d.filter((d.a == a) & (d.b == b))
        df = d.to_pandas().rename(columns={"exports": "exports_a_to_b", "imports": "imports_a_from_b"})
        df["turnover"] = df.exports_a_to_b + df.imports_a_from_b
        for c in ("share_of_a_trade", "share_of_b_trade", "asymmetry", "rank"):
            df[c] = np.nan
    else:
        df = e.filter((e.a == a) & (e.b == b)).to_pandas()
    df = df.sort_values("year").reset_index(drop=True)
    prev = df.set_index("year").turnover
    df["growth"] = [_growth(t, prev.get(y - 1)) for y, t in zip(df.year, df.turnover, strict=True)]
    df = in_years(df, year_from, year_to)
    df = df.reset_index(drop=True)
    df["period"] = df.year.astype(str)
    df["basis"] = df["basis_exports"] = df["basis_imports"] = "reported"
    df["exports_gap"] = df["imports_gap"] = np.nan
    df["unit"] = "million USD"
    df["source"] = "cow_trade"
    return df[OUT_COLUMNS]


def _growth(now: float | None, before: float | None) -> float:
    if before is None or now is None or pd.isna(now) or pd.isna(before) or before == 0:
        return np.nan
    return float(now) / float(before) - 1.0


def _need(wh: PathStore, table: str, source: str, file: str) -> None:
    if not wh.has(table, source):
        raise NoDataError(f"No {table!r} rows from {source!r} in {wh.path}. Fix: `dyadwatch ingest {source} {file}`.")


# --------------------------------------------------------------------------- reported/mirror flows

# When several sources report the same flow, the first in this list wins.
SOURCE_PREFERENCE = ("comtrade", "china_tables", "baci")


def _dyad_rows(wh: Store, a: str, b: str) -> pd.DataFrame:
    """Total-trade rows (one per source/basis/reporter/partner/period/flow) for a, b and their world totals."""
    t = wh.table("trade_flows")
    t = t.filter(t.reporter.isin([a, b]) & (t.partner.isin([a, b, WORLD])) & (t.reporter != t.partner))
    df = t.select(
        "source", "basis", "reporter", "partner", "period", "freq", "flow", "hs_level", "hs_code", "value_usd"
    ).to_pandas()
    if df.empty:
        return df
    # The same flow ingested from two files of one source (e.g. a revised download) counts once.
    df = df.drop_duplicates(["source", "basis", "reporter", "partner", "period", "freq", "flow", "hs_code"])
    # Totals: the TOTAL row where given, else the sum at the coarsest HS level present (chapters sum to the total).
    keys = ["source", "basis", "reporter", "partner", "period", "freq", "flow"]
    coarsest = df.groupby(keys, dropna=False).hs_level.transform("min")
    df = df[df.hs_level == coarsest]
    return df.groupby(keys, dropna=False, as_index=False).value_usd.sum(min_count=1)


def _value(
    rows: pd.DataFrame, period: Period, reporter: str, partner: str, flow: str, basis: str
) -> tuple[float, str | None]:
    """Value of one flow in ``period`` (summing months when needed) and the source it came from."""
    r = rows[(rows.reporter == reporter) & (rows.partner == partner) & (rows.flow == flow) & (rows.basis == basis)]
    if r.empty:
        return np.nan, None
    for src in sorted(r.source.unique(), key=lambda s: SOURCE_PREFERENCE.index(s) if s in SOURCE_PREFERENCE else 99):
        rs = r[r.source == src]
        if period.annual:
            ann = rs[(rs.freq == "A") & (rs.period == str(period.year))]
            if not ann.empty:
                return float(ann.value_usd.iloc[0]), src
        months = rs[(rs.freq == "M") & rs.period.isin(period.months())]
        if len(months) == len(period.months()) and months.value_usd.notna().all():
            return float(months.value_usd.sum()), src
    return np.nan, None


def _direction(
    rows: pd.DataFrame, period: Period, reporter: str, partner: str, flow: str, cif_margin: float
) -> tuple[float, str | None, str | None, float]:
    """A's flow as reported, else as mirrored from the partner's report; with the reporter-vs-mirror gap."""
    own, src = _value(rows, period, reporter, partner, flow, "reported")
    mirror_flow = "M" if flow == "X" else "X"
    mir, msrc = _value(rows, period, partner, reporter, mirror_flow, "reported")
    # Exports are valued FOB, imports CIF: partner imports (CIF) → our exports (FOB) divide by 1+margin.
    if not np.isnan(mir):
        mir = mir / (1 + cif_margin) if flow == "X" else mir * (1 + cif_margin)
    gap = (mir / own - 1.0) if (not np.isnan(own) and not np.isnan(mir) and own) else np.nan
    if not np.isnan(own):
        return own, "reported", src, gap
    if not np.isnan(mir):
        return mir, "mirror", msrc, np.nan
    # Reconciled datasets (BACI) hold exporter→importer FOB flows only: A's imports are B's exports to A.
    est, esrc = (
        _value(rows, period, reporter, partner, "X", "estimated")
        if flow == "X"
        else _value(rows, period, partner, reporter, "X", "estimated")
    )
    if not np.isnan(est):
        return est, "estimated", esrc, np.nan
    return np.nan, None, None, np.nan


def _total(rows: pd.DataFrame, period: Period, who: str, wh: Store | None = None, estimated: bool = False) -> float:
    """A state's total trade (X + M with the world): reported, else the partners' mirror totals.

    With ``estimated`` (the dyad's flows came from a reconciled dataset such as BACI), the total is
    the same dataset's sum of the state's exports and imports, so numerator and denominator agree.
    """
    if estimated and wh is not None:
        t = wh.table("trade_flows")
        t = t.filter((t.basis == "estimated") & (t.flow == "X") & ((t.reporter == who) | (t.partner == who)))
        t = t.filter(t.period.isin([str(period.year)] if period.annual else period.months()))
        v = t.aggregate(v=t.value_usd.sum()).to_pandas().v.iloc[0]
        return float(v) if v is not None and not pd.isna(v) else np.nan
    vals = []
    for flow in ("X", "M"):
        v, _ = _value(rows, period, who, WORLD, flow, "reported")
        if np.isnan(v):
            v, _ = _value(rows, period, who, WORLD, flow, "mirror")
        vals.append(v)
    return float(np.sum(vals)) if not any(np.isnan(vals)) else np.nan


def _periods(rows: pd.DataFrame, period: Period | None, lo: int | None = None, hi: int | None = None) -> list[Period]:
    if period is not None:
        return [period]
    years = sorted({int(p[:4]) for p in rows.period.unique()})
    return [Period(y) for y in years if (lo is None or y >= lo) and (hi is None or y <= hi)]


def bilateral(
    wh: PathStore, a: str, b: str, period: str | Period | None = None, *, cif_margin: float = CIF_MARGIN,
    rank: bool = True, year_from: int | None = None, year_to: int | None = None,
) -> pd.DataFrame:  # fmt: skip
    """A's trade with B per period from reported flows, with mirror figures where A or B is silent.

    ``period``: None (every year with data), a year, a month or a year-to-date range
    (``"2023-01..2023-08"``); growth compares with the same months a year earlier.
    Values in USD. Falls back to COW trade (million USD, to 2014) when no flows are ingested.
    """
    if isinstance(period, str | int):
        period = parse_period(period)
    if not wh.has("trade_flows"):
        if wh.has("trade_dyad_year", "cow_trade"):
            yf = period.year if period is not None else None
            if period is not None and not period.annual:
                raise NoDataError(
                    "COW trade is annual only; monthly periods need Comtrade flows (`dyadwatch ingest comtrade`)."
                )
            return cow_dyad(wh, a, b, yf, yf)
        raise NoDataError(
            f"No trade data in {wh.path}. Fix: `dyadwatch ingest cow_trade cow_trade_ndy.rda cow_trade_sy.rda` "
            "or `dyadwatch ingest comtrade FILE`."
        )
    rows = _dyad_rows(wh, a, b)
    if rows.empty:
        raise NoDataError(f"No reported or mirror trade between {a} and {b} in {wh.path}.")
    out = []
    for p in _periods(rows, period, year_from, year_to):
        rec = _row(rows, p, a, b, cif_margin, wh)
        prev = _row(rows, p.previous(), a, b, cif_margin, wh)
        rec["growth"] = _growth(rec["turnover"], prev["turnover"])
        if rank:
            rec["rank"] = partner_rank(wh, a, b, p, cif_margin=cif_margin)
        out.append(rec)
    df = pd.DataFrame(out, columns=OUT_COLUMNS)  # no period in the window: an empty frame, not one without columns
    df = df[df.exports_a_to_b.notna() | df.imports_a_from_b.notna()]
    if df.empty:
        raise NoDataError(f"No trade between {a} and {b} for {period.label() if period else 'any period'}.")
    return df[OUT_COLUMNS].reset_index(drop=True)


def _row(rows: pd.DataFrame, p: Period, a: str, b: str, cif_margin: float, wh: Store | None = None) -> dict[str, Any]:
    x, bx, sx, gx = _direction(rows, p, a, b, "X", cif_margin)
    m, bm, sm, gm = _direction(rows, p, a, b, "M", cif_margin)
    turnover = x + m if not (np.isnan(x) or np.isnan(m)) else np.nan
    est = "estimated" in (bx, bm)
    ta, tb = _total(rows, p, a, wh, est), _total(rows, p, b, wh, est)
    sa = turnover / ta if ta and not np.isnan(ta) else np.nan
    sb = turnover / tb if tb and not np.isnan(tb) else np.nan
    bases = {bx, bm} - {None}
    return {
        "period": p.label(), "exports_a_to_b": x, "imports_a_from_b": m, "turnover": turnover,
        "share_of_a_trade": sa, "share_of_b_trade": sb,
        "asymmetry": sb / sa if sa and not np.isnan(sa) and not np.isnan(sb) else np.nan,
        "rank": np.nan, "growth": np.nan,
        "basis": next((x for x in ("estimated", "mirror", "reported") if x in bases), None),
        "basis_exports": bx, "basis_imports": bm, "exports_gap": gx, "imports_gap": gm, "unit": "USD",
        "source": ",".join(sorted({s for s in (sx, sm) if s})) or None,
    }  # fmt: skip


@kept  # the rank of each of A's partners in a year reads the same table
def partner_turnover(wh: Store, a: str, period: Period, *, cif_margin: float = CIF_MARGIN) -> pd.DataFrame:
    """A's turnover with each partner in ``period``: A's own report, else the partner's (mirror)."""
    import ibis

    t = wh.table("trade_flows")
    t = t.filter(((t.reporter == a) | (t.partner == a)) & (t.reporter != t.partner) & (t.partner != WORLD))
    t = t.filter(t.period.isin([str(period.year)] if period.annual else period.months()))
    t = t.filter(t.basis == "reported")
    lvl = t.hs_level.min().over(ibis.window(group_by=[t.source, t.reporter, t.partner, t.period, t.flow]))
    t = t.mutate(_lvl=lvl).filter(lambda t: t.hs_level == t._lvl)
    g = t.group_by("source", "reporter", "partner", "flow", "freq").aggregate(v=t.value_usd.sum(), n=t.period.nunique())
    df = g.to_pandas()
    if df.empty:
        return _estimated_partner_turnover(wh, a, period)
    need = 1 if period.annual else len(period.months())
    df = df[(df.freq == "A") | (df.n == need)] if period.annual else df[(df.freq == "M") & (df.n == need)]
    if period.annual:
        df = df[df.freq == "A"]
    df["pref"] = df.source.map(lambda s: SOURCE_PREFERENCE.index(s) if s in SOURCE_PREFERENCE else 99)
    df = df.sort_values("pref").drop_duplicates(["reporter", "partner", "flow"])
    own = df[df.reporter == a].pivot_table(index="partner", columns="flow", values="v", aggfunc="sum")
    mir = df[df.partner == a].pivot_table(index="reporter", columns="flow", values="v", aggfunc="sum")
    own = own.reindex(columns=["X", "M"])
    mir = mir.reindex(columns=["X", "M"])
    # Partner imports (CIF) mirror A's exports (FOB); partner exports (FOB) mirror A's imports (CIF).
    mx = mir["M"] / (1 + cif_margin)
    mm = mir["X"] * (1 + cif_margin)
    idx = own.index.union(mir.index)
    x = own["X"].reindex(idx).fillna(mx.reindex(idx))
    m = own["M"].reindex(idx).fillna(mm.reindex(idx))
    both_own = own["X"].reindex(idx).notna() & own["M"].reindex(idx).notna()
    out = pd.DataFrame(
        {"partner": idx, "turnover": (x + m).to_numpy(), "basis": np.where(both_own, "reported", "mirror")}
    )
    return out.dropna(subset=["turnover"]).sort_values("turnover", ascending=False).reset_index(drop=True)


def _estimated_partner_turnover(wh: Store, a: str, period: Period) -> pd.DataFrame:
    """A's turnover with each partner from a reconciled dataset (BACI: exporter → importer flows)."""
    import ibis

    t = wh.table("trade_flows")
    t = t.filter((t.basis == "estimated") & (t.flow == "X") & ((t.reporter == a) | (t.partner == a)))
    t = t.filter(t.period.isin([str(period.year)] if period.annual else period.months()))
    other = ibis.ifelse(t.reporter == a, t.partner, t.reporter)
    g = t.mutate(p=other).group_by("p").aggregate(turnover=t.value_usd.sum()).to_pandas()
    g = g.rename(columns={"p": "partner"}).assign(basis="estimated")
    return g.sort_values("turnover", ascending=False).reset_index(drop=True)


def partner_rank(wh: Store, a: str, b: str, period: Period, *, cif_margin: float = CIF_MARGIN) -> float:
    """B's rank (1 = largest) among A's partners by turnover in ``period``; NULL if B is not among them."""
    pt = partner_turnover(wh, a, period, cif_margin=cif_margin)
    if pt.empty or b not in set(pt.partner):
        return np.nan
    tb = float(pt.loc[pt.partner == b, "turnover"].iloc[0])
    return float((pt.turnover > tb).sum() + 1)


@kept  # a report asks for one dyad's trade from five places; a year's ranks read every partner's flows
def trade(
    wh: PathStore, a: str, b: str, period: str | Period | None = None, *, year_from: int | None = None,
    year_to: int | None = None, source: str | None = None, cif_margin: float = CIF_MARGIN, rank: bool = True,
) -> pd.DataFrame:  # fmt: skip
    """The ``dyadwatch trade`` table: reported/mirror flows where ingested, COW trade for other years.

    ``source``: ``cow_trade`` (COW only), ``flows`` (trade_flows only) or None (both, flows win).
    """
    if isinstance(period, str | int):
        period = parse_period(period)
    parts = []
    if source in (None, "flows") and wh.has("trade_flows"):
        try:
            parts.append(
                bilateral(wh, a, b, period, cif_margin=cif_margin, rank=rank, year_from=year_from, year_to=year_to)
            )
        except NoDataError:
            if source == "flows":
                raise
    if source in (None, "cow_trade") and wh.has("trade_dyad_year", "cow_trade") and (period is None or period.annual):
        yf = period.year if period else year_from
        yt = period.year if period else year_to
        try:
            cow = cow_dyad(wh, a, b, yf, yt)
            # COW is in million USD; convert so one column has one unit.
            for c in ("exports_a_to_b", "imports_a_from_b", "turnover"):
                cow[c] = cow[c] * 1e6
            cow["unit"] = "USD"
            if parts:
                # Where both cover a year, keep the row with more of the shares (flows win ties).
                flows = parts[0]
                n_sh = ["share_of_a_trade", "share_of_b_trade"]
                fl = flows.set_index("period")[n_sh].notna().sum(axis=1)
                cw = cow.set_index("period")[n_sh].notna().sum(axis=1)
                better = [p for p in cw.index if p in fl.index and cw[p] > fl[p]]
                parts[0] = flows[~flows.period.isin(better)]
                cow = cow[~cow.period.isin(set(parts[0].period))]
            parts.append(cow)
        except NoDataError:
            pass
    if not parts and period is not None and not period.annual:
        raise NoDataError(
            f"No monthly trade flows for {a}–{b} in {period.label()} in {wh.path}: year-to-date figures need a "
            "Comtrade monthly file (`dyadwatch ingest comtrade FILE`); COW trade is annual and ends in 2014."
        )
    if not parts:
        raise NoDataError(
            f"No trade data for {a}–{b}{' in ' + period.label() if period else ''} in {wh.path}. Fix: "
            "`dyadwatch ingest cow_trade cow_trade_ndy.rda cow_trade_sy.rda` or `dyadwatch ingest comtrade FILE`."
        )
    df = (
        pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) else parts[0]
    )
    df = df.sort_values("period").reset_index(drop=True)
    if period is None and (year_from is not None or year_to is not None):
        y = df.period.str[:4].astype(int)
        df = df[(y >= (year_from or -9999)) & (y <= (year_to or 9999))].reset_index(drop=True)
        if df.empty:  # the window left nothing: say so (a period's empty answer stays empty for the claims)
            _no_trade_in_window(wh, a, b, year_from, year_to)
    return df


def _no_trade_in_window(wh: PathStore, a: str, b: str, year_from: int | None, year_to: int | None) -> None:
    raise NoDataError(
        f"No trade between {a} and {b} in {year_from or '…'}–{year_to or '…'} in {wh.path}: COW trade ends in "
        "2014 and the ingested flows hold no later report of this dyad. Fix: choose earlier years, or ingest "
        "Comtrade/BACI files that cover them."
    )


def coverage_notes(df: pd.DataFrame, a: str, b: str) -> list[str]:
    """Sentences for readers about the basis of the figures (mirror use, COW's end year)."""
    notes = []
    mir_x = df[df.basis_exports == "mirror"].period.tolist()
    mir_m = df[df.basis_imports == "mirror"].period.tolist()
    if mir_x:
        notes.append(
            f"{a}'s exports to {b} for {_span(mir_x)} are mirror figures: {b}'s reported imports "
            f"(CIF, divided by 1 + CIF margin)."
        )
    if mir_m:
        notes.append(
            f"{a}'s imports from {b} for {_span(mir_m)} are mirror figures: {b}'s reported exports "
            f"(FOB, multiplied by 1 + CIF margin)."
        )
    if (df.source == "cow_trade").any():
        notes.append("Years to 2014 from COW trade v4 (million USD converted to USD); COW ends in 2014.")
    return notes


def _span(periods: list[str]) -> str:
    """'2014', '2015', '2016', '2018' → '2014–2016, 2018' (runs of consecutive years or months)."""
    ps = sorted(periods)
    runs: list[list[str]] = []
    for p in ps:
        if runs and _next(runs[-1][-1]) == p:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _next(p: str) -> str | None:
    if re.fullmatch(r"\d{4}", p):
        return str(int(p) + 1)
    m = re.fullmatch(r"(\d{4})-(\d{2})", p)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        return f"{y + mo // 12}-{mo % 12 + 1:02d}"
    return None


def reporting_notes(wh: Store, df: pd.DataFrame, a: str, b: str) -> list[str]:
    """Who stopped reporting and what the figures after that rest on, in words."""
    notes: list[str] = []
    if df.empty or not wh.has("trade_flows"):
        return notes
    last = {w: last_reported(wh, w) for w in (a, b)}
    latest = max((v or "")[:4] for v in last.values())
    end = str(df.period.max())[:4]
    for w in (a, b):
        lr = last[w]
        if lr is None:
            notes.append(f"{w} reports no flows in the warehouse; its side comes from its partners' reports (mirror).")
        elif lr[:4] < latest:
            notes.append(f"{w} has not reported since {lr[:4]}; later figures use its partners' reports (mirror).")
    if end < latest:
        notes.append(
            f"No bilateral figures after {end}: the ingested files hold no report of this dyad's trade for later "
            "years (published headline figures can be added with `dyadwatch ingest facts FILE`)."
        )
    return notes


@kept  # a scan of the reporter's flows
def last_reported(wh: Store, reporter: str) -> str | None:
    """The last period in which ``reporter`` reported any flow itself (None: never, in this warehouse)."""
    if not wh.has("trade_flows"):
        return None
    t = wh.table("trade_flows")
    v = t.filter((t.reporter == reporter) & (t.basis == "reported")).period.max().to_pandas()
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
