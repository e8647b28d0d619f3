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
                "was written to (`dyadwatch.lake.export` writes one from a warehouse)."
            )
        self.path = self.root  # messages say "in {store.path}", as they do for a warehouse

    def _log_key(self) -> tuple:
        # The log folder's listing changes on every commit; cheap enough to check on each call.
        folder = self.root / lake.LOG
        return tuple(sorted(p.name for p in folder.iterdir())) if folder.is_dir() else ()

    def _current(self) -> dict[str, lake.LogEntry]:
        key = self._log_key()
        memo = self.__dict__.get("_current_memo")
        if memo is None or memo[0] != key:
            memo = (key, lake.current(self.root))
            self.__dict__["_current_memo"] = memo
        cur: dict[str, lake.LogEntry] = memo[1]
        return cur

    def has(self, name: str, source: str | None = None) -> bool:
        return bool(self.sources_of(name)) if source is None else source in self.sources_of(name)

    def sources_of(self, name: str) -> list[str]:
        return sorted(src for src, e in self._current().items() if e.live.get(name))

    def files(self, name: str) -> list[Path]:
        self._current()  # the memo is refreshed if the log changed
        return lake.files(self.root, name)

    def version(self) -> str:
        """The id of the last committed log entry: derived tables and caches built before it are stale."""
        entries = self._current().values()
        return str(max((e.id for e in entries), default=0))

    def covers(self, states: Iterable[str], years: Iterable[int] | None = None) -> bool:
        return True  # like a warehouse: indicators say "no data" per state

    def pick_source(self, table: str, preference: tuple[str, ...], requested: str | None, hint: str) -> str:
        """As ``Warehouse.pick_source``: ``requested`` if held, else the first of ``preference`` held, else any."""
        have = self.sources_of(table)
        if requested:
            if requested not in have:
                raise NoDataError(
                    f"No {table!r} rows from source {requested!r} in {self.describe()}; held: {have or 'none'}."
                )
            return requested
        for s in (*preference, *have):
            if s in have:
                return s
        raise NoDataError(f"No {table!r} data in {self.describe()}. Fix: {hint}.")

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
