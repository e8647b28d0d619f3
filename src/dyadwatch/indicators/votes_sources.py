"""Combining the UN Digital Library vote file (``undl``) with Voeten's or unvotes' roll calls.

The rules, applied whenever ``undl`` and an older source are both ingested and
no source is asked for:

1. **One source per year.** The older source (``unvotes``, else ``voeten``, as
   ``votes.SOURCE_PREFERENCE``) is used for every year up to its last year; ``undl``
   for the years after. A year never mixes sources, so the per-year measures keep
   one definition of a roll call. The combined source is named ``unvotes+undl``
   (or ``voeten+undl``); ask for it, or for either part, with ``--source``.
2. **Why the older source wins where both cover a year.** Voeten's and unvotes'
   files also hold votes on amendments and separate paragraphs, absences, and the
   issue codes and importance flags that ``--issue``/``--important`` need; the
   Library's file holds only adopted resolutions and has none of these.
3. **Matching.** A ``undl`` roll call and an older one are the same vote when
   their resolution symbols agree (``votes_sources.symbol_key``: ``A/RES/74/56`` =
   ``R/74/56``; ``A/RES/1514(XV)`` = ``R/15/1514``) and their dates agree.
   ``coverage()`` reports, per year, the roll calls of each source, how many of
   the Library's match one of the older source, and which source the year uses.
4. ``--issue`` and ``--important`` subsets exclude the ``undl`` years (their flags
   are NULL: unknown, not false).

Roll-call ids are each source's own (``undl_id`` for the Library); a collision
between the parts is an error rather than a silent merge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.sources.undl import symbol_key

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.store import Store

EXTENSION = "undl"
BASES = ("unvotes", "voeten")


def combined_name(base: str) -> str:
    return f"{base}+{EXTENSION}"


def parts(source: str) -> tuple[str, str] | None:
    """``("unvotes", "undl")`` for ``"unvotes+undl"``; None for a plain source."""
    if "+" not in source:
        return None
    base, ext = source.split("+", 1)
    return base, ext


def pick(wh: Store, requested: str | None) -> str | None:
    """The combined source to use, or None to let the plain rules pick."""
    have = wh.sources_of("votes")
    if requested:
        p = parts(requested)
        if p is None:
            return None
        missing = [s for s in p if s not in have]
        if missing or p[1] != EXTENSION or p[0] not in BASES:
            raise NoDataError(
                f"--source {requested}: combined sources are {', '.join(combined_name(b) for b in BASES)}, and both "
                f"parts must be ingested (ingested: {have or 'none'}). Fix: `dyadwatch update undl` and "
                "`dyadwatch update unvotes`."
            )
        return requested
    if EXTENSION not in have:
        return None
    base = next((b for b in BASES if b in have), None)
    return combined_name(base) if base else None


def cutover(wh: Store, base: str) -> int:
    """The last year of the older source: ``undl`` is used from the year after."""
    rc = wh.table("roll_calls")
    return int(rc.filter(rc.source == base).year.max().to_pyarrow().as_py())


def rows(wh: Store, table: str, source: str) -> ir.Table:
    """``table`` (roll_calls or votes) restricted to ``source``, plain or combined, as an Ibis expression.

    Combined rows carry the combined name in ``source`` so downstream filters and labels see one source.
    """
    import ibis

    t = wh.table(table)
    p = parts(source)
    if p is None:
        return t.filter(t.source == source)
    base, ext = p
    cut = cutover(wh, base)
    rc = wh.table("roll_calls")
    ext_rc = rc.filter((rc.source == ext) & (rc.year > cut))
    if table == "roll_calls":
        out = t.filter(t.source == base).union(ext_rc)
    else:
        out = t.filter(t.source == base).union(t.filter(t.source == ext).semi_join(ext_rc.select("rcid"), "rcid"))
    return out.mutate(source=ibis.literal(source))


def coverage(wh: Store) -> pd.DataFrame:
    """Per year: roll calls of each vote source, undl roll calls matching an older one, the source used."""
    rc = wh.table("roll_calls").select("source", "rcid", "date", "year", "resolution").to_pandas()
    if rc.empty:
        raise NoDataError("No roll calls in the warehouse. Fix: `dyadwatch update undl` or `dyadwatch update unvotes`.")
    counts = rc.pivot_table(index="year", columns="source", values="rcid", aggfunc="count", fill_value=0)
    out = counts.reset_index()
    out.columns.name = None
    have = list(counts.columns)
    base = next((b for b in BASES if b in have), None)
    if EXTENSION in have and base:
        rc["key"] = rc["resolution"].map(symbol_key)
        old = rc[rc.source == base][["key", "date"]].dropna().drop_duplicates()
        new = rc[rc.source == EXTENSION][["year", "key", "date"]]
        matched = new.merge(old, on=["key", "date"], how="inner").groupby("year").size()
        out["undl_matched"] = out["year"].map(matched).fillna(0).astype("Int64")
        out.loc[~out["year"].isin(new["year"]), "undl_matched"] = pd.NA
        cut = int(rc[rc.source == base].year.max())
        out["used"] = [base if y <= cut else EXTENSION for y in out["year"]]
    else:
        out["used"] = base or (have[0] if have else None)
    return out
