"""The sources section: every dataset the report used, with citation and BibTeX."""

from __future__ import annotations

from dyadwatch import sources
from dyadwatch.report.base import ReportContext, Section, esc

ORDER = 1000
TITLE = "Sources"


def render(ctx: ReportContext) -> Section:
    # Sections render before this one and register what they used on the context.
    used = getattr(ctx, "used_sources", [])
    reg = sources.registry()
    items = []
    for name in dict.fromkeys(used):
        if name not in reg:
            continue
        m = reg[name].META
        items.append(
            f'<li id="src-{esc(name)}"><strong>{esc(m.title)}</strong> ({esc(m.publisher)}), version '
            f"{esc(m.version)}. {esc(m.citation)}. Licence: {esc(m.licence)}. "
            f'<a href="{esc(m.url)}">{esc(m.url)}</a><pre class="cite">{esc(m.bibtex_entry())}</pre></li>'
        )
    body = "<ol>" + "".join(items) + "</ol>" if items else "<p>No dataset was used.</p>"
    return Section(TITLE, body, anchor="sources")
