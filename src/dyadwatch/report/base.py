"""What a report section is, the context every section gets, and the HTML helpers sections share.

A section is a module in ``report/sections/`` with ``ORDER`` (int, position), ``TITLE`` and
``render(ctx) -> Section | None``. A section appears only when it has something about this dyad: when it has
nothing it records what is missing and how to get it (``ctx.lack``) and returns None, so the page says so once, at
the top, instead of a page of "no data" paragraphs. Sections read results through ``ctx.wh`` (the store) and the
library API, never raw files. HTML comes from the Jinja2 templates in ``report/templates/`` with autoescaping.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypedDict

from dyadwatch import caches
from dyadwatch.countries import Country


@dataclass
class Section:
    title: str
    html: str
    sources: list[str] = field(default_factory=list)  # source names (META.name) cited
    anchor: str = ""


@dataclass
class Missing:
    """A part of the report left out for lack of data: what it would show and the command that provides it."""

    part: str
    fix: str


class YearSpan(TypedDict):
    """The years the report covers, as the keyword arguments the indicators take (``**span``)."""

    year_from: int | None
    year_to: int | None


@dataclass
class ReportContext:
    a: Country
    b: Country
    year_from: int | None
    year_to: int | None
    wh: Any = None  # the store: dyadwatch.store.ChainStore (the warehouse, if any, before the embedded pack)
    basis_notes: list[str] = field(default_factory=list)
    used_sources: list[str] = field(default_factory=list)  # filled as sections render, for the sources section
    coverage: dict[str, tuple[str, str]] = field(default_factory=dict)  # source -> (first, last) period used
    missing: list[Missing] = field(default_factory=list)

    def __post_init__(self) -> None:
        # A raw warehouse (or None: a fresh machine) becomes the chain every section expects.
        from dyadwatch.api import as_store
        from dyadwatch.store import ChainStore

        if not isinstance(self.wh, ChainStore):
            self.wh = as_store(self.wh)

    @property
    def dyad(self) -> set[str]:
        return {self.a.iso3, self.b.iso3}

    def is_article_dyad(self) -> bool:
        """China–Russia: the dyad the packaged article (and its comparisons and claims) is about."""
        return self.dyad == ARTICLE_DYAD

    def cover(self, source: str, first: object, last: object) -> None:
        """Record the first and last period (year or month) of ``source`` that the report used."""
        if first is None or last is None or first != first or last != last:
            return
        lo, hi = _period(first), _period(last)
        if source in self.coverage:
            old_lo, old_hi = self.coverage[source]
            lo, hi = min(lo, old_lo), max(hi, old_hi)
        self.coverage[source] = (lo, hi)

    def cover_facts(self, labels) -> None:
        """Record the months the published facts used span (their labels mix 2022, 2023H1, 2023Jan-Aug)."""
        from dyadwatch.sources.facts import period_months

        spans = [period_months(v) for v in labels if isinstance(v, str) and v]
        if spans:
            self.cover("facts", min(lo for lo, _ in spans), max(hi for _, hi in spans))

    def lack(self, part: str, fix: str) -> None:
        self.missing.append(Missing(part, fix))


ARTICLE_DYAD = {"CHN", "RUS"}
ARTICLE_TITLE = "The Sino-Russian Relationship: It’s Complicated"  # the packaged article (claims/article.yaml)


def _period(v: object) -> str:
    """A year or a month as text ("2019", "2023-04", "2023Jan-Sep"); floats from pandas lose their ".0"."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m")  # type: ignore[union-attr]
    return str(v)


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text))


@cache
def templates():
    """The Jinja2 environment over ``report/templates/``; autoescaping on, so data never becomes markup."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dyadwatch.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def fill(template: str, **values: Any) -> str:
    """Fill a template of ``report/templates/``; pass pre-built HTML (charts, sections) as ``markup(...)``."""
    return templates().get_template(template).render(**values)


def markup(html_text: str):
    """HTML built by dyadwatch itself (an SVG chart, a rendered section), to be inserted without escaping."""
    import markupsafe

    return markupsafe.Markup(html_text)


def chart(spec) -> str:
    """A chart as inline SVG: offline, printable, no JavaScript.

    ``spec`` is a recorded chart (``altair_spec.alt``, what sections use: drawn from the cache by its record's
    digest, Altair imported only to draw a new one), an Altair chart, or a Vega-Lite dict.
    """
    from dyadwatch.report.altair_spec import Spec, digest, replay

    if isinstance(spec, Spec):
        key = f"alt-{digest(spec)}"
        out = _cached(key)
        if out is None:
            out = chart_svg(replay(spec))
            _keep(key, out)
        return f'<figure class="chart">{out}</figure>'
    return f'<figure class="chart">{chart_svg(spec)}</figure>'


def chart_svg(spec) -> str:
    # Altair's schema check costs ~0.05 s a chart and vl-convert checks the spec again while rendering.
    return svg(spec.to_dict(validate=False) if hasattr(spec, "to_dict") else spec)


def svg(spec: dict) -> str:
    """The SVG of a Vega-Lite spec, rendered once: later calls with the same spec and data read it back.

    Rendering is most of a report's time (vl-convert starts a JavaScript runtime, ~1–2 s, then ~0.1–0.5 s a
    chart) and threads do not help: it renders one chart at a time. A chart is a pure function of its spec
    (data inlined) and the renderer's version, so its SVG is cached under that hash in the user cache
    directory (``dyadwatch/charts``). The cache is best effort: an unwritable one only costs the time.
    """
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    key = hashlib.sha256(f"{_renderer_version()}\n{text}".encode()).hexdigest()
    out = _cached(key)
    if out is None:
        import vl_convert as vlc

        out = vlc.vegalite_to_svg(spec)
        _keep(key, out)
    return out


def _cached(key: str) -> str | None:
    data = caches.read(chart_cache_dir() / f"{key}.svg")
    return data.decode("utf-8") if data is not None else None


def _keep(key: str, svg_text: str) -> None:
    caches.keep(chart_cache_dir() / f"{key}.svg", svg_text.encode("utf-8"), CACHE_MAX_CHARTS, "*.svg")


CACHE_MAX_CHARTS = 2000  # about 50 reports; beyond it the oldest half is removed


def chart_cache_dir() -> Path:
    """Where rendered charts are kept: ``DYADWATCH_CHART_CACHE``, else ``charts`` in dyadwatch's cache folder."""
    env = os.environ.get("DYADWATCH_CHART_CACHE")
    return Path(env) if env else caches.cache_dir("charts")


@cache
def _renderer_version() -> str:
    from importlib.metadata import version

    return f"vl-convert-python {version('vl-convert-python')}"


# Column names as a reader should see them. Sections may pass their own ``labels`` for dyad-specific names.
LABELS = {
    "year": "year",
    "period": "period",
    "n": "shared roll calls",
    "agreement": "agreement",
    "agreement_lo": "agreement, low",
    "agreement_hi": "agreement, high",
    "s_abs": "S (absolute)",
    "kappa": "Cohen's κ",
    "kappa_lo": "κ, low",
    "kappa_hi": "κ, high",
    "iso3": "state",
    "rank": "rank",
    "growth": "growth",
    "asymmetry": "asymmetry (ratio of shares)",
    "basis": "basis",
    "metric": "figure",
    "value": "value",
    "unit": "unit",
    "publisher": "publisher",
    "dimension": "dimension",
    "latest": "latest",
    "direction": "direction",
    "reason": "why",
    "source": "data",
    "state": "state",
    "events": "events",
    "net_cooperation": "net cooperation",
    "goldstein": "Goldstein mean",
    "q1": "verbal cooperation",
    "q2": "material cooperation",
    "q3": "verbal conflict",
    "q4": "material conflict",
    "material_share": "material share",
    "avg_tone": "mean tone",
    "root_code": "CAMEO root code",
    "code": "code",
    "description": "description",
    "pipeline": "pipeline",
    "capacity_bcm_y": "capacity (bcm/year)",
    "article_bcm_y": "the article's figure (bcm/year)",
    "status": "status",
    "note": "note",
    "similarity": "similarity",
    "rank_a_for_b": "rank of A among B's nearest",
    "rank_b_for_a": "rank of B among A's nearest",
    "n_peers": "speakers that year",
    "mean_sim_a": "A's mean similarity",
    "mean_sim_b": "B's mean similarity",
    "side": "side",
    "word": "word",
    "count_target": "uses (the two)",
    "count_reference": "uses (reference)",
    "z": "z score",
    "verdict": "verdict",
    "dyad": "dyad",
}


def _nodata(v) -> bool:
    import pandas as pd

    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _cell(v, col: str, fmt: str, pct: set[str], ints: set[str]) -> dict:
    import numbers

    if _nodata(v):
        return {"cls": "nodata", "text": "no data"}
    if col in pct and isinstance(v, numbers.Real):
        return {"cls": "num", "text": f"{float(v):.1%}"}
    if isinstance(v, numbers.Integral):
        return {"cls": "num", "text": str(int(v))}
    if col in ints and isinstance(v, numbers.Real):  # a float in an integer column (NULLs made it float)
        return {"cls": "num", "text": str(int(float(v)))}  # numbers.Real promises float(), not int(): same value
    if isinstance(v, numbers.Real):
        return {"cls": "num", "text": fmt.format(float(v))}
    text = str(v)
    # A short single token (a year span, a code, "USA–GBR") never wraps; prose wraps between words only.
    return {"cls": "tok" if len(text) <= 24 and " " not in text else "", "text": text}


def table_html(
    df,
    caption: str | None = None,
    max_rows: int = 200,
    fmt: str = "{:.3f}",
    collapse_after: int = 25,
    *,
    labels: dict[str, str] | None = None,
    pct: tuple[str, ...] | list[str] = (),
    ints: tuple[str, ...] | list[str] = (),
    table_id: str | None = None,
) -> str:
    """A plain HTML table; NULL cells read 'no data'; more than ``collapse_after`` rows fold into <details>.

    Column headers read as words (``LABELS``, then ``labels``); ``pct`` columns (fractions) show as percentages,
    ``ints`` columns as integers (years, ranks, counts that pandas turned into floats).
    """
    names = {**LABELS, **(labels or {})}
    cols = list(df.columns)
    rows = [
        [_cell(v, c, fmt, set(pct), set(ints)) for v, c in zip(row, cols, strict=True)]
        for row in df.head(max_rows).itertuples(index=False)
    ]
    return fill(
        "table.html.j2",
        caption=caption,
        headers=[names.get(c, str(c).replace("_", " ")) for c in cols],
        rows=rows,
        more=max(0, len(df) - max_rows),
        collapse=len(df) > collapse_after,  # long tables fold away so the page reads as prose and charts
        total=len(df),
        table_id=table_id,
    )
