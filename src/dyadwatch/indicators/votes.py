"""UNGA voting similarity for a dyad, per calendar year of the vote's date.

Only roll calls on which both states cast yes (1), abstain (2) or no (3)
count; absences (8) and non-membership (9) are excluded, and ``n`` is the
number of roll calls that remain. A year with roll calls but none shared has
``n = 0`` and NULL measures: missing is not zero.
"""

from __future__ import annotations

import ibis
import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.pack import PackTable

SOURCE_PREFERENCE = ("unvotes", "voeten")  # unvotes reaches 2019; voeten keeps absences


def pick_source(wh, source: str | None = None) -> str:
    """The vote source to use: the one asked for, else the first ingested of SOURCE_PREFERENCE."""
    have = wh.sources_of("votes")
    if source:
        if source not in have:
            raise NoDataError(
                f"No votes from source {source!r} in {wh.path}; ingested vote sources: {have or 'none'}. "
                f"Fix: `dyadwatch ingest {source} FILE...`."
            )
        return source
    for s in SOURCE_PREFERENCE:
        if s in have:
            return s
    if have:
        return have[0]
    raise NoDataError(
        f"No UN vote data in {wh.path}. Fix: `dyadwatch ingest voeten UNVotesPublished.RData` "
        "or `dyadwatch ingest unvotes un_votes.rda un_roll_calls.rda un_roll_call_issues.rda`."
    )


def dyad_votes_expr(wh, a: str, b: str, source: str, year_from: int | None = None, year_to: int | None = None):
    """Roll calls on which both a and b cast a yes/abstain/no vote: columns rcid, year, vote_a, vote_b."""
    votes = wh.table("votes")
    rc = wh.table("roll_calls").filter(lambda t: t.source == source)
    if year_from is not None:
        rc = rc.filter(rc.year >= year_from)
    if year_to is not None:
        rc = rc.filter(rc.year <= year_to)
    va = votes.filter((votes.source == source) & (votes.iso3 == a) & votes.vote.isin([1, 2, 3]))
    vb = votes.filter((votes.source == source) & (votes.iso3 == b) & votes.vote.isin([1, 2, 3]))
    pair = va.select(rcid="rcid", vote_a="vote").join(vb.select(rcid="rcid", vote_b="vote"), "rcid")
    return pair.join(rc.select("rcid", "year"), "rcid")


def agreement(
    wh, a: str, b: str, *, source: str | None = None, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """Per year: ``n`` shared roll calls and ``agreement``, the share with identical votes."""
    source = pick_source(wh, source)
    pair = dyad_votes_expr(wh, a, b, source, year_from, year_to)
    per_year = pair.group_by("year").aggregate(
        n=pair.rcid.count(),
        agreement=(pair.vote_a == pair.vote_b).cast("float64").mean(),
    )
    rc = wh.table("roll_calls").filter(lambda t: t.source == source)
    if year_from is not None:
        rc = rc.filter(rc.year >= year_from)
    if year_to is not None:
        rc = rc.filter(rc.year <= year_to)
    years = rc.select("year").distinct()
    out = years.left_join(per_year, "year").select(
        "year", n=ibis.coalesce(per_year.n, 0), agreement=per_year.agreement
    )
    df = out.order_by("year").to_pandas()
    df["year"] = df["year"].astype(int)
    df["n"] = df["n"].astype(int)
    return df.reset_index(drop=True)


def agreement_panel(wh, states: list[str], *, source: str | None = None) -> pd.DataFrame:
    """Undirected dyad-years (iso3_a < iso3_b) among ``states``: every roll-call year, n and agreement."""
    source = pick_source(wh, source)
    votes = wh.table("votes")
    v = votes.filter((votes.source == source) & votes.iso3.isin(states) & votes.vote.isin([1, 2, 3]))
    va = v.select(rcid="rcid", iso3_a="iso3", vote_a="vote")
    vb = v.select(rcid="rcid", iso3_b="iso3", vote_b="vote")
    pair = va.join(vb, (va.rcid == vb.rcid) & (va.iso3_a < vb.iso3_b))
    rc = wh.table("roll_calls").filter(lambda t: t.source == source).select("rcid", "year")
    pair = pair.join(rc, "rcid")
    per = pair.group_by(["iso3_a", "iso3_b", "year"]).aggregate(
        n=pair.rcid.count(), agreement=(pair.vote_a == pair.vote_b).cast("float64").mean()
    )
    years = rc.select("year").distinct()
    names = ibis.memtable({"iso3": sorted(set(states))})
    dyads = names.select(iso3_a="iso3").cross_join(names.select(iso3_b="iso3"))
    dyads = dyads.filter(dyads.iso3_a < dyads.iso3_b)
    grid = dyads.cross_join(years)
    out = grid.left_join(per, ["iso3_a", "iso3_b", "year"]).select(
        "iso3_a", "iso3_b", "year", n=ibis.coalesce(per.n, 0), agreement=per.agreement
    )
    df = out.order_by(["iso3_a", "iso3_b", "year"]).to_pandas()
    df.insert(0, "source", source)
    return df.astype({"year": int, "n": int})


PACK_TABLES = [
    PackTable(
        "votes",
        {"unvotes": ("unga/un_votes.rda", "unga/un_roll_calls.rda", "unga/un_roll_call_issues.rda")},
        lambda wh, focus: agreement_panel(wh, list(focus)),
        "UNGA voting measures, undirected focus dyad-years",
    )
]
