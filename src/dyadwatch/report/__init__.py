"""The HTML report: one self-contained file (no CDN, charts inlined as SVG).

Sections are modules in ``report/sections/`` (see ``report/base.py``); this module orders them, frames them in
the page (``templates/page.html.j2``), puts the coverage strip and what is missing at the top, and adds the
sources section from what each section says it used.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import pkgutil
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from dyadwatch import __version__, countries
from dyadwatch.outputs import write_text
from dyadwatch.report.base import Missing, ReportContext, Section, fill, markup


def section_modules() -> list:
    from dyadwatch.report import sections

    mods = [importlib.import_module(f"{sections.__name__}.{i.name}") for i in pkgutil.iter_modules(sections.__path__)]
    return sorted(mods, key=lambda m: (m.ORDER, m.__name__))


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def build_report(
    a: str,
    b: str,
    out: str | Path | None = None,
    *,
    db: str | Path | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
    warn: Callable[[str], None] | None = _stderr,
) -> Path:
    """Write the report for the dyad and return its path (``out`` is a folder or an .html file).

    An existing file at the path is replaced only if it is a dyadwatch report, or with ``force``. What the report
    leaves out for lack of data is said once at its top and, line by line, to ``warn`` (stderr by default; None
    to stay silent).
    """
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
        rendered, titles, bib = _sections(ctx, progress)
        head = missing_head(ctx, rendered)
        # Beside the report: a BibTeX file of exactly the sources it used (facts per publisher and page).
        citations.write_bib(path.with_suffix(".bib"), [], text=bib)
    finally:
        wh.close()
    if warn is not None and ctx.missing:
        warn(head)
        for m in ctx.missing:
            warn(f"  {m.part}: {m.fix}")
    write_text(path, page(ca, cb, rendered, ctx, head, titles), force=force)  # temp file + rename; no links followed
    return path.resolve()


def _sections(ctx: ReportContext, progress: Callable[[str], None] | None) -> tuple[list[Section], dict, str]:
    """Every section that has something on the dyad, in order, the titles of the sources they name, and the
    BibTeX of those they used; kept for the next report of the same dyad, years and store content
    (``caches.persisted``): they are a function of those and of dyadwatch's code, and what the sections record
    in ``ctx`` (coverage, basis notes, what is missing) is kept with them and put back. A kept report then
    imports no section, indicator or source module."""
    from dyadwatch import citations, sources

    def render() -> tuple[list[Section], dict, list[str], list[str], list[Missing], dict, str]:
        rendered: list[Section] = []
        for mod in section_modules():
            if progress:
                progress(mod.TITLE)
            ctx.used_sources = [u for s in rendered for u in s.sources]
            sec = mod.render(ctx)
            if sec is not None:
                sec.anchor = sec.anchor or mod.__name__.rsplit(".", 1)[-1]
                rendered.append(sec)
        titles = {n: s.META.title for n, s in sources.registry().items()}
        bib = citations.bib([u for s in rendered for u in s.sources], ctx.wh)
        return rendered, ctx.coverage, ctx.basis_notes, ctx.used_sources, ctx.missing, titles, bib

    where = (ctx.wh.describe(), str(ctx.wh.path))  # messages name the store's file: a copy of it is another key
    key = ("report-sections", ctx.a.iso3, ctx.b.iso3, ctx.year_from, ctx.year_to, where)
    kept = copy.deepcopy(ctx.wh.cached(key, render, persist=True))
    rendered, ctx.coverage, ctx.basis_notes, ctx.used_sources, ctx.missing, titles, bib = kept
    return rendered, titles, bib


def missing_head(ctx: ReportContext, rendered: list[Section]) -> str:
    """One sentence for the top of the page: how much is missing, and why."""
    where = ctx.wh.describe()
    outside = [c for c in (ctx.a, ctx.b) if c.iso3 not in ctx.wh.focus]
    if not any(s.anchor != "sources" for s in rendered):
        head = f"No data on {ctx.a.name} and {ctx.b.name} in {where}."
    else:
        head = f"Not in this report, for lack of data in {where}:"
    if outside and ctx.wh.warehouse is None:
        names = " and ".join(c.name for c in outside)
        verb = "is" if len(outside) == 1 else "are"
        head += (
            f" The embedded pack covers {len(ctx.wh.focus)} focus countries; {names} {verb} not among them, so every"
            " part needs the publishers' files, ingested with the commands below."
        )
    return head


def _cited(section: Section, titles: dict[str, str]) -> list[dict]:
    """Every section ends by naming its datasets, each linked to its entry in the sources section."""
    if section.anchor == "sources":
        return []
    return [{"name": n, "title": titles[n]} for n in dict.fromkeys(section.sources) if n in titles]


def page(
    a, b, sections: list[Section], ctx: ReportContext, missing_head: str = "", titles: dict[str, str] | None = None
) -> str:
    """The report's HTML; ``titles``: each source's title by name (default: from the sources' registry)."""
    if titles is None:
        from dyadwatch import sources

        titles = {n: s.META.title for n, s in sources.registry().items()}
    css = resources.files("dyadwatch.report").joinpath("report.css").read_text("utf-8")
    coverage = [
        {"name": n, "title": titles.get(n, n), "first": lo, "last": hi}
        for n, (lo, hi) in ctx.coverage.items()  # in the order the report uses them
    ]
    return fill(
        "page.html.j2",
        a=a,
        b=b,
        css=markup(css),
        today=dt.date.today().isoformat(),
        version=__version__,
        coverage=coverage,
        missing=ctx.missing,
        missing_head=missing_head,
        basis=list(dict.fromkeys(ctx.basis_notes)),
        sections=[
            {"anchor": s.anchor, "title": s.title, "body": markup(s.html), "cited": _cited(s, titles)} for s in sections
        ],
    )
