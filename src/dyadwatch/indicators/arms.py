"""Arms transfers from A (supplier) to B (recipient), from the SIPRI trade register.

TIV is SIPRI's trend-indicator value (millions): a volume of military
capability transferred, not a price. SIPRI lists every delivery it identified,
so inside the register's delivery years a year without rows is 0 TIV (no
deliveries identified); outside them it is NULL (no data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.store import kept

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.store import PathStore

SOURCE = "sipri"


def _table(wh: PathStore) -> ir.Table:
    if SOURCE not in wh.sources_of("arms_transfers"):
        raise NoDataError(
            f"No SIPRI arms-transfer data in {wh.path}. Fix: `dyadwatch ingest sipri trade_register.csv` "
            "(the CSV downloaded from https://armstrade.sipri.org, with its title lines)."
        )
    t = wh.table("arms_transfers")
    return t.filter(t.source == SOURCE)


def coverage(wh: PathStore) -> tuple[int, int]:
    """First and last delivery year in the ingested register."""
    row = coverage_expr(wh).to_pandas().iloc[0]
    return int(row["lo"]), int(row["hi"])


def coverage_expr(wh: PathStore) -> ir.Table:
    t = _table(wh)
    return t.aggregate(lo=t.delivery_year.min(), hi=t.delivery_year.max())


@kept
def transfers(
    wh: PathStore, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """Per delivery year: TIV delivered from a to b, deals, units, and the dyad's shares.

    ``share_of_a_exports``: b's share of a's exports (TIV) that year;
    ``share_of_b_imports``: a's share of b's imports. NULL when the total is 0.
    """
    lo, hi = coverage(wh)
    lo = lo if year_from is None else max(lo, year_from)
    hi = hi if year_to is None else min(hi, year_to)
    df = transfers_expr(wh, a, b, lo, hi).to_pandas()
    for c in ("tiv", "deals", "units", "a_exports", "b_imports"):  # all-NULL columns arrive as object
        df[c] = pd.to_numeric(df[c], errors="raise").astype("float64").fillna(0.0).round(6)
    df["deals"] = df["deals"].astype(int)
    for tot, col in (("a_exports", "share_of_a_exports"), ("b_imports", "share_of_b_imports")):
        total = df[tot]
        df[tot] = total
        df[col] = (df["tiv"] / total).where(total > 0)
    df["year"] = df["year"].astype(int)
    df.insert(1, "supplier", a)
    df.insert(2, "recipient", b)
    return df[
        ["year", "supplier", "recipient", "tiv", "deals", "units", "a_exports", "b_imports",
         "share_of_a_exports", "share_of_b_imports"]
    ].reset_index(drop=True)  # fmt: skip


def transfers_expr(wh: PathStore, a: str, b: str, lo: int, hi: int) -> ir.Table:
    """Per delivery year in [lo, hi]: the dyad's TIV, deals, units and each side's totals (NULL: none)."""
    import ibis

    t = _table(wh)
    t = t.filter((t.delivery_year >= lo) & (t.delivery_year <= hi))
    dyad = t.filter((t.supplier == a) & (t.recipient == b))
    per = dyad.group_by(year=dyad.delivery_year).aggregate(
        tiv=dyad.tiv.sum(), deals=dyad.deal_id.nunique(), units=dyad.units.sum()
    )
    exp = t.filter(t.supplier == a)
    exp = exp.group_by(year=exp.delivery_year).aggregate(a_exports=exp.tiv.sum())
    imp = t.filter(t.recipient == b)
    imp = imp.group_by(year=imp.delivery_year).aggregate(b_imports=imp.tiv.sum())
    years = ibis.memtable({"year": list(range(lo, hi + 1))}, schema={"year": "int16"})
    q = years.left_join(per, "year").drop("year_right")
    q = q.left_join(exp, "year").drop("year_right").left_join(imp, "year").drop("year_right")
    return q.order_by("year")


def by_category(
    wh: PathStore, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """TIV from a to b per delivery year and SIPRI armament category (rows only where deliveries exist)."""
    df = by_category_expr(wh, a, b, year_from=year_from, year_to=year_to).to_pandas()
    df["year"] = df["year"].astype(int)
    return df


def by_category_expr(
    wh: PathStore, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None
) -> ir.Table:
    t = _table(wh)
    t = t.filter((t.supplier == a) & (t.recipient == b))
    if year_from is not None:
        t = t.filter(t.delivery_year >= year_from)
    if year_to is not None:
        t = t.filter(t.delivery_year <= year_to)
    q = t.group_by(year=t.delivery_year, category=t.category).aggregate(tiv=t.tiv.sum(), units=t.units.sum())
    return q.order_by(["year", "category"])


def top_systems(
    wh: PathStore, a: str, b: str, *, n: int = 10, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """The weapon systems with the most TIV delivered from a to b, with units and years."""
    df = top_systems_expr(wh, a, b, n=n, year_from=year_from, year_to=year_to).to_pandas()
    for c in ("first_year", "last_year"):
        df[c] = df[c].astype(int)
    return df


def top_systems_expr(
    wh: PathStore, a: str, b: str, *, n: int = 10, year_from: int | None = None, year_to: int | None = None
) -> ir.Table:
    import ibis

    t = _table(wh)
    t = t.filter((t.supplier == a) & (t.recipient == b))
    if year_from is not None:
        t = t.filter(t.delivery_year >= year_from)
    if year_to is not None:
        t = t.filter(t.delivery_year <= year_to)
    q = t.group_by("designation", "description", "category").aggregate(
        tiv=t.tiv.sum(), units=t.units.sum(), first_year=t.delivery_year.min(), last_year=t.delivery_year.max()
    )
    return q.order_by([ibis.desc("tiv"), "designation"]).limit(n)
