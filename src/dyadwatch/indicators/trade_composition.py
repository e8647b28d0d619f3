"""What a dyad trades: composition by HS section/chapter, top products, concentration and WITS indices.

Formulas (WITS, "Trade Indicators" definitions; see docs/trade.md):

* HHI = Σ s_k² over products k (s_k the product's share); normalised
  HHI = (HHI − 1/N) / (1 − 1/N), N the number of products;
* trade intensity TII_ij = (x_ij / X_i) / (x_wj / X_w);
* trade complementarity TCI_ij = 100 · (1 − Σ_k |m_ik − x_jk| / 2), m_ik the
  share of k in i's imports, x_jk the share of k in j's exports;
* revealed comparative advantage RCA_ik = (x_ik / X_i) / (x_wk / X_w);
* Grubel–Lloyd GL_ij = Σ_k (x_ijk + x_jik − |x_ijk − x_jik|) / Σ_k (x_ijk + x_jik).

:func:`all_dyad_indices` computes TII, GL, HHI for every dyad and RCA for every
exporter-product from ``trade_flows`` in one pass of Ibis expressions (the
BACI benchmark runs it on ~8 million HS6 flows).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.indicators.trade import CIF_MARGIN, SOURCE_PREFERENCE, Period, parse_period
from dyadwatch.store import kept

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.store import Store

# The HS sections by chapter range (the nomenclature itself, identical in every HS vintage since 1988).
SECTIONS = [
    ("I", 1, 5, "Live animals; animal products"), ("II", 6, 14, "Vegetable products"),
    ("III", 15, 15, "Animal or vegetable fats and oils"), ("IV", 16, 24, "Prepared foodstuffs; beverages; tobacco"),
    ("V", 25, 27, "Mineral products"), ("VI", 28, 38, "Products of the chemical or allied industries"),
    ("VII", 39, 40, "Plastics and rubber"), ("VIII", 41, 43, "Raw hides, skins, leather, furskins"),
    ("IX", 44, 46, "Wood and articles of wood"), ("X", 47, 49, "Pulp of wood; paper and paperboard"),
    ("XI", 50, 63, "Textiles and textile articles"), ("XII", 64, 67, "Footwear, headgear"),
    ("XIII", 68, 70, "Articles of stone, ceramic, glass"), ("XIV", 71, 71, "Pearls, precious stones and metals"),
    ("XV", 72, 83, "Base metals and articles thereof"), ("XVI", 84, 85, "Machinery and electrical equipment"),
    ("XVII", 86, 89, "Vehicles, aircraft, vessels"), ("XVIII", 90, 92, "Optical, medical, precision instruments"),
    ("XIX", 93, 93, "Arms and ammunition"), ("XX", 94, 96, "Miscellaneous manufactured articles"),
    ("XXI", 97, 97, "Works of art, antiques"), ("XXII", 98, 99, "Special and unspecified"),
]  # fmt: skip
LEVELS = {"section": 2, "chapter": 2, "heading": 4, "hs4": 4, "hs6": 6, "product": 6}


def section_of(chapter: str) -> str:
    c = int(chapter[:2])
    return next((s for s, lo, hi, _ in SECTIONS if lo <= c <= hi), "XXII")


def hhi(values: pd.Series) -> tuple[float, float]:
    """(HHI, normalised HHI) of positive values; NULLs if there are none."""
    v = pd.Series(values, dtype="float64").dropna()
    v = v[v > 0]
    if v.empty:
        return np.nan, np.nan
    s = v / v.sum()
    h = float((s**2).sum())
    n = len(s)
    return h, (float((h - 1 / n) / (1 - 1 / n)) if n > 1 else 1.0)


def _product_rows(wh: Store, a: str, b: str, p: Period | None, flow: str) -> tuple[pd.DataFrame, str]:
    """Product rows of A's flow with B in period p: A's report, else B's (mirror), else a reconciled dataset."""
    t = wh.table("trade_flows")
    if p is None:  # "" (or None) parses to no period: the AttributeError `p.annual` always gave, saying why
        raise AttributeError("composition needs a period (a year, a month or 2023-01..2023-08); got none")
    periods = [str(p.year)] if p.annual else p.months()
    mirror_flow = "M" if flow == "X" else "X"
    # BACI-style data hold exporter → importer flows only: A's imports from B are B's exports to A.
    est = (a, b) if flow == "X" else (b, a)
    for basis, rep, par, fl, stored in (
        ("reported", a, b, flow, "reported"),
        ("mirror", b, a, mirror_flow, "reported"),
        ("estimated", *est, "X", "estimated"),
    ):
        q = t.filter((t.reporter == rep) & (t.partner == par) & (t.flow == fl) & (t.hs_level > 0))
        q = q.filter(t.period.isin(periods) & (t.basis == stored))
        df = q.select("source", "period", "hs_level", "hs_code", "value_usd", "hs_version").to_pandas()
        if not df.empty:
            pref = {s: i for i, s in enumerate(SOURCE_PREFERENCE)}
            src = min(df.source.unique(), key=lambda s: (pref.get(s, 99), s))
            return df[df.source == src], basis
    raise NoDataError(
        f"No product-level trade for {a}'s {'exports to' if flow == 'X' else 'imports from'} {b} in {p.label()} "
        "(reported by either side). Ingest a Comtrade or BACI file with HS detail."
    )


@kept  # a scan of the dyad's HS-chapter flows
def latest_chapters(wh: Store, a: str, b: str) -> tuple[str, str, str] | None:
    """(reporter, flow, period) of the latest HS-chapter report of the dyad's trade, either direction; None if
    no file holds one."""
    if not wh.has("trade_flows"):
        return None
    t = wh.table("trade_flows")
    q = t.filter((t.hs_level == 2) & (((t.reporter == a) & (t.partner == b)) | ((t.reporter == b) & (t.partner == a))))
    rows = q.select("reporter", "flow", "period").distinct().to_pandas()
    if rows.empty:
        return None
    r = rows.sort_values("period").iloc[-1]
    return str(r.reporter), str(r.flow), str(r.period)


@kept
def composition(
    wh: Store, a: str, b: str, period: str | Period, *, level: str = "chapter", flow: str = "X", top: int | None = None
) -> pd.DataFrame:
    """A's exports to (flow X) or imports from (flow M) B by HS section, chapter, heading or HS6, with shares."""
    p = parse_period(period) if not isinstance(period, Period) else period
    if level not in LEVELS:
        raise ValueError(f"level must be one of {sorted(LEVELS)}, not {level!r}")
    df, basis = _product_rows(wh, a, b, p, flow)
    assert p is not None  # _product_rows raises on a missing period
    digits = LEVELS[level]
    have = sorted(df.hs_level.unique())
    use = next((lv for lv in have if lv >= digits), None)
    if use is None:
        raise NoDataError(f"The data have HS levels {have}; level {level!r} needs {digits}-digit codes.")
    d = df[df.hs_level == use].copy()
    if not p.annual and d.period.nunique() < len(p.months()):
        raise NoDataError(f"Months missing in {p.label()}; the period cannot be summed.")
    d["code"] = d.hs_code.str[:digits]
    if level == "section":
        d["code"] = d.code.map(section_of)
    g = d.groupby("code", as_index=False).value_usd.sum()
    if basis == "mirror" and flow == "X":  # partner's CIF imports → our FOB exports
        g["value_usd"] = g.value_usd / (1 + CIF_MARGIN)
    elif basis == "mirror":
        g["value_usd"] = g.value_usd * (1 + CIF_MARGIN)
    total = g.value_usd.sum()
    g["share"] = g.value_usd / total
    g["description"] = g.code.map(_descriptions(wh, level))
    if level != "section":
        g["section"] = g.code.map(section_of)
    g["basis"] = basis
    g["period"] = p.label()
    g = g.sort_values("value_usd", ascending=False).reset_index(drop=True)
    return g.head(top) if top else g


def _descriptions(wh: Store, level: str) -> dict[str, str]:
    if level == "section":
        return {s: name for s, _, _, name in SECTIONS}
    if not wh.has("hs_codes"):
        return {}
    t = wh.table("hs_codes")
    df = t.filter(t.hs_level == LEVELS[level]).select("hs_code", "description").to_pandas()
    return dict(zip(df.hs_code, df.description, strict=True))


def concentration(
    wh: Store, a: str, b: str, period: str | Period, *, flow: str = "X", level: str = "hs6"
) -> dict[str, Any]:
    """Product concentration of A's flow with B: HHI and normalised HHI over products at ``level``."""
    c = composition(wh, a, b, period, level=level, flow=flow)
    h, hn = hhi(c.value_usd)
    return {"hhi": h, "hhi_normalised": hn, "n_products": int((c.value_usd > 0).sum()), "basis": c.basis.iloc[0]}


# --------------------------------------------------------------------------- all dyads (BACI-style data)


def _div(num: ir.NumericValue, den: ir.NumericValue) -> ir.NumericValue:
    """num / den, NULL when den is 0 or NULL on every engine (DuckDB gives NULL, ANSI Spark would raise)."""
    return num / den.nullif(0)


def _flows_expr(wh: Store, period: str, source: str | None, level: int) -> ir.Table:
    """Exporter → importer product flows (FOB): exporters' X rows as reported, the layout BACI has."""
    t = wh.table("trade_flows")
    t = t.filter((t.period == period) & (t.flow == "X") & (t.hs_level == level))
    if source:
        t = t.filter(t.source == source)
    return t.select(i=t.reporter, j=t.partner, k=t.hs_code, v=t.value_usd)


def all_dyad_indices_expr(
    wh: Store, period: str, *, source: str | None = "baci", level: int = 6, coded: ir.Table | None = None
) -> tuple[ir.Table, ir.Table]:
    """Ibis expressions: per dyad TII, Grubel–Lloyd, HHI, shares, asymmetry, rank; RCA per exporter-product.

    ``coded`` is the flows table with small-integer country codes (see :func:`all_dyad_indices`), which
    makes the 8-million-row joins and group-bys hash integers instead of strings; without it the
    expressions are built on the string codes directly (same results, slower).
    """
    import ibis

    f = coded if coded is not None else _flows_expr(wh, period, source, level)
    dyad = f.group_by("i", "j").aggregate(x_ij=f.v.sum(), sq=(f.v * f.v).sum(), n=f.count())
    exp_tot = f.group_by("i").aggregate(X_i=f.v.sum())
    imp_tot = f.group_by("j").aggregate(M_j=f.v.sum())
    world = f.aggregate(X_w=f.v.sum())
    # Every pair trading in either direction; a pair with flows only j → i has x_ij = 0 (BACI covers all trade).
    pairs = dyad.select("i", "j").union(dyad.select(i=dyad.j, j=dyad.i), distinct=True)
    d = pairs.left_join(dyad, ["i", "j"]).select(~ibis.selectors.endswith("_right"))
    d = d.mutate(x_ij=d.x_ij.fill_null(0))
    d = d.left_join(exp_tot, "i").select(~ibis.selectors.endswith("_right"))
    d = d.left_join(imp_tot, "j").select(~ibis.selectors.endswith("_right")).cross_join(world)
    d = d.mutate(
        tii=_div(_div(d.x_ij, d.X_i), _div(d.M_j, d.X_w)),
        hhi=ibis.ifelse(d.x_ij > 0, d.sq / (d.x_ij * d.x_ij), ibis.null()),
    )
    d = d.mutate(
        hhi_normalised=ibis.ifelse(d.n > 1, (d.hhi - 1 / d.n) / (1 - 1 / d.n), ibis.ifelse(d.n == 1, 1.0, ibis.null()))
    )
    # Grubel–Lloyd: pair each product flow with its reverse, once per unordered pair (i < j), then mirror.
    a = f.filter(f.i < f.j)
    b = f.filter(f.i > f.j).rename(i_r="i", j_r="j", v_r="v", k_r="k")  # both sides halved
    pair = a.join(b, [a.i == b.j_r, a.j == b.i_r, a.k == b.k_r]).select(a.i, a.j, m=ibis.least(a.v, b.v_r))
    num = pair.group_by("i", "j").aggregate(gl_num=(2 * pair.m).sum())
    num = num.union(num.select(i=num.j, j=num.i, gl_num=num.gl_num))
    rev = dyad.select(i=dyad.j, j=dyad.i, x_ji=dyad.x_ij)
    d = d.left_join(rev, ["i", "j"]).select(~ibis.selectors.endswith("_right"))
    d = d.left_join(num, ["i", "j"]).select(~ibis.selectors.endswith("_right"))
    x_ji = d.x_ji.fill_null(0)
    d = d.mutate(grubel_lloyd=_div(d.gl_num.fill_null(0), d.x_ij + x_ji), turnover=d.x_ij + x_ji)
    # Shares of each side's total trade (its exports + imports in the same data), asymmetry and rank.
    tot = exp_tot.join(imp_tot, exp_tot.i == imp_tot.j, how="outer").select(
        c=ibis.coalesce(exp_tot.i, imp_tot.j), total=exp_tot.X_i.fill_null(0) + imp_tot.M_j.fill_null(0)
    )
    d = d.left_join(tot.rename(total_i="total"), d.i == tot.c).drop("c")
    d = d.left_join(tot.rename(total_j="total"), d.j == tot.c).drop("c")
    d = d.mutate(share_of_a_trade=_div(d.turnover, d.total_i), share_of_b_trade=_div(d.turnover, d.total_j))
    d = d.mutate(asymmetry=_div(d.share_of_b_trade, d.share_of_a_trade))
    d = d.mutate(rank=(ibis.rank().over(group_by=d.i, order_by=ibis.desc(d.turnover)) + 1).cast("int32"))
    d = d.drop("sq", "gl_num", "total_i", "total_j")
    prod = f.group_by("i", "k").aggregate(x_ik=f.v.sum())
    wprod = f.group_by("k").aggregate(x_wk=f.v.sum())
    rca = prod.join(exp_tot, "i").join(wprod, "k").cross_join(world)
    rca = rca.mutate(rca=_div(_div(rca.x_ik, rca.X_i), _div(rca.x_wk, rca.X_w)))
    if coded is not None:  # integer product codes back to zero-padded HS text, in the engine
        rca = rca.mutate(k=rca.k.cast("string").lpad(level, "0"))
    rca = rca.select("i", "k", "x_ik", "rca")
    return d, rca


def all_dyad_indices(
    wh: Store, period: str, *, source: str | None = "baci", level: int = 6
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dyads: i, j, x_ij, tii, hhi, hhi_normalised, grubel_lloyd, shares, asymmetry, rank; products: i, k, x_ik, rca).

    The flows of the period are first materialised once (``Table.cache``: a temporary table on DuckDB, a
    persisted DataFrame on Spark) with small-integer country and product codes (the engine then hashes
    integers, not strings); results carry iso3 codes again.
    """
    import ibis

    f = _flows_expr(wh, period, source, level)
    codes = f.select(iso=f.i).union(f.select(iso=f.j)).distinct()
    codes = codes.mutate(n=(ibis.row_number().over(order_by=codes.iso) + 1).cast("int32"))
    cached = []
    try:
        ctab = codes.cache()
        cached.append(ctab)
        ci, cj = ctab.rename(ci="iso", ni="n"), ctab.rename(cj="iso", nj="n")
        coded = f.join(ci, f.i == ci.ci).join(cj, f.j == cj.cj)
        ftab = coded.select(i=coded.ni, j=coded.nj, k=coded.k.cast("int32"), v=coded.v).cache()
        cached.append(ftab)
        d, rca = all_dyad_indices_expr(wh, period, source=source, level=level, coded=ftab)
        # Back to iso3 inside the engine (a join with the 200-row code table), then one Arrow → pandas step.
        ni, nj = ctab.rename(iso_i="iso", i="n"), ctab.rename(iso_j="iso", j="n")
        d = d.join(ni, "i").join(nj, "j").drop("i", "j").rename(i="iso_i", j="iso_j")
        rca = rca.join(ni, "i").drop("i").rename(i="iso_i").select("i", "k", "x_ik", "rca")
        dd, rr = d.to_pyarrow().to_pandas(), rca.to_pyarrow().to_pandas()
    finally:
        for t in reversed(cached):
            t.release()
    return dd[["i", "j", *[c for c in dd.columns if c not in ("i", "j")]]], rr


def complementarity(wh: Store, i: str, j: str, period: str, *, source: str | None = "baci", level: int = 2) -> float:
    """TCI of j's exports with i's imports (0 = no overlap, 100 = perfect match), on HS ``level`` shares."""
    f = _flows_expr(wh, period, source, 6 if level == 6 else _finest(wh, period, source))
    f = f.mutate(k=f.k.substr(0, level))
    imp = f.filter(f.j == i).group_by("k").aggregate(m=f.v.sum()).to_pandas()
    exp = f.filter(f.i == j).group_by("k").aggregate(x=f.v.sum()).to_pandas()
    if imp.empty or exp.empty:
        raise NoDataError(f"No product flows for {i}'s imports or {j}'s exports in {period}.")
    s = imp.set_index("k").m.div(imp.m.sum()).to_frame().join(exp.set_index("k").x.div(exp.x.sum()), how="outer")
    s = s.fillna(0.0)
    return float(100 * (1 - (s.m - s.x).abs().sum() / 2))


def _finest(wh: Store, period: str, source: str | None) -> int:
    t = wh.table("trade_flows")
    t = t.filter(t.period == period)
    if source:
        t = t.filter(t.source == source)
    return int(t.hs_level.max().to_pandas())
