"""The streamed half of ``lake_comtrade``: one Comtrade API/bulk CSV, parsed once by DuckDB, checked whole as
``comtrade.flow_table`` checks it, its kept rows written as a part by one ``COPY`` (see ``lake_comtrade``)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.lake_files import File, q
from dyadwatch.lake_trade import _checks, _ordered, declared_error
from dyadwatch.lake_trade_run import TABLE
from dyadwatch.tables import TABLES

_KEY = "reporter, partner, period, flow, hs_code"


@dataclass
class Member:
    """One Comtrade file to read: a file given, a zip's member, or a ``.gz``'s content."""

    ref: File
    label: str  # the ``file`` label: the identity, or ZIP!NAME
    where: str  # how messages name it: the path given (resolved), or ZIP!NAME
    path: Path  # what DuckDB reads (a .gz is read as is; a zip member is unpacked to the scratch folder)
    kind: str  # "api" (streamed), "codes" (a code list, read by the loader), "data" (the loader's flow table)
    frame: pd.DataFrame | None = None  # the loader's frame, for files it reads
    header: list[str] | None = None  # the CSV header of a streamed file


def _columns(m: Member) -> dict[str, str]:
    """The loader's column names (``comtrade.API_HEADERS``' values) → the reader's column of each (c0, c1 …)."""
    from dyadwatch.sources import comtrade

    header = m.header
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
