"""The article's claims, checked: a table the reader can filter by status, section and basis (inline JS)."""

from __future__ import annotations

from dyadwatch.claims import engine
from dyadwatch.errors import DyadwatchError
from dyadwatch.report.base import ReportContext, Section, esc

ORDER = 90
TITLE = "The article's claims, checked"

_SCRIPT = """<script>
(function(){var box=document.getElementById('claims-filter');if(!box)return;
function apply(){var s=box.querySelector('[name=status]').value,b=box.querySelector('[name=basis]').value,
q=box.querySelector('[name=q]').value.toLowerCase(),n=0;
document.querySelectorAll('#claims-table tbody tr').forEach(function(r){
var ok=(!s||r.dataset.status===s)&&(!b||r.dataset.basis===b)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);
r.style.display=ok?'':'none';if(ok)n++;});box.querySelector('.count').textContent=n+' shown';}
box.addEventListener('input',apply);box.addEventListener('change',apply);apply();})();
</script>"""


def _cell(v) -> str:
    return "" if v is None else esc(engine._show(v))


def render(ctx: ReportContext) -> Section | None:
    pair = {ctx.a.iso3, ctx.b.iso3}
    if pair != {"CHN", "RUS"}:
        return None  # the packaged claims are about China and Russia
    try:
        rep = engine.check(wh=ctx.wh)
    except DyadwatchError as e:
        return Section(TITLE, f"<p>The claims could not be checked: {esc(e)}</p>")
    counts = rep.counts()
    rows = []
    used: list[str] = []
    for o in rep.outcomes:
        basis = "published fact" if o.basis.startswith("published fact") else ("computed" if o.basis else "none")
        used += o.sources
        srcs = ", ".join(f'<a href="#src-{esc(s)}">{esc(s)}</a>' for s in o.sources)
        detail = esc(o.missing) if o.status == "not checkable" else esc(o.formula)
        rows.append(
            f'<tr data-status="{esc(o.status)}" data-basis="{basis}" class="claim-{o.status.replace(" ", "-")}">'
            f"<td>{esc(o.id)}</td><td>{esc(o.section)}</td><td>“{esc(o.quote)}”</td>"
            f"<td><strong>{esc(o.status)}</strong></td><td class='num'>{_cell(o.value)}</td>"
            f"<td>{esc(o.comparator)} {_cell(o.expected)} {esc(o.unit)}</td><td>{esc(o.basis)}</td>"
            f"<td>{srcs}</td><td class='note'>{detail}</td></tr>"
        )
    summary = ", ".join(f"{n} {esc(s)}" for s, n in counts.items())
    opts = "".join(f'<option value="{s}">{s}</option>' for s in engine.STATUSES)
    html = (
        f"<p>{len(rep.outcomes)} quantitative claims of “{esc(rep.document)}”: {summary}. "
        "A claim is <em>not checkable</em> when the data it needs is not in dyadwatch (the last column names it). "
        "Published facts (figures as a statistics office or central bank published them) are kept apart from "
        "figures dyadwatch computes from the data files.</p>"
        '<form id="claims-filter" class="filter" onsubmit="return false">'
        f'<label>Status <select name="status"><option value="">all</option>{opts}</select></label> '
        '<label>Basis <select name="basis"><option value="">all</option><option>computed</option>'
        "<option>published fact</option></select></label> "
        '<label>Search <input name="q" type="search" placeholder="word or id"></label> '
        '<span class="count note"></span></form>'
        '<div style="overflow-x:auto"><table id="claims-table" style="font-size:12px"><thead><tr>'
        "<th>id</th><th>section</th><th>quote</th><th>status</th><th>value</th>"
        "<th>claim</th><th>basis</th><th>sources</th><th>formula, or what is missing</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>{_SCRIPT}"
    )
    return Section(TITLE, html, sources=list(dict.fromkeys(used)), anchor="claims")
