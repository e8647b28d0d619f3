"""Claims: typed statements from a text, checked against dyadwatch's indicators.

``model`` is the YAML format (pydantic), ``metrics`` the registry of
measurable quantities, ``engine`` the evaluation (supported / contradicted /
not checkable). ``sino-russian-relationship.yaml`` holds the flagship
article's quantitative claims.
"""

from __future__ import annotations

from dyadwatch.claims.engine import CheckReport, Outcome, check, evaluate
from dyadwatch.claims.model import Claim, ClaimFile, load, parse

__all__ = ["CheckReport", "Claim", "ClaimFile", "Outcome", "check", "evaluate", "load", "parse"]
