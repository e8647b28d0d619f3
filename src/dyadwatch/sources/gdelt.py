"""GDELT event files as published: 1.0 (57 or 58 columns), 2.0 (61 columns), and the header-row CSV variant.

* GDELT 1.0 historical files (1979–March 2013, ``YYYY.csv``/``YYYYMM.csv``) have 57
  tab-separated columns and no header; the daily files from April 2013
  (``YYYYMMDD.export.CSV``) add ``SOURCEURL`` (58).
* GDELT 2.0 15-minute files (``YYYYMMDDHHMMSS.export.CSV``) have 61 columns: an
  ``ADM2Code`` for each of the three geographies, then ``DATEADDED`` and ``SOURCEURL``.
* The header-row CSV variant (comma-separated, quoted, ``NA`` for missing), as
  exported from R, e.g. ``../shared/data/events/gdelt1_*.csv``.

``.zip`` files (as GDELT distributes them) are unpacked to a temporary folder
first, and ``.gz`` files are read directly. Files are read by DuckDB's
``read_csv`` and streamed: no file set is ever held in pandas.

Actors are countries by their CAMEO country code (``Actor1CountryCode``), mostly
ISO3; the crosswalk (``data/countries.yaml``, ``codes.cameo``) lists the ones that
differ and the regional codes (Europe, Middle East …) that are not states and become NULL.
Only events with at least one state actor are kept: the others cannot belong to
a dyad, and rows with one state actor are needed for each actor's event volume.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import encoding_of, sniff, strip_bom, warn

if TYPE_CHECKING:
    import duckdb

META = SourceMeta(
    name="gdelt",
    title="GDELT Event Database (1.0 and 2.0 event files)",
    publisher="The GDELT Project",
    licence="open: free for any use with attribution to the GDELT Project",
    citation=(
        "Leetaru, Kalev and Philip A. Schrodt. 2013. GDELT: Global Data on Events, Location and Tone, "
        "1979-2012. Paper presented at the ISA Annual Convention, San Francisco"
    ),
    url="https://www.gdeltproject.org/data.html",
    version="GDELT 1.0 (57/58 columns), 2.0 (61 columns), header-row CSV variant",
    tables=("events",),
    files="GDELT event files (.export.CSV, .CSV.zip, YYYY.csv) or header-row CSV exports",
    mode="add",  # one file is one part of the data
    allow_empty=True,  # a file whose events are all between non-state actors is valid
)

_ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code"]  # fmt: skip
_EVENT = ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
          "NumMentions", "NumSources", "NumArticles", "AvgTone"]  # fmt: skip
_GEO1 = ["Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID"]
_GEO2 = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]


def _columns(geo: list[str]) -> list[str]:
    cols = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    cols += [f"Actor1{c}" for c in _ACTOR] + [f"Actor2{c}" for c in _ACTOR] + _EVENT
    for g in ("Actor1Geo_", "Actor2Geo_", "ActionGeo_"):
        cols += [g + c for c in geo]
    return [*cols, "DATEADDED"]


V1_COLUMNS = _columns(_GEO1)  # 57
V1_DAILY_COLUMNS = [*V1_COLUMNS, "SOURCEURL"]  # 58
V2_COLUMNS = [*_columns(_GEO2), "SOURCEURL"]  # 61
LAYOUTS = {57: ("tsv-1.0-historical", V1_COLUMNS), 58: ("tsv-1.0-daily", V1_DAILY_COLUMNS),
           61: ("tsv-2.0", V2_COLUMNS)}  # fmt: skip
NEEDED = ["GLOBALEVENTID", "SQLDATE", "Actor1CountryCode", "Actor2CountryCode", *_EVENT]


def cameo_country_map(codes: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """{CAMEO country code: iso3} for the codes that are states, and the list of codes left unmapped."""
    known = {c.iso3 for c in countries.all_countries()}
    cameo = countries.code_map("cameo")  # CAMEO's own country codes, and its regions (None)
    out, unknown = {}, []
    for code in codes:
        if code in cameo:
            if cameo[code] is not None:
                out[code] = cameo[code]
        elif code in known:  # exact ISO3 only: resolve() would read region codes as COW abbreviations
            out[code] = code
        else:
            unknown.append(code)
    return out, unknown


def detect(path: Path) -> tuple[str, list[str]]:
    """(group key, column names): a tab-separated layout, or ``csv`` for the header-row variant.

    The header-row variant written by R's ``write.csv`` carries row names: data
    lines then have one field more than the header, the first being the row name.
    """
    head = sniff(path, META.name, "a GDELT event file", records=path.suffix.lower() not in (".gz", ".zip"))
    if path.suffix == ".gz":
        import gzip

        with gzip.open(path, "rb") as f:
            head = f.read(65536)
    encoding = encoding_of(head)
    head = strip_bom(head)  # DuckDB's reader skips the mark itself
    lines = head.split(b"\n", 2)
    first = lines[0].rstrip(b"\r")
    if first.lstrip(b'"').startswith(b"GLOBALEVENTID"):
        import csv

        header = next(csv.reader([first.decode("utf-8", "replace")]))
        missing = [c for c in NEEDED if c not in header]
        if missing:
            raise SourceFormatError(
                f"{path}: line 1 (the header) lacks GDELT column(s) {missing}. Fix: export all the GDELT event "
                "columns with their GDELT names, or give the event files as published."
            )
        second = lines[1].rstrip(b"\r").decode("utf-8", "replace") if len(lines) > 1 else ""
        n = len(next(csv.reader([second]))) if second else len(header)
        if n == len(header) + 1:
            return "csv-rownames", ["_rowname", *header]
        if n != len(header):
            raise SourceFormatError(
                f"{path}: line 2 has {n} fields but the header names {len(header)} columns. "
                "Fix: export the file again with one field per header column."
            )
        return "csv", header
    line = first.decode("utf-8", "replace")
    n = line.count("\t") + 1
    if n not in LAYOUTS:
        raise SourceFormatError(
            f"{path}: line 1 has {n} tab-separated columns (read as {encoding}); GDELT event files have 57 "
            "(1.0 historical), "
            "58 (1.0 daily, with SOURCEURL) or 61 (2.0), or a header row starting with GLOBALEVENTID. "
            "Fix: give the .export.CSV event files as downloaded from data.gdeltproject.org "
            "(not the mentions or GKG files)."
        )
    return LAYOUTS[n]


@contextmanager
def unpacked(paths: Sequence[Path]) -> Iterator[list[Path]]:
    """The paths, with .zip archives (GDELT's distribution format) unpacked to a temporary folder."""
    tmp = None
    out = []
    try:
        for p in map(Path, paths):
            if p.suffix.lower() != ".zip":
                out.append(p)
                continue
            tmp = tmp or Path(tempfile.mkdtemp(prefix="dyadwatch-gdelt-"))
            try:
                with zipfile.ZipFile(p) as z:
                    for j, name in enumerate(z.namelist()):
                        # Keep the inner file name: it is the GDELT file's identity in ``events.file``.
                        target = tmp / f"{len(out)}_{j}" / Path(name).name
                        target.parent.mkdir()
                        with z.open(name) as src, open(target, "wb") as dst:
                            shutil.copyfileobj(src, dst, 1 << 20)  # streamed: memory bounded
                        out.append(target)
            except zipfile.BadZipFile as e:
                raise SourceFormatError(f"{p}: not a readable zip archive ({e}). Fix: download it again.") from e
        yield out
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _sql_list(paths: Sequence[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def raw_sql(paths: Sequence[Path]) -> str:
    """A DuckDB query over the files with the NEEDED columns (as text) and ``filename``, one read per layout."""
    groups: dict[tuple[str, tuple[str, ...]], list[Path]] = {}
    for p in map(Path, paths):
        name, cols = detect(p)
        groups.setdefault((name, tuple(cols)), []).append(p)
    parts = []
    sel = ", ".join(f'"{c}"' for c in NEEDED)
    for (name, layout), files in groups.items():
        spec = "{" + ", ".join("'" + c.replace("'", "''") + "': 'VARCHAR'" for c in layout) + "}"
        if name.startswith("csv"):
            opts = "delim=',', quote='\"', escape='\"', nullstr='NA', skip=1"
        else:
            opts = "delim='\\t', quote='', escape=''"
        src = f"read_csv({_sql_list(files)}, {opts}, header=false, columns={spec}, auto_detect=false, filename=true)"
        parts.append(f"SELECT {sel}, filename FROM {src}")
    return " UNION ALL ".join(parts)


def typed_sql(paths: Sequence[Path]) -> str:
    """The files as typed event rows (raw CAMEO country codes) plus a ``bad`` flag for unparseable values."""
    return f"""
        SELECT
          TRY_CAST(GLOBALEVENTID AS BIGINT) AS event_id,
          TRY_STRPTIME(SQLDATE, '%Y%m%d')::DATE AS date,
          NULLIF(Actor1CountryCode, '') AS code_a,
          NULLIF(Actor2CountryCode, '') AS code_b,
          EventCode AS cameo, EventRootCode AS root_code,
          TRY_CAST(IsRootEvent AS INTEGER) = 1 AS is_root,
          TRY_CAST(QuadClass AS TINYINT) AS quad_class,
          TRY_CAST(GoldsteinScale AS DOUBLE) AS goldstein,
          TRY_CAST(NumMentions AS INTEGER) AS mentions,
          TRY_CAST(NumSources AS INTEGER) AS sources,
          TRY_CAST(NumArticles AS INTEGER) AS articles,
          TRY_CAST(AvgTone AS DOUBLE) AS avg_tone,
          parse_filename(filename) AS file,
          (TRY_CAST(GLOBALEVENTID AS BIGINT) IS NULL
           OR TRY_STRPTIME(SQLDATE, '%Y%m%d') IS NULL
           OR (QuadClass IS NOT NULL AND TRY_CAST(QuadClass AS TINYINT) NOT BETWEEN 1 AND 4)
           OR (GoldsteinScale IS NOT NULL AND TRY_CAST(GoldsteinScale AS DOUBLE) IS NULL)
           OR (NumMentions IS NOT NULL AND TRY_CAST(NumMentions AS INTEGER) IS NULL)
           OR (AvgTone IS NOT NULL AND TRY_CAST(AvgTone AS DOUBLE) IS NULL)) AS bad,
          GLOBALEVENTID AS raw_id, SQLDATE AS raw_date, QuadClass AS raw_quad, GoldsteinScale AS raw_goldstein
        FROM ({raw_sql(paths)})
    """


def read_error(e: Exception, paths: Sequence[Path]) -> SourceFormatError:
    """A DuckDB CSV error as one message naming file, line, column count and the fix."""
    msg = str(e)
    line = re.search(r"Line: (\d+)", msg)
    file = re.search(r"file = (.+)", msg)
    cols = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", msg)
    where = f"{file.group(1).strip() if file else ', '.join(map(str, paths))}"
    what = f"line {line.group(1)}" if line else "a line"
    if cols:
        detail = f"has {cols.group(2)} columns where the file's layout has {cols.group(1)}"
    else:
        detail = "cannot be parsed: " + msg.splitlines()[0]
    return SourceFormatError(
        f"{where}: {what} {detail}. The file is truncated, damaged or mixes GDELT versions. "
        "Fix: download it again from data.gdeltproject.org; do not concatenate files of different versions."
    )


def check_bad(con: duckdb.DuckDBPyConnection, rel: str) -> None:
    """Fail naming the first row whose id, date, QuadClass or numbers do not parse."""
    row = con.execute(f"SELECT file, raw_id, raw_date, raw_quad, raw_goldstein FROM {rel} WHERE bad LIMIT 1").fetchone()
    if row:
        n = con.execute(f"SELECT count(*) FROM {rel} WHERE bad").fetchall()[0][0]  # a count: one row
        raise SourceFormatError(
            f"{row[0]}: {n} event row(s) have values that do not parse, e.g. GLOBALEVENTID={row[1]!r}, "
            f"SQLDATE={row[2]!r}, QuadClass={row[3]!r}, GoldsteinScale={row[4]!r} (expected an integer id, a "
            "YYYYMMDD date, QuadClass 1-4 and numbers). Fix: download the file again from data.gdeltproject.org."
        )


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    import duckdb  # here, not at the top: the source registry imports every loader (the report lists them)

    paths = [Path(p) for p in paths]
    if not paths:
        raise SourceFormatError("gdelt needs one or more event files; none given.")
    # Staging spills to a temporary folder beyond 2 GB, so a month of files does not need its size in memory.
    spill = tempfile.mkdtemp(prefix="dyadwatch-gdelt-spill-")
    con = duckdb.connect(config={"memory_limit": "2GB", "temp_directory": spill})
    try:
        with unpacked(paths) as files:
            try:
                con.execute(f"CREATE TEMP TABLE staged AS {typed_sql(files)}")
            except duckdb.Error as e:  # InternalException too: DuckDB's reader on a damaged line (fuzz finding)
                raise read_error(e, files) from e
        check_bad(con, "staged")
        codes = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT c FROM (SELECT code_a AS c FROM staged UNION SELECT code_b FROM staged) "
                "WHERE c IS NOT NULL"
            ).fetchall()
        ]
        mapping, unknown = cameo_country_map(codes)
        if unknown:
            warn(f"GDELT actor country codes unknown to dyadwatch, kept as NULL: {sorted(unknown)[:20]}.")
        con.register("_cmap", pa.table({"code": list(mapping), "iso3": list(mapping.values())}))
        dups = con.execute("SELECT count(*) - count(DISTINCT event_id) FROM staged").fetchall()[0][0]
        if dups:
            warn(f"{dups} GDELT event rows repeat an event id already read (overlapping files); kept once.")
        cur = con.execute(
            """
            SELECT s.event_id, s.date, ma.iso3 AS actor_a, mb.iso3 AS actor_b, s.cameo, s.root_code, s.is_root,
                   s.quad_class, s.goldstein, s.mentions, s.sources, s.articles, s.avg_tone, s.file
            FROM staged s
            LEFT JOIN _cmap ma ON s.code_a = ma.code
            LEFT JOIN _cmap mb ON s.code_b = mb.code
            WHERE ma.iso3 IS NOT NULL OR mb.iso3 IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY s.event_id ORDER BY s.file) = 1
            """
        )
        tbl = cur.to_arrow_table() if hasattr(cur, "to_arrow_table") else cur.fetch_arrow_table()
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return {"events": tbl}
