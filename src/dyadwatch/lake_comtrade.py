"""Streamed lake ingest of UN Comtrade files: the current API/bulk CSV layout (plain, ``.gz``, or inside a zip).

``lake_trade.run`` is the driver (lock, sha256 skip, staged parts, shrink and empty refusals, one commit); this
module is Comtrade's reader. Each API-layout CSV is parsed once by DuckDB, under the run's ``memory_limit``,
into a temporary table (typed, breakdown filters, flows, HS levels and codes mapped to ISO3 as
``sources/comtrade.py`` does them; spilled into the lake's staging area past the limit). One aggregate over it
gives every whole-file fact the loader needs (breakdown and other-flow counts, vintages, unknown codes, areas
that are not states, duplicated flows, the declared checks); one ``COPY`` writes the kept rows as the part.

Same semantics as the warehouse ingest of the same file (``comtrade.load``, then ``validate.py``): the same rows
and values, the loader's warnings as notes, the loader's errors with its lines (found by a second, ordered pass
on the error path only), the cross-file duplicate check among the files given together, the same ``file``
labels (the resolved path; ``ZIP!NAME`` for a zip's member, ``.gz`` by its own path: the warehouse reads
neither). The other Comtrade files (Excel, the legacy v1 layouts, UTF-16 CSVs, the code lists) are small:
they are read by the loader itself and its table written as a part, in the same commit.

Not the same: a value outside its declared range is named by its file line, where ``validate.py`` names the
row of the loaded table (as for BACI); the example flow of a cross-file duplicate is the first in file order,
then key order; the note on re-exports reads the file a second time, on one thread, up to its tenth such row.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import shutil
import uuid
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dyadwatch import lake, validate
from dyadwatch.errors import DyadwatchError, SourceFormatError
from dyadwatch.ingest import IngestResult, conform
from dyadwatch.lake_files import File, q
from dyadwatch.lake_trade import _checks, _ordered, declared_error
from dyadwatch.lake_trade_run import TABLE, Run, input_of, run
from dyadwatch.sources._files import DataWarning, sniff
from dyadwatch.tables import TABLES

STREAMED = ("comtrade",)
_KEY = "reporter, partner, period, flow, hs_code"
_EXPECTED = "a UN Comtrade CSV or Excel export"


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
    """Stream Comtrade ``paths`` into the lake at ``root``: a part per file (per table), one commit for all."""
    if not can_stream(source):
        raise DyadwatchError(f"Source {source.META.name!r} is not Comtrade.")
    return run(
        root, source.META, paths, _read, force=force, allow_shrink=allow_shrink, progress=progress,
        memory_limit=memory_limit, threads=threads,
    )  # fmt: skip


# --- the files of a command ---------------------------------------------------------------------------------------


@dataclass
class Member:
    """One Comtrade file to read: a file given, a zip's member, or a ``.gz``'s content."""

    ref: File
    label: str  # the ``file`` label: the identity, or ZIP!NAME
    where: str  # how messages name it: the path given (resolved), or ZIP!NAME
    path: Path  # what DuckDB reads (a .gz is read as is; a zip member is unpacked to the scratch folder)
    kind: str  # "api" (streamed), "codes" (a code list, read by the loader), "data" (the loader's flow table)
    frame: pd.DataFrame | None = None  # the loader's frame, for files it reads


def _members(r: File, scratch: Path) -> list[Member]:
    """A file's Comtrade members, each classified by its header as ``comtrade.load`` classifies frames."""
    name = r.path.name.lower()
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(r.path) as z:
                names = [n for n in z.namelist() if not n.endswith("/")]
                data = sorted((n for n in names if n.lower().endswith((".csv", ".csv.gz"))), key=lambda n: Path(n).name)
                if not data:
                    raise SourceFormatError(
                        f"{r.path}: the zip holds no Comtrade CSV; it holds {[Path(n).name for n in names][:10]}. "
                        "Fix: give the bulk file's zip as downloaded, or the CSV itself."
                    )
                out = []
                for n in data:
                    target = scratch / f"zip-{uuid.uuid4().hex[:8]}" / Path(n).name
                    target.parent.mkdir()
                    with z.open(n) as src, open(target, "wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    label = f"{r.identity}!{Path(n).name}"
                    out.append(_classify(r, label, label, target, scratch))
                return out
        except zipfile.BadZipFile as e:
            raise SourceFormatError(f"{r.path}: not a readable zip archive ({e}). Fix: download it again.") from e
    return [_classify(r, r.identity, str(r.path), r.path, scratch)]


def _header(path: Path, where: str) -> tuple[bytes, list[str] | None]:
    """The file's first bytes (after the loader's checks) and its CSV header (None: not a UTF-8 CSV)."""
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.open(path, "rb") as f:
                head = f.read(4096)
        except (OSError, EOFError) as e:
            raise SourceFormatError(f"{where}: not a readable gzip file ({e}). Fix: download it again.") from None
        if not head:
            raise SourceFormatError(f"{where}: the file is empty; expected {_EXPECTED}.")
    else:
        try:
            head = sniff(path, "comtrade", _EXPECTED, records=True)
        except SourceFormatError as e:
            raise SourceFormatError(str(e).replace(str(path), where)) from None
    if head[:2] == b"PK" or head[:4] == b"\xd0\xcf\x11\xe0" or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head, None  # Excel, or UTF-16: the loader reads them
    if b"\x00" in head:
        return head, None  # the loader's message on a UTF-16 file without its mark
    text = head.decode("utf-8-sig", "replace")
    first = text.split("\n", 1)[0].rstrip("\r")
    return head, next(csv.reader(io.StringIO(first)), [])


def _classify(r: File, label: str, where: str, path: Path, scratch: Path) -> Member:
    from dyadwatch.sources import comtrade

    _, header = _header(path, where)
    if header is not None:
        cols = set(header)
        if not ({"hscode", "section", "level"} <= cols or {"id", "text"} == cols - {"Unnamed: 0"}) and not any(
            c.endswith("CodeIsoAlpha3") for c in cols
        ):
            if "cmdCode" in cols and "primaryValue" in cols and not {"Код товара", "Commodity Code"} & cols:
                return Member(r, label, where, path, "api")
    if path.name.lower().endswith(".gz"):  # the loader reads plain files only
        plain = scratch / f"gz-{uuid.uuid4().hex[:8]}"
        plain.mkdir()
        target = plain / path.name[:-3]
        with gzip.open(path, "rb") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        path = target
    df = _loader(where, path, lambda: comtrade.read_table(path, "comtrade"))
    cols = set(df.columns)
    codes = {"hscode", "section", "level"} <= cols or {"id", "text"} == cols - {"Unnamed: 0"}
    codes = codes or any(c.endswith("CodeIsoAlpha3") for c in cols)
    return Member(r, label, where, path, "codes" if codes else "data", df)


def _loader(where: str, path: Path, call):
    """The loader's call, its messages naming the file as the warehouse's do."""
    try:
        return call()
    except SourceFormatError as e:
        raise SourceFormatError(str(e).replace(str(path), where)) from None


# --- the reader ---------------------------------------------------------------------------------------------------


def _read(con: duckdb.DuckDBPyConnection, ctx: Run) -> tuple[list[dict], list[str]]:
    from dyadwatch.sources import comtrade

    members = {r.identity: _members(r, ctx.scratch) for r in ctx.refs}
    is_codes = {i: all(m.kind == "codes" for m in ms) for i, ms in members.items()}
    changed = {r.identity for r in ctx.changed}
    # A new or changed code list can change the mapping of every data file given with it: all are re-read.
    if any(is_codes[i] for i in changed):
        changed |= {i for i, c in is_codes.items() if not c}
    notes: list[str] = []
    # Every code list given teaches the loader codes it does not know (as comtrade.load does).
    code_tables: dict[str, list[tuple[str, pa.Table]]] = {}
    fallback: dict[int, str | None] = {}
    for ms in members.values():
        for m in (m for m in ms if m.kind == "codes"):
            df = m.frame
            assert df is not None
            if {"hscode", "section", "level"} <= set(df.columns):
                name, tbl = "hs_codes", _loader(m.where, m.path, lambda df=df, m=m: comtrade.hs_table(df, m.path))
            else:
                name, tbl = "trade_codes", _loader(m.where, m.path, lambda df=df, m=m: comtrade.code_table(df, m.path))
                for code, iso in zip(tbl.column("code").to_pylist(), tbl.column("iso3").to_pylist(), strict=True):
                    if str(code).isdigit():
                        fallback.setdefault(int(code), iso)
            code_tables.setdefault(m.ref.identity, []).append((name, tbl))
    con.execute("CREATE OR REPLACE TEMP TABLE _seen (h UBIGINT, f INTEGER)")
    # The data files given but not re-read are checked against too: the warehouse checks all files given.
    for k, r in enumerate(ctx.refs):
        if r.identity not in changed and not is_codes[r.identity]:
            old = [ctx.root / p for p in _live_parts(ctx, r)]
            if old:
                con.execute(
                    f"INSERT INTO _seen SELECT hash({_KEY}), {k} FROM read_parquet([{', '.join(q(p) for p in old)}])"
                )
    inputs, cross, mine = [], False, []
    for k, r in enumerate(ctx.refs):
        if r.identity not in changed:
            continue
        ctx.say(f"reading {r.path.name}")
        rows: dict[str, int] = {}
        parts: list[Path] = []
        for name, tbl in code_tables.get(r.identity, []):
            tbl = _conformed(name, tbl, r.identity, notes)
            part = ctx.stage(name, r.identity)
            pq.write_table(tbl, part / "data.parquet")
            parts.append(part)
            rows[name] = rows.get(name, 0) + tbl.num_rows
        for m in (m for m in members[r.identity] if m.kind != "codes"):
            part = ctx.stage(TABLE, m.label)
            if m.kind == "api":
                n, more = _stream(con, m, part / "data.parquet", ctx.source, fallback)
            else:
                n, more = _loaded(con, m, part / "data.parquet", fallback)
            notes += more
            cross |= _seen(con, part / "data.parquet", k)
            mine.append((k, r, part / "data.parquet"))
            parts.append(part)
            rows[TABLE] = rows.get(TABLE, 0) + n
        inputs.append(input_of(r, rows, [lake._rel(ctx.root, p) for p in parts]))
    if cross:
        for k, r in enumerate(ctx.refs):
            if r.identity not in changed and not is_codes[r.identity]:
                mine += [(k, r, ctx.root / p / "data.parquet") for p in _live_parts(ctx, r)]
        err = _cross_files(con, sorted(mine, key=lambda t: t[0]))
        if err is not None:
            raise err
    return inputs, notes


def _live_parts(ctx: Run, r: File) -> list[str]:
    entry = lake.current(ctx.root).get(ctx.source)
    for i in entry.inputs if entry else []:
        if i["identity"] == r.identity:
            return [p for p in i.get("parts", []) if p.startswith(f"{TABLE}/")]
    return []


def _conformed(name: str, tbl: pa.Table, label: str, notes: list[str]) -> pa.Table:
    """The loader's table as the warehouse stores it: canonical columns, the file's label, the declared checks."""
    tbl, _ = conform(name, tbl, "comtrade")
    if "file" in tbl.column_names:
        tbl = tbl.set_column(tbl.column_names.index("file"), "file", pa.array([label] * tbl.num_rows, pa.string()))
    tbl, more = validate.check_table(name, tbl, "comtrade", [label])
    notes += more
    return tbl.drop_columns([validate.LINE]) if validate.LINE in tbl.column_names else tbl


def _loaded(con, m: Member, target: Path, fallback: dict[int, str | None]) -> tuple[int, list[str]]:
    """A file the loader reads whole (Excel, legacy v1, UTF-16): its flow table, written as the part."""
    from dyadwatch.sources import comtrade

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        tbl = _loader(m.where, m.path, lambda: comtrade.flow_table(m.frame, m.path, fallback))
    notes = [str(w.message).replace(str(m.path), m.where) for w in caught if issubclass(w.category, DataWarning)]
    tbl = _conformed(TABLE, tbl, m.label, notes)
    pq.write_table(tbl, target)
    return tbl.num_rows, notes


def _seen(con, part: Path, k: int) -> bool:
    """Records the part's flow keys; True if one of them was in a file given before (a cross-file duplicate)."""
    src = f"read_parquet({q(part)})"
    hit = con.execute(f"SELECT EXISTS (SELECT 1 FROM {src} JOIN _seen ON hash({_KEY}) = _seen.h)").fetchone()[0]
    con.execute(f"INSERT INTO _seen SELECT hash({_KEY}), {k} FROM {src}")
    return bool(hit)


def _cross_files(con, parts: list[tuple[int, File, Path]]) -> SourceFormatError | None:
    """The loader's cross-file duplicate error, from the parts of the files given (confirmed on the keys)."""
    union = " UNION ALL ".join(
        f"SELECT {k} AS k, {q(r.path.name)} AS name, {_KEY} FROM read_parquet({q(p)})" for k, r, p in parts
    )
    dup = con.execute(
        f"""WITH a AS ({union}), d AS (SELECT {_KEY} FROM a GROUP BY ALL HAVING count(*) > 1)
            SELECT a.* FROM a SEMI JOIN d USING ({_KEY}) ORDER BY k, {_KEY}"""
    ).fetchall()
    if not dup:
        return None  # a hash collision, not a repeat
    first = dup[0]
    files = sorted({d[1] for d in dup if d[2:] == first[2:]})
    reporter, partner, period, flow, hs_code = first[2:]
    return SourceFormatError(
        f"{', '.join(files)}: {len(dup)} flows appear in more than one of the files given together (e.g. "
        f"{reporter}→{partner} {flow} {hs_code} {period}). Fix: ingest one "
        "version of each flow (a revised download replaces the old file: ingest it alone)."
    )


# --- one streamed file: the loader's flow_table as SQL ------------------------------------------------------------


def _columns(m: Member) -> dict[str, str]:
    """The loader's column names (``comtrade.API_HEADERS``' values) → the reader's column of each (c0, c1 …)."""
    from dyadwatch.sources import comtrade

    _, header = _header(m.path, m.where)
    pos: dict[str, int] = {}
    for i, c in enumerate(header or []):
        pos.setdefault(c, i)  # pandas keeps the first of two equal names
    cols = {new: f"c{pos[old]}" for old, new in comtrade.API_HEADERS.items() if old in pos}
    missing = [c for c in comtrade.REQUIRED if c not in cols]
    if missing:
        inv = {v: k for k, v in comtrade.API_HEADERS.items()}
        raise SourceFormatError(f"{m.where}: the API layout lacks column(s) {[inv[c] for c in missing]}.")
    cols["_n"] = str(len(header or []))
    return cols


def _csv(m: Member, n: int) -> str:
    # pandas' reader as the loader calls it: every value text, only "" is NULL, short rows padded with NULL.
    types = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n)) + "}"
    return (
        f"read_csv({q(m.path)}, auto_detect=false, header=true, columns={types}, delim=',', quote='\"', "
        "escape='\"', null_padding=true)"
    )


def _source(m: Member, cols: dict[str, str], line: bool = False) -> str:
    """The file's raw columns, as the loader's names; ``line`` numbers the rows as its messages do (on an
    ordered one-thread scan, before any join, which would not keep the order)."""
    raw = ", ".join(f"{cols.get(c, 'NULL::VARCHAR')} AS {c}" for c in _RAW)
    number = f"row_number() OVER () + 1 AS line, {raw}" if line else raw
    return f"SELECT {number} FROM {_csv(m, int(cols['_n']))}"


# The loader's columns the stream keeps, raw: what every derived column is computed from.
_RAW = ("reporter_code", "partner_code", "partner2_code", "customs_code", "mot_code", "flow", "classification",
        "cmd_code", "qty_unit", "period", "freq", "qty", "value")  # fmt: skip
_TOTALS = (("partner2_code", "0"), ("customs_code", "C00"), ("mot_code", "0"))


def _number(raw: str) -> str:
    """pandas.to_numeric(errors='coerce') of a text: NULL where it gives NaN (DuckDB also reads 1_000 and 1e400)."""
    d = f"TRY_CAST({raw} AS DOUBLE)"
    inf = f"(isinf({d}) AND lower(ltrim(trim({raw}), '+-')) NOT IN ('inf', 'infinity'))"
    return f"CASE WHEN contains({raw}, '_') OR isnan({d}) OR {inf} THEN NULL ELSE {d} END"


def _maps(con, cols: dict[str, str], fallback: dict[int, str | None]) -> None:
    """The loader's per-value rules (``comtrade.flow_table``: strip, upper, the flow names, HS levels, codes to
    ISO3, freq and period, units), run in Python on each column's few distinct values (from ``_raw``) and
    kept as small tables that the rows join: the loader's own code on each value, at the cost of a lookup."""
    from dyadwatch.sources import comtrade

    def distinct(*names: str) -> list[tuple]:
        return con.execute(f"SELECT DISTINCT {', '.join(names)} FROM _raw").fetchall()

    def text(v) -> str:
        return "nan" if v is None else str(v).strip()  # astype(str) writes a missing value as 'nan'

    def table(name: str, schema: str, rows: list[tuple]) -> None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({schema})")
        if rows:  # through Arrow: executemany inserts row by row
            names = [c.split()[0] for c in schema.split(", ")]
            con.register("_insert", pa.table({n: pa.array([r[i] for r in rows]) for i, n in enumerate(names)}))
            con.execute(f"INSERT INTO {name} SELECT * FROM _insert")
            con.unregister("_insert")

    for c, total in _TOTALS:
        rows = [(v, v is None or str(v).strip() in (total, "-1", "")) for (v,) in distinct(c)] if c in cols else []
        table(f"_m_{c}", "raw VARCHAR, ok BOOLEAN", rows)
    named = {"1": "M", "2": "X", "IMPORT": "M", "EXPORT": "X"}
    table(
        "_m_flow",
        "raw VARCHAR, flow VARCHAR",
        [(v, named.get(text(v).upper(), text(v).upper())) for (v,) in distinct("flow")],
    )
    cls = [(v, text(v).upper() if "classification" in cols else "HS") for (v,) in distinct("classification")]
    table("_m_cls", "raw VARCHAR, k VARCHAR", cls)
    cmds = []
    for (v,) in distinct("cmd_code"):
        c = text(v)
        level = 0 if c.upper() == "TOTAL" else len(c) if re.fullmatch(r"\d+", c) else None
        cmds.append((v, c, level, c if level else "TOTAL"))
    table("_m_cmd", "raw VARCHAR, cmd VARCHAR, level INTEGER, hs_code VARCHAR", cmds)
    codes: list[tuple] = []
    for (v,) in con.execute("SELECT reporter_code FROM _raw UNION SELECT partner_code FROM _raw").fetchall():
        if v is None:
            codes.append((v, None, False))  # NaN maps to NaN: a row with an area that is not a state
            continue
        try:
            codes.append((v, comtrade.code_to_iso3(int(float(v)), fallback=fallback), False))
        except (KeyError, ValueError, OverflowError):
            codes.append((v, None, True))
    table("_m_code", "raw VARCHAR, iso3 VARCHAR, unknown BOOLEAN", codes)
    periods = []
    for fr, pr in distinct("freq", "period"):
        fq = text(fr).upper() if "freq" in cols else "A"
        per = re.sub(r"\.0$", "", text(pr))
        freq = fq if fq in ("A", "M") else ("M" if len(per) == 6 else "A")
        periods.append((fr, pr, freq, per if freq == "A" else per[:4] + "-" + per[4:6]))
    table("_m_per", "freq_raw VARCHAR, per_raw VARCHAR, freq VARCHAR, period VARCHAR", periods)
    units = [(v, None if v is None or v.strip() in ("N/A", "-1", "") else v.strip()) for (v,) in distinct("qty_unit")]
    table("_m_unit", "raw VARCHAR, unit VARCHAR", units)


def _view(src: str) -> str:
    """``src``'s rows (raw columns) with the loader's derived columns: one lookup per column in ``_maps``."""

    def eq(a: str, b: str) -> str:
        return f"{a} IS NOT DISTINCT FROM {b}"

    return f"""
      SELECT *, sel AND reporter IS NOT NULL AND partner IS NOT NULL AS kept,
             CASE WHEN reporter IS NULL THEN rep_raw END AS rep_ns,
             CASE WHEN partner IS NULL THEN par_raw END AS par_ns
      FROM (
        SELECT r.*, r.reporter_code AS rep_raw, r.partner_code AS par_raw,
               coalesce(t1.ok, true) AND coalesce(t2.ok, true) AND coalesce(t3.ok, true) AS total,
               mf.flow AS flow_code, coalesce(t1.ok, true) AND coalesce(t2.ok, true) AND coalesce(t3.ok, true)
                   AND mf.flow IN ('M', 'X') AS sel,
               r.value IS NOT NULL AND r.v IS NULL AS notnum, r.v < 0 AS neg,
               mc.cmd, mc.level, mk.k, ri.iso3 AS reporter, pi.iso3 AS partner,
               ri.unknown AS rep_unknown, pi.unknown AS par_unknown, mp.freq AS freq_code, mp.period AS period_code,
               CAST(mc.level AS TINYINT) AS hs_level, mc.hs_code, r.v AS value_usd, r.qd AS quantity,
               mu.unit AS unit_code, CASE WHEN mf.flow = 'M' THEN 'CIF' ELSE 'FOB' END AS valuation
        FROM (SELECT *, {_number("value")} AS v, {_number("qty")} AS qd FROM ({src})) r
        LEFT JOIN _m_partner2_code t1 ON {eq("r.partner2_code", "t1.raw")}
        LEFT JOIN _m_customs_code t2 ON {eq("r.customs_code", "t2.raw")}
        LEFT JOIN _m_mot_code t3 ON {eq("r.mot_code", "t3.raw")}
        LEFT JOIN _m_flow mf ON {eq("r.flow", "mf.raw")}
        LEFT JOIN _m_cls mk ON {eq("r.classification", "mk.raw")}
        LEFT JOIN _m_cmd mc ON {eq("r.cmd_code", "mc.raw")}
        LEFT JOIN _m_code ri ON {eq("r.reporter_code", "ri.raw")}
        LEFT JOIN _m_code pi ON {eq("r.partner_code", "pi.raw")}
        LEFT JOIN _m_per mp ON {eq("r.freq", "mp.freq_raw")} AND {eq("r.period", "mp.per_raw")}
        LEFT JOIN _m_unit mu ON {eq("r.qty_unit", "mu.raw")}
      )
    """


# The view's columns under the names the checks and the part use (the raw columns keep the loader's names).
_AS = {"flow": "flow_code", "freq": "freq_code", "period": "period_code", "unit": "unit_code"}
_ROW = ", ".join(
    f"{_AS.get(c, c)} AS {c}"
    for c in ("total", "sel", "kept", "flow", "notnum", "neg", "level", "k", "rep_unknown", "par_unknown",
              "rep_ns", "par_ns", "reporter", "partner", "freq", "period", "hs_level", "hs_code", "value_usd",
              "quantity", "unit", "valuation", "cmd", "rep_raw", "par_raw")
)  # fmt: skip
_NUMERIC = ("value_usd", "quantity")


def _mapped(m: Member, cols: dict[str, str], line: bool = False) -> str:
    """The rows with the loader's derived columns: from ``_raw``, or with ``line`` from the file again."""
    src = _source(m, cols, line=True) if line else "SELECT * FROM _raw"
    return f"SELECT {'line, ' if line else ''}{_ROW} FROM ({_view(src)})"


def _stream(con, m: Member, target: Path, source: str, fallback: dict[int, str | None]) -> tuple[int, list[str]]:
    """Parse one API-layout CSV into ``_raw``, check it whole as the loader does, write its kept rows."""
    cols = _columns(m)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _raw AS {_source(m, cols)}")
    except duckdb.Error as e:
        raise _unreadable(m.where, e) from None
    _maps(con, cols, fallback)
    con.execute(f"CREATE OR REPLACE TEMP VIEW _rows AS {_mapped(m, cols)}")
    preds = _checks()
    numeric = ", ".join(f"bool_or({preds[c]}) FILTER (kept)" if c in preds else "false" for c in _NUMERIC)
    facts = dict(
        zip(
            (
                "breakdown", "other", "other_flows", "notnum", "neg", "badlevel", "vintages", "rep_unknown",
                "par_unknown", "nostate", "rep_ns", "par_ns", "ns_nan", "kept", "keys", "periods", "freqs", "flows",
                *_NUMERIC,
            ),
            con.execute(
                f"""SELECT count(*) FILTER (NOT total), count(*) FILTER (total AND NOT sel),
                           list(DISTINCT flow) FILTER (total AND NOT sel), bool_or(notnum) FILTER (sel),
                           count(*) FILTER (sel AND neg), bool_or(level IS NULL OR level NOT IN (0, 2, 4, 6))
                           FILTER (sel), list(DISTINCT k) FILTER (sel AND k NOT IN ('HS', 'NAN')),
                           bool_or(rep_unknown) FILTER (sel), bool_or(par_unknown) FILTER (sel),
                           count(*) FILTER (sel AND NOT kept), list(DISTINCT rep_ns) FILTER (sel),
                           list(DISTINCT par_ns) FILTER (sel), bool_or((reporter IS NULL AND rep_raw IS NULL)
                           OR (partner IS NULL AND par_raw IS NULL)) FILTER (sel), count(*) FILTER (kept),
                           count(DISTINCT hash({_KEY})) FILTER (kept), list(DISTINCT period) FILTER (kept),
                           list(DISTINCT freq) FILTER (kept), list(DISTINCT flow) FILTER (kept),
                           {numeric}
                    FROM _rows"""
            ).fetchone(),
            strict=True,
        )
    )  # fmt: skip
    notes = _notes(con, m, cols, facts)
    hs_version = _verdict(con, m, cols, facts, preds)
    select = ", ".join(
        {"source": q(source), "basis": "'reported'", "hs_version": q(hs_version), "file": q(m.label)}.get(c, c)
        + f" AS {c}"
        for c in TABLES[TABLE].schema.names
    )
    con.execute(f"COPY (SELECT {select} FROM _rows WHERE kept) TO {q(target)} (FORMAT parquet)")
    con.execute("DROP VIEW _rows")
    con.execute("DROP TABLE _raw")
    if m.path != m.ref.path:
        shutil.rmtree(m.path.parent, ignore_errors=True)  # the unpacked zip member
    return facts["kept"], notes


def _unreadable(where: str, e: duckdb.Error) -> SourceFormatError:
    """The reader's failure in the words of pandas' (the loader's reader), where they say the same."""
    msg = str(e)
    line = re.search(r"CSV Error on Line: (\d+)", msg)
    cols = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", msg)
    if line and cols:
        why = f"Error tokenizing data. C error: Expected {cols[1]} fields in line {line[1]}, saw {cols[2]}\n"
    else:
        why = msg.splitlines()[0] + (f" (line {line[1]})" if line else "")
    return SourceFormatError(f"{where}: cannot be read as a utf-8-sig CSV ({why}).")


def _lines(con, m: Member, cols: dict[str, str], cond: str, limit: int = 10, ordered: bool = True) -> list[int]:
    """The file lines of the first rows where ``cond`` holds (a second pass, on one thread, in file order).

    ``ordered=False``: ``cond`` on the raw columns (no join), unsorted, so the scan stops at the ``limit``-th
    row found (in file order from one thread); for the note on other flows, written on the success path.
    """
    _ordered(con)
    try:
        rows = _mapped(m, cols, line=True) if ordered else _source(m, cols, line=True)
        sql = f"SELECT line FROM ({rows}) WHERE {cond}"
        sql += f" ORDER BY line LIMIT {limit}" if ordered else f" LIMIT {limit}"
        return sorted(r[0] for r in con.execute(sql).fetchall())
    finally:
        con.execute("RESET preserve_insertion_order")
        con.execute("RESET threads")


def _notes(con, m: Member, cols: dict[str, str], facts: dict) -> list[str]:
    """The loader's warnings, word for word."""
    notes = []
    if facts["breakdown"]:
        notes.append(
            f"{m.where}: {facts['breakdown']} breakdown rows (by second partner, customs procedure or transport "
            "mode) were left out; the totals are kept."
        )
    if facts["other"]:
        lines = _lines(con, m, cols, _other_flows(con), min(10, facts["other"]), ordered=False)
        notes.append(
            f"{m.where}: {facts['other']} rows of other flows ({sorted(facts['other_flows'])[:5]}, e.g. "
            f"re-exports) at lines {lines} were left out."
        )
    if facts["nostate"]:
        codes: list = sorted({c for c in (facts["rep_ns"] or []) + (facts["par_ns"] or []) if c is not None})
        codes += [float("nan")] if facts["ns_nan"] else []  # an empty code: the loader's NaN
        notes.append(
            f"{m.where}: {facts['nostate']} rows with areas that are not states (codes {codes[:10]}) left out."
        )
    return notes


def _other_flows(con) -> str:
    """The rows of other flows (total, but not M or X) as a condition on the raw columns, from the maps."""

    def among(col: str, rows: list[tuple]) -> str:
        vals = [v for (v,) in rows if v is not None]
        null = any(v is None for (v,) in rows)
        listed = f"{col} IN ({', '.join(q(v) for v in vals)})" if vals else "false"
        return f"({listed}{f' OR {col} IS NULL' if null else ''})"

    conds = [among(c, con.execute(f"SELECT raw FROM _m_{c} WHERE ok").fetchall()) for c, _ in _TOTALS]
    conds = [
        c
        for c, (col, _) in zip(conds, _TOTALS, strict=True)
        if con.execute(f"SELECT count(*) FROM _m_{col}").fetchone()[0]
    ]
    conds.append(among("flow", con.execute("SELECT raw FROM _m_flow WHERE flow NOT IN ('M', 'X')").fetchall()))
    return " AND ".join(conds)


def _verdict(con, m: Member, cols: dict[str, str], facts: dict, preds: dict[str, str]) -> str:
    """The loader's errors in its order, with its lines; else the file's HS vintage."""
    from dyadwatch.sources import comtrade

    where = m.where
    if facts["notnum"]:
        raise SourceFormatError(
            f"{where}: trade values that are not numbers at lines {_lines(con, m, cols, 'sel AND notnum')}."
        )
    if facts["neg"]:
        raise SourceFormatError(
            f"{where}: {facts['neg']} negative trade value(s) at lines {_lines(con, m, cols, 'sel AND neg')}. "
            "Trade values cannot be negative. Fix: correct or re-download the file; nothing was ingested."
        )
    if facts["badlevel"]:
        bad = "sel AND (level IS NULL OR level NOT IN (0, 2, 4, 6))"
        codes = sorted(
            r[0] for r in con.execute(f"SELECT DISTINCT cmd FROM ({_mapped(m, cols)}) WHERE {bad}").fetchall()
        )
        raise SourceFormatError(
            f"{where}: HS code(s) of the wrong length {codes[:10]} at lines {_lines(con, m, cols, bad)}: HS codes "
            "have 2, 4 or 6 digits (or TOTAL). A 1-, 3- or 5-digit code usually lost its leading zero in a "
            "spreadsheet. Fix: keep the code column as text."
        )
    vintages = sorted(facts["vintages"] or [])
    if len(vintages) > 1:
        firsts = [_lines(con, m, cols, f"sel AND k = {q(v)}", 1)[0] for v in vintages]
        raise SourceFormatError(
            f"{where}: mixed HS vintages {vintages} (first at lines {firsts}). Codes of different HS versions do not "
            "add up. Fix: download one classification per file (or convert to one vintage) and ingest each."
        )
    for side, col, fix in (
        ("reporter", "rep", " Fix: check the file is Comtrade's; ingest the Comtrade reporter code list with the "
         "file if the codes are new."),
        ("partner", "par", ""),
    ):  # fmt: skip
        if facts[f"{col}_unknown"]:
            cond = f"sel AND {col}_unknown"
            found = con.execute(f"SELECT DISTINCT {col}_raw FROM ({_mapped(m, cols)}) WHERE {cond}").fetchall()
            codes = sorted((r[0] for r in found), key=str)
            raise SourceFormatError(
                f"{where}: unknown {side} code(s) {codes[:10]} at lines {_lines(con, m, cols, cond)}.{fix}"
            )
    if facts["keys"] != facts["kept"]:
        groups = con.execute(
            f"SELECT {_KEY}, count(*) FROM _rows WHERE kept GROUP BY ALL HAVING count(*) > 1"
        ).fetchall()
        if groups:
            cond = " OR ".join(
                "(" + " AND ".join(f"{c} = {q(v)}" for c, v in zip(_KEY.split(", "), g[:5], strict=True)) + ")"
                for g in groups[:20]
            )
            raise SourceFormatError(
                f"{where}: {sum(g[5] for g in groups)} duplicated flows (same reporter, partner, period, flow and "
                f"code) at lines {_lines(con, m, cols, f'kept AND ({cond})')}. Fix: remove the repeated rows; "
                "nothing was ingested."
            )
    values = {"period": facts["periods"], "freq": facts["freqs"], "flow": facts["flows"]}
    for col, pred in preds.items():  # validate.py's order; a text column's check on its few distinct values
        if col in values:
            listed = ", ".join(q(v) for v in values[col] or [] if v is not None) or "NULL"
            failed = con.execute(f"SELECT bool_or({pred}) FROM (SELECT unnest([{listed}]) AS {col})").fetchone()[0]
        else:
            failed = facts.get(col)
        if failed:
            row = con.execute(
                f"SELECT line, {col}, count(*) OVER () FROM ({_mapped(m, cols, line=True)}) "
                f"WHERE kept AND {pred} ORDER BY line LIMIT 1"
            ).fetchone()
            raise declared_error(where, row[0], col, row[1], row[2], "comtrade")
    return comtrade.HS_VERSIONS.get(vintages[0], vintages[0]) if vintages else "HS"
