"""Streamed lake ingest of UN Comtrade files: the current API/bulk CSV layout (plain, ``.gz``, or inside a zip).

``lake_trade_run.run`` is the driver (lock, sha256 skip, staged parts, shrink and empty refusals, one commit);
this module is Comtrade's reader: which files of the command are what, code lists, the cross-file check.
``lake_comtrade_sql`` streams one API-layout CSV: parsed once by DuckDB, under the run's ``memory_limit``, into a
temporary table of the loader's columns as text (spilled into the lake's staging area past the limit); the
loader's per-value rules run in Python on each column's distinct values and are joined back; one aggregate
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
import shutil
import uuid
import warnings
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from dyadwatch import lake, validate
from dyadwatch.errors import SourceFormatError
from dyadwatch.ingest import conform
from dyadwatch.lake_comtrade_sql import _KEY, Member, _stream
from dyadwatch.lake_files import File, q
from dyadwatch.lake_trade_run import TABLE, Run, input_of
from dyadwatch.sources._files import DataWarning, sniff

_EXPECTED = "a UN Comtrade CSV or Excel export"


# --- the files of a command ---------------------------------------------------------------------------------------


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
                return Member(r, label, where, path, "api", header=header)
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


def read(con: duckdb.DuckDBPyConnection, ctx: Run) -> tuple[list[dict], list[str]]:
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
