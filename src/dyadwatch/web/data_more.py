"""The dashboard's reads for the report's other families: events, arms, speeches, currency, Central Asia.

A mixin of ``WebStore`` (``web/data.py``), split out to keep each module small; the same rules hold:
every number comes from ``dyadwatch.api`` under the store's lock, as a ``Frame``. Arms, events and
the speeches need the publishers' files in the user's warehouse (SIPRI and GDELT are test-only
licences, never bundled); ``api`` raises ``NoDataError`` without them, which the page shows as the
"no data" box with the ingest command.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from dyadwatch import countries
from dyadwatch.report.base import ARTICLE_DYAD
from dyadwatch.web.frame import Frame

if TYPE_CHECKING:
    from dyadwatch.store import ChainStore

ARMS_VIEWS = ("year", "category", "systems")
EVENT_PERIODS = ("day", "month", "quarter", "year")
EVENT_WEIGHTS = ("mentions", "articles", "none")
EVENT_DIRECTIONS = ("both", "a_to_b", "b_to_a")


def central_asia() -> list[str]:
    return list(countries.group("central_asia"))


class MoreFamilies:
    """Events, arms, region, speeches and currency for ``WebStore``."""

    lock: threading.RLock
    store: ChainStore

    def _kw(self) -> dict:
        raise NotImplementedError

    def _api(self, name: str, *args, **kw) -> Frame:
        """``dyadwatch.api.NAME(*args, **kw)`` on this store, under its lock, as a ``Frame``."""
        from dyadwatch import api

        with self.lock:
            return Frame.of(getattr(api, name)(*args, **kw, **self._kw()))

    def events(self, a: str, b: str, *, period: str = "month", weight: str = "mentions", direction: str = "both",
               root_only: bool = False, year_from: int | None = None, year_to: int | None = None) -> Frame:  # fmt: skip
        return self._api("events", a, b, period=period, weight=weight, direction=direction, root_only=root_only,
                         year_from=year_from, year_to=year_to)  # fmt: skip

    def arms(self, a: str, b: str, *, by: str = "year", top: int = 10, year_from: int | None = None,
             year_to: int | None = None) -> Frame:  # fmt: skip
        return self._api("arms", a, b, by=by, top=top, year_from=year_from, year_to=year_to)

    def region(self, a: str, b: str, states: list[str], *, year_from: int | None = None,
               year_to: int | None = None) -> Frame:  # fmt: skip
        return self._api("region", a, b, states, year_from=year_from, year_to=year_to)

    def rhetoric_rates(self, a: str, b: str, *, terms: list[str] | None = None, year_from: int | None = None,
                       year_to: int | None = None) -> Frame:  # fmt: skip
        return self._api("rhetoric_rates", a, b, terms=terms or None, year_from=year_from, year_to=year_to)

    def speech_similarity(self, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None) -> Frame:
        return self._api("speech_similarity", a, b, year_from=year_from, year_to=year_to)

    def currency(self, a: str, b: str) -> Frame:
        """The published currency shares the report's Currency section shows for the pair (``api.currency``; for
        China–Russia the article's whole currency story)."""
        from dyadwatch.report.sections.currency import about_dyad

        res = self._api("currency", [a, b])
        if res.data.empty:  # nothing published about either state (the frame may lack the columns then)
            return res
        rows = about_dyad(res.data, {a, b}, {a, b} == ARTICLE_DYAD).reset_index(drop=True)
        rows = rows.assign(period=rows.period.astype(str))
        return Frame(rows, res.basis, list(res.sources), list(res.notes))
