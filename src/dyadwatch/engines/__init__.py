"""Engines: where the indicators run. ``open_engine(url)`` is the one factory; each engine gives a ``Store``.

The indicator expressions are engine-neutral Ibis, so an engine is only a store: how to reach the data, and
which Ibis backend compiles the expressions. The URL's scheme chooses it (``ENGINES``, a table from scheme to
``module:function`` so that an engine's heavy dependency is imported only when it is chosen):

* ``duckdb:///path/warehouse.duckdb``: the embedded DuckDB warehouse, read-only (the default engine);
* ``lake:///path/lake``: DuckDB views over a lake (``dyadwatch.lake``), nothing loaded into memory;
* ``spark+parquet:///path/lake``: a lake read by Spark: a local ``local[2]`` session, or the active one
  under ``spark-submit``; ``?key=value`` sets Spark configuration (``?spark.master=local[4]``);
* ``sc://host:port/?lake=/path/lake``: the same Spark store over a Spark Connect (or Databricks Connect)
  session; the lake path must be readable by the server;
* ``bigquery://PROJECT/DATASET``: BigQuery (``bigquery://gdelt-bq/gdeltv2`` is the public GDELT 2.0).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from dyadwatch.errors import DyadwatchError

ENV_ENGINE = "DYADWATCH_ENGINE"

# scheme → "module:function(url: EngineURL) -> Store". Adding an engine is one line here.
ENGINES: dict[str, str] = {
    "duckdb": "dyadwatch.engines.duckdb:open_duckdb",
    "lake": "dyadwatch.engines.lakeviews:open_lake",
    "spark+parquet": "dyadwatch.engines.spark:open_spark",
    "sc": "dyadwatch.engines.spark:open_connect",
    "bigquery": "dyadwatch.engines.bigquery:open_bigquery",
}

FORMS = (
    "duckdb:///path/warehouse.duckdb, lake:///path/lake, spark+parquet:///path/lake, "
    "sc://host:port/?lake=/path/lake (Spark Connect or Databricks Connect), bigquery://PROJECT/DATASET"
)


class EngineError(ValueError, DyadwatchError):
    exit_code = 2  # a wrong argument


@dataclass(frozen=True)
class EngineURL:
    """A parsed engine URL: ``scheme``, ``host`` and ``port`` (remote engines), ``path`` and ``options``."""

    raw: str
    scheme: str
    host: str = ""
    port: int | None = None
    path: str = ""
    options: dict[str, str] = field(default_factory=dict)

    def local_path(self) -> Path:
        """The path of a file engine; ``scheme:///abs`` and ``scheme://rel`` are both accepted."""
        p = self.path
        if not p:
            raise EngineError(f"{self.raw!r} names no path. Accepted forms: {FORMS}.")
        return Path(p).expanduser()


def parse(url: str) -> EngineURL:
    """Split an engine URL, checking its scheme is one of ``ENGINES`` (a clear error naming the forms if not)."""
    if not isinstance(url, str) or "://" not in url:
        raise EngineError(f"Engine {url!r} is not a URL. Accepted forms: {FORMS}.")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ENGINES:
        raise EngineError(f"Unknown engine {scheme!r} in {url!r}. Accepted forms: {FORMS}.")
    try:
        port = parts.port
    except ValueError as e:
        raise EngineError(f"Engine {url!r}: the port is not a number. Accepted forms: {FORMS}.") from e
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    if scheme == "sc":
        if not parts.hostname:
            raise EngineError(f"Engine {url!r} names no Spark Connect host. Accepted forms: {FORMS}.")
        return EngineURL(url, scheme, parts.hostname, port, options.pop("lake", ""), options)
    # A file engine: scheme:///abs/path (empty netloc) or scheme://relative/path.
    path = (parts.netloc + parts.path) if parts.netloc else parts.path
    return EngineURL(url, scheme, "", None, path, options)


def open_engine(url: str) -> Any:
    """The ``Store`` the URL names (see the module docstring for the forms)."""
    u = parse(url)
    module, _, fn = ENGINES[u.scheme].partition(":")
    opener: Callable[[EngineURL], Any] = getattr(importlib.import_module(module), fn)
    return opener(u)


def from_env() -> str | None:
    """``$DYADWATCH_ENGINE`` if set (``--engine`` sets it for every command)."""
    return os.environ.get(ENV_ENGINE) or None
