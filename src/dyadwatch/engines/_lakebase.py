"""What every store over a lake shares: its contents answered from the lake's log, never from a scan.

``has``, ``sources_of`` and ``version`` read ``ROOT/_log`` (a few small JSON files): on a billion-row table, or
an engine billed per byte read, a ``SELECT DISTINCT source`` would be a full pass. Subclasses give ``table``.

The events index (``indicators.events.dyad_events``) is answered from the lake's dyad-month aggregate
(``lake.DYAD_MONTH``, written by the streamed ingest beside each part) when it is current and can answer the
question (``dyad_events_aggregate``); otherwise the indicator reads the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dyadwatch import lake
from dyadwatch.errors import NoDataError
from dyadwatch.store import DerivedMixin


class LakeBacked(DerivedMixin):
    """A store whose canonical tables are the live Parquet files of a lake at ``root``."""

    basis = "lake"
    # Off: the events index reads the rows even where the aggregate could answer (benchmarks, equality tests).
    use_aggregates: bool = True

    def __init__(self, root: str | Path):
        self.root = Path(root)
        if not lake.is_lake(self.root):
            raise NoDataError(
                f"{self.root} is not a dyadwatch lake (it has no {lake.LOG}/ folder). Fix: give the folder a lake "
                "was written to (`dyadwatch ingest SOURCE FILE... --lake DIR` writes one)."
            )
        self.path = self.root  # messages say "in {store.path}", as they do for a warehouse
        self.refresh()

    def table(self, name: str) -> Any:
        """The live parts of ``name`` as an Ibis table: each engine reads them its own way."""
        raise NotImplementedError(f"{type(self).__name__} reads no tables (a bug in dyadwatch)")

    def refresh(self) -> None:
        """Read the log: from now on the store answers from the lake's current committed state.

        A store reads one state for its whole life (as a read-only warehouse does): a report or a page never
        mixes two ingests. Parts are never modified and an ingest removes none a log entry named, so the
        files of that state stay readable while ingests commit.
        """
        self._entries: dict[str, lake.LogEntry] = lake.current(self.root)
        self.unique_event_ids = self._ids_unique()
        self.aggregate_current = self._aggregate_current()

    def _ids_unique(self) -> bool:
        """True when every live events part was written by the streamed ingest of one source.

        That ingest keeps each event id once across all the source's live parts, so the events indicators may
        skip their per-subset dedupe (one scan instead of four). Parts copied by ``lake.export`` from a
        warehouse (which can hold an id twice after overlapping ingests), or a second source, rule it out.
        """
        holders = [e for e in self._entries.values() if e.live.get("events")]
        if len(holders) != 1:
            return False
        streamed = {p for i in holders[0].inputs for p in i.get("parts", [])}
        return set(holders[0].live["events"]) <= streamed

    def _aggregate_current(self) -> bool:
        """True when the dyad-month aggregate sums exactly the live events rows.

        That needs ids unique (the aggregate sums each part's rows; only the streamed ingest's cross-part
        dedupe makes those sums the rows' sums) and every live events part's own aggregate live beside it: a part
        written before aggregates existed, or copied by ``lake.export``, has none, and then the rows are read.
        """
        if not self.unique_event_ids:
            return False
        (holder,) = [e for e in self._entries.values() if e.live.get("events")]
        parts, aggs = holder.live["events"], holder.live.get(lake.DYAD_MONTH, [])
        return sorted(map(lake.aggregate_of, parts)) == sorted(aggs)

    def dyad_events_aggregate(
        self,
        a: str,
        b: str,
        *,
        period: str,
        weight: str,
        root_only: bool,
        direction: str,
        date_from: dt.date | None,
        date_to: dt.date | None,
        source: str | None,
    ) -> dict[str, Any] | None:
        """``dyad_events_expr``'s ``combined`` and ``periods`` from the dyad-month aggregate, or None.

        None (the indicator then reads the rows) unless the aggregate is current and the question is in whole
        months: a month, quarter or year index, bounds on a month's first and last day. The sums are those the
        row path takes, regrouped, so the figures are the same (to the last bits of a float sum's order).
        """
        unit = {"month": "M", "quarter": "Q", "year": "Y"}.get(period)
        whole = (date_from is None or date_from.day == 1) and (
            date_to is None or (date_to + dt.timedelta(days=1)).day == 1
        )
        if not (self.use_aggregates and self.aggregate_current and unit and whole):
            return None
        if weight not in lake.DYAD_MONTH_WEIGHTS or direction not in ("both", "a_to_b", "b_to_a"):
            return None
        t = self.table(lake.DYAD_MONTH)
        if source:
            t = t.filter(t.source == source)
        if date_from is not None:
            t = t.filter(t.month >= date_from)
        if date_to is not None:
            t = t.filter(t.month <= date_to)
        if root_only:
            t = t.filter(t.is_root)
        periods = t.select(p=t.month.truncate(unit)).distinct().order_by("p")
        # As the row path: only groups with a or b as an actor count towards the dyad or the volumes.
        t = t.filter(t.actor_a.isin([a, b]) | t.actor_b.isin([a, b]))
        ab = (t.actor_a == a) & (t.actor_b == b)
        ba = (t.actor_a == b) & (t.actor_b == a)
        t = t.mutate(p=t.month.truncate(unit), in_dyad={"both": ab | ba, "a_to_b": ab, "b_to_a": ba}[direction])
        d = t.in_dyad
        n_quad = t.n_quad.sum(where=d).nullif(0)  # no known QuadClass: the shares are NULL, as a mean of none
        combined = (
            t.group_by("p")
            .aggregate(
                events=t.events.sum(where=d).coalesce(0),
                g_num=t[f"g_num_{weight}"].sum(where=d),
                g_den=t[f"g_den_{weight}"].sum(where=d),
                t_num=t[f"t_num_{weight}"].sum(where=d),
                t_den=t[f"t_den_{weight}"].sum(where=d),
                **{f"q{k}": t[f"q{k}"].sum(where=d).cast("float64") / n_quad for k in (1, 2, 3, 4)},
                n_a=t.events.sum(where=(t.actor_a == a) | (t.actor_b == a)).coalesce(0),
                n_b=t.events.sum(where=(t.actor_a == b) | (t.actor_b == b)).coalesce(0),
            )
            .order_by("p")
        )
        return {"combined": combined, "periods": periods}

    def has(self, name: str, source: str | None = None) -> bool:
        return bool(self.sources_of(name)) if source is None else source in self.sources_of(name)

    def sources_of(self, name: str) -> list[str]:
        # An entry's ``rows`` is the source's live row count per table: 0 is a table emptied on purpose.
        return sorted(s for s, e in self._entries.items() if e.live.get(name) and e.rows.get(name, 1) > 0)

    def tables(self) -> list[str]:
        return lake.tables(self.root, self._entries)

    def files(self, name: str) -> list[Path]:
        return lake.files(self.root, name, state=self._entries)

    def ingests(self) -> list[dict]:
        """The committed log entries, as ``Warehouse.ingests`` gives its ingests (id, source, files, rows, time)."""
        return [
            {"id": e.id, "source": e.source, "files": e.files, "rows": e.rows, "ingested_at": e.at, "notes": e.notes}
            for e in lake.log(self.root)
        ]

    def version(self) -> str:
        """The id of the newest committed entry read: derived tables and caches built before it are stale."""
        return str(max((e.id for e in self._entries.values()), default=0))

    def cache_identity(self) -> str | None:
        """A digest of the state read: per source, its entry and the part folders live after it. A part is
        never rewritten and each has a name of its own, so the same digest is the same rows. The engine's class
        is part of it: a result Spark computed is never read back as DuckDB's, and the two are compared."""
        import hashlib

        state = sorted((s, e.id, e.at, sorted(e.live.items())) for s, e in self._entries.items())
        return f"{type(self).__name__}:" + hashlib.sha256(repr(state).encode()).hexdigest() if state else None

    def covers(self, states: Iterable[str], years: Iterable[int] | None = None) -> bool:
        return True  # like a warehouse: indicators say "no data" per state

    def _missing(self, name: str) -> NoDataError:
        return NoDataError(f"{self.describe()} has no {name!r} table. `dyadwatch sources` lists what provides it.")

    def describe(self) -> str:
        return f"the lake {self.root}"

    def close(self) -> None:
        pass

    def __enter__(self) -> LakeBacked:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
