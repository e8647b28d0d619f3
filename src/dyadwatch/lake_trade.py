"""Streamed lake ingest of trade flows: CEPII BACI's yearly CSVs (plain, or inside BACI's release zip).

``lake_ingest`` streams GDELT; this module does the same for ``trade_flows`` (a decade of BACI is about 200 M
flows, 10-11 M a year), and ``lake_ingest.ingest`` hands BACI over to it. DuckDB stays the parser and never
holds a file: each BACI file is one ``COPY (read_csv → codes mapped to ISO3 → checked) TO parquet`` under a
``memory_limit``, with ``preserve_insertion_order`` off so the pipeline streams and spills (if it must) into
the lake's staging area. All the files of one command become live in one ``lake.commit`` (the driver,
``lake_trade_run.run``, which Comtrade's reader shares).

Same semantics as the warehouse ingest of the same files (``sources/baci.py`` then ``validate.py``):

* the loader's mapping: BACI's numeric codes to ISO3 through ``comtrade.code_to_iso3`` (BACI's own
  ``country_codes_V*.csv`` first when given), flows with an area that is not a state left out with the
  loader's note naming the codes; basis ``estimated``, flow X, FOB, value in USD (BACI writes thousands),
  HS6 codes with their leading zero restored, the HS vintage from the file name, the same ``file`` labels
  (the resolved path; ``ZIP!NAME`` for a member of a zip, which the warehouse loader does not read);
* the loader's checks (negative values, HS codes of the wrong length, duplicated flows, unknown codes) on
  every row, and ``tables.py``'s declared checks for ``trade_flows`` (``validate.py``'s rules as SQL
  predicates) on every kept row, NaN stored as NULL. The first bad value stops the COPY; a second pass, on
  the error path only, runs the checks in the loader's order and gives the loader's message, with the line;
* mode add: one part per file; a file read again replaces its own part; files already live with the same
  sha256 are skipped; a re-read that would lose more than ``META.max_shrink`` of the source's rows, or a
  command that yields no rows, needs ``allow_shrink`` (``ingest.shrinks``, as the warehouse decides).

Not the same: NaN values become NULL without the warehouse's note counting them (the part no longer tells
NaN from BACI's ``NA``, and a count would be a second pass over the file); an out-of-range value is named by
its file line, where ``validate.py`` names the row of the loaded table.

Comtrade files stream too: ``lake_comtrade.py`` is their reader for the same driver (``lake_trade_run``).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from dyadwatch import lake, signals
from dyadwatch.errors import InvalidValueError, SourceFormatError
from dyadwatch.lake_files import File, q
from dyadwatch.lake_trade_run import TABLE, Run, input_of
from dyadwatch.tables import TABLES

_MARK = "dyadwatch-bad-trade"
_CSV_TYPES = "{'t':'INTEGER','i':'INTEGER','j':'INTEGER','k':'VARCHAR','v':'DOUBLE','q':'VARCHAR'}"


def read(con, ctx: Run) -> tuple[list[dict], list[str]]:
    data = [r for r in ctx.refs if not r.codes]
    if not data:
        raise SourceFormatError("baci: give at least one BACI data file (BACI_HS??_Y????_V??????.csv).")
    # A new or changed country list changes the mapping of every data file given with it: all are re-read
    # (the warehouse re-reads every file given whenever one of them is new).
    todo = data if any(r.codes for r in ctx.changed) else [r for r in ctx.changed if not r.codes]
    code_files = [r for r in ctx.refs if r.codes]
    # The loader uses the first country list given (and none: dyadwatch's own crosswalk).
    extra = _country_codes(code_files[0].path) if code_files else None
    inputs, notes = [], []
    for r in sorted(todo, key=lambda r: (r.path.name, r.identity)):
        ctx.say(f"reading {r.path.name}")
        parts, n, more = _stream_file(con, ctx, r, extra)
        notes += more
        inputs.append(input_of(r, {TABLE: n}, [lake._rel(ctx.root, p) for p in parts]))
    inputs += [input_of(r, {TABLE: 0}, []) for r in code_files]
    return inputs, notes


def is_codes(name: str) -> bool:
    return name.lower().startswith("country_codes")  # the loader's rule for BACI's country list


def _country_codes(path: Path) -> dict[int, str | None]:
    from dyadwatch.sources import baci

    return baci._country_codes(path)


def _code_map(extra: dict[int, str | None] | None, fallback: dict[int, str | None] | None = None) -> dict:
    """Every code the loader's mapping knows (iso3, or None: not a state), so no pass over the file is needed
    to learn which codes occur; a code outside it is the loader's "unknown code" error. ``extra`` and
    ``fallback`` as in ``comtrade.code_to_iso3`` (BACI's country list; Comtrade's code lists)."""
    from dyadwatch.sources import comtrade

    candidates = set(comtrade.SPECIAL_CODES) | set(comtrade._m49()) | set(extra or {}) | set(fallback or {})
    out = {}
    for c in candidates:
        try:
            out[int(c)] = comtrade.code_to_iso3(c, extra, fallback)
        except (KeyError, ValueError):
            continue
    return out


# --- one file ------------------------------------------------------------------------------------------------


def _members(r: File, scratch: Path) -> list[tuple[str, Callable[[], Path]]]:
    """(``file`` label, a callable giving the file to read): a zip's BACI members, each unpacked only when read.

    One member at a time: a BACI release holds some 30 yearly CSVs (10 GB unpacked); unpacking them all
    first would need that much scratch space.
    """
    if r.path.suffix.lower() != ".zip":
        return [(r.identity, lambda: r.path)]
    try:
        with zipfile.ZipFile(r.path) as z:
            names = [n for n in z.namelist() if not n.endswith("/")]
    except zipfile.BadZipFile as e:
        raise SourceFormatError(f"{r.given}: not a readable zip archive ({e}). Fix: download it again.") from e
    data = [n for n in names if re.fullmatch(r"baci_.*\.csv", Path(n).name, re.I)]
    if not data:
        raise SourceFormatError(
            f"{r.given}: the zip holds no BACI data file (BACI_HS??_Y????_V??????.csv); it holds "
            f"{[Path(n).name for n in names][:10]}. Fix: give BACI's release zip, or the CSV itself."
        )

    def unpack(name: str) -> Callable[[], Path]:
        def go() -> Path:
            target = scratch / f"zip-{uuid.uuid4().hex[:8]}" / Path(name).name
            target.parent.mkdir()
            with zipfile.ZipFile(r.path) as z, z.open(name) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            return target

        return go

    return [(f"{r.identity}!{Path(n).name}", unpack(n)) for n in sorted(data, key=lambda n: Path(n).name)]


def _zip_codes(r: File, scratch: Path) -> dict[int, str | None] | None:
    """The country list inside a BACI release zip, which belongs to that release's data files."""
    if r.path.suffix.lower() != ".zip":
        return None
    with zipfile.ZipFile(r.path) as z:
        names = [n for n in z.namelist() if is_codes(Path(n).name) and n.lower().endswith(".csv")]
        if not names:
            return None
        target = scratch / f"codes-{uuid.uuid4().hex[:8]}" / Path(names[0]).name
        target.parent.mkdir()
        with z.open(names[0]) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    return _country_codes(target)


def _csv(path: Path) -> str:
    # The loader's reader, exactly: the same types and the same NULL strings (BACI pads its NA).
    return f"read_csv({q(path)}, header=true, columns={_CSV_TYPES}, nullstr=['NA', '', '           NA'])"


def _header(path: Path, where: str) -> str:
    """The loader's checks before reading (wrong file kinds, the header); returns the HS vintage."""
    from dyadwatch.sources import baci
    from dyadwatch.sources._files import encoding_of, sniff, strip_bom

    head = sniff(path, "baci", "a BACI CSV (t,i,j,k,v,q)", records=True)
    first = strip_bom(head).split(b"\n", 1)[0].decode("utf-8", "replace").strip().replace('"', "").replace(" ", "")
    if first != "t,i,j,k,v,q":
        raise SourceFormatError(
            f"{where}: the header is {first[:80]!r} (read as {encoding_of(head)}), not BACI's 't,i,j,k,v,q'. "
            "If this is a Comtrade file use "
            "`dyadwatch ingest comtrade`; `dyadwatch sources` lists each source's files."
        )
    m = re.search(r"HS(\d{2})", path.name, re.I)
    return baci._HS.get(m.group(1), f"HS{m.group(1)}") if m else "HS"


def _checks() -> dict[str, str]:
    """``validate.py``'s rules for ``trade_flows`` as SQL predicates on the output columns, in its order."""
    spec = TABLES[TABLE]
    preds = {}
    for col, chk in spec.checks.items():
        typ = spec.schema.field(col).type
        conds = [f"isinf({col})"] if pa.types.is_floating(typ) else []
        numeric = pa.types.is_integer(typ) or pa.types.is_floating(typ)
        if numeric and chk.lo != float("-inf"):
            conds.append(f"{col} < {chk.lo!r}")
        if numeric and chk.hi != float("inf"):
            conds.append(f"{col} > {chk.hi!r}")
        if chk.allowed:
            conds.append(f"{col} NOT IN ({', '.join(_lit(a) for a in chk.allowed)})")
        if chk.pattern and pa.types.is_string(typ):
            conds.append(f"NOT regexp_full_match({col}, {q(chk.pattern)})")
        if conds:
            preds[col] = f"({col} IS NOT NULL AND ({' OR '.join(conds)}))"
    return preds


def _lit(v) -> str:
    return q(v) if isinstance(v, str) else repr(v)


# The loader's row checks, on the raw columns (k trimmed, q as the loader casts it).
_NEG = "(v < 0 OR qd < 0)"
# The loader's regexp_full_match(k, '[0-9]+'), as "nothing left once the leading digits are trimmed": the same
# ASCII digits, without a regular expression per row (a 10 M-row file spent seconds in it).
_BADK = "(length(k) NOT IN (5, 6) OR ltrim(k, '0123456789') <> '')"
_PERIOD = r"\d{4}(-(0[1-9]|1[0-2]))?"


def _fast(preds: dict[str, str]) -> dict[str, str]:
    """``preds`` for the streaming COPY, with the period check as a range test on the integer year.

    ``period`` is ``CAST(t AS VARCHAR)`` of BACI's INTEGER year, so it matches the declared pattern (YYYY or
    YYYY-MM) exactly when t has four digits: the same rows fail, without a regular expression per row. Only
    while the declared pattern is the one this reasoning is about; the error path keeps the declared form.
    """
    out = dict(preds)
    if "period" in out and TABLES[TABLE].checks["period"].pattern == _PERIOD:
        out["period"] = "(t IS NOT NULL AND NOT (t BETWEEN 1000 AND 9999))"
    return out


_UNKNOWN = "(ci_code IS NULL OR cj_code IS NULL)"


def _mapped(path: Path, label: str, hs_version: str, line: bool = False) -> str:
    """The file's rows as canonical ``trade_flows`` columns plus ``kept`` and the raw columns the checks need.

    ``line``: number the rows as the file's lines (header = line 1), before the joins, which do not keep order.
    Rows not kept (an area that is not a state) carry their raw codes as reporter/partner: they go to a
    scratch file only (see ``_stream_file``), where the duplicate check and the note read them.
    """
    src = f"SELECT {'row_number() OVER () + 1 AS line, ' if line else ''}* FROM {_csv(path)}"
    return f"""
        SELECT {"r.line, " if line else ""}r.t, r.i, r.j, r.k, r.v, r.qd, ci.code AS ci_code, cj.code AS cj_code,
               ci.iso3 IS NOT NULL AND cj.iso3 IS NOT NULL AS kept,
               'estimated' AS basis,
               CASE WHEN ci.iso3 IS NOT NULL AND cj.iso3 IS NOT NULL THEN ci.iso3 ELSE CAST(r.i AS VARCHAR) END
                   AS reporter,
               CASE WHEN ci.iso3 IS NOT NULL AND cj.iso3 IS NOT NULL THEN cj.iso3 ELSE CAST(r.j AS VARCHAR) END
                   AS partner,
               CAST(r.t AS VARCHAR) AS period, 'A' AS freq, 'X' AS flow, {q(hs_version)} AS hs_version,
               CAST(6 AS TINYINT) AS hs_level, lpad(r.k, 6, '0') AS hs_code,
               CASE WHEN isnan(r.v) THEN NULL ELSE r.v * 1000.0 END AS value_usd,
               CASE WHEN isnan(r.qd) THEN NULL ELSE r.qd END AS quantity,
               't' AS unit, 'FOB' AS valuation, {q(label)} AS file
        FROM (SELECT * EXCLUDE (k, q), trim(k) AS k, TRY_CAST(trim(q) AS DOUBLE) AS qd FROM ({src})) r
        LEFT JOIN _codes ci ON r.i = ci.code
        LEFT JOIN _codes cj ON r.j = cj.code
    """


def _stream_file(con, ctx: Run, r: File, extra):
    """Write one data file's part(s) (a zip: one per member); returns (part folders, rows, notes)."""
    scratch, source = ctx.scratch, ctx.source
    own = _zip_codes(r, scratch) if extra is None else None
    mapping = _code_map(extra if extra is not None else own)
    con.execute("CREATE OR REPLACE TEMP TABLE _codes (code INTEGER, iso3 VARCHAR)")
    con.executemany("INSERT INTO _codes VALUES (?, ?)", list(mapping.items()))
    preds = _checks()
    ranges = " ".join(f"WHEN {p} THEN error('{_MARK}')" for p in _fast(preds).values())
    cols = [c for c in TABLES[TABLE].schema.names if c != "source"]
    parts, total, notes = [], 0, []
    for label, fetch in _members(r, scratch):
        path = fetch()
        where = str(r.path) if label == r.identity else label  # the loader names the path it was given
        try:
            hs_version = _header(path, where)
        except SourceFormatError as e:
            raise SourceFormatError(str(e).replace(str(path), where)) from None
        part = ctx.stage(TABLE, label)
        out = scratch / f"copy-{uuid.uuid4().hex[:8]}"
        # One CASE, so the optimizer cannot split it: the loader's checks on every row, the declared checks
        # on the kept rows (as validate.py sees the loaded table). Rows not kept go to the `kept=false` file.
        keep = f"""CASE WHEN {_NEG} OR {_BADK} OR {_UNKNOWN} THEN error('{_MARK}')
                        WHEN NOT kept THEN true {ranges} ELSE true END"""
        sql = f"""SELECT {", ".join(cols)}, {q(source)} AS source, kept
                  FROM ({_mapped(path, label, hs_version)}) WHERE {keep}"""
        try:
            con.execute(f"COPY ({sql}) TO {q(out)} (FORMAT parquet, PARTITION_BY (kept))")
        except duckdb.Error as e:
            if signals.received():
                raise KeyboardInterrupt from None
            raise _diagnose(con, path, where, label, hs_version, preds, e) from None
        kept_files = sorted((out / "kept=true").glob("*.parquet"))
        other_files = sorted((out / "kept=false").glob("*.parquet"))
        n, note = _after_copy(con, path, where, kept_files, other_files, mapping)
        notes += note
        _place(con, part / "data.parquet", kept_files, cols, source)
        shutil.rmtree(out, ignore_errors=True)
        if path != r.path:
            shutil.rmtree(path.parent, ignore_errors=True)  # the unpacked zip member
        parts.append(part)
        total += n
    return parts, total, notes


def _place(con, target: Path, kept_files: list[Path], cols: list[str], source: str) -> None:
    """The kept rows become the part's one file; a file of no state flows is an empty part of the right schema."""
    if len(kept_files) == 1:
        os.replace(kept_files[0], target)  # same file system: a rename, not a copy
        return
    if not kept_files:
        typed = ", ".join(f"CAST(NULL AS {_duck(TABLES[TABLE].schema.field(c).type)}) AS {c}" for c in cols)
        con.execute(f"COPY (SELECT {typed}, {q(source)} AS source WHERE false) TO {q(target)} (FORMAT parquet)")
        return
    listing = ", ".join(map(q, kept_files))
    con.execute(f"COPY (SELECT * FROM read_parquet([{listing}])) TO {q(target)} (FORMAT parquet)")


def _duck(t: pa.DataType) -> str:
    return {pa.int8(): "TINYINT", pa.float64(): "DOUBLE"}.get(t, "VARCHAR")


def _after_copy(con, path: Path, where: str, kept_files, other_files, mapping) -> tuple[int, list[str]]:
    """The checks that need the whole file: duplicated flows, and the note on areas that are not states.

    They read the COPY's output (four columns of Parquet), not the CSV. A flow's key is (year, reporter,
    partner, HS6) over the kept rows (ISO3) and the left-out rows (raw codes), which never collide. A repeat
    there is confirmed on the raw codes, as the loader checks, before it is an error: two BACI codes that
    map to one ISO3 (the loader accepts those) would otherwise look alike.
    """
    files = [*kept_files, *other_files]
    if not files:
        return 0, []
    listing = f"read_parquet([{', '.join(map(q, files))}])"
    n, n_distinct = con.execute(
        f"SELECT count(*), count(DISTINCT hash(period, reporter, partner, hs_code)) FROM {listing}"
    ).fetchone()
    kept_n = (
        con.execute(f"SELECT count(*) FROM read_parquet([{', '.join(map(q, kept_files))}])").fetchone()[0]
        if kept_files
        else 0
    )
    if n != n_distinct:
        err = _duplicates(con, path, where)
        if err is not None:
            raise err
    notes = []
    if other_files:
        side = f"read_parquet([{', '.join(map(q, other_files))}])"
        codes = {
            int(c)
            for (c,) in con.execute(f"SELECT reporter FROM {side} UNION SELECT partner FROM {side}").fetchall()
            if c is not None
        }
        nostate = sorted(c for c in codes if mapping.get(c, "") is None)
        if nostate:
            notes.append(f"{where}: flows with areas that are not states (codes {nostate[:10]}) left out.")
    return kept_n, notes


# --- the error path: the loader's order and messages, with lines ------------------------------------------------


def _lines(con, path: Path, hs_version: str, cond: str, limit: int = 10) -> list[int]:
    q = f"SELECT line FROM ({_mapped(path, '', hs_version, line=True)}) WHERE {cond} ORDER BY line LIMIT {limit}"
    return [row[0] for row in con.execute(q).fetchall()]


def _ordered(con) -> None:
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET threads = 1")  # row_number() OVER () is the line only on an ordered, single-thread scan


def _duplicates(con, path: Path, where: str) -> SourceFormatError | None:
    """The loader's duplicate check on the raw codes (year, exporter, importer, product), or None."""
    key = "((t::BIGINT * 1000 + i) * 1000 + j) * 1000000 + CAST(trim(k) AS BIGINT)"
    csv = _csv(path)
    n, n_distinct = con.execute(f"SELECT count(*), count(DISTINCT {key}) FROM {csv}").fetchone()
    if n == n_distinct:
        return None
    dup = con.execute(
        f"SELECT t, i, j, CAST(trim(k) AS BIGINT) AS kk FROM {csv} GROUP BY ALL HAVING count(*) > 1 LIMIT 3"
    ).fetchall()
    cond = " OR ".join(f"(t = {a} AND i = {b} AND j = {c} AND CAST(trim(k) AS BIGINT) = {d})" for a, b, c, d in dup)
    _ordered(con)
    try:
        lines = [
            row[0]
            for row in con.execute(
                f"SELECT line FROM (SELECT row_number() OVER () + 1 AS line, * FROM {csv}) WHERE {cond} "
                "ORDER BY line LIMIT 10"
            ).fetchall()
        ]
    finally:
        con.execute("RESET preserve_insertion_order")
        con.execute("RESET threads")
    return SourceFormatError(
        f"{where}: {n - n_distinct} duplicated flows (same year, exporter, importer, product), e.g. lines "
        f"{lines}. Fix: remove the repeated rows; nothing was ingested."
    )


def _diagnose(con, path: Path, where: str, label: str, hs_version: str, preds, e: duckdb.Error) -> Exception:
    """Why the COPY stopped, as the warehouse ingest would say it (the loader's checks first, in its order)."""
    if _MARK not in str(e):
        return SourceFormatError(f"{where}: cannot be read as BACI's CSV layout: {str(e).splitlines()[0]}")
    try:
        con.execute(f"SELECT count(*) FROM {_csv(path)}").fetchone()  # the loader reads the whole file first
    except duckdb.Error as read_err:
        return SourceFormatError(f"{where}: cannot be read as BACI's CSV layout: {str(read_err).splitlines()[0]}")

    def exists(cond: str) -> bool:
        sql = f"SELECT EXISTS (SELECT 1 FROM ({_mapped(path, label, hs_version)}) WHERE {cond})"
        return con.execute(sql).fetchone()[0]

    _ordered(con)
    if exists(_NEG):
        return SourceFormatError(
            f"{where}: negative value or quantity at lines {_lines(con, path, hs_version, _NEG)}. "
            "Fix: re-download the file."
        )
    if exists(_BADK):
        return SourceFormatError(
            f"{where}: HS codes of the wrong length at lines {_lines(con, path, hs_version, _BADK)}: BACI codes are "
            "HS6 (6 digits, or 5 when a leading zero was dropped). Fix: re-download the file."
        )
    dup = _duplicates(con, path, where)
    if dup is not None:
        return dup
    _ordered(con)
    if exists(_UNKNOWN):
        unknown = sorted(
            {
                c
                for row in con.execute(
                    f"SELECT DISTINCT CASE WHEN ci_code IS NULL THEN i END, CASE WHEN cj_code IS NULL THEN j END "
                    f"FROM ({_mapped(path, label, hs_version)}) WHERE {_UNKNOWN}"
                ).fetchall()
                for c in row
                if c is not None
            }
        )
        return SourceFormatError(
            f"{where}: country codes {unknown[:10]} (columns i/j) are not BACI/Comtrade codes dyadwatch knows, "
            f"first at lines {_lines(con, path, hs_version, _UNKNOWN)}. Fix: give BACI's "
            "country_codes_V*.csv with the data file."
        )
    for col, pred in preds.items():  # validate.py's order: column by column, the first bad row of the first
        cond = f"kept AND {pred}"
        if not exists(cond):
            continue
        row = con.execute(
            f"SELECT line, {col}, count(*) OVER () FROM ({_mapped(path, label, hs_version, line=True)}) "
            f"WHERE {cond} ORDER BY line LIMIT 1"
        ).fetchone()
        return declared_error(where, row[0], col, row[1], row[2], "baci")
    return SourceFormatError(f"{where}: cannot be read as BACI's CSV layout: {str(e).splitlines()[0]}")


def declared_error(where: str, line: int, col: str, value, n: int, source: str) -> InvalidValueError:
    """``validate.py``'s message for a value outside ``trade_flows``' declared check, naming the file line."""
    chk = TABLES[TABLE].checks[col]
    inf = pa.types.is_floating(TABLES[TABLE].schema.field(col).type) and value in (float("inf"), float("-inf"))
    why = f"a finite number ({chk.why})" if inf else chk.why
    return InvalidValueError(
        f"{where}, line {line}, column {col!r}: {value!r} is not {why} ({n:,} value(s) like it; checked as "
        f"{TABLE}.{col}). No publisher of {source!r} writes this: the file is damaged or was edited. Nothing was "
        f"committed. Fix: download it again (see `dyadwatch cite {source}`), or correct that line."
    )
