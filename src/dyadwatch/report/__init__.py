"""The HTML report: one self-contained file (no CDN, charts inlined as SVG).

Sections are modules in ``report/sections/`` (see ``report/base.py``); this
module orders them, frames them in the page and adds the sources section from
what each section says it used.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from dyadwatch import __version__, countries
from dyadwatch.report.base import ReportContext, Section, esc


def section_modules() -> list:
    from dyadwatch.report import sections

    mods = [importlib.import_module(f"{sections.__name__}.{i.name}") for i in pkgutil.iter_modules(sections.__path__)]
    return sorted(mods, key=lambda m: (m.ORDER, m.__name__))


def build_report(
    a: str,
    b: str,
    out: str | Path | None = None,
    *,
    db: str | Path | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write the report for the dyad and return its path (``out`` is a folder or an .html file)."""
    from dyadwatch import citations, validate_args
    from dyadwatch.api import open_store

    ca, cb = countries.resolve(a), countries.resolve(b)
    validate_args.dyad(ca.iso3, cb.iso3, a, b)  # before any work: a report takes tens of seconds
    validate_args.years(year_from, year_to)
    out = Path(out) if out else Path("report-out")
    path = out if out.suffix == ".html" else out / f"dyadwatch-{ca.iso3}-{cb.iso3}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    wh = open_store(db)
    try:
        ctx = ReportContext(ca, cb, year_from, year_to, wh)
        rendered: list[Section] = []
        for mod in section_modules():
            if progress:
                progress(mod.TITLE)
            ctx.used_sources = [u for s in rendered for u in s.sources]
            sec = mod.render(ctx)
            if sec is not None:
                sec.anchor = sec.anchor or mod.__name__.rsplit(".", 1)[-1]
                rendered.append(sec)
        # Beside the report: a BibTeX file of exactly the sources it used (facts per publisher and page).
        citations.write_bib(path.with_suffix(".bib"), [u for s in rendered for u in s.sources], wh)
    finally:
        wh.close()
    path.write_text(_page(ca, cb, rendered, ctx), encoding="utf-8")
    return path.resolve()


def _cited(section: Section) -> str:
    """Every section ends by naming its datasets, each linked to its entry in the sources section."""
    from dyadwatch import sources

    reg = sources.registry()
    names = [n for n in dict.fromkeys(section.sources) if n in reg]
    if not names or section.anchor == "sources":
        return ""
    links = ", ".join(f'<a href="#src-{esc(n)}">{esc(reg[n].META.title)}</a>' for n in names)
    return f'<p class="note cite-line">Data: {links}.</p>'


def _page(a, b, sections: list[Section], ctx: ReportContext) -> str:
    css = resources.files("dyadwatch.report").joinpath("report.css").read_text("utf-8")
    nav = "".join(f'<a href="#{esc(s.anchor)}">{esc(s.title)}</a>' for s in sections)
    body = "".join(
        f'<section id="{esc(s.anchor)}"><h2>{esc(s.title)}</h2>{s.html}{_cited(s)}</section>' for s in sections
    )
    basis = "".join(f"<li>{esc(n)}</li>" for n in dict.fromkeys(ctx.basis_notes))
    today = dt.date.today().isoformat()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dyadwatch: {esc(a.name)} and {esc(b.name)}</title>
<style>{css}</style></head>
<body><header><h1>{esc(a.name)} and {esc(b.name)}</h1>
<p class="sub">A dyadwatch report on the relationship between {esc(a)} and {esc(b)} — generated {today}
by dyadwatch {esc(__version__)}.</p>
<ul class="basis">{basis}</ul>
<nav>{nav}</nav></header>
<main>{body}</main>
<footer>Every figure is computed by dyadwatch from the datasets cited in <a href="#sources">Sources</a>;
"no data" marks years outside a dataset's coverage, never zero.</footer>
</body></html>
"""
