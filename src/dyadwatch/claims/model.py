"""The claim file format: typed claims validated with pydantic.

A claim file is YAML::

    version: 1
    document: {title: ..., path: ...}
    claims:
      - id: trade-2022-turnover-fact
        quote: "a record bilateral trade turnover of over $190 billion in 2022"
        citation: "fn 5: Kommersant, 13 Jan 2023"
        metric: fact                      # a name in claims.metrics.METRICS
        params: {dyad: [CHN, RUS], period: "2022", basis: published fact, fact: cn_ru_trade_turnover}
        comparator: "≥"                   # = ≥ ≤ > < ≈ (with tolerance) or "in" [lo, hi]
        expected: 190
        unit: USD bn

``params.transform`` turns the metric into a relative change (``pct_change``),
a ``ratio`` or a ``difference`` against ``params.base_period``: that is how
"a 32% increase" or "four times" are encoded. Every error names the file, the
claim id and the field.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dyadwatch import yamlfile
from dyadwatch.errors import ClaimFileError


class Comparator(enum.StrEnum):
    eq = "="
    ge = "≥"
    le = "≤"
    gt = ">"
    lt = "<"
    approx = "≈"
    within = "in"


# ASCII spellings people type; mapped to the canonical symbols above.
_ALIASES = {"==": "=", ">=": "≥", "<=": "≤", "~": "≈", "~=": "≈", "approx": "≈", "between": "in"}
BASES = ("computed", "published fact")
TRANSFORMS = ("pct_change", "ratio", "difference")


class Params(BaseModel):
    """What to measure. ``dyad``, ``period``, ``measure``, ``basis`` are common; metrics take more keys."""

    model_config = ConfigDict(extra="allow", frozen=True)

    dyad: list[str] | None = None
    period: str | None = None
    measure: str | None = None
    basis: Literal["computed", "published fact"] = "computed"
    transform: Literal["pct_change", "ratio", "difference"] | None = None
    base_period: str | None = None

    @field_validator("dyad")
    @classmethod
    def _two(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and len(v) != 2:
            raise ValueError("a dyad is exactly two states, e.g. [CHN, RUS]")
        return v

    @field_validator("period", "base_period", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v

    @model_validator(mode="after")
    def _base(self) -> Params:
        if self.transform and not self.base_period:
            raise ValueError(f"transform {self.transform!r} needs base_period (the period compared against)")
        return self

    def extra(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    def get(self, key: str, default: Any = None) -> Any:
        if key in type(self).model_fields:
            v = getattr(self, key)
            return default if v is None else v
        return (self.model_extra or {}).get(key, default)


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    quote: str = Field(min_length=3)
    citation: str = ""
    section: str = ""
    metric: str = Field(min_length=1)
    params: Params = Field(default_factory=Params)
    comparator: Comparator
    expected: float | list[float] | str
    unit: str = Field(min_length=1)
    tolerance: float | None = Field(default=None, ge=0)
    note: str = ""

    @field_validator("comparator", mode="before")
    @classmethod
    def _alias(cls, v: Any) -> Any:
        return _ALIASES.get(v, v) if isinstance(v, str) else v

    @field_validator("expected", mode="before")
    @classmethod
    def _num(cls, v: Any) -> Any:
        if isinstance(v, bool):
            return float(v)
        if isinstance(v, int):
            return float(v)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        if self.comparator == Comparator.approx and self.tolerance is None:
            raise ValueError("comparator '≈' needs a tolerance (in the claim's unit)")
        if self.comparator == Comparator.within:
            if not (
                isinstance(self.expected, list) and len(self.expected) == 2 and self.expected[0] <= self.expected[1]
            ):
                raise ValueError("comparator 'in' needs expected: [low, high] with low <= high")
        elif isinstance(self.expected, list):
            raise ValueError(f"expected is a list, which only comparator 'in' takes (got {self.comparator.value!r})")
        if isinstance(self.expected, str) and self.comparator != Comparator.eq:
            raise ValueError("a text expected value (e.g. a verdict or a vote) can only be compared with '='")
        return self


class Document(BaseModel):
    model_config = ConfigDict(extra="allow")

    title: str
    path: str = ""
    url: str = ""


class ClaimFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    document: Document
    claims: list[Claim] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ClaimFile:
        seen: set[str] = set()
        for c in self.claims:
            if c.id in seen:
                raise ValueError(f"claim id {c.id!r} appears twice; ids must be unique")
            seen.add(c.id)
        return self


def _describe(loc: tuple, raw: dict) -> str:
    """'claim "x" (#3), field params.period' from a pydantic error location."""
    if len(loc) >= 2 and loc[0] == "claims" and isinstance(loc[1], int):
        i = loc[1]
        items = raw.get("claims") or []
        cid = items[i].get("id") if i < len(items) and isinstance(items[i], dict) else None
        field = ".".join(str(x) for x in loc[2:]) or "(the claim itself)"
        return f"claim {cid!r} (#{i + 1}), field {field!r}" if cid else f"claim #{i + 1}, field {field!r}"
    return f"field {'.'.join(str(x) for x in loc) or '(top level)'!r}"


def parse(text: str, where: str = "<string>") -> ClaimFile:
    """Validate a claim file's text; ClaimFileError names the file, the claim id and the field."""
    try:
        raw = yaml.load(text, Loader=yamlfile.Loader)  # libyaml's C parser when present: ~10× faster
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        pos = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ClaimFileError(f"{where}: not valid YAML{pos}: {getattr(e, 'problem', e)}. Fix the syntax there.") from e
    if not isinstance(raw, dict):
        raise ClaimFileError(
            f"{where}: a claim file is a YAML mapping with keys version, document and claims; got {type(raw).__name__}."
        )
    try:
        return ClaimFile.model_validate(raw)
    except ValidationError as e:
        lines = [f"{_describe(tuple(err['loc']), raw)}: {err['msg']}" for err in e.errors()]
        more = f" (and {len(lines) - 5} more)" if len(lines) > 5 else ""
        raise ClaimFileError(f"{where}: invalid claim file: " + "; ".join(lines[:5]) + more) from e


def load(path: str | Path) -> ClaimFile:
    path = Path(path)
    if not path.is_file():
        raise ClaimFileError(f"{path}: no such claim file. `dyadwatch claims check` without FILE checks the article's.")
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as e:
        raise ClaimFileError(f"{path}: not UTF-8 text (byte {e.start}); save the claim file as UTF-8.") from e
    return parse(text, str(path))
