"""``spark+parquet:///lake`` and ``sc://host:port``: a lake read by Spark, the indicators compiled by Ibis.

The store is the lake's (``_lakebase``: what it holds is answered from the log); only ``table`` differs: each
canonical table is a Spark DataFrame over the live Parquet files, cast to the canonical schema, registered as a
temporary view and returned through Ibis's PySpark backend, so the same expressions run in the cluster.

Session settings (``RUNTIME`` on every session, ``LOCAL`` only on one this module starts):

* Arrow transfer on: results come back to pandas as Arrow batches, not row by row through py4j.
* Session time zone UTC: dates and timestamps mean the same on the driver, the executors and in DuckDB.
* ANSI mode on (``spark.sql.ansi.enabled``, Spark 4's default, set explicitly so a cluster configured
  otherwise computes the same): an overflowing sum, an invalid cast or a division by zero is an error, not a
  silent NULL or wrapped value. DuckDB also errors on overflow and bad casts; the one place the two differ,
  x / 0, the indicators guard themselves (a zero denominator gives NULL on every engine).
* ``local[2]``, 4 shuffle partitions, driver bound to 127.0.0.1 and no UI: a laptop-sized session; under
  ``spark-submit`` or on a cluster the submitter's master and partitioning are kept.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dyadwatch.engines._lakebase import LakeBacked
from dyadwatch.errors import MissingExtraError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.engines import EngineURL

RUNTIME = {
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "true",
}
LOCAL = {
    "spark.master": "local[2]",
    "spark.sql.shuffle.partitions": "4",  # the default 200 is for clusters: 200 tiny tasks per shuffle here
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",  # progress bars would interleave with dyadwatch's own output
    "spark.app.name": "dyadwatch",
}
_STATIC = ("spark.master", "spark.driver.", "spark.ui.", "spark.app.name", "spark.executor.")
HINT = "Fix: `pip install dyadwatch[spark]` (PySpark 4.3 and a Java 17+ runtime)."


def _pyspark() -> Any:
    try:
        import pyspark
        import pyspark.sql
    except ImportError as e:
        raise MissingExtraError(f"The Spark engine needs PySpark, which is not installed. {HINT}") from e
    return pyspark


def _runtime(session: Any, conf: dict[str, str]) -> Any:
    for k, v in {**RUNTIME, **conf}.items():
        if not k.startswith(_STATIC):  # fixed when the JVM started: only a new session can take them
            session.conf.set(k, v)
    return session


def local_session(conf: dict[str, str] | None = None) -> Any:
    """The active session (under ``spark-submit``, a notebook, a test), else a new ``local[2]`` one."""
    _pyspark()
    from pyspark.sql import SparkSession

    conf = dict(conf or {})
    active = SparkSession.getActiveSession()
    if active is not None:
        return _runtime(active, conf)
    builder = SparkSession.builder
    # spark-submit starts this Python with a gateway to its JVM and its own master: keep those.
    settings = {**RUNTIME, **({} if "PYSPARK_GATEWAY_PORT" in os.environ else LOCAL), **conf}
    for k, v in settings.items():
        builder = builder.config(k, v)
    return _runtime(builder.getOrCreate(), conf)


def connect_session(url: str, conf: dict[str, str] | None = None) -> Any:
    """A new Spark Connect session to ``url`` (``sc://host:port``, also Databricks Connect's form).

    Opened with the Connect client's own builder and ``create()``, not ``SparkSession.builder.remote(url)``:
    that one refuses when a classic session runs in the same process (a notebook's local session, a test run
    that also uses ``local[2]``), and its ``getOrCreate`` hands back whichever Connect session was opened first,
    to whatever server that was. ``create()`` always opens a session to *this* URL.
    """
    _pyspark()
    try:
        from pyspark.sql.connect.session import SparkSession as ConnectSession
    except ImportError as e:  # grpcio and friends: the [connect] extra of pyspark
        raise MissingExtraError(f"Spark Connect needs pyspark[connect] ({e}). {HINT}") from e
    return _runtime(ConnectSession.builder.remote(url).create(), dict(conf or {}))


def spark_schema(name: str) -> Any:
    """The canonical schema of ``name`` as a Spark StructType (via Ibis's type mapping)."""
    import ibis
    from ibis.backends.pyspark.datatypes import PySparkSchema

    from dyadwatch.tables import TABLES

    return PySparkSchema.from_ibis(ibis.Schema.from_pyarrow(TABLES[name].schema))


def _quiet_memtables(backend: Any) -> None:
    """Register Ibis memtables (a year range, a list of states) without PySpark's Connect warning.

    Ibis 12 creates each memtable's DataFrame with ``verifySchema=False`` and expects a Connect session to refuse
    the argument with a TypeError; PySpark 4's Connect session accepts it and warns that it is ignored, once per
    memtable per query, on the user's terminal. The schema is Ibis's own, so there is nothing to verify: only
    that warning is silenced, only around the registration, and a classic session never gives it.
    """
    register = backend._register_in_memory_table

    def quiet(op: Any) -> None:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="'verifySchema' is ignored", category=UserWarning)
            register(op)

    backend._register_in_memory_table = quiet


class SparkStore(LakeBacked):
    """A lake read by a Spark session: a ``Store`` whose expressions compile to Spark SQL."""

    basis = "spark"

    def __init__(
        self, root: str | Path, session: Any = None, *, conf: dict[str, str] | None = None, owned: bool = False
    ):
        """``owned``: the store opened ``session`` for itself (a Connect session) and stops it on ``close``."""
        super().__init__(root)
        _pyspark()
        import ibis

        self.session = session if session is not None else local_session(conf)
        self._owned = owned
        self.ibis = ibis.pyspark.connect(self.session)
        _quiet_memtables(self.ibis)
        self._views: dict[str, tuple[Path, ...]] = {}

    def table(self, name: str) -> ir.Table:
        files = tuple(self.files(name))
        if not files:
            raise self._missing(name)
        view = f"dw_{name}"
        if self._views.get(name) != files:  # first read, or a commit since: the view names the new files
            self._frame(name, files).createOrReplaceTempView(view)
            self._views[name] = files
        return self.ibis.table(view)

    def _frame(self, name: str, files: tuple[Path, ...]) -> Any:
        from dyadwatch.tables import TABLES

        df = self.session.read.parquet(*(str(f) for f in files))
        if name not in TABLES:
            return df
        # Exactly the canonical columns and types, whatever the writer chose (DuckDB writes int16 as INT32
        # with a logical type some readers drop): the expressions then see what they see on DuckDB.
        # Columns are taken from the DataFrame itself, not ``pyspark.sql.functions.col``: that one picks classic
        # or Connect from a process-wide flag, which is wrong for a Connect session beside a classic one.
        return df.select(*(df[f"`{f.name}`"].cast(f.dataType).alias(f.name) for f in spark_schema(name).fields))

    def describe(self) -> str:
        return f"the lake {self.root} on Spark"

    def close(self) -> None:
        for name in list(self._views):
            self.session.catalog.dropTempView(f"dw_{name}")
        self._views.clear()
        if self._owned:  # frees the session's state on the server (its views, cached tables)
            self.session.stop()
            self._owned = False


def open_spark(url: EngineURL) -> SparkStore:
    return SparkStore(url.local_path(), conf=url.options)


def open_connect(url: EngineURL) -> SparkStore:
    from dyadwatch.engines import FORMS, EngineError

    if not url.path:
        raise EngineError(
            f"{url.raw!r}: say where the lake is, as the server sees it: sc://host:port/?lake=/path. "
            f"Accepted forms: {FORMS}."
        )
    if not Path(url.path).is_absolute():
        # The server reads the Parquet files and this client reads the log, each from its own working folder
        # (and home: no ~): only an absolute path names the same lake for both.
        raise EngineError(
            f"{url.raw!r}: the lake path {url.path!r} must be absolute (the server and this client resolve a "
            f"relative one from different folders). Accepted forms: {FORMS}."
        )
    remote = f"sc://{url.host}" + (f":{url.port}" if url.port else "")
    extra = {k: v for k, v in url.options.items() if not k.startswith("spark.")}
    if extra:  # Connect parameters (token, user_id, use_ssl…) belong to the remote URL
        remote += "/;" + ";".join(f"{k}={v}" for k, v in extra.items())
    conf = {k: v for k, v in url.options.items() if k.startswith("spark.")}
    session = connect_session(remote, conf)
    try:
        return SparkStore(url.path, session, owned=True)
    except BaseException:  # not a lake, say: the session would otherwise stay open on the server
        session.stop()
        raise
