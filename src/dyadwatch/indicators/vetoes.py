"""Security Council vetoes of a dyad: joint vetoes, and vetoes one cast without the other.

From the ``vetoes`` table (one row per vetoing permanent member per draft): a
draft is *joint* when both vetoed it, *A only* / *B only* when one did — the
other then voted for it or abstained (the veto list does not say which). From
``sc_votes`` (adopted resolutions only), the years both sat on the Council: how
many adopted resolutions they both voted on and the share with the same vote.
Years outside the files are absent, not zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.store import in_years

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.store import Store


def _vetoes(store: Store, year_from: int | None, year_to: int | None) -> ir.Table:
    if not store.has("vetoes"):
        raise NoDataError(
            "No veto list in the warehouse. Fix: `dyadwatch update unsc` (or `dyadwatch ingest unsc "
            "unsc_vetoes_1946_sept2022.csv`)."
        )
    t = store.table("vetoes")
    if year_from is not None:
        t = t.filter(t.year >= year_from)
    if year_to is not None:
        t = t.filter(t.year <= year_to)
    return t


def drafts(store: Store, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
    """Every draft vetoed by a or b: date, draft, agenda, who vetoed, and kind (joint, a only, b only)."""
    t = _vetoes(store, year_from, year_to)
    rows = t.filter(t.iso3.isin([a, b])).to_pandas()
    if rows.empty:
        return pd.DataFrame(columns=["date", "year", "draft", "agenda", "vetoed_by", "kind"])
    g = rows.groupby("veto_id").agg(
        date=("date", "first"), year=("year", "first"), draft=("draft", "first"), agenda=("agenda", "first"),
        vetoed_by=("iso3", lambda s: ",".join(sorted(s))),
    )  # fmt: skip
    both = ",".join(sorted([a, b]))
    g["kind"] = g.vetoed_by.map(lambda v: "joint" if v == both else f"{v} only")
    return g.sort_values(["date"]).reset_index(drop=True)


def summary(store: Store, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
    """Per year: joint vetoes, a's alone, b's alone (0 inside the veto list's years, NULL outside), and, where
    the SC voting file is ingested, ``sc_shared`` adopted resolutions both voted on and ``sc_agreement``."""
    span = _vetoes(store, None, None).year
    lo, hi = int(span.min().to_pyarrow().as_py()), int(span.max().to_pyarrow().as_py())
    d = drafts(store, a, b)
    sc = _sc_agreement(store, a, b) if store.has("sc_votes") else pd.DataFrame(columns=["year"])
    out = pd.DataFrame({"year": sorted(set(range(lo, hi + 1)) | set(sc.year.astype(int)))})
    covered = out.year.between(lo, hi)
    for col, kind in (("joint", "joint"), (f"{a}_only", f"{a} only"), (f"{b}_only", f"{b} only")):
        counts = out.year.map(d[d.kind == kind].groupby("year").size()).astype("Int64")
        out[col] = counts.where(~covered, counts.fillna(0))
    if len(sc.columns) > 1:
        out = out.merge(sc, on="year", how="left")
    out = in_years(out, year_from, year_to)
    return out.reset_index(drop=True)


def _sc_agreement(store: Store, a: str, b: str) -> pd.DataFrame:
    v = store.table("sc_votes")
    va = v.filter(v.iso3 == a).select(rcid="rcid", year="year", vote_a="vote")
    vb = v.filter(v.iso3 == b).select(rcid="rcid", vote_b="vote")
    pair = va.join(vb, "rcid").to_pandas()
    if pair.empty:
        return pd.DataFrame({"year": pd.Series(dtype=int), "sc_shared": pd.Series(dtype=int)})
    g = pair.assign(same=(pair.vote_a == pair.vote_b).astype(float)).groupby("year")
    return pd.DataFrame({"sc_shared": g.size(), "sc_agreement": g.same.mean()}).reset_index()
