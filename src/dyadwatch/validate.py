"""One place that checks every ingested value against the canonical schema's declared checks.

``tables.py`` declares, per column, what a value may be (a range, a set of codes, a
pattern). Every source's tables pass through :func:`check_table` before they reach
the warehouse, so a loader cannot forget a check: a Goldstein score of 1e308, a
period "31/12/2019" or a value "inf" fail here, naming the file, the line and the
column. NaN is a float's way of saying "no data": it becomes NULL, with a note.

A loader may add a ``_line`` column (the line of the file each row came from) so the
messages name it; without one they name the row of the loaded data.
"""

from __future__ import annotations

import math

import pyarrow as pa
import pyarrow.compute as pc

from dyadwatch.errors import InvalidValueError
from dyadwatch.tables import TABLES, Check

LINE = "_line"


def check_table(name: str, tbl: pa.Table, source: str, files: list[str]) -> tuple[pa.Table, list[str]]:
    """``tbl`` with NaN turned into NULL, and the notes saying so; InvalidValueError on a bad value."""
    notes: list[str] = []
    for col, chk in TABLES[name].checks.items():
        if col not in tbl.column_names:
            continue
        arr = tbl.column(col).combine_chunks()
        if pa.types.is_floating(arr.type):
            nan = pc.fill_null(pc.is_nan(arr), False)
            n_nan = pc.sum(nan).as_py() or 0
            if n_nan:
                arr = pc.if_else(nan, pa.scalar(None, arr.type), arr)
                tbl = tbl.set_column(tbl.column_names.index(col), col, arr)
                notes.append(
                    f"{source}: {n_nan:,} value(s) of {name}.{col} are NaN in {_where(tbl, _first(nan), files)}"
                    " and after; stored as NULL (no data), not 0."
                )
            bad = pc.fill_null(pc.is_inf(arr), False)
            if pc.any(bad).as_py():
                _fail(name, col, tbl, bad, files, source, Check(why=f"a finite number ({chk.why})"))
        bad = _violations(arr, chk)
        if bad is not None and pc.any(bad).as_py():
            _fail(name, col, tbl, bad, files, source, chk)
    return tbl, notes


def _violations(arr: pa.Array, chk: Check) -> pa.Array | None:
    masks = []
    numeric = pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)
    if numeric and chk.lo > -math.inf:
        masks.append(pc.less(arr, chk.lo))
    if numeric and chk.hi < math.inf:
        masks.append(pc.greater(arr, chk.hi))
    if chk.allowed:
        masks.append(pc.invert(pc.is_in(arr, pa.array(chk.allowed, arr.type))))
    if chk.pattern and pa.types.is_string(arr.type):
        masks.append(pc.invert(pc.match_substring_regex(arr, f"^(?:{chk.pattern})$")))
    if not masks:
        return None
    out = masks[0]
    for m in masks[1:]:
        out = pc.or_(out, m)
    return pc.and_(pc.fill_null(out, False), pc.is_valid(arr))  # NULL is "no data", always allowed


def _first(mask: pa.Array) -> int:
    return pc.index(mask, True).as_py()


def _where(tbl: pa.Table, i: int, files: list[str]) -> str:
    file = tbl.column("file")[i].as_py() if "file" in tbl.column_names else None
    file = file or (files[0] if len(files) == 1 else ", ".join(files))
    if LINE in tbl.column_names and tbl.column(LINE)[i].as_py() is not None:
        return f"{file}, line {tbl.column(LINE)[i].as_py()}"
    return f"{file}, data row {i + 1}"


def _fail(name: str, col: str, tbl: pa.Table, bad: pa.Array, files: list[str], source: str, chk: Check) -> None:
    i = _first(bad)
    n = pc.sum(bad).as_py()
    value = tbl.column(col)[i].as_py()
    raise InvalidValueError(
        f"{_where(tbl, i, files)}, column {col!r}: {value!r} is not {chk.why} "
        f"({n:,} value(s) like it; checked as {name}.{col}). No publisher of {source!r} writes this: "
        "the file is damaged or was edited. Fix: download it again (see `dyadwatch cite "
        f"{source}`), or correct that line."
    )
