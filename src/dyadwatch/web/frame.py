"""``Frame``: what every read of the dashboard returns (the shape of ``api.Result``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Frame:
    """A table and where it came from (the shape of ``api.Result``)."""

    data: pd.DataFrame
    basis: str
    sources: list[str]
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, res, notes: list[str] | None = None) -> Frame:
        return cls(res.data, res.basis, list(res.sources), [*getattr(res, "notes", []), *(notes or [])])
