"""The article's claims, checked: a folded table, filtered at first to the contradicted and supported claims.

The reader can filter by status, basis and a word (a few lines of inline JS; ``templates/claims.html.j2``)."""

from __future__ import annotations

from dyadwatch.claims import engine
from dyadwatch.errors import DyadwatchError
from dyadwatch.report.base import ReportContext, Section, esc, fill

ORDER = 90
TITLE = "The article's claims, checked"


def _cell(v) -> str:
    return "" if v is None else engine._show(v)


def render(ctx: ReportContext) -> Section | None:
    if not ctx.is_article_dyad():
        return None  # the packaged claims are about China and Russia
    try:
        rep = engine.check(wh=ctx.wh)
    except DyadwatchError as e:
        return Section(TITLE, f"<p>The claims could not be checked: {esc(e)}</p>")
    counts = rep.counts()
    rows = []
    used: list[str] = []
    for o in rep.outcomes:
        used += o.sources
        rows.append(
            {
                "id": o.id,
                "section": o.section,
                "quote": o.quote,
                "status": o.status,
                "basis_kind": "published fact"
                if o.basis.startswith("published fact")
                else ("computed" if o.basis else "none"),
                "value": _cell(o.value),
                "claim": f"{o.comparator} {_cell(o.expected)} {o.unit or ''}".strip(),
                "basis": o.basis,
                "sources": list(o.sources),
                "detail": o.missing if o.status == "not checkable" else o.formula,
            }
        )
    html = fill(
        "claims.html.j2",
        n=len(rep.outcomes),
        document=rep.document,
        summary=", ".join(f"{n} {s}" for s, n in counts.items()),
        statuses=engine.STATUSES,
        rows=rows,
        shown=sum(1 for r in rows if r["status"] in ("contradicted", "supported")),
    )
    return Section(TITLE, html, sources=list(dict.fromkeys(used)), anchor="claims")
