"""BigQuery as an engine: a ``Store`` whose tables are BigQuery tables, and GDELT 2.0 read where GDELT hosts it.

``bigquery://PROJECT/DATASET`` opens a dataset holding dyadwatch's canonical tables (as exported from a warehouse
or lake, one BigQuery table per canonical table, same names and columns). ``bigquery://gdelt-bq/gdeltv2`` is the
public GDELT 2.0 dataset: its ``events`` table is not in dyadwatch's shape, so ``table("events")`` is a view
expression over it (``bigquery_gdelt``) and every events indicator runs on BigQuery unchanged.

BigQuery bills each query by the bytes of the columns it reads, so this store never scans to answer what it
holds: ``has``/``sources_of`` come from declared metadata (the GDELT dataset is declared here; a dataset of
canonical tables declares itself in a small ``dyadwatch_sources`` table, or the caller passes ``tables=``), and
date ranges reach the partition filter (``events_between``). ``dry_run_bytes`` says what a query would be
billed before it runs.

``connect=False`` (or ``?connect=false`` in the URL) is compile-only: tables are unbound Ibis tables with the
declared schemas, so every indicator expression compiles to BigQuery SQL offline, without credentials.
The BigQuery client is an optional extra, imported only when a connection is opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import ibis

from dyadwatch.engines import bigquery_gdelt as gd
from dyadwatch.errors import BadParameterError, MissingExtraError, NeedsIngestError, NoDataError
from dyadwatch.store import DerivedMixin, Store
from dyadwatch.tables import TABLES

if TYPE_CHECKING:
    import ibis.expr.types as ir

SCHEME = "bigquery"
INSTALL_HINT = "pip install 'dyadwatch[bigquery]'  (ibis-framework[bigquery]: google-cloud-bigquery and its auth)"
SOURCES_TABLE = "dyadwatch_sources"  # (table_name STRING, source STRING): what a dataset of canonical tables holds
# On-demand analysis price, US multi-region, per TiB scanned (cloud.google.com/bigquery/pricing); 1 TiB/month free.
USD_PER_TIB = 6.25
GDELT_TABLES: Mapping[str, tuple[str, ...]] = {"events": (gd.SOURCE,)}


def is_gdelt(project: str, dataset: str) -> bool:
    return (project, dataset) == (gd.PROJECT, gd.DATASET)


def _connect(project: str, dataset: str, billing_project: str | None) -> Any:
    try:
        import google.cloud.bigquery  # noqa: F401  (the client the ibis backend needs; absent without the extra)
    except ImportError as e:
        raise MissingExtraError(
            f"BigQuery needs the bigquery extra, which is not installed. Fix: {INSTALL_HINT}."
        ) from e
    # Jobs run, and are billed, in the billing project: the dataset's own project, except for the public GDELT
    # project, where nobody may run jobs (None: the default project of the credentials, `gcloud config`).
    billing = billing_project or (None if is_gdelt(project, dataset) else project)
    # partition_column=None keeps the pseudo-column's own name, _PARTITIONTIME, as in compile-only tables, so one
    # expression serves both.
    return ibis.bigquery.connect(project_id=billing, dataset_id=f"{project}.{dataset}", partition_column=None)


class BigQueryStore(DerivedMixin):
    """Canonical tables in one BigQuery dataset, or the public GDELT 2.0 events as the ``events`` table."""

    basis = "bigquery"

    def __init__(
        self,
        project: str,
        dataset: str,
        *,
        connect: bool = True,
        tables: Mapping[str, Sequence[str]] | None = None,
        billing_project: str | None = None,
        late_days: int | None = gd.LATE_DAYS,
        con: Any = None,
    ):
        self.project, self.dataset = project, dataset
        self.gdelt = is_gdelt(project, dataset)
        self.late_days = late_days
        self._declared = {k: list(v) for k, v in tables.items()} if tables is not None else None
        if self._declared is None and self.gdelt:
            self._declared = {k: list(v) for k, v in GDELT_TABLES.items()}
        if self._declared is None and not connect and con is None:
            raise BadParameterError(
                f"A compile-only BigQuery store over {project}.{dataset} cannot ask the dataset what it holds. "
                "Fix: pass tables={'votes': ['unvotes'], ...}, or connect."
            )
        self.con: Any = con if con is not None else (_connect(project, dataset, billing_project) if connect else None)

    @property
    def url(self) -> str:
        return f"{SCHEME}://{self.project}/{self.dataset}"

    @property
    def path(self) -> str:
        # Indicators name ``wh.path`` in their messages; for a remote store the URL is that name.
        return self.url

    def describe(self) -> str:
        what = "the public GDELT 2.0 dataset" if self.gdelt else "the BigQuery dataset"
        return f"{what} {self.project}.{self.dataset}" + ("" if self.con is not None else " (compile-only)")

    def version(self) -> str:
        return self.url

    # ------------------------------------------------------------------ what it holds, without scanning

    def declared(self) -> dict[str, list[str]]:
        """{table: [sources]}: given, GDELT's, or read once from the dataset's ``dyadwatch_sources`` table."""
        if self._declared is None:
            names = set(self.con.list_tables())
            if SOURCES_TABLE not in names:
                raise NeedsIngestError(
                    f"{self.describe()} has no {SOURCES_TABLE} table saying which sources its tables hold "
                    "(dyadwatch never scans a BigQuery table to find out: scans are billed). Fix: create it with "
                    "columns table_name, source (docs/bigquery.md), or pass tables= to BigQueryStore."
                )
            rows = self.con.table(SOURCES_TABLE).to_pyarrow().to_pylist()
            out: dict[str, list[str]] = {}
            for r in rows:
                if r["table_name"] in names:
                    out.setdefault(r["table_name"], []).append(r["source"])
            self._declared = {k: sorted(set(v)) for k, v in out.items()}
        return self._declared

    def has(self, name: str, source: str | None = None) -> bool:
        have = self.declared().get(name)
        return have is not None and (source is None or source in have)

    def sources_of(self, name: str) -> list[str]:
        return list(self.declared().get(name, []))

    def covers(self, states: Iterable[str], years: Iterable[int] | None = None) -> bool:
        return True  # as a warehouse: indicators say "no data" per state

    # ------------------------------------------------------------------ tables

    def table(self, name: str) -> ir.Table:
        if not self.has(name):
            raise NoDataError(f"{self.describe()} has no {name!r} table (it holds: {sorted(self.declared())}).")
        if self.gdelt and name == "events":
            return gd.events_view(self._raw_gdelt(partitioned=False))
        if self.con is not None:
            return self.con.table(name)
        return ibis.table(TABLES[name].schema, name=name, catalog=self.project, database=self.dataset)

    def events_between(self, date_from: dt.date | None, date_to: dt.date | None) -> ir.Table:
        """``events`` dated in [date_from, date_to], reading (and billing) only the partitions that can hold them.

        On GDELT this reads ``events_partitioned``: partitions from ``date_from`` to ``late_days`` after
        ``date_to`` (``late_days=None``: to the present). Elsewhere it is ``table("events")`` filtered by date.
        """
        if not (self.gdelt and self.has("events")):
            t = self.table("events")
            if date_from is not None:
                t = t.filter(t.date >= date_from)
            if date_to is not None:
                t = t.filter(t.date <= date_to)
            return t
        raw = gd.within(self._raw_gdelt(partitioned=True), date_from, date_to, self.late_days)
        return gd.events_view(raw)

    def _raw_gdelt(self, partitioned: bool) -> ir.Table:
        name = gd.PARTITIONED if partitioned else gd.TABLE
        if self.con is not None:
            return self.con.table(name, database=(gd.PROJECT, gd.DATASET))
        return gd.raw_table(partitioned)

    # ------------------------------------------------------------------ cost

    def sql(self, expr: ir.Expr) -> str:
        """The BigQuery SQL of an expression (what a dry run or a job would be sent)."""
        return str(ibis.to_sql(expr, dialect="bigquery"))

    def dry_run_bytes(self, expr: ir.Expr) -> int:
        """Bytes BigQuery would bill for ``expr``, from a dry run: free, and nothing is executed."""
        if self.con is None:
            raise BadParameterError(f"{self.describe()}: a dry run needs a connection. Fix: open it with connect=True.")
        from google.cloud import bigquery as bq

        job = self.con.client.query(self.sql(expr), job_config=bq.QueryJobConfig(dry_run=True, use_query_cache=False))
        return int(job.total_bytes_processed or 0)

    def close(self) -> None:
        self.con = None

    def __enter__(self) -> BigQueryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cost_usd(n_bytes: int, usd_per_tib: float = USD_PER_TIB) -> float:
    """On-demand price of scanning ``n_bytes`` (before the free tier and BigQuery's 10 MB minimum per table)."""
    return n_bytes / 2**40 * usd_per_tib


def parse_url(url: str) -> tuple[str, str, dict[str, str]]:
    """(project, dataset, options) of ``bigquery://PROJECT/DATASET[?connect=false&late_days=31&billing=P]``."""
    parts = urlsplit(url)
    segs = [s for s in parts.path.split("/") if s]
    if parts.scheme != SCHEME or not parts.netloc or len(segs) != 1:
        raise BadParameterError(
            f"Engine URL {url!r} is not bigquery://PROJECT/DATASET. Fix: e.g. bigquery://gdelt-bq/gdeltv2 "
            "(public GDELT 2.0) or bigquery://my-project/dyadwatch."
        )
    opts = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(opts) - {"connect", "late_days", "billing"}
    if unknown:
        raise BadParameterError(f"Engine URL {url!r}: unknown option(s) {sorted(unknown)}; known: connect, "
                                "late_days, billing.")  # fmt: skip
    return parts.netloc, segs[0], opts


def open_bigquery(url: Any) -> Store:
    """The store behind ``bigquery://PROJECT/DATASET`` (the engine factory's entry for this scheme; it passes
    its parsed URL, whose ``raw`` is the text)."""
    url = str(getattr(url, "raw", url))
    project, dataset, opts = parse_url(url)
    late = opts.get("late_days", str(gd.LATE_DAYS))
    try:
        late_days = None if late.lower() == "none" else int(late)
    except ValueError as e:
        raise BadParameterError(f"Engine URL {url!r}: late_days={late!r} is not a number of days or none.") from e
    connect = opts.get("connect", "true").lower() not in ("false", "0", "no")
    return BigQueryStore(project, dataset, connect=connect, late_days=late_days, billing_project=opts.get("billing"))
