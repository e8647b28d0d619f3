"""Checks of a request's arguments, made once before any work starts: year windows and dyads.

A reversed window, a window wholly in the future or a "dyad" of one state cannot give an answer; computing for
45 s and then failing (or printing an empty table with exit 0) is worse than saying so at once. The CLI runs
these checks as it parses the options (``cli._common``); the API runs the same ones at its entry points.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dyadwatch.errors import ArgumentError, NoDataError

if TYPE_CHECKING:
    import pandas as pd

# No dyadwatch source starts before the Congress of Vienna system (COW states from 1816, ATOP from 1815).
EARLIEST = 1815


def this_year() -> int:
    return dt.date.today().year


def years(year_from: int | None, year_to: int | None) -> None:
    """A window that can hold data: --from ≤ --to, not wholly in the future, not before any source starts."""
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ArgumentError(
            f"--from {year_from} is after --to {year_to}. Fix: swap them (--from {year_to} --to {year_from})."
        )
    now = this_year()
    if year_from is not None and year_from > now:
        raise ArgumentError(
            f"--from {year_from} is in the future: no source has data after {now}. Fix: give a year up to {now}."
        )
    if year_to is not None and year_to < EARLIEST:
        raise ArgumentError(
            f"--to {year_to} is before any source starts ({EARLIEST}). Fix: give a year from {EARLIEST} on."
        )


def dyad(iso3_a: str, iso3_b: str, a: str | None = None, b: str | None = None) -> None:
    """Two different states (after resolving names: `China` and `CHN` are one state)."""
    if iso3_a == iso3_b:
        said = f"{a!r} and {b!r} are both {iso3_a}" if a and b and a != b else f"both states are {iso3_a}"
        raise ArgumentError(f"A dyad needs two different states; {said}. Fix: name a second state.")


def window_has_rows(
    df: pd.DataFrame, what: str, year_from: int | None, year_to: int | None, covered: tuple[int, int] | None
) -> None:
    """NoDataError when a window left nothing: say which years the data do cover (never an empty table)."""
    if not df.empty:
        return
    asked = f"{year_from if year_from is not None else '…'}–{year_to if year_to is not None else '…'}"
    span = f"the data cover {covered[0]}–{covered[1]}" if covered else "there are no data at all for this dyad"
    raise NoDataError(f"No {what} in {asked}: {span}. Fix: choose years inside that span.")
