"""What a report section is, and the context every section gets.

A section is a module in ``report/sections/`` with ``ORDER`` (int, position),
``TITLE`` and ``render(ctx) -> Section | None`` (None: nothing to show, e.g.
no data of that kind; prefer a Section that says so in words). Sections read
results through ``ctx`` (the library API), never raw files.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
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
    # Altair's schema check costs ~0.05 s a chart and vl-convert checks the spec again while rendering.
    d = spec.to_dict(validate=False) if hasattr(spec, "to_dict") else spec
    return f'<figure class="chart">{svg(d)}</figure>'


def svg(spec: dict) -> str:
    """The SVG of a Vega-Lite spec, rendered once: later calls with the same spec and data read it back.

    Rendering is most of a report's time (vl-convert starts a JavaScript runtime, ~1–2 s, then ~0.1–0.5 s a
    chart) and threads do not help: it renders one chart at a time. A chart is a pure function of its spec
    (data inlined) and the renderer's version, so its SVG is cached under that hash in the user cache
    directory (``dyadwatch/charts``). The cache is best effort: an unwritable one only costs the time.
    """
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    key = hashlib.sha256(f"{_renderer_version()}\n{text}".encode()).hexdigest()
    path = chart_cache_dir() / f"{key}.svg"
    try:
        out = path.read_text("utf-8")
        os.utime(path)  # recently used charts survive pruning
        return out
    except OSError:
        pass
    import vl_convert as vlc

    out = vlc.vegalite_to_svg(spec)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")  # write then rename: a reader never sees half a file
        tmp.write_text(out, "utf-8")
        os.replace(tmp, path)
        _prune(path.parent)
    except OSError:
        pass
    return out


CACHE_MAX_CHARTS = 2000  # about 50 reports; beyond it the oldest half is removed


def chart_cache_dir() -> Path:
    """Where rendered charts are kept: ``DYADWATCH_CHART_CACHE``, else the user cache dir (XDG_CACHE_HOME)."""
    env = os.environ.get("DYADWATCH_CHART_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dyadwatch", appauthor=False)) / "charts"


@cache
def _renderer_version() -> str:
    from importlib.metadata import version

    return f"vl-convert-python {version('vl-convert-python')}"


def _prune(folder: Path) -> None:
    files = list(folder.glob("*.svg"))
    if len(files) > CACHE_MAX_CHARTS:
        for f in sorted(files, key=lambda f: f.stat().st_mtime)[: len(files) // 2]:
            f.unlink(missing_ok=True)


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
