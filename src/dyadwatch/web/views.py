"""What the page templates get: tables as rows of cells, sections with their chart, table and notes."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from dyadwatch.errors import DyadwatchError


def cell(v, fmt: str = "{:.3f}") -> dict:
    """One table cell: NULL reads 'no data' (never 0); floats to 3 decimals unless large."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return {"text": "no data", "cls": "nodata"}
    if isinstance(v, bool):
        return {"text": "yes" if v else "no", "cls": ""}
    if isinstance(v, float):
        if abs(v) >= 1e6:
            return {"text": f"{v:,.0f}", "cls": "num"}
        return {"text": fmt.format(v), "cls": "num"}
    if isinstance(v, int):
        return {"text": str(v), "cls": "num"}
    return {"text": str(v), "cls": ""}


def table(df: pd.DataFrame, max_rows: int = 400, caption: str = "") -> dict:
    df = df.copy()
    for c in df.columns:  # 0/1 flags and counts with a NULL somewhere arrive as floats: show them as integers
        col = df[c]
        if col.dtype.kind == "f" and col.notna().any() and (col.dropna() % 1 == 0).all() and col.abs().max() < 1e6:
            df[c] = col.astype("Int64")
    rows = [[cell(v.item() if hasattr(v, "item") else v) for v in r] for r in df.head(max_rows).itertuples(index=False)]
    return {"columns": [str(c) for c in df.columns], "rows": rows, "caption": caption,
            "more": max(0, len(df) - max_rows), "n": len(df)}  # fmt: skip


@dataclass
class Section:
    """One part of a page: a chart (a Vega-Lite spec reading ``csv``/``json`` URLs), a table, notes."""

    anchor: str
    title: str
    intro: str = ""
    chart: dict | None = None
    data_url: str = ""  # the API URL the chart and the table come from (CSV/JSON downloads)
    table: dict | None = None
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    basis: str = ""
    error: str = ""  # "no data" and why, shown instead of chart and table
    extra: dict = field(default_factory=dict)
    ingest: str = ""  # the command that brings the section's data, shown with "no data"
    lazy_url: str = ""  # set: the page holds a placeholder, and loads the section from this URL after painting


def number(v) -> str:
    """A claim's value for people: 4 significant digits, or the text as it is."""
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 1e6 else f"{v:.4g}"
    return "no data" if v is None else str(v)


def section(anchor: str, title: str, build: Callable[[Section], None], ingest: str = "") -> Section:
    """A section filled by ``build``; a DyadwatchError becomes its 'no data' message instead of a failed page.

    Any other exception is a bug: logged with its traceback and named on the page, and the other
    sections still show (as the claims engine reports an unexpected error on its claim).
    """
    s = Section(anchor, title, ingest=ingest)
    try:
        build(s)
    except DyadwatchError as e:
        s.error = str(e)
        s.chart = s.table = None
    except Exception as e:
        logging.getLogger("dyadwatch.web").exception("section %s failed", anchor)
        s.error = f"this section failed ({type(e).__name__}: {e}); please report it."
        s.chart = s.table = None
    return s
