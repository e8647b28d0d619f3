"""Options and output shared by every command group."""

from __future__ import annotations

import enum
import json
import math
import numbers
import sys
from collections.abc import Hashable
from pathlib import Path
from typing import Annotated

import typer

from dyadwatch.lazy import lazy  # noqa: F401  (the command modules take it from here)

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="DYADWATCH_DB",
        help=(
            "Warehouse file (DuckDB), or a lake folder (read through its Parquet views; docs/lake.md). Default: "
            "warehouse.duckdb in your user data directory."
        ),
        show_default=False,
    ),
]


QUIET = False  # `dyadwatch --quiet`: notes and warnings are not printed (errors still are)


def note(message: str, **style) -> None:
    """A note or warning for people: always on stderr (stdout is for data), never under --quiet."""
    if not QUIET:
        typer.secho(message, err=True, **style)


class Format(enum.StrEnum):
    table = "table"
    csv = "csv"
    csv_raw = "csv-raw"
    json = "json"


FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="table for people; csv (formula-like cells prefixed with ' for spreadsheets), csv-raw or json.",
    ),
]


def _window(ctx: typer.Context, param: typer.CallbackParam, value: int | None) -> int | None:
    """--from/--to checked as they are parsed (whichever comes second sees the other), before any work."""
    from dyadwatch import validate_args

    ctx.params[param.name or ""] = value
    validate_args.years(ctx.params.get("year_from"), ctx.params.get("year_to"))
    return value


def other_state(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    """The second state of a dyad: a state other than the first (checked before any work)."""
    from dyadwatch import countries, validate_args

    first = ctx.params.get("a")
    if value is not None and first is not None:
        validate_args.dyad(countries.resolve_input(first).iso3, countries.resolve_input(value).iso3, first, value)
    return value


FromOpt = Annotated[int | None, typer.Option("--from", help="First year (inclusive).", callback=_window)]
ToOpt = Annotated[int | None, typer.Option("--to", help="Last year (inclusive).", callback=_window)]


def emit(
    data, fmt: Format, title: str | None = None, notes: list[str] | None = None, dyad: tuple[str, str] | None = None
) -> None:
    """Print a pandas DataFrame, or a list of row dicts, as a rich table, CSV or JSON; NULL shows as 'no data'.

    Notes (basis, coverage) go to stderr for csv/json so pipes stay clean. CSV and JSON follow
    ``outputs.machine_frame``: the dyad's ISO3 and COW codes first (``dyad``), whole numbers as integers,
    12 significant digits. A table of row dicts is drawn without pandas, so a command answering from kept
    results (``assess``, ``claims check``) does not load it.
    """
    notes = [n for n in (notes or []) if n]
    if fmt == Format.table:
        _table(*_rows(data), title, notes)
        return
    import pandas as pd

    from dyadwatch.outputs import SIGNIFICANT, machine_frame

    df = machine_frame(pd.DataFrame(data) if isinstance(data, list) else data, dyad)
    if fmt in (Format.csv, Format.csv_raw):
        if fmt == Format.csv:  # for spreadsheets: no cell is read as a formula (see outputs.py)
            from dyadwatch.outputs import neutralise_csv

            df = neutralise_csv(df)
        sys.stdout.write(df.to_csv(index=False, float_format=f"%.{SIGNIFICANT}g"))
    else:
        records = [{k: _jsonable(v) for k, v in row.items()} for row in df.to_dict("records")]
        typer.echo(json.dumps(records, indent=1, ensure_ascii=False))
    for n in notes:
        note(n)


def _rows(data) -> tuple[list[Hashable], list[tuple], list[bool]]:
    """Column labels, rows and which columns are numeric (right-aligned); whole-number floats as integers."""
    if isinstance(data, list):
        cols: list[Hashable] = list(data[0]) if data else []
        values = [[r.get(c) for r in data] for c in cols]
        numeric = []
        for i, col in enumerate(values):
            present = [v for v in col if not _null(v)]
            # numeric as pandas would type the column: numbers and gaps, at least one number (NaN is one)
            num = any(_number(v) for v in col) and all(v is None or _number(v) for v in col)
            if num and present and any(isinstance(v, float) for v in present) and all(v % 1 == 0 for v in present):
                values[i] = [None if _null(v) else int(v) for v in col]
            numeric.append(num)
        return cols, list(zip(*values, strict=True)) if values else [() for _ in data], numeric
    df = _integral_as_int(data)
    return list(df.columns), list(df.itertuples(index=False)), [df[c].dtype.kind in "iuf" for c in df.columns]


def _table(cols: list[Hashable], rows: list[tuple], numeric: list[bool], title: str | None, notes: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console()
    shown = _fitting_columns(cols, rows, out.width)
    if shown < len(cols):  # never cells cut to one character: show what fits and say so
        hidden = [str(c) for c in cols[shown:]]
        notes = [
            f"{len(hidden)} of {len(cols)} columns do not fit in {out.width} characters and are not "
            f"shown ({', '.join(hidden[:6])}{' …' if len(hidden) > 6 else ''}): widen the terminal or use "
            "--format csv.",
            *notes,
        ]
    t = Table(title=title, show_lines=False)
    for c, num in zip(cols[:shown], numeric, strict=False):
        t.add_column(str(c), justify="right" if num else "left", overflow="fold")
    for row in rows:
        t.add_row(*[_cell(v) for v in row[:shown]])
    out.print(t)
    err = Console(stderr=True)
    for n in [] if QUIET else notes:  # notes on stderr, as for csv/json: stdout holds the table only
        err.print(f"[dim]{n}[/dim]")


def _integral_as_int(df):
    """Float columns whose every value is a whole number (codes, ranks, money in whole units) as integers."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype.kind == "f" and col.notna().any() and ((col.dropna() % 1) == 0).all() and col.abs().max() < 2**53:
            out[c] = col.astype("Int64")
    return out


def _fitting_columns(cols: list[Hashable], rows: list[tuple], width: int) -> int:
    """How many leading columns fit in ``width`` at their natural widths (header or widest cell, plus borders)."""
    import re

    shown, used = 0, 1
    for i, c in enumerate(cols):
        cells = [re.sub(r"\[/?dim\]", "", _cell(r[i])) for r in rows[:200]]
        need = max([len(str(c)), *map(len, cells)]) + 3
        if shown and used + need > width and shown >= 2:
            break
        shown += 1
        used += need
    return shown


def _number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _null(v) -> bool:
    # pandas.NA by its type's name: reading pandas.NA would load pandas for a table of plain rows
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ == "NAType"


def _cell(v) -> str:
    if _null(v):
        return "[dim]no data[/dim]"
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, numbers.Integral) and not isinstance(v, bool) and abs(int(v)) >= 10_000:
        return f"{v:,}"  # money and counts: thousands separated; years and codes (< 10,000) as they are
    return str(v)


def _jsonable(v):
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v
