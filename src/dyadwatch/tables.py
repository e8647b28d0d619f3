"""Canonical warehouse tables: columns, types and unit of analysis.

One place declares each table. Sources produce these columns (the warehouse
adds ``source`` itself); indicators read them. A table's ``unit`` says what a
row is, as peacesciencer's ``ps_data_type`` does, so joins can check it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Check:
    """What a column may hold, whatever the source: ``validate.py`` applies it to every ingest.

    ``lo``/``hi`` bound numbers (inclusive); ``allowed`` lists the only values; ``pattern`` is a regular
    expression a text value must match in full; ``why`` says in words what the publisher writes.
    NaN in a float column becomes NULL (no data) with a note; ±inf is always an error.
    """

    lo: float = -math.inf
    hi: float = math.inf
    allowed: tuple = ()
    pattern: str | None = None
    why: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A table: its columns as (name, Arrow type name: ``pa.<type>()``), unit of analysis, doc and checks.

    Types are named, and ``schema`` builds the Arrow schema on first use: opening a warehouse or a lake checks
    column names only, and does not load pyarrow (and numpy) for it.
    """

    name: str
    unit: str
    columns: tuple[tuple[str, str], ...]
    doc: str
    checks: dict[str, Check] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]

    @cached_property
    def schema(self) -> pa.Schema:
        import pyarrow as pa

        return pa.schema([(c, getattr(pa, t)()) for c, t in self.columns])


def _spec(name: str, unit: str, doc: str, *cols: tuple[str, str], checks: dict[str, Check] | None = None) -> TableSpec:
    return TableSpec(name, unit, (("source", S), *cols), doc, dict(checks or {}))


def _years(first: int = 1800) -> Check:
    return Check(first, 2100, why=f"a year between {first} and 2100")


def _amount(hi: float, unit: str) -> Check:
    return Check(0, hi, why=f"an amount from 0 to {hi:g} {unit} (no publisher writes more)")


_FLAG = Check(allowed=(0, 1), why="1 (in force) or 0 (not)")
_OBLIGATIONS = {c: _FLAG for c in ("defense", "offense", "neutral", "nonagg", "consul", "entente")}
_PERIOD = Check(pattern=r"\d{4}(-(0[1-9]|1[0-2]))?", why="a year YYYY or a month YYYY-MM")
_GOLDSTEIN = Check(-10, 10, why="a Goldstein score from -10 to 10")


# Arrow type names (``pyarrow.<name>()``)
S, I8, I16, I32, I64, F64, B, D = "string", "int8", "int16", "int32", "int64", "float64", "bool_", "date32"

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in [
        _spec(
            "roll_calls",
            "roll-call",
            "One UNGA recorded vote (roll call).",
            ("rcid", I32),
            ("date", D),
            ("year", I16),
            ("session", I16),
            ("resolution", S),
            ("important", B),
            ("issue_me", B),
            ("issue_nu", B),
            ("issue_di", B),
            ("issue_hr", B),
            ("issue_co", B),
            ("issue_ec", B),
            ("description", S),
            checks={
                "rcid": Check(1, 1e7, why="a positive roll-call id"),
                "year": _years(1946),
                "session": Check(1, 200, why="a UNGA session 1..200"),
            },
        ),
        _spec(
            "votes",
            "country-roll-call",
            "A state's vote on a roll call: 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member.",
            ("rcid", I32),
            ("iso3", S),
            ("cow", I16),
            ("vote", I8),
            checks={"vote": Check(allowed=(1, 2, 3, 8, 9), why="1 yes, 2 abstain, 3 no, 8 absent, 9 not a member")},
        ),
        _spec(
            "alliance_dyad_year",
            "dyad-year (directed)",
            "Alliance obligations between two states in a year (1 = in force, 0 = not, NULL = no data).",
            ("version", S),
            ("iso3_a", S),
            ("iso3_b", S),
            ("cow_a", I16),
            ("cow_b", I16),
            ("year", I16),
            ("defense", I8),
            ("offense", I8),
            ("neutral", I8),
            ("nonagg", I8),
            ("consul", I8),
            ("entente", I8),
            checks={"year": _years(), **_OBLIGATIONS},
        ),
        _spec(
            "alliance_members",
            "alliance-member",
            "A state's membership in one alliance (ATOP member level) with its obligations and dates.",
            ("atopid", I32),
            ("iso3", S),
            ("cow", I16),
            ("start", D),
            ("end", D),
            ("defense", I8),
            ("offense", I8),
            ("neutral", I8),
            ("nonagg", I8),
            ("consul", I8),
            ("bilateral", B),
            checks={**{c: _FLAG for c in ("defense", "offense", "neutral", "nonagg", "consul")}},
        ),
        _spec(
            "ideal_points",
            "state-year",
            "Published UNGA ideal points (Bailey–Strezhnev–Voeten) with posterior interval bounds.",
            ("iso3", S),
            ("cow", I16),
            ("year", I16),
            ("ideal_point", F64),
            ("ideal_point_lo", F64),
            ("ideal_point_hi", F64),
            ("n_votes", I32),
            checks={
                "year": _years(1946),
                "ideal_point": Check(-10, 10, why="an ideal point (about -3..3)"),
                "ideal_point_lo": Check(-10, 10, why="an ideal point bound"),
                "ideal_point_hi": Check(-10, 10, why="an ideal point bound"),
                "n_votes": Check(0, 1e5, why="a vote count"),
            },
        ),
        _spec(
            "regimes",
            "state-year",
            "Regime scores: V-Dem polyarchy (0-1), Polity2 (-10..10), Marquez UDS (latent, mean 0).",
            ("iso3", S),
            ("cow", I16),
            ("year", I16),
            ("polyarchy", F64),
            ("polity2", F64),
            ("uds", F64),
            checks={
                "year": _years(),
                "polyarchy": Check(0, 1, why="V-Dem polyarchy from 0 to 1"),
                "polity2": Check(-10, 10, why="Polity2 from -10 to 10"),
                "uds": Check(-10, 10, why="a UDS score (about -3..3)"),
            },
        ),
        _spec(
            "trade_flows",
            "flow",
            "A reported (or mirrored) trade flow: reporter's imports (M) or exports (X) with a partner.",
            ("basis", S),
            ("reporter", S),
            ("partner", S),
            ("period", S),
            ("freq", S),
            ("flow", S),
            ("hs_version", S),
            ("hs_level", I8),
            ("hs_code", S),
            ("value_usd", F64),
            ("quantity", F64),
            ("unit", S),
            ("valuation", S),
            ("file", S),
            checks={
                "period": _PERIOD,
                "freq": Check(allowed=("A", "M"), why="A (annual) or M (monthly)"),
                "flow": Check(allowed=("M", "X"), why="M (imports) or X (exports)"),
                "value_usd": _amount(1e14, "USD"),
                "quantity": _amount(1e15, "units"),
            },
        ),
        _spec(
            "hs_codes",
            "code",
            "Harmonized System nomenclature: code, level (2/4/6), section (I-XXI), description.",
            ("hs_code", S),
            ("hs_level", I8),
            ("section", S),
            ("parent", S),
            ("description", S),
            ("file", S),
        ),
        _spec(
            "trade_codes",
            "code",
            "A trade publisher's area code (Comtrade reporter/partner, BACI country) and its iso3 (NULL: not a state).",
            ("scheme", S),
            ("code", S),
            ("iso3", S),
            ("name", S),
            ("file", S),
        ),
        _spec(
            "trade_dyad_year",
            "dyad-year (undirected)",
            "COW bilateral trade: flow1 = imports of a from b, flow2 = imports of b from a (million USD).",
            ("iso3_a", S),
            ("iso3_b", S),
            ("cow_a", I16),
            ("cow_b", I16),
            ("year", I16),
            ("flow1", F64),
            ("flow2", F64),
            ("smoothflow1", F64),
            ("smoothflow2", F64),
            checks={
                "year": _years(1870),
                **{c: _amount(1e7, "million USD") for c in ("flow1", "flow2", "smoothflow1", "smoothflow2")},
            },
        ),
        _spec(
            "trade_state_year",
            "state-year",
            "A state's total imports and exports (million USD, COW trade v4).",
            ("iso3", S),
            ("cow", I16),
            ("year", I16),
            ("imports", F64),
            ("exports", F64),
            checks={
                "year": _years(1870),
                "imports": _amount(1e8, "million USD"),
                "exports": _amount(1e8, "million USD"),
            },
        ),
        _spec(
            "energy_flows",
            "flow",
            "An importer's energy imports by origin and period: value (USD), quantity (tonnes or m3).",
            ("commodity", S),
            ("importer", S),
            ("origin", S),
            ("period", S),
            ("freq", S),
            ("value_usd", F64),
            ("quantity", F64),
            ("unit", S),
            ("file", S),
            checks={"period": _PERIOD, "value_usd": _amount(1e13, "USD"), "quantity": _amount(1e13, "t or m3")},
        ),
        _spec(
            "pipelines",
            "pipeline",
            "A gas or oil pipeline: route, capacity, status, start year (NULL where the tracker's value is corrupt).",
            ("name", S),
            ("countries", S),
            ("capacity_bcm_y", F64),
            ("status", S),
            ("start_year", I16),
            ("owner", S),
            ("file", S),
            checks={"capacity_bcm_y": _amount(1000, "bcm/y"), "start_year": _years()},
        ),
        _spec(
            "facts",
            "fact",
            "A headline figure as published by a statistics office or central bank, kept apart from computed ones.",
            ("metric", S),
            ("entity_a", S),
            ("entity_b", S),
            ("period", S),
            ("value", F64),
            ("unit", S),
            ("publisher", S),
            ("url", S),
            ("note", S),
            checks={"value": Check(-1e15, 1e15, why="a finite published figure")},
        ),
        _spec(
            "events",
            "event",
            "A coded event between two actors (GDELT/CAMEO).",
            ("event_id", I64),
            ("date", D),
            ("actor_a", S),
            ("actor_b", S),
            ("cameo", S),
            ("root_code", S),
            ("is_root", B),
            ("quad_class", I8),
            ("goldstein", F64),
            ("mentions", I32),
            ("sources", I32),
            ("articles", I32),
            ("avg_tone", F64),
            ("file", S),
            checks={
                "quad_class": Check(1, 4, why="QuadClass 1..4"),
                "goldstein": _GOLDSTEIN,
                "mentions": _amount(1e7, "mentions"),
                "sources": _amount(1e7, "sources"),
                "articles": _amount(1e7, "articles"),
                "avg_tone": Check(-100, 100, why="a tone from -100 to 100"),
            },
        ),
        _spec(
            "cameo_codes",
            "event-code",
            "CAMEO event codes with their description and Goldstein conflict-cooperation weight (-10..10).",
            ("code", S),
            ("root_code", S),
            ("level", I8),
            ("description", S),
            ("goldstein", F64),
            checks={"goldstein": _GOLDSTEIN},
        ),
        _spec(
            "arms_transfers",
            "deal-delivery-year",
            "SIPRI trade register: one row per deal and delivery year, with TIV (trend-indicator values, millions).",
            ("deal_id", I64),
            ("supplier", S),
            ("recipient", S),
            ("supplier_name", S),
            ("recipient_name", S),
            ("order_year", I16),
            ("delivery_year", I16),
            ("designation", S),
            ("description", S),
            ("category", S),
            ("units", F64),
            ("tiv", F64),
            ("status", S),
            checks={
                "order_year": _years(1900),
                "delivery_year": _years(1900),
                "units": _amount(1e6, "units"),
                "tiv": _amount(1e5, "million TIV"),
            },
        ),
        _spec(
            "speeches",
            "speech",
            "A speech or statement: UN General Debate speeches, or any text the user adds.",
            ("iso3", S),
            ("year", I16),
            ("session", I16),
            ("date", D),
            ("kind", S),
            ("title", S),
            ("text", S),
            ("file", S),
            checks={"year": _years(1946)},
        ),
        _spec(
            "sc_votes",
            "country-resolution",
            "A Security Council member's vote on an adopted resolution: 1 yes, 2 abstain, 3 no, 8 non-voting.",
            ("rcid", I32),
            ("date", D),
            ("year", I16),
            ("resolution", S),
            ("draft", S),
            ("iso3", S),
            ("vote", I8),
            ("permanent", B),
        ),
        _spec(
            "vetoes",
            "veto",
            "A permanent member's veto of a Security Council draft resolution (one row per vetoing state).",
            ("veto_id", I32),
            ("date", D),
            ("year", I16),
            ("draft", S),
            ("meeting", S),
            ("agenda", S),
            ("topic", S),
            ("iso3", S),
        ),
        # ---- peace-science panels and conflict history (issue 10) ----
        _spec(
            "state_system",
            "state-spell",
            "A spell of system membership (COW state system) or major-power status: code, dates.",
            ("system", S),
            ("kind", S),
            ("code", I16),
            ("iso3", S),
            ("stateabb", S),
            ("name", S),
            ("start", D),
            ("end", D),
            ("version", S),
        ),
        _spec(
            "dyad_frames",
            "dyad-year (directed)",
            "A published directed dyad-year frame (COW or Gleditsch-Ward system) with microstate flags (GW only).",
            ("system", S),
            ("code_a", I16),
            ("code_b", I16),
            ("year", I16),
            ("microstate_a", I8),
            ("microstate_b", I8),
        ),
        _spec(
            "mids",
            "dispute-dyad-year (directed)",
            "A militarized interstate dispute between two states in a year (GML or COW MIDs), side a's view; "
            "-9 (unknown) is NULL.",
            ("dispnum", I32),
            ("iso3_a", S),
            ("iso3_b", S),
            ("cow_a", I16),
            ("cow_b", I16),
            ("year", I16),
            ("onset", I8),
            ("ongoing", I8),
            ("sidea_a", I8),
            ("sidea_b", I8),
            ("fatality_a", I8),
            ("fatality_b", I8),
            ("hiact_a", I8),
            ("hiact_b", I8),
            ("hostlev_a", I8),
            ("hostlev_b", I8),
            ("orig_a", I8),
            ("orig_b", I8),
            ("revstate_a", I8),
            ("revstate_b", I8),
            ("fatality", I8),
            ("hostlev", I8),
            ("recip", I8),
            ("stmon", I8),
        ),
        _spec(
            "rivalries",
            "rivalry (undirected dyad spell)",
            "A strategic rivalry: the two states, first and last year, type flags (1 = the source codes that type).",
            ("rivalry_id", I32),
            ("name", S),
            ("iso3_a", S),
            ("iso3_b", S),
            ("cow_a", I16),
            ("cow_b", I16),
            ("start", I16),
            ("end", I16),
            ("region", S),
            ("spatial", I8),
            ("positional", I8),
            ("ideological", I8),
            ("interventionary", I8),
            ("principal", I8),
        ),
        _spec(
            "capabilities",
            "state-year",
            "COW National Material Capabilities: military spending (thousands USD), personnel (thousands), iron and "
            "steel (thousand tons), energy (thousand coal-ton equivalents), population (thousands), urban "
            "population (thousands), CINC (share of the system's capabilities).",
            ("iso3", S),
            ("cow", I16),
            ("year", I16),
            ("milex", F64),
            ("milper", F64),
            ("irst", F64),
            ("pec", F64),
            ("tpop", F64),
            ("upop", F64),
            ("cinc", F64),
        ),
        _spec(
            "economy_state_year",
            "state-year",
            "Anders, Fariss and Markowitz estimates (natural logs, as published): GDP and surplus domestic product "
            "(2011 USD), population, GDP per capita.",
            ("iso3", S),
            ("cow", I16),
            ("year", I16),
            ("ln_gdp", F64),
            ("ln_pop", F64),
            ("ln_sdp", F64),
            ("ln_gdppc", F64),
        ),
        _spec(
            "igo_dyad_year",
            "dyad-year (undirected)",
            "COW IGO data: the number of intergovernmental organisations both states are full members of.",
            ("iso3_a", S),
            ("iso3_b", S),
            ("cow_a", I16),
            ("cow_b", I16),
            ("year", I16),
            ("igos", I32),
        ),
        _spec(
            "data_versions",
            "dataset",
            "Dataset versions and BibTeX keys as peacesciencer records them (ps_data_version).",
            ("category", S),
            ("data", S),
            ("version", S),
            ("bibtexkey", S),
        ),
    ]
}


def spec(name: str) -> TableSpec:
    return TABLES[name]
