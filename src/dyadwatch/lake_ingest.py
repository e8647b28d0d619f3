"""Ingest that streams a source's files into a lake (``lake.py``): memory flat whatever the file size.

The warehouse ingest (``ingest.py``) loads a whole file set into one Arrow table before its transaction; a
month of GDELT 2.0 then peaks near 3 GB. Here DuckDB stays the parser but never holds a file in memory: each
file is read (typed, mapped, checked) into a temporary table and written by one ``COPY … TO part/data.parquet``
under a ``memory_limit``, with ``preserve_insertion_order`` off so the pipeline streams, and spills (if any)
inside the lake's staging area.
The parts become live in one ``lake.commit`` at the end: the whole command lands, or nothing does.

Same semantics as the warehouse ingest of the same files:

* the loader's mapping (``sources/gdelt.py``: CAMEO country codes to ISO3 through the crosswalk, only events
  with a state actor, the same typed columns and the same ``file`` labels: resolved path, or ``ZIP!NAME``);
* the same checks: the loader's parse checks (``bad``) on every row, ``tables.py``'s declared ranges on every
  kept row (``validate.py``'s rules as SQL predicates), NaN stored as NULL. The first bad value aborts the
  COPY through DuckDB's ``error()``; a second pass, on the error path only, finds its line and counts its kind;
* duplicate event ids kept once: within a file, and against the source's other live parts and the files read
  before in this command (files in name order, first kept, as the warehouse's loader orders them);
  which copy of an id repeated within one file is kept is, as in the warehouse's loader, not specified;
* mode add: a file read again replaces its own earlier part; files already live with the same sha256 are
  skipped; a re-read that would lose more than ``META.max_shrink`` of the source's rows needs ``allow_shrink``.

Each file is parsed once, into a temporary table (DuckDB spills it past ``memory_limit``), so the duplicate
removal is a hash pass over its ids and the one Parquet write is of the kept rows only. A tab-separated file is
first read with the loader's column types declared to ``read_csv`` and the codes mapped through an ENUM
(``_fast_sql``): the same values, about a third less work than text columns cast afterwards; if that read fails
for any reason, the file goes through the loader's own pass (``_mapped_sql``), so its errors and its lenient
parses are unchanged. From the same kept rows
the part's dyad-month aggregate (``lake.DYAD_MONTH``) is written beside it and committed with it: the lake
store answers the events index from those sums while every live part has its aggregate.

Unlike the warehouse ingest, actor codes unknown to the crosswalk are not listed in a note (that is a
second pass over the file); they become NULL as there.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import os
import shutil
import time
import uuid
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from dyadwatch import lake, lake_files, lake_trade_run, signals
from dyadwatch.errors import DyadwatchError, InvalidValueError, SourceFormatError
from dyadwatch.ingest import IngestResult, test_pause
from dyadwatch.lake_files import File, q
from dyadwatch.tables import TABLES

STREAMED = ("gdelt", "baci", "comtrade")
_MARK = "dyadwatch-bad"
_SEP = "\x1f"


def can_stream(source) -> bool:
    return source.META.name in STREAMED


def ingest(
    root: Path,
    source,
    paths: Sequence[Path],
    *,
    force: bool = False,
    allow_shrink: bool = False,
    progress: Callable[[str], None] | None = None,
    memory_limit: str = "1GB",
    threads: int = 2,
) -> IngestResult:
    """Stream ``paths`` of ``source`` into the lake at ``root``: one part per file, one commit for all."""
    from dyadwatch import lake_comtrade, lake_trade

    # Trade flows have readers of their own, driven alike by ``lake_trade_run``; the rest of this module is GDELT's.
    trade = {"baci": (lake_trade.read, lake_trade.is_codes), "comtrade": (lake_comtrade.read, lambda name: False)}
    if source.META.name in trade:
        read, is_codes = trade[source.META.name]
        return lake_trade_run.run(
            root, source.META, paths, read, force=force, allow_shrink=allow_shrink, progress=progress,
            memory_limit=memory_limit, threads=threads, is_codes=is_codes,
        )  # fmt: skip
    if not can_stream(source):
        raise DyadwatchError(
            f"Source {source.META.name!r} cannot be ingested into a lake yet (streamed: {', '.join(STREAMED)}). "
            "Fix: ingest it into a warehouse (leave out --lake), then `lake.export` it."
        )
    return lake_files.guarded(
        root, lambda r: _ingest(r, source, paths, force, allow_shrink, progress, memory_limit, threads)
    )


def _ingest(root, source, paths, force, allow_shrink, progress, memory_limit, threads) -> IngestResult:
    t0 = time.perf_counter()
    meta = source.META
    root.mkdir(parents=True, exist_ok=True)
    with lake.writer(root) as stage_dir, cf.ThreadPoolExecutor(1) as hasher:
        lake.clean(root, stage_dir)  # orphans of killed ingests; superseded parts stay for open readers
        base = lake.last_id(root)
        prev = lake.current(root).get(meta.name)
        known = {i["identity"]: i for i in (prev.inputs if prev else [])}
        refs = lake_files.files(paths, known, force, hasher)
        todo = [r for r in refs if force or known.get(r.identity, {}).get("sha256") != r.sha]
        if not todo:
            return IngestResult(meta.name, [r.given for r in refs], {}, 0.0, skipped=True, mode="add")
        scratch = stage_dir / f"run-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        scratch.mkdir()
        written: dict[str, list[Path]] = {"events": [], lake.DYAD_MONTH: []}
        try:
            con = _connect(scratch, memory_limit, threads)
            try:
                replaced = [p for r in todo for p in known.get(r.identity, {}).get("parts", [])]
                others = [root / p for p in (prev.live.get("events", []) if prev else []) if p not in replaced]
                # A re-read file's old aggregates go with its old parts (absent for parts older than aggregates).
                replaced += [lake.aggregate_of(p) for p in replaced]
                inputs, notes = [], []
                # Name order, as the warehouse's loader keeps the first of a repeated event id by file name.
                for r in sorted(todo, key=lambda r: (r.path.name, r.identity)):
                    if progress:
                        progress(f"reading {r.path.name}")
                    parts, n, more = _stream_file(con, root, scratch, meta.name, r, others, written)
                    others += parts
                    notes += more
                    rel = [lake._rel(root, p) for p in parts]
                    inputs.append(
                        {"identity": r.identity, "path": str(r.path), "sha256": r.digest(), "size": r.size,
                         "mtime_ns": r.mtime_ns, "rows": n, "parts": rel,
                         "aggregates": [lake.aggregate_of(p) for p in rel]}
                    )  # fmt: skip
            finally:
                con.close()
            before = sum(i.get("rows", 0) for i in known.values())
            lost = sum(known[r.identity].get("rows", 0) for r in todo if r.identity in known)
            after = before - lost + sum(i["rows"] for i in inputs)
            lake_files.refuse_shrink(meta, "events", [r.given for r in todo], before, after, allow_shrink)
            test_pause()
            with signals.deferred(f"the {meta.name} ingest (lake entry {base + 1})"):
                entry = lake.commit(
                    root, meta.name, "add", written, replaced=replaced,
                    files_=[r.given for r in refs], rows={"events": after}, notes=notes, inputs=inputs, base=base,
                )  # fmt: skip
        except BaseException as e:
            if not (isinstance(e, KeyboardInterrupt) and signals.committed()):
                for p in (p for ps in written.values() for p in ps):  # never named by an entry: invisible
                    shutil.rmtree(p, ignore_errors=True)  # anyway, removed to save the space
            raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    rows = {"events": sum(i["rows"] for i in inputs)}
    removed = {"events": lost} if lost else {}
    res = IngestResult(meta.name, [r.given for r in refs], rows, time.perf_counter() - t0, notes=notes, mode="add")
    res.removed = removed
    res.entry = entry.id  # type: ignore[attr-defined]
    return res


def _connect(scratch: Path, memory_limit: str, threads: int) -> duckdb.DuckDBPyConnection:
    from dyadwatch.sources import gdelt

    con = lake_trade_run.connect(scratch, memory_limit, threads)
    mapping = _country_map(gdelt)
    con.execute("CREATE TEMP TABLE _cmap (code VARCHAR, iso3 VARCHAR)")
    con.executemany("INSERT INTO _cmap VALUES (?, ?)", list(mapping.items()))
    # The fast path's lookup: a cast to an ENUM of the mapped codes (an exact match, NULL for any other code)
    # and its index into their ISO3 codes costs less than a join per actor.
    codes = list(mapping)
    con.execute(f"CREATE TYPE _cameo AS ENUM ({', '.join(map(q, codes))})")
    iso3 = "[" + ", ".join(q(mapping[c]) for c in codes) + "]"
    con.execute(f"CREATE TEMP MACRO _iso3(code) AS {iso3}[enum_code(TRY_CAST(code AS _cameo))::INTEGER + 1]")
    return con


def _country_map(gdelt) -> dict[str, str]:
    """Every code the crosswalk maps, so no pass over the file is needed to learn which codes occur."""
    from dyadwatch import countries

    candidates = set(countries.code_map("cameo")) | {c.iso3 for c in countries.all_countries()}
    mapping, _ = gdelt.cameo_country_map(sorted(candidates))
    return mapping


def _unpacked(r: File, scratch: Path) -> list[tuple[Path, str]]:
    """(file to read, its ``file`` label): a zip's members streamed out to the scratch folder."""
    if r.path.suffix.lower() != ".zip":
        return [(r.path, r.identity)]
    out = []
    try:
        with zipfile.ZipFile(r.path) as z:
            for j, name in enumerate(z.namelist()):
                target = scratch / f"zip-{uuid.uuid4().hex[:8]}-{j}" / Path(name).name
                target.parent.mkdir()
                with z.open(name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                out.append((target, f"{r.identity}!{Path(name).name}"))
    except zipfile.BadZipFile as e:
        raise SourceFormatError(f"{r.given}: not a readable zip archive ({e}). Fix: download it again.") from e
    return out


def _checks_sql() -> tuple[str, dict[str, str]]:
    """``validate.py``'s rules for ``events`` as one CASE branch per column: (branches, column → predicate)."""
    preds = {}
    for col, chk in TABLES["events"].checks.items():
        kind = TABLES["events"].schema.field(col).type
        conds = [f"isinf({col})"] if pa.types.is_floating(kind) else []
        # An integer column against an integer bound (the same rows fail): no cast of every value to a decimal.
        whole = pa.types.is_integer(kind)
        if chk.lo != float("-inf"):
            conds.append(f"{col} < {math.ceil(chk.lo) if whole else chk.lo!r}")
        if chk.hi != float("inf"):
            conds.append(f"{col} > {math.floor(chk.hi) if whole else chk.hi!r}")
        if chk.allowed:
            conds.append(f"{col} NOT IN ({', '.join(map(repr, chk.allowed))})")
        if conds:
            preds[col] = f"({col} IS NOT NULL AND ({' OR '.join(conds)}))"
    branches = " ".join(
        f"WHEN {p} THEN error('{_MARK}{_SEP}range{_SEP}{c}{_SEP}' || CAST({c} AS VARCHAR))" for c, p in preds.items()
    )
    return branches, preds


def _mapped_sql(gdelt, path: Path, skip: int | None = None) -> str:
    """The file's events in canonical order, without the keep/check filter (see ``_stream_file``).

    ``skip``: number the rows as the file's lines (``line``), before the joins, which do not keep row order.
    """
    src = gdelt.typed_sql([path])
    if skip is not None:
        src = f"SELECT row_number() OVER () + {skip} AS line, * FROM ({src})"
    return f"""
        SELECT {"t.line, " if skip is not None else ""}t.event_id, t.date, ma.iso3 AS actor_a, mb.iso3 AS actor_b,
               t.cameo, t.root_code, t.is_root,
               t.quad_class, CASE WHEN isnan(t.goldstein) THEN NULL ELSE t.goldstein END AS goldstein,
               t.mentions, t.sources, t.articles,
               CASE WHEN isnan(t.avg_tone) THEN NULL ELSE t.avg_tone END AS avg_tone,
               t.bad, t.raw_id, t.raw_date, t.raw_quad, t.raw_goldstein,
               (ma.iso3 IS NOT NULL OR mb.iso3 IS NOT NULL) AS kept
        FROM ({src}) t
        LEFT JOIN _cmap ma ON t.code_a = ma.code
        LEFT JOIN _cmap mb ON t.code_b = mb.code
    """


# The loader's column types (``gdelt.typed_sql``'s casts), declared to ``read_csv`` on the fast path.
_TYPES = {"GLOBALEVENTID": "BIGINT", "SQLDATE": "DATE", "IsRootEvent": "INTEGER", "QuadClass": "TINYINT",
          "GoldsteinScale": "DOUBLE", "NumMentions": "INTEGER", "NumSources": "INTEGER", "NumArticles": "INTEGER",
          "AvgTone": "DOUBLE"}  # fmt: skip


def _fast_sql(path: Path, layout: list[str]) -> str:
    """``_mapped_sql`` for a tab-separated file whose every value parses, with the types declared to the reader.

    DuckDB's reader converts with the same casts as ``TRY_CAST`` (a value it accepts gets the value
    ``TRY_CAST`` gives) and fails where ``TRY_CAST`` gives NULL; so when this query succeeds, the loader's
    parse checks on the numbers cannot have fired, and ``bad`` reduces to a missing id or date or a QuadClass
    outside 1-4. When it fails, ``_stream_file`` reruns the file through ``_mapped_sql``, which is the loader.
    """
    spec = "{" + ", ".join(f"{q(c)}: '{_TYPES.get(c, 'VARCHAR')}'" for c in layout) + "}"
    src = (
        f"read_csv({q(path)}, delim='\\t', quote='', escape='', header=false, columns={spec}, auto_detect=false, "
        "dateformat='%Y%m%d')"
    )
    return f"""
        SELECT t.GLOBALEVENTID AS event_id, t.SQLDATE AS date, t.iso3_a AS actor_a, t.iso3_b AS actor_b,
               t.EventCode AS cameo, t.EventRootCode AS root_code, t.IsRootEvent = 1 AS is_root,
               t.QuadClass AS quad_class,
               CASE WHEN isnan(t.GoldsteinScale) THEN NULL ELSE t.GoldsteinScale END AS goldstein,
               t.NumMentions AS mentions, t.NumSources AS sources, t.NumArticles AS articles,
               CASE WHEN isnan(t.AvgTone) THEN NULL ELSE t.AvgTone END AS avg_tone,
               (t.GLOBALEVENTID IS NULL OR t.SQLDATE IS NULL
                OR (t.QuadClass IS NOT NULL AND t.QuadClass NOT BETWEEN 1 AND 4)) AS bad,
               NULL::VARCHAR AS raw_id,
               (t.iso3_a IS NOT NULL OR t.iso3_b IS NOT NULL) AS kept
        FROM (SELECT *, _iso3(Actor1CountryCode) AS iso3_a, _iso3(Actor2CountryCode) AS iso3_b FROM {src}) t
    """


def _stream_file(
    con, root: Path, scratch: Path, source: str, r: File, others: list[Path], written: dict[str, list[Path]]
):
    """Write one file's part(s) and their aggregates; returns (part folders, rows, notes)."""
    from dyadwatch.sources import gdelt

    branches, _ = _checks_sql()
    cols = [c for c in TABLES["events"].schema.names if c not in ("file", "source")]
    parts, total, notes = [], 0, []
    for path, label in _unpacked(r, scratch):
        part = lake.stage(root, "events", source, Path(label).name)
        written["events"].append(part)
        agg = root / lake.aggregate_of(lake._rel(root, part))
        agg.mkdir(parents=True)
        written[lake.DYAD_MONTH].append(agg)
        # One CASE, so the optimizer cannot split it: parse errors are checked on every row (as the loader
        # does), the declared ranges on the rows kept (as validate.py sees them).
        keep = (
            f"CASE WHEN bad THEN error('{_MARK}{_SEP}parse{_SEP}' || coalesce(raw_id, '')) "
            f"WHEN NOT kept THEN false {branches} ELSE true END"
        )
        # The file is parsed once, into a table (spilled past memory_limit): the dedupe then needs no second
        # read of the CSV and no rewrite of a Parquet part, and the aggregate reads the same kept rows.
        sql = f"SELECT {', '.join(cols)} FROM ({_mapped_sql(gdelt, path)}) WHERE {keep}"
        try:
            if not _fast_rows(con, gdelt, path, cols, keep):
                con.execute(f"CREATE OR REPLACE TEMP TABLE _rows AS {sql}")
        except duckdb.Error as e:
            if _MARK in str(e):
                raise _bad_value(con, gdelt, path, r.given, str(e)) from None
            if signals.received():
                raise KeyboardInterrupt from None
            raise gdelt.read_error(e, [path]) from e
        try:
            kept, note = _dedupe(con, others, r.given)
            n = con.execute(
                f"COPY (SELECT {', '.join(cols)}, {q(label)} AS file, {q(source)} AS source FROM ({kept})) "
                f"TO {q(part / 'data.parquet')} (FORMAT parquet)"
            ).fetchone()[0]
            con.execute(f"COPY ({_aggregate_sql(kept, source)}) TO {q(agg / 'data.parquet')} (FORMAT parquet)")
        finally:
            con.execute("DROP TABLE IF EXISTS _rows")  # frees its memory (or spill) before the next file
        notes += note
        parts.append(part)
        total += n
    return parts, total, notes


def _fast_rows(con, gdelt, path: Path, cols: list[str], keep: str) -> bool:
    """``_rows`` from ``_fast_sql``; False (nothing made) when the file needs the loader's own pass.

    Every failure, a bad value included, goes back to the loader's pass, so that its errors and its
    lenient parses (an ``IsRootEvent`` that is not a number is NULL there) stay exactly as they were.
    """
    layout, names = gdelt.detect(path)
    if not layout.startswith("tsv"):  # the quoted header-row variant: ``""`` is not NULL to the loader
        return False
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _rows AS SELECT {', '.join(cols)} FROM ({_fast_sql(path, names)}) "
            f"WHERE {keep}"
        )
    except duckdb.Error:
        if signals.received():
            raise KeyboardInterrupt from None
        return False
    return True


def _dedupe(con, others: list[Path], given: str) -> tuple[str, list[str]]:
    """The rows of ``_rows`` to keep, as SQL: each event id once, within the file and against ``others``.

    One hash pass over the ids finds the repeats within the file (the copy with the lowest rowid is kept: a
    fixed choice, so the part and its aggregate see the same rows); the other parts are read only for their
    ``event_id`` column within this file's id range (pushed into the Parquet scan). Both land in ``_drop``
    (id, row to keep or NULL for none), a few rows, whose other copies are deleted from ``_rows``.
    """
    n, lo, hi = con.execute("SELECT count(*), min(event_id), max(event_id) FROM _rows").fetchone()
    con.execute("CREATE OR REPLACE TEMP TABLE _earlier (event_id BIGINT)")
    seen = [f for p in others for f in sorted(Path(p).glob("*.parquet"))]
    if seen and n:
        con.execute(
            f"INSERT INTO _earlier SELECT DISTINCT event_id FROM _rows SEMI JOIN (SELECT event_id AS e FROM "
            f"read_parquet([{', '.join(map(q, seen))}]) WHERE event_id BETWEEN {lo} AND {hi}) ON event_id = e"
        )
    # One pass: the ids repeated within the file, with their count and the row to keep. A file's ids span a
    # few million at most, so an array indexed by id (DuckDB's perfect hash aggregate, up to 2^22 slots,
    # about 100 MB) replaces the hash table; a wider span falls back to the hash table.
    con.execute("SET perfect_ht_threshold = 22")
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _repeated AS SELECT event_id, count(*) AS c, min(rowid) AS first_row "
            "FROM _rows GROUP BY event_id HAVING count(*) > 1"
        )
    finally:
        con.execute("RESET perfect_ht_threshold")
    # An id read before is dropped whole (the earlier file's copy is the first); one repeated only within this
    # file keeps one row. ``dropped``: how many of the file's rows that removes.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _drop AS
           SELECT coalesce(r.event_id, e.event_id) AS event_id,
                  CASE WHEN e.event_id IS NULL THEN r.first_row END AS keep_row,
                  coalesce(r.c, 1) - (e.event_id IS NULL)::BIGINT AS dropped
           FROM _repeated r FULL JOIN _earlier e ON r.event_id = e.event_id"""
    )
    dropped = con.execute("SELECT coalesce(sum(dropped), 0) FROM _drop").fetchone()[0]
    if not dropped:
        return "SELECT * FROM _rows", []
    # Removed from the table once (a semi-join on the ids, scanning two columns), so that neither the part's
    # COPY nor the aggregate's joins every row. A row whose id is in ``_drop`` goes unless it is the row kept
    # for it (a ``keep_row`` is always a row of its own id, so one list of them serves every id).
    con.execute(
        "DELETE FROM _rows WHERE event_id IN (SELECT event_id FROM _drop) "
        "AND rowid NOT IN (SELECT keep_row FROM _drop WHERE keep_row IS NOT NULL)"
    )
    note = f"{given}: {dropped} GDELT event rows repeat an event id already read (overlapping files); kept once."
    return "SELECT * FROM _rows", [note]


def _aggregate_sql(kept: str, source: str) -> str:
    """The dyad-month aggregate (``lake.DYAD_MONTH``) of the kept rows: what the events index sums per period.

    Per (month, actor pair, root flag): the rows, the known QuadClasses and each class, and for each weight the
    Goldstein and tone numerators and denominators over the rows where value and weight are both known, exactly
    the sums ``indicators.events`` takes over the rows (so a period's figures are sums of these).
    """
    weights = {"mentions": "mentions::DOUBLE", "articles": "articles::DOUBLE", "none": "1.0::DOUBLE"}
    assert tuple(weights) == lake.DYAD_MONTH_WEIGHTS
    sums = []
    for name, w in weights.items():
        for col, key in (("goldstein", "g"), ("avg_tone", "t")):
            known = f"{col} IS NOT NULL AND {w} IS NOT NULL"
            sums.append(f"sum({col} * {w}) FILTER (WHERE {known}) AS {key}_num_{name}")
            sums.append(f"sum({w}) FILTER (WHERE {known}) AS {key}_den_{name}")
    quads = ", ".join(f"count(*) FILTER (WHERE quad_class = {k}) AS q{k}" for k in (1, 2, 3, 4))
    return f"""
        SELECT {q(source)} AS source, date_trunc('month', date)::DATE AS month, actor_a, actor_b, is_root,
               count(*) AS events, count(quad_class) AS n_quad, {quads}, {", ".join(sums)}
        FROM ({kept}) GROUP BY ALL
    """


def _bad_value(con, gdelt, path: Path, given: str, message: str) -> SourceFormatError:
    """The first bad row named by file and line (a second pass, on this error path only)."""
    fields = message[message.index(_MARK) :].split(_SEP)
    kind, col = fields[1], fields[2] if fields[1] == "range" else ""
    layout, _ = gdelt.detect(path)
    skip = 1 if layout.startswith("csv") else 0
    _, preds = _checks_sql()
    cond = "bad" if kind == "parse" else f"kept AND NOT bad AND {preds[col]}"
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET threads = 1")  # row_number() OVER () is the line only on an ordered, single-thread scan
    numbered = _mapped_sql(gdelt, path, skip)
    row = con.execute(
        f"SELECT line, raw_id, raw_date, raw_quad, raw_goldstein{', ' + col if col else ''}, "
        f"count(*) OVER () FROM ({numbered}) WHERE {cond} ORDER BY line LIMIT 1"
    ).fetchone()
    where = f"{given}, line {row[0]}" if path.name == Path(given).name else f"{given} ({path.name}), line {row[0]}"
    if kind == "parse":
        return SourceFormatError(
            f"{where}: {row[-1]} event row(s) have values that do not parse, e.g. GLOBALEVENTID={row[1]!r}, "
            f"SQLDATE={row[2]!r}, QuadClass={row[3]!r}, GoldsteinScale={row[4]!r} (expected an integer id, a "
            "YYYYMMDD date, QuadClass 1-4 and numbers). Nothing was committed. Fix: download the file again "
            "from data.gdeltproject.org."
        )
    chk = TABLES["events"].checks[col]
    return InvalidValueError(
        f"{where}, column {col!r}: {row[5]!r} is not {chk.why} ({row[-1]:,} value(s) like it; checked as "
        f"events.{col}). No publisher of 'gdelt' writes this: the file is damaged or was edited. Nothing was "
        "committed. Fix: download it again (see `dyadwatch cite gdelt`), or correct that line."
    )
