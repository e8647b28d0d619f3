"""One line of evidence in a verdict: the rule, the value it saw, the threshold, and whether it decided."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Evidence:
    dimension: str
    rule: str
    value: str
    threshold: str
    source: str
    fired: bool = False  # this line decided (or supports) the verdict
    strength: float = 0.0  # 0..1, for ordering the strongest lines
    year: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)
