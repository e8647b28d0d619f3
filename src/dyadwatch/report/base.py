"""What a report section is, and the context every section gets.

A section is a module in ``report/sections/`` with ``ORDER`` (int, position),
``TITLE`` and ``render(ctx) -> Section | None`` (None: nothing to show, e.g.
no data of that kind; prefer a Section that says so in words). Sections read
results through ``ctx`` (the library API), never raw files.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from dyadwatch.countries import Country


@dataclass
class Section:
    title: str
    html: str
    sources: list[str] = field(default_factory=list)  # source names (META.name) cited
    anchor: str = ""


@dataclass
class ReportContext:
    a: Country
    b: Country
    year_from: int | None
    year_to: int | None
    wh: Any  # the store (dyadwatch.store.ChainStore: the warehouse, if any, before the embedded pack)
    basis_notes: list[str] = field(default_factory=list)
    used_sources: list[str] = field(default_factory=list)  # filled as sections render, for the sources section

    def __post_init__(self) -> None:
        from dyadwatch.api import as_store

        self.wh = as_store(self.wh)  # a bare warehouse, or None (the embedded pack alone), as a chain


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text))


def chart(spec) -> str:
    """An Altair chart (or Vega-Lite dict) as inline SVG: offline, printable, no JavaScript."""
    import vl_convert as vlc

    d = spec.to_dict() if hasattr(spec, "to_dict") else spec
    return f'<figure class="chart">{vlc.vegalite_to_svg(d)}</figure>'


def table_html(
    df, caption: str | None = None, max_rows: int = 200, fmt: str = "{:.3f}", collapse_after: int = 25
) -> str:
    """A plain HTML table; NULL cells read 'no data'; more than ``collapse_after`` rows fold into <details>."""
    import pandas as pd

    head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    rows = []
    for row in df.head(max_rows).itertuples(index=False):
        cells = []
        for v in row:
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                cells.append('<td class="nodata">no data</td>')
            elif isinstance(v, float):
                cells.append(f'<td class="num">{fmt.format(v)}</td>')
            else:
                cells.append(f"<td>{esc(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    more = f"<p class='note'>{len(df) - max_rows} more rows not shown.</p>" if len(df) > max_rows else ""
    table = f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"
    if len(df) > collapse_after:  # long tables fold away so the page reads as prose and charts
        return f"<details><summary>{esc(caption or 'Table')}: {len(df)} rows</summary>{table}</details>"
    return table
