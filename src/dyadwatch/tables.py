"""Canonical warehouse tables: columns, types and unit of analysis.

One place declares each table. Sources produce these columns (the warehouse
adds ``source`` itself); indicators read them. A table's ``unit`` says what a
row is, as peacesciencer's ``ps_data_type`` does, so joins can check it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class TableSpec:
    name: str
    unit: str
    schema: pa.Schema
    doc: str


def _spec(name: str, unit: str, doc: str, *cols: tuple[str, pa.DataType]) -> TableSpec:
    return TableSpec(name, unit, pa.schema([("source", pa.string()), *cols]), doc)


S, I16, I32, I64, F64, B, D = pa.string(), pa.int16(), pa.int32(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in [
        _spec(
            "roll_calls", "roll-call", "One UNGA recorded vote (roll call).",
            ("rcid", I32), ("date", D), ("year", I16), ("session", I16), ("resolution", S),
            ("important", B), ("issue_me", B), ("issue_nu", B), ("issue_di", B),
            ("issue_hr", B), ("issue_co", B), ("issue_ec", B), ("description", S),
        ),
        _spec(
            "votes", "country-roll-call",
            "A state's vote on a roll call: 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member.",
            ("rcid", I32), ("iso3", S), ("cow", I16), ("vote", pa.int8()),
        ),
        _spec(
            "alliance_dyad_year", "dyad-year (directed)",
            "Alliance obligations between two states in a year (1 = in force, 0 = not, NULL = no data).",
            ("version", S), ("iso3_a", S), ("iso3_b", S), ("cow_a", I16), ("cow_b", I16), ("year", I16),
            ("defense", pa.int8()), ("offense", pa.int8()), ("neutral", pa.int8()),
            ("nonagg", pa.int8()), ("consul", pa.int8()), ("entente", pa.int8()),
        ),
        _spec(
            "alliance_members", "alliance-member",
            "A state's membership in one alliance (ATOP member level) with its obligations and dates.",
            ("atopid", I32), ("iso3", S), ("cow", I16), ("start", D), ("end", D),
            ("defense", pa.int8()), ("offense", pa.int8()), ("neutral", pa.int8()),
            ("nonagg", pa.int8()), ("consul", pa.int8()), ("bilateral", B),
        ),
        _spec(
            "ideal_points", "state-year",
            "Published UNGA ideal points (Bailey–Strezhnev–Voeten) with posterior interval bounds.",
            ("iso3", S), ("cow", I16), ("year", I16), ("ideal_point", F64),
            ("ideal_point_lo", F64), ("ideal_point_hi", F64), ("n_votes", I32),
        ),
        _spec(
            "regimes", "state-year",
            "Regime scores: V-Dem polyarchy (0-1), Polity2 (-10..10), Marquez UDS (latent, mean 0).",
            ("iso3", S), ("cow", I16), ("year", I16), ("polyarchy", F64), ("polity2", F64), ("uds", F64),
        ),
        _spec(
            "trade_flows", "flow",
            "A reported (or mirrored) trade flow: reporter's imports (M) or exports (X) with a partner.",
            ("basis", S), ("reporter", S), ("partner", S), ("period", S), ("freq", S), ("flow", S),
            ("hs_version", S), ("hs_level", pa.int8()), ("hs_code", S), ("value_usd", F64),
            ("quantity", F64), ("unit", S), ("valuation", S), ("file", S),
        ),
        _spec(
            "trade_dyad_year", "dyad-year (undirected)",
            "COW bilateral trade: flow1 = imports of a from b, flow2 = imports of b from a (million USD).",
            ("iso3_a", S), ("iso3_b", S), ("cow_a", I16), ("cow_b", I16), ("year", I16),
            ("flow1", F64), ("flow2", F64), ("smoothflow1", F64), ("smoothflow2", F64),
        ),
        _spec(
            "trade_state_year", "state-year",
            "A state's total imports and exports (million USD, COW trade v4).",
            ("iso3", S), ("cow", I16), ("year", I16), ("imports", F64), ("exports", F64),
        ),
        _spec(
            "energy_flows", "flow",
            "An importer's energy imports by origin and period: value (USD), quantity (tonnes or m3).",
            ("commodity", S), ("importer", S), ("origin", S), ("period", S), ("freq", S),
            ("value_usd", F64), ("quantity", F64), ("unit", S), ("file", S),
        ),
        _spec(
            "pipelines", "pipeline",
            "A gas or oil pipeline: route, capacity, status, start year (NULL where the tracker's value is corrupt).",
            ("name", S), ("countries", S), ("capacity_bcm_y", F64), ("status", S), ("start_year", I16),
            ("owner", S), ("file", S),
        ),
        _spec(
            "facts", "fact",
            "A headline figure as published by a statistics office or central bank, kept apart from computed ones.",
            ("metric", S), ("entity_a", S), ("entity_b", S), ("period", S), ("value", F64), ("unit", S),
            ("publisher", S), ("url", S), ("note", S),
        ),
        _spec(
            "events", "event",
            "A coded event between two actors (GDELT/CAMEO).",
            ("event_id", I64), ("date", D), ("actor_a", S), ("actor_b", S), ("cameo", S), ("root_code", S),
            ("is_root", B), ("quad_class", pa.int8()), ("goldstein", F64), ("mentions", I32), ("sources", I32),
            ("articles", I32), ("avg_tone", F64), ("file", S),
        ),
        _spec(
            "arms_transfers", "deal-delivery-year",
            "SIPRI trade register: one row per deal and delivery year, with TIV (SIPRI trend-indicator values, millions).",
            ("deal_id", I64), ("supplier", S), ("recipient", S), ("supplier_name", S), ("recipient_name", S),
            ("order_year", I16), ("delivery_year", I16), ("designation", S), ("description", S),
            ("category", S), ("units", F64), ("tiv", F64), ("status", S),
        ),
        _spec(
            "speeches", "speech",
            "A speech or statement: UN General Debate speeches, or any text the user adds.",
            ("iso3", S), ("year", I16), ("session", I16), ("date", D), ("kind", S), ("title", S),
            ("text", S), ("file", S),
        ),
    ]
}


def spec(name: str) -> TableSpec:
    return TABLES[name]
