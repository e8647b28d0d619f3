"""``duckdb:///path``: the embedded DuckDB warehouse, opened read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dyadwatch.errors import WarehouseNotFoundError

if TYPE_CHECKING:
    from dyadwatch.engines import EngineURL
    from dyadwatch.warehouse import Warehouse


def open_duckdb(url: EngineURL) -> Warehouse:
    from dyadwatch.warehouse import Warehouse

    path = url.local_path()
    if not path.is_file():
        raise WarehouseNotFoundError(f"No warehouse at {path} (given by the engine {url.raw}). Fix: check the path.")
    return Warehouse(path, read_only=True)
