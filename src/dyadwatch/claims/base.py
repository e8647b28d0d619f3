"""What every claim metric is built from: the context it reads, the value it returns, the registry.

``metrics.py`` (votes, alliances, regimes, facts, the verdict) and ``metrics_data.py`` (trade and energy)
register their functions here with :func:`metric`; the engine looks them up in :data:`METRICS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dyadwatch.claims.model import Params


class NotCheckable(Exception):
    """The data or indicator a claim needs is not there; ``missing`` says what, in words."""

    def __init__(self, missing: str):
        super().__init__(missing)
        self.missing = missing


@dataclass
class Measured:
    value: float | str
    formula: str
    sources: list[str] = field(default_factory=list)
    basis: str = "computed"  # or "published fact (PUBLISHER)"
    detail: str = ""


@dataclass
class Context:
    """What metrics may read: the store (a warehouse before the embedded pack) and the db path for the API."""

    wh: Any = None
    db: Any = None
    cache: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        from dyadwatch.api import as_store

        self.wh = as_store(self.wh)  # a bare warehouse, or None (the embedded pack alone), as a chain

    def need_table(self, table: str, fix: str) -> Any:
        if self.wh is None or not self.wh.has(table):
            raise NotCheckable(f"table {table!r} is empty ({fix})")
        return self.wh.table(table)


@dataclass(frozen=True)
class Metric:
    name: str
    fn: Callable[[Context, Params], Measured]
    doc: str
    keys: frozenset[str] = frozenset()  # metric-specific params keys it accepts


METRICS: dict[str, Metric] = {}


def metric(name: str, doc: str, keys: tuple[str, ...] = ()):
    def deco(fn):
        METRICS[name] = Metric(name, fn, doc, frozenset(keys))
        return fn

    return deco


def get(name: str) -> Metric:
    if name not in METRICS:
        raise KeyError(name)
    return METRICS[name]


# --------------------------------------------------------------------- helpers


def dyad_of(p: Params) -> tuple[str, str]:
    if not p.dyad:
        raise NotCheckable("the claim names no dyad (params.dyad)")
    from dyadwatch import countries

    a, b = (countries.resolve(x).iso3 for x in p.dyad)
    return a, b


def year_of(p: Params) -> int:
    """``params.year``, else ``params.period``, as a year.

    A claim naming neither fails with the TypeError ``int(None)`` always gave it, now saying what is missing.
    """
    year = p.get("year") or p.period
    if year is None:
        raise TypeError("the claim names no year (params.year or params.period)")
    return int(year)


def num(v: Any) -> float | None:
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def agg(values: list[float], how: str) -> float:
    s = pd.Series(values, dtype="float64")
    return float({"sum": s.sum, "mean": s.mean, "max": s.max, "min": s.min}[how]())
