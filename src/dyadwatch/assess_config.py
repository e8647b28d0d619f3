"""The assessment rules file (``data/assess.yaml``): its schema, checked with pydantic like the claims.

A wrong value — a threshold out of range, an obligation or measure that does not exist, a state that
cannot be resolved, a key misspelt — is one ``ConfigError`` naming the file, the key and the fix, when
the file is read, rather than a KeyError or a wrong verdict later. The checked file is returned as the
plain mapping the assessment code reads (``config()["votes"]["window"]``); strict types mean nothing is
coerced on the way ("5" is refused, not read as 5).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dyadwatch import yamlfile
from dyadwatch.errors import ConfigError, DyadwatchError

Obligation = Literal["defense", "offense", "neutral", "nonagg", "consul", "entente"]


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _states(codes: list[str]) -> list[str]:
    from dyadwatch import countries

    for c in codes:
        try:
            if countries.resolve(c).iso3 != c:
                raise ValueError(f"{c!r} is not an iso3 code; write {countries.resolve(c).iso3!r}")
        except DyadwatchError as e:
            raise ValueError(str(e)) from e
    return codes


class AllianceRules(_Rules):
    source_preference: list[Literal["atop", "cow_alliance"]] = Field(min_length=1)
    alliance: list[Obligation] = Field(min_length=1)
    alignment: list[Obligation] = Field(min_length=1)
    weak: list[Obligation]
    carry_forward_years: int = Field(ge=0, le=50)

    @model_validator(mode="after")
    def _disjoint(self) -> AllianceRules:
        for x, y in (("alliance", "alignment"), ("alliance", "weak"), ("alignment", "weak")):
            both = set(getattr(self, x)) & set(getattr(self, y))
            if both:
                raise ValueError(f"obligation(s) {sorted(both)} are listed under both {x!r} and {y!r}")
        return self


class VoteRules(_Rules):
    measure: str
    fallback_measure: str
    window: int = Field(ge=1, le=30)
    aligned_percentile: float = Field(ge=0, le=100)
    opposed_percentile: float = Field(ge=0, le=100)

    @field_validator("measure", "fallback_measure")
    @classmethod
    def _measure(cls, v: str) -> str:
        from dyadwatch.indicators.votes_measures import MEASURES

        if v not in MEASURES:
            raise ValueError(f"{v!r} is not a vote measure; one of {', '.join(MEASURES)}")
        return v

    @model_validator(mode="after")
    def _order(self) -> VoteRules:
        if self.opposed_percentile >= self.aligned_percentile:
            raise ValueError("opposed_percentile must be below aligned_percentile")
        return self


class RegimeRules(_Rules):
    measure: Literal["polyarchy"]  # the verdict and the scorecard read the polyarchy gap
    similar_gap: float = Field(gt=0, le=1)


class StableBands(_Rules):
    treaties: float = Field(ge=0)
    votes: float = Field(ge=0)
    trade: float = Field(ge=0)
    energy: float = Field(ge=0)
    arms: float = Field(ge=0)
    events: float = Field(ge=0)
    rhetoric: float = Field(ge=0)
    third_region: float = Field(ge=0)
    regimes: float = Field(ge=0)


class ThirdRegion(_Rules):
    """The region both sides are compared with: a named group of data/countries.yaml, or its states."""

    name: str = Field(min_length=1)
    group: str | None = None
    states: list[str] | None = Field(default=None, min_length=1)

    @field_validator("group")
    @classmethod
    def _group(cls, v: str | None) -> str | None:
        from dyadwatch import countries

        if v is not None:
            try:
                countries.group(v)
            except KeyError as e:
                raise ValueError(e.args[0]) from e
        return v

    @field_validator("states")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _states(v)

    @model_validator(mode="after")
    def _one(self) -> ThirdRegion:
        if (self.group is None) == (self.states is None):
            raise ValueError("give either group (a name in data/countries.yaml) or states, not both or neither")
        return self


class ScorecardRules(_Rules):
    years: int = Field(ge=2, le=100)
    stable: StableBands
    third_region: ThirdRegion


class ConflictRules(_Rules):
    """Rivalry, disputes and their history in the verdict (docs/assess.md, "Conflict and power")."""

    rivalry_sources: list[Literal["tss_rivalry", "td_rivalry"]] = Field(min_length=1)
    rivalry_carry_forward_years: int = Field(ge=0, le=50)
    mid_sources: list[Literal["cow_mid", "gml_mid"]] = Field(min_length=1)
    mid_window: int = Field(ge=1, le=100)
    history_since: int = Field(ge=1816, le=2100)
    history_disputes: int = Field(ge=1, le=100)


class AssessRules(_Rules):
    version: str = Field(min_length=1)
    alliance: AllianceRules
    votes: VoteRules
    regimes: RegimeRules
    conflict: ConflictRules
    scorecard: ScorecardRules
    reference_dyads: list[list[str]] = Field(min_length=1)

    @field_validator("reference_dyads")
    @classmethod
    def _dyads(cls, v: list[list[str]]) -> list[list[str]]:
        for i, d in enumerate(v):
            if len(d) != 2 or d[0] == d[1]:
                raise ValueError(f"dyad #{i + 1} {d!r} must be two different states")
            _states(d)
        return v


def parse(text: str, where: str) -> dict[str, Any]:
    """Validate the rules file's text; ConfigError names the file, the key and what is wrong."""
    raw = yamlfile.load(text, where)
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: the rules file is a YAML mapping (version, alliance, votes, …); got {raw!r}.")
    try:
        AssessRules.model_validate(raw)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            key = ".".join(str(x) for x in err["loc"]) or "(top level)"
            msg = "unknown key (misspelt?)" if err["type"] == "extra_forbidden" else err["msg"]
            msg = msg.removeprefix("Value error, ")  # pydantic's prefix for the checks written here
            got = "" if err["type"] in ("missing", "extra_forbidden") else f" (got {err.get('input')!r})"
            lines.append(f"key {key!r}: {msg}{got}")
        more = f" (and {len(lines) - 5} more)" if len(lines) > 5 else ""
        raise ConfigError(
            f"{where}: invalid assessment rules: " + "; ".join(lines[:5]) + more + ". Fix the value there "
            "(docs/assess.md explains each key; the bundled data/assess.yaml is a valid example)."
        ) from e
    region = raw["scorecard"]["third_region"]
    if region.get("group"):  # readers get the states either way
        from dyadwatch import countries

        region["states"] = list(countries.group(region["group"]))
    return raw


def load(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: no such rules file. Leave the path out to use the bundled data/assess.yaml.") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte {e.start}); save the rules file as UTF-8.") from e
    return parse(text, str(path))


@cache
def config(path: str | None = None) -> dict[str, Any]:
    """The assessment rules (``data/assess.yaml``, or another file with the same keys), validated."""
    from importlib import resources

    p = Path(path) if path else Path(str(resources.files("dyadwatch.data").joinpath("assess.yaml")))
    return load(p)
