"""Which roll calls: the vote source to read and the subsets (period, issue area, important votes, keyword)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dyadwatch.errors import SubsetError
from dyadwatch.indicators import votes_sources

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.store import Store

ISSUE_AREAS = {
    "me": "Palestinian conflict (Middle East)",
    "nu": "nuclear weapons and material",
    "di": "arms control and disarmament",
    "hr": "human rights",
    "co": "colonialism",
    "ec": "economic development",
}


SOURCE_PREFERENCE = ("unvotes", "voeten")  # unvotes reaches 2019; voeten keeps absences


def pick_source(wh: Store, source: str | None = None) -> str:
    """The vote source to use: the one asked for, else the first ingested of SOURCE_PREFERENCE
    (combined with the UN Digital Library file when it is ingested too: see ``votes_sources``)."""
    combined = votes_sources.pick(wh, source)
    if combined:
        return combined
    return wh.pick_source(
        "votes",
        SOURCE_PREFERENCE,
        source,
        "`dyadwatch ingest voeten UNVotesPublished.RData` or "
        "`dyadwatch ingest unvotes un_votes.rda un_roll_calls.rda un_roll_call_issues.rda`",
    )


def roll_calls_expr(
    wh: Store,
    source: str,
    year_from: int | None = None,
    year_to: int | None = None,
    *,
    issue: str | None = None,
    important: bool = False,
    match: str | None = None,
) -> ir.Table:
    """The roll calls of ``source`` in a subset: period, issue area, important votes, description keyword."""
    rc = votes_sources.rows(wh, "roll_calls", source)
    if year_from is not None:
        rc = rc.filter(rc.year >= year_from)
    if year_to is not None:
        rc = rc.filter(rc.year <= year_to)
    if issue:
        if issue not in ISSUE_AREAS:
            raise SubsetError(f"Unknown issue area {issue!r}; choose from {', '.join(ISSUE_AREAS)}.")
        rc = rc.filter(rc[f"issue_{issue}"])
    if important:
        rc = rc.filter(rc.important.fill_null(False))
    if match:
        if source == "voeten":
            raise SubsetError(
                "--match searches roll-call descriptions, which the voeten file does not have. "
                "Fix: use --source unvotes (ingest the three unvotes .rda files)."
            )
        rc = rc.filter(rc.description.lower().contains(match.lower()))
    return rc
