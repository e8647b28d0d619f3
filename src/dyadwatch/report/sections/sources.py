"""The sources section: every dataset the report used, with citation and BibTeX (``templates/sources.html.j2``)."""

from __future__ import annotations

from dyadwatch import sources
from dyadwatch.report.base import ReportContext, Section, fill

ORDER = 1000
TITLE = "Sources"


def render(ctx: ReportContext) -> Section | None:
    # Sections render before this one and register what they used on the context.
    reg = sources.registry()
    items = []
    for name in dict.fromkeys(ctx.used_sources):
        if name not in reg:
            continue
        m = reg[name].META
        items.append(
            {"name": name, "title": m.title, "publisher": m.publisher, "version": m.version, "citation": m.citation,
             "licence": m.licence, "url": m.url, "bibtex": m.bibtex_entry()}
        )  # fmt: skip
    if not items:
        return None  # nothing was shown, so nothing to cite
    return Section(TITLE, fill("sources.html.j2", items=items), anchor="sources")
