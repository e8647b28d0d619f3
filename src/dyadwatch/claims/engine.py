"""Evaluate claims: supported, contradicted or not checkable, with the value, the formula and the sources.

The engine knows no metric: it looks each claim's metric up in
``claims.metrics.METRICS``, applies the optional transform (relative change,
ratio, difference against ``base_period``) and the comparator. A metric that
lacks data raises ``NotCheckable`` and the claim says what is missing; an
unexpected error in a metric is reported on the claim too, never hidden.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from dyadwatch.claims.model import Claim, ClaimFile, Comparator, Params, load
from dyadwatch.errors import ClaimFileError, DyadwatchError
from dyadwatch.lazy import lazy

if TYPE_CHECKING:
    import pandas as pd

    from dyadwatch.claims import metrics as M
else:  # the metrics (and pandas) load when a claim is measured: a check kept from an earlier run prints without
    M = lazy("dyadwatch.claims.metrics")

SUPPORTED, CONTRADICTED, NOT_CHECKABLE = "supported", "contradicted", "not checkable"
STATUSES = (SUPPORTED, CONTRADICTED, NOT_CHECKABLE)
ARTICLE = "sino-russian-relationship.yaml"
FRAME_COLUMNS = ["id", "status", "value", "comparator", "expected", "unit", "basis", "metric", "missing", "sources"]


@dataclass
class Outcome:
    id: str
    status: str
    value: float | str | None
    comparator: str
    expected: float | list[float] | str
    unit: str
    metric: str
    basis: str
    formula: str
    sources: list[str]
    missing: str = ""
    quote: str = ""
    citation: str = ""
    section: str = ""
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


class _ClaimFields(TypedDict):
    """The outcome fields copied from the claim itself (the same whatever the metric measures)."""

    id: str
    comparator: str
    expected: float | list[float] | str
    unit: str
    metric: str
    quote: str
    citation: str
    section: str
    note: str


@dataclass
class CheckReport:
    document: str
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {s: sum(o.status == s for o in self.outcomes) for s in STATUSES}

    def rows(self) -> list[dict[str, str]]:
        """One row per claim, every value as the text shown (``frame`` as plain rows)."""
        rows = []
        for o in self.outcomes:
            d = o.as_dict()
            d["sources"] = ", ".join(o.sources)
            d["expected"] = _show(o.expected)
            d["value"] = _show(o.value)
            rows.append({c: d[c] for c in FRAME_COLUMNS})
        return rows

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=FRAME_COLUMNS)

    def as_dict(self) -> dict:
        return {"document": self.document, "counts": self.counts(), "claims": [o.as_dict() for o in self.outcomes]}


def _show(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1e6 else f"{v:.4e}"
    return str(v)


def article_path() -> Path:
    return Path(str(resources.files("dyadwatch.claims").joinpath(ARTICLE)))


def validate_file(cf: ClaimFile, where: str) -> None:
    """Check each claim's metric exists and its params are ones the metric takes."""
    common = set(Params.model_fields)
    for i, c in enumerate(cf.claims):
        if c.metric not in M.METRICS:
            raise ClaimFileError(
                f"{where}: claim {c.id!r} (#{i + 1}), field 'metric': unknown metric {c.metric!r}. "
                f"Known metrics: {', '.join(sorted(M.METRICS))}."
            )
        extra = set(c.params.extra()) - set(M.METRICS[c.metric].keys) - common
        if extra:
            raise ClaimFileError(
                f"{where}: claim {c.id!r} (#{i + 1}), field 'params': metric {c.metric!r} takes no "
                f"{sorted(extra)}; it takes {sorted(M.METRICS[c.metric].keys | common)}."
            )


def compare(value: float | str, comparator: Comparator, expected, tolerance: float | None) -> bool:
    if isinstance(expected, str) or isinstance(value, str):
        return str(value).strip().lower() == str(expected).strip().lower()
    v = float(value)
    if comparator == Comparator.eq:
        return v == float(expected)
    if comparator == Comparator.ge:
        return v >= expected
    if comparator == Comparator.le:
        return v <= expected
    if comparator == Comparator.gt:
        return v > expected
    if comparator == Comparator.lt:
        return v < expected
    if comparator == Comparator.approx:
        return abs(v - float(expected)) <= float(tolerance or 0) + 1e-12
    lo, hi = expected
    return lo <= v <= hi


def _measure(claim: Claim, ctx: M.Context) -> M.Measured:
    metric = M.METRICS[claim.metric]
    p = claim.params
    scale = float(p.get("scale_value", 1))
    if not p.transform:
        m = metric.fn(ctx, p)
        return m if scale == 1 else _scaled(m, scale)
    now = metric.fn(ctx, p)
    base = metric.fn(ctx, p.model_copy(update={"period": p.base_period}))
    nv, bv = float(now.value), float(base.value)
    if p.transform == "pct_change":
        if bv == 0:
            raise M.NotCheckable(f"the base value for {p.base_period} is zero; no relative change")
        value, op = (nv / bv - 1) * 100, "(now / base − 1) × 100"
    elif p.transform == "ratio":
        if bv == 0:
            raise M.NotCheckable(f"the base value for {p.base_period} is zero; no ratio")
        value, op = nv / bv, "now / base"
    else:
        value, op = nv - bv, "now − base"
    formula = f"{op}; now = {now.formula}; base = {base.formula}"
    return M.Measured(value, formula, sorted(set(now.sources) | set(base.sources)), now.basis)


def _scaled(m: M.Measured, scale: float) -> M.Measured:
    return M.Measured(float(m.value) * scale, f"{m.formula} × {scale:g}", m.sources, m.basis, m.detail)


def evaluate(claim: Claim, ctx: M.Context | None = None) -> Outcome:
    """One claim's outcome. Missing data → not checkable, naming it; a failing metric → not checkable, saying why."""
    ctx = ctx or M.Context()
    base: _ClaimFields = {
        "id": claim.id, "comparator": claim.comparator.value, "expected": claim.expected, "unit": claim.unit,
        "metric": claim.metric, "quote": claim.quote, "citation": claim.citation, "section": claim.section,
        "note": claim.note,
    }  # fmt: skip
    # The basis the claim asks for; a figure no dataset covers ("unavailable") has none yet.
    basis_asked = "" if claim.metric == "unavailable" else claim.params.basis
    try:
        m = _measure(claim, ctx)
    except M.NotCheckable as e:
        return Outcome(status=NOT_CHECKABLE, value=None, basis=basis_asked, formula="", sources=[], missing=e.missing,
                       **base)  # fmt: skip
    except DyadwatchError as e:
        return Outcome(status=NOT_CHECKABLE, value=None, basis=basis_asked, formula="", sources=[], missing=str(e),
                       **base)  # fmt: skip
    if m.value is None or (isinstance(m.value, float) and m.value != m.value):
        return Outcome(status=NOT_CHECKABLE, value=None, basis=m.basis, formula=m.formula, sources=m.sources,
                       missing="the indicator returned no value (NULL) for this period", **base)  # fmt: skip
    ok = compare(m.value, claim.comparator, claim.expected, claim.tolerance)
    value = m.value if isinstance(m.value, str) else float(m.value)
    return Outcome(status=SUPPORTED if ok else CONTRADICTED, value=value, basis=m.basis, formula=m.formula,
                   sources=m.sources, **base)  # fmt: skip


def check(path: str | Path | None = None, *, wh=None, db=None) -> CheckReport:
    """Evaluate every claim of a claim file (default: the packaged article's claims)."""
    import hashlib

    from dyadwatch import api

    path = Path(path) if path else article_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None

    store = api.as_store(wh)

    def run() -> CheckReport:
        cf = load(path)
        validate_file(cf, str(path))
        ctx = M.Context(wh=store, db=db)
        return CheckReport(cf.document.title, [evaluate(c, ctx) for c in cf.claims])

    if digest is None or (wh is None and db is not None):  # a missing file (load() says so); metrics open db
        return run()
    # Every claim of the file against one store content: kept for the next process, keyed by the file's bytes.
    return copy.deepcopy(store.cached(("claims_check", digest), run, persist=True))
