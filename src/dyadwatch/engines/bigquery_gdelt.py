"""The public GDELT 2.0 events table on BigQuery as dyadwatch's canonical ``events`` table: a view expression.

GDELT hosts its event database publicly in the project ``gdelt-bq``, dataset ``gdeltv2``:

* ``events``: every GDELT 2.0 event, not partitioned, so any query is billed for the full size of each column it
  reads, whatever its WHERE clause;
* ``events_partitioned``: the same rows in daily ingestion-time partitions (the pseudo-column ``_PARTITIONTIME``,
  one partition per day the events were added, per GDELT's announcement "Announcing Partitioned GDELT BigQuery
  Tables"). A filter on ``_PARTITIONTIME`` is what makes BigQuery read, and bill, only those days.

The columns are GDELT 2.0's 61 export columns (``sources.gdelt.V2_COLUMNS``) with the types BigQuery gives them.
The view is plain Ibis over those columns, so the same expression runs on DuckDB over a GDELT file loaded with
the same names: that is how the tests prove the mapping equals the file loader's (``sources.gdelt.load``).

Country codes are mapped by a CASE expression generated from the crosswalk through the loader's own rule
(``sources.gdelt.cameo_country_map``), never typed here: CAMEO's own codes and its regions (which become NULL),
then exact ISO3 codes for the rest.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

import ibis

from dyadwatch import countries
from dyadwatch.sources import gdelt

if TYPE_CHECKING:
    import ibis.expr.types as ir

PROJECT = "gdelt-bq"
DATASET = "gdeltv2"
TABLE = "events"
PARTITIONED = "events_partitioned"
PARTITION_COLUMN = "_PARTITIONTIME"
SOURCE = "gdelt"
# An event is added on the day it is first seen, at or after its own date (SQLDATE), so the partitions of a date
# range start on its first day; they cannot end on its last day without losing events first reported later.
# This many days of later partitions are read too; events reported later still are left out (documented).
LATE_DAYS = 31

_INTEGER = {"GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "IsRootEvent", "QuadClass", "NumMentions",
            "NumSources", "NumArticles", "Actor1Geo_Type", "Actor2Geo_Type", "ActionGeo_Type", "DATEADDED"}  # fmt: skip
_FLOAT = {"FractionDate", "GoldsteinScale", "AvgTone", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor2Geo_Lat",
          "Actor2Geo_Long", "ActionGeo_Lat", "ActionGeo_Long"}  # fmt: skip


def raw_schema(partitioned: bool = False) -> ibis.Schema:
    """The BigQuery schema of ``gdelt-bq.gdeltv2.events`` (INTEGER, FLOAT, STRING), in the published column order."""
    types = {c: "int64" if c in _INTEGER else "float64" if c in _FLOAT else "string" for c in gdelt.V2_COLUMNS}
    if partitioned:
        types[PARTITION_COLUMN] = "timestamp('UTC')"
    return ibis.schema(types)


def raw_table(partitioned: bool = False) -> ir.Table:
    """The public table as an unbound Ibis table: compiles to `gdelt-bq`.`gdeltv2`.`events[_partitioned]`."""
    name = PARTITIONED if partitioned else TABLE
    return ibis.table(raw_schema(partitioned), name=name, catalog=PROJECT, database=DATASET)


@cache
def iso3_rules() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(codes that are their own ISO3, (CAMEO code, ISO3) renames): every state code the loader would map."""
    cameo = countries.code_map("cameo")
    known = {c.iso3 for c in countries.all_countries()}
    mapping, _ = gdelt.cameo_country_map(sorted(set(cameo) | known))
    same = tuple(sorted(k for k, v in mapping.items() if k == v))
    renamed = tuple(sorted((k, v) for k, v in mapping.items() if k != v))
    return same, renamed


def iso3_of(code: ir.StringValue) -> ir.StringValue:
    """A CAMEO actor country code as ISO3; NULL for regions, non-state and unknown codes."""
    same, renamed = iso3_rules()
    return ibis.cases(
        (code.isin(same), code), *((code == k, ibis.literal(v)) for k, v in renamed), else_=ibis.null("string")
    )


def yyyymmdd(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def _utc(d: dt.date) -> ir.TimestampScalar:
    # A zoned literal: BigQuery compares _PARTITIONTIME (a TIMESTAMP) with a TIMESTAMP, never with a DATETIME.
    return ibis.timestamp(dt.datetime(d.year, d.month, d.day), timezone="UTC")


def within(
    raw: ir.Table, date_from: dt.date | None, date_to: dt.date | None, late_days: int | None = LATE_DAYS
) -> ir.Table:
    """Raw rows dated in [date_from, date_to]; on a partitioned table, only the partitions that can hold them.

    ``late_days=None`` reads every partition from ``date_from`` on: exact, and billed for all of them.
    """
    if date_from is not None:
        raw = raw.filter(raw.SQLDATE >= yyyymmdd(date_from))
    if date_to is not None:
        raw = raw.filter(raw.SQLDATE <= yyyymmdd(date_to))
    if PARTITION_COLUMN in raw.columns:
        part = raw[PARTITION_COLUMN]
        if date_from is not None:
            raw = raw.filter(part >= _utc(date_from))
        if date_to is not None and late_days is not None:
            raw = raw.filter(part < _utc(date_to + dt.timedelta(days=1 + late_days)))
    return raw


def events_view(raw: ir.Table, source: str = SOURCE) -> ir.Table:
    """The canonical ``events`` table (``tables.TABLES['events']``, with ``source``) over GDELT 2.0 columns.

    As the loader does: dates from SQLDATE, actor states through the crosswalk, and only events with at least
    one state actor. ``file`` is the GDELT 2.0 export file the event was published in, which is named after its
    DATEADDED (``20220101154500.export.CSV``). Event ids are not deduplicated here: GDELT 2.0 ids are unique,
    and every events indicator counts each id once.
    """
    v = raw.select(
        source=ibis.literal(source),
        event_id=raw.GLOBALEVENTID.cast("int64"),
        date=raw.SQLDATE.cast("string").as_date("%Y%m%d"),
        actor_a=iso3_of(raw.Actor1CountryCode.cast("string")),
        actor_b=iso3_of(raw.Actor2CountryCode.cast("string")),
        cameo=raw.EventCode.cast("string"),
        root_code=raw.EventRootCode.cast("string"),
        is_root=raw.IsRootEvent.cast("int64") == 1,
        quad_class=raw.QuadClass.cast("int8"),
        goldstein=raw.GoldsteinScale.cast("float64"),
        mentions=raw.NumMentions.cast("int32"),
        sources=raw.NumSources.cast("int32"),
        articles=raw.NumArticles.cast("int32"),
        avg_tone=raw.AvgTone.cast("float64"),
        file=raw.DATEADDED.cast("string").concat(".export.CSV"),
    )
    return v.filter(v.actor_a.notnull() | v.actor_b.notnull())
