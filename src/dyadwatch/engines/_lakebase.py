"""What every store over a lake shares: its contents answered from the lake's log, never from a scan.

``has``, ``sources_of`` and ``version`` read ``ROOT/_log`` (a few small JSON files): on a billion-row table, or
an engine billed per byte read, a ``SELECT DISTINCT source`` would be a full pass. Subclasses give ``table``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dyadwatch import lake
from dyadwatch.errors import NoDataError
from dyadwatch.store import DerivedMixin


class LakeBacked(DerivedMixin):
    """A store whose canonical tables are the live Parquet files of a lake at ``root``."""

    basis = "lake"

    def __init__(self, root: str | Path):
        self.root = Path(root)
        if not lake.is_lake(self.root):
            raise NoDataError(
                f"{self.root} is not a dyadwatch lake (it has no {lake.LOG}/ folder). Fix: give the folder a lake "
                "was written to (`dyadwatch ingest SOURCE FILE... --lake DIR` writes one)."
            )
        self.path = self.root  # messages say "in {store.path}", as they do for a warehouse
        self.refresh()

    def refresh(self) -> None:
        """Read the log: from now on the store answers from the lake's current committed state.

        A store reads one state for its whole life (as a read-only warehouse does): a report or a page never
        mixes two ingests. Parts are never modified and an ingest removes none a log entry named, so the
        files of that state stay readable while ingests commit.
        """
        self._entries: dict[str, lake.LogEntry] = lake.current(self.root)
        self.unique_event_ids = self._ids_unique()

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
