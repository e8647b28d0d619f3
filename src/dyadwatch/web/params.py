"""Request parameters checked once, for pages and API alike: states, years, measures, dyads.

Every check raises a ``dyadwatch.errors`` class the app turns into an answer: an unknown
state is a 404 listing the closest matches, a year outside the store's coverage a 422 naming
the allowed range. Values are only ever passed to library functions as Python values; no SQL
is built from them anywhere.
"""

from __future__ import annotations

import re
from typing import overload

from pydantic import BeforeValidator

from dyadwatch.countries import Country
from dyadwatch.errors import BadParameterError, UnknownCountryError
from dyadwatch.web import data

MAX_STATES = 20
# An empty form field (``?from=``) means "not given", as in the CLI when the option is left out.
EmptyIsNone = BeforeValidator(lambda v: None if isinstance(v, str) and not v.strip() else v)
_DYAD = re.compile(r"^\s*([^-–,]{1,60})\s*[-–]\s*([^-–,]{1,60})\s*$")


class UnknownStateError(UnknownCountryError):
    """An unknown state with the text the reader gave: the 404 answer lists the closest matches to ``query``."""

    def __init__(self, message: str, query: str) -> None:
        super().__init__(message)
        self.query = query


class NotAllowedError(BadParameterError):
    """A parameter outside what is allowed: the 422 answer lists ``allowed`` (a range's ends, or the choices)."""

    def __init__(self, message: str, allowed: list[int] | list[str]) -> None:
        super().__init__(message)
        self.allowed = allowed


def state(query: str | None, what: str = "state") -> Country:
    if query is None or not str(query).strip():
        raise BadParameterError(f"Missing {what}: give a name, ISO2/ISO3 or COW code (e.g. CHN).")
    if len(query) > 60:
        raise BadParameterError(f"The {what} {query[:20]!r}… is too long (60 characters at most).")
    try:
        return data.resolve(query)
    except UnknownCountryError as e:
        raise UnknownStateError(str(e), query) from e


def states(queries: list[str] | None, what: str = "state") -> list[Country]:
    queries = [q for q in (queries or []) if q.strip()]
    if len(queries) > MAX_STATES:
        raise BadParameterError(f"At most {MAX_STATES} states at once; got {len(queries)}.")
    return list({c.iso3: c for c in (state(q, what) for q in queries)}.values())


@overload
def year(store: data.WebStore, value: int, name: str = "year") -> int: ...
@overload
def year(store: data.WebStore, value: int | None, name: str = "year") -> int | None: ...
def year(store: data.WebStore, value: int | None, name: str = "year") -> int | None:
    """``value`` if the store covers that year (a given year stays an int), None if it was not given."""
    if value is None:
        return None
    lo, hi = store.year_range()
    if not lo <= value <= hi:
        raise NotAllowedError(f"{name}={value} is outside the years the store covers: allowed {lo}–{hi}.", [lo, hi])
    return value


def years(store: data.WebStore, year_from: int | None, year_to: int | None) -> tuple[int | None, int | None]:
    year_from, year_to = year(store, year_from, "from"), year(store, year_to, "to")
    if year_from is not None and year_to is not None and year_from > year_to:
        lo, hi = store.year_range()
        raise NotAllowedError(f"from={year_from} is after to={year_to}; allowed years {lo}–{hi}, from ≤ to.", [lo, hi])
    return year_from, year_to


def measure(value: str, *, allow_all: bool = True) -> str:
    names = [m.strip() for m in value.split(",") if m.strip()]
    if allow_all and names == ["all"]:
        return "all"
    bad = [m for m in names if m not in data.VOTE_MEASURES]
    if bad or not names:
        raise NotAllowedError(
            f"Unknown vote measure {', '.join(bad) or value!r}: choose {', '.join(data.VOTE_MEASURES)}"
            + (", a comma-separated list or all." if allow_all else "."),
            list(data.VOTE_MEASURES),
        )
    return ",".join(names)


def choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise NotAllowedError(f"{name}={value!r} is not one of {', '.join(allowed)}.", list(allowed))
    return value


def dyads(values: list[str] | None) -> list[tuple[Country, Country]]:
    """``CHN-RUS`` (or ``China–Russia``) strings as pairs of states; at most six, no state paired with itself."""
    out = []
    values = [v for v in (values or []) if v.strip()]
    if len(values) > data.MAX_COMPARE:
        raise BadParameterError(f"At most {data.MAX_COMPARE} dyads on one chart; got {len(values)}.")
    for v in values:
        m = _DYAD.match(v)
        if not m:
            raise BadParameterError(f"Dyad {v[:40]!r} is not two states joined by '-', e.g. CHN-RUS.")
        a, b = state(m.group(1)), state(m.group(2))
        if a.iso3 == b.iso3:
            raise BadParameterError(f"Dyad {v[:40]!r} names {a.iso3} twice; a dyad is two different states.")
        out.append((a, b))
    return out
