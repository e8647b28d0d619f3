"""The Python API behind the CLI, the report and the dashboard: one ``Result`` shape from one store.

Every function resolves countries, opens the store (``open_store``: the user's warehouse chained before the
embedded pack) or takes the caller's, and returns a ``Result`` that says its basis. Which of the user's data
and the pack answers a request is chosen in one place, ``answer``.
"""

from dyadwatch.api.core import (
    INPUTS,
    Result,
    answer,
    arms,
    as_store,
    basis_for,
    composition,
    events,
    open_store,
    open_warehouse,
    pack_note,
    panel,
    run,
    using,
)
from dyadwatch.api.economy import (
    crude_gains,
    currency,
    energy_crude,
    energy_gas,
    facts,
    pipeline_comparisons,
    pipelines,
    region,
    trade,
)
from dyadwatch.api.politics import (
    alliances,
    dispute_coverage,
    idealpoints,
    matrix,
    neighbours,
    power,
    regimes,
    vote_issues,
    votes,
)
from dyadwatch.api.words import rhetoric, rhetoric_rates, speech_similarity

__all__ = [
    "INPUTS", "Result", "alliances", "answer", "arms", "as_store", "basis_for", "composition", "crude_gains",
    "currency", "dispute_coverage", "energy_crude", "energy_gas", "events", "facts", "idealpoints", "matrix",
    "neighbours", "open_store", "open_warehouse", "pack_note", "panel", "pipeline_comparisons", "pipelines",
    "power", "regimes", "region", "rhetoric", "rhetoric_rates", "run", "speech_similarity", "trade", "using",
    "vote_issues", "votes",
]  # fmt: skip
