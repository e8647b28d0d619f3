"""Units of analysis, checked where tables meet (peacesciencer's ``ps_data_type``, enforced).

Every canonical and derived table declares its unit in ``tables.py``. Code that joins two tables of different
units says how they meet, and :func:`check_join` refuses the joins that silently double or drop rows: a
directed with an undirected dyad table (each undirected row stands for two directed ones), and a state-year
table with a dyad-year one without naming which state of the dyad the state-year rows describe.
"""

from __future__ import annotations

from dyadwatch.derived import DERIVED
from dyadwatch.errors import UnitOfAnalysisError
from dyadwatch.tables import TABLES

DIRECTED = "dyad-year (directed)"
UNDIRECTED = "dyad-year (undirected)"
STATE_YEAR = "state-year"


def unit_of(name: str) -> str:
    """The unit of analysis of a canonical or derived table."""
    if name in TABLES:
        return TABLES[name].unit
    if name in DERIVED:
        return DERIVED[name].unit
    raise KeyError(f"no table {name!r} is declared in tables.py (a bug in dyadwatch)")


def check_join(left: str, right: str, *, state_key: str | None = None) -> None:
    """Refuse a join of units ``left`` and ``right`` that would be wrong; ``state_key`` names the dyad column
    (e.g. ``"a"``) a state-year table is joined on, with the year."""
    pair = {left, right}
    if pair == {DIRECTED, UNDIRECTED}:
        raise UnitOfAnalysisError(
            f"Cannot join a {DIRECTED} table with a {UNDIRECTED} one: each undirected row stands for two directed "
            "dyad-years, so the join would drop one direction. Fix: expand the undirected table to both orders "
            "first (a→b and b→a, swapping the directed columns), then join on (a, b, year)."
        )
    dyadic = pair & {DIRECTED, UNDIRECTED}
    if dyadic and STATE_YEAR in pair and state_key is None:
        raise UnitOfAnalysisError(
            f"Cannot join a {STATE_YEAR} table with a {next(iter(dyadic))} table without saying which state of the "
            "dyad it describes. Fix: join it once per side on (state column, year), naming the side "
            "(state_key='a' or 'b'), and suffix its columns (_a, _b)."
        )
