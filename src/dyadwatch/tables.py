"""Canonical warehouse tables: columns, types and unit of analysis.

One place declares each table. Sources produce these columns (the warehouse
adds ``source`` itself); indicators read them. A table's ``unit`` says what a
row is, as peacesciencer's ``ps_data_type`` does, so joins can check it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

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
    name: str
    unit: str
    schema: pa.Schema
    doc: str
    checks: dict[str, Check] = field(default_factory=dict)


def _spec(
    name: str, unit: str, doc: str, *cols: tuple[str, pa.DataType], checks: dict[str, Check] | None = None
) -> TableSpec:
    return TableSpec(name, unit, pa.schema([("source", pa.string()), *cols]), doc, dict(checks or {}))


def _years(first: int = 1800) -> Check:
    return Check(first, 2100, why=f"a year between {first} and 2100")


def _amount(hi: float, unit: str) -> Check:
    return Check(0, hi, why=f"an amount from 0 to {hi:g} {unit} (no publisher writes more)")


_FLAG = Check(allowed=(0, 1), why="1 (in force) or 0 (not)")
_OBLIGATIONS = {c: _FLAG for c in ("defense", "offense", "neutral", "nonagg", "consul", "entente")}
_PERIOD = Check(pattern=r"\d{4}(-(0[1-9]|1[0-2]))?", why="a year YYYY or a month YYYY-MM")
_GOLDSTEIN = Check(-10, 10, why="a Goldstein score from -10 to 10")


S, I16, I32, I64, F64, B, D = pa.string(), pa.int16(), pa.int32(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()

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
            ("vote", pa.int8()),
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
            ("defense", pa.int8()),
            ("offense", pa.int8()),
            ("neutral", pa.int8()),
            ("nonagg", pa.int8()),
            ("consul", pa.int8()),
            ("entente", pa.int8()),
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
            ("defense", pa.int8()),
            ("offense", pa.int8()),
            ("neutral", pa.int8()),
            ("nonagg", pa.int8()),
            ("consul", pa.int8()),
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
            ("hs_level", pa.int8()),
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
            ("hs_level", pa.int8()),
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
            ("quad_class", pa.int8()),
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
            ("level", pa.int8()),
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
            ("vote", pa.int8()),
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
            ("microstate_a", pa.int8()),
            ("microstate_b", pa.int8()),
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
            ("onset", pa.int8()),
            ("ongoing", pa.int8()),
            ("sidea_a", pa.int8()),
            ("sidea_b", pa.int8()),
            ("fatality_a", pa.int8()),
            ("fatality_b", pa.int8()),
            ("hiact_a", pa.int8()),
            ("hiact_b", pa.int8()),
            ("hostlev_a", pa.int8()),
            ("hostlev_b", pa.int8()),
            ("orig_a", pa.int8()),
            ("orig_b", pa.int8()),
            ("revstate_a", pa.int8()),
            ("revstate_b", pa.int8()),
            ("fatality", pa.int8()),
            ("hostlev", pa.int8()),
            ("recip", pa.int8()),
            ("stmon", pa.int8()),
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
            ("spatial", pa.int8()),
            ("positional", pa.int8()),
            ("ideological", pa.int8()),
            ("interventionary", pa.int8()),
            ("principal", pa.int8()),
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


# ---------------------------------------------------------------------------------------------- derived tables


@dataclass(frozen=True)
class DerivedSpec:
    """A table computed from canonical tables by ``build(store, states) -> DataFrame``.

    The embedded pack is exactly these tables built for the focus states; a warehouse builds one on first read
    (``Store.derived``). ``build`` is ``"module:function"`` so this low layer never imports the indicators.
    """

    name: str
    unit: str
    states: tuple[str, ...]  # columns naming states: a row belongs to a state set when all of them are in it
    needs: tuple[str, ...]  # canonical tables the build reads
    inputs: Mapping[str, tuple[str, ...]]  # source -> files under shared/data the pack is built from
    build: str
    doc: str
    hint: str  # the ingest command that provides ``needs``


Files = dict[str, tuple[str, ...]]  # source -> files under shared/data
_UNVOTES: Files = {"unvotes": ("unga/un_votes.rda", "unga/un_roll_calls.rda", "unga/un_roll_call_issues.rda")}
_ALLIANCES: Files = {"atop": ("alliances/atop_alliance.rda",), "cow_alliance": ("alliances/cow_alliance.rda",)}
_UNGDC: Files = {"ungdc": ("speeches/ungdc",)}
_VOTES_HINT = "`dyadwatch ingest unvotes un_votes.rda un_roll_calls.rda un_roll_call_issues.rda` (or voeten)"
_ALLIANCE_HINT = "`dyadwatch ingest atop atop_alliance.rda` or `dyadwatch ingest cow_alliance cow_alliance.rda`"
_SPEECH_HINT = "`dyadwatch ingest ungdc UNGDC_FOLDER`"
_I = "dyadwatch.indicators."
_RIV: Files = {"td_rivalry": ("conflict/td_rivalries.rda",), "tss_rivalry": ("conflict/tss_rivalries.rda",)}
_MID: Files = {"gml_mid": ("conflict/gml_mid_ddydisps.rda",), "cow_mid": ("conflict/cow_mid_ddydisps.rda",)}
_POW: Files = {"cow_nmc": ("conflict/cow_nmc.rda",), "sdp_gdp": ("regimes/cow_sdp_gdp.rda",)}
_IGO: Files = {"cow_igo": ("conflict/cow_igo_ndy.rda",)}
_CONFLICT_HINT = "`dyadwatch ingest td_rivalry td_rivalries.rda` (and tss_rivalry, gml_mid, cow_mid, cow_nmc, cow_igo)"

DERIVED: dict[str, DerivedSpec] = {
    d.name: d
    for d in [
        DerivedSpec(
            "vote_measures",
            "dyad-year (undirected)",
            ("iso3_a", "iso3_b"),
            ("votes", "roll_calls"),
            _UNVOTES,
            _I + "votes:build_votes",
            "UNGA voting measures, undirected focus dyad-years",
            _VOTES_HINT,
        ),
        DerivedSpec(
            "votes_neighbours",
            "state-rank",
            ("iso3_focus",),
            ("votes", "roll_calls"),
            _UNVOTES,
            _I + "votes:build_neighbours",
            "Nearest UNGA voting neighbours, latest year",
            _VOTES_HINT,
        ),
        DerivedSpec(
            "votes_issues",
            "dyad-issue-decade",
            ("iso3_a", "iso3_b"),
            ("votes", "roll_calls"),
            _UNVOTES,
            _I + "votes:build_issues",
            "UNGA agreement by issue area and decade",
            _VOTES_HINT,
        ),
        DerivedSpec(
            "idealpoints",
            "state-year",
            ("iso3",),
            ("ideal_points",),
            {"idealpoints": ("unga/IdealpointsJuly2025.dta",)},
            _I + "idealpoints:build_pack",
            "Published UNGA ideal points (Bailey–Strezhnev–Voeten), focus countries",
            "`dyadwatch ingest idealpoints IdealpointsJuly2025.dta`",
        ),
        DerivedSpec(
            "alliance_panel",
            "dyad-year (directed)",
            ("iso3_a", "iso3_b"),
            ("alliance_dyad_year",),
            _ALLIANCES,
            _I + "alliances:build_panel",
            "Alliance obligations, directed focus dyad-years (listed rows)",
            _ALLIANCE_HINT,
        ),
        DerivedSpec(
            "alliance_coverage",
            "source",
            (),
            ("alliance_dyad_year",),
            _ALLIANCES,
            _I + "alliances:build_coverage",
            "Years and obligations each alliance source covers",
            _ALLIANCE_HINT,
        ),
        DerivedSpec(
            "regime_scores",
            "state-year",
            ("iso3",),
            ("regimes",),
            {"democracy": ("regimes/ccode_democracy.rda",)},
            _I + "regimes:build_pack",
            "Regime scores (V-Dem polyarchy, Polity2, Marquez UDS) of the focus countries, 1946 on",
            "`dyadwatch ingest democracy ccode_democracy.rda`",
        ),
        DerivedSpec(
            "trade_cow",
            "dyad-year (undirected)",
            ("a", "b"),
            ("trade_dyad_year", "trade_state_year"),
            {"cow_trade": ("trade/cow_trade_ndy.rda", "trade/cow_trade_sy.rda")},
            _I + "trade_pack:build_trade_cow",
            "COW trade v4 between focus countries (a < b), 1870–2014: flows (million USD), each side's share "
            "of its total trade, B's rank among A's partners (rank) and A's among B's (rank_b)",
            "`dyadwatch ingest cow_trade cow_trade_ndy.rda cow_trade_sy.rda`",
        ),
        DerivedSpec(
            "energy_crude",
            "importer-origin-period",
            ("importer",),
            ("energy_flows",),
            {"china_crude": ("energy/china_crude_imports_by_origin_monthly_2020_2023.csv",)},
            _I + "trade_pack:build_energy_crude",
            "China's crude imports (HS 2709) from the focus and largest origins, monthly (M) and full years "
            "(A): shares, unit values (USD/t), discounts, implied gains (USD)",
            "`dyadwatch ingest china_crude china_crude_imports_by_origin_monthly_2020_2023.csv`",
        ),
        DerivedSpec(
            "energy_gas",
            "importer-origin-period",
            ("importer",),
            ("energy_flows",),
            {"china_gas": ("energy/china_pipeline_gas_imports_monthly_2020_2024.csv",)},
            _I + "trade_pack:build_energy_gas",
            "China's pipeline-gas imports (HS 271121) by origin, monthly (M) and full years (A): shares by value",
            "`dyadwatch ingest china_gas china_pipeline_gas_imports_monthly_2020_2024.csv`",
        ),
        DerivedSpec(
            "pipeline_registry",
            "pipeline",
            (),
            ("pipelines",),
            {"gem": ("energy/gem_pipelines_ru_ca_cn_subset.csv",)},
            _I + "trade_pack:build_pipelines",
            "Pipelines of Russia, Central Asia and China in the GEM registry: capacity (bcm/y), status, start year",
            "`dyadwatch ingest gem gem_asia_gas_tracker_utf16.csv`",
        ),
        DerivedSpec(
            "published_facts",
            "fact",
            (),
            ("facts",),
            {"facts": ("trade/reference_facts.csv",)},
            _I + "trade_pack:build_facts",
            "Published headline figures transcribed with their publisher and the page they were read from",
            "`dyadwatch ingest facts reference_facts.csv`",
        ),
        DerivedSpec(
            "speech_concepts",
            "state-year",
            ("iso3",),
            ("speeches",),
            _UNGDC,
            _I + "rhetoric_pack:build_concepts",
            "UNGD speeches: words and lexicon concept counts, focus country-years",
            _SPEECH_HINT,
        ),
        DerivedSpec(
            "speech_similarity",
            "dyad-year (undirected)",
            ("iso3_a", "iso3_b"),
            ("speeches",),
            _UNGDC,
            _I + "rhetoric_pack:build_similarity",
            "UNGD speech TF-IDF similarity and ranks among all speakers, focus dyad-years",
            _SPEECH_HINT,
        ),
        DerivedSpec(
            "speech_peers",
            "state-year",
            ("iso3",),
            ("speeches",),
            _UNGDC,
            _I + "rhetoric_pack:build_peers",
            "UNGD speakers per year and mean similarity to them, focus country-years",
            _SPEECH_HINT,
        ),
        DerivedSpec(
            "speech_collocates",
            "state-term-word",
            ("iso3",),
            ("speeches",),
            _UNGDC,
            _I + "rhetoric_pack:build_collocates",
            "Words distinguishing focus countries' use of key terms from the USA's (log-odds), since 1992",
            _SPEECH_HINT,
        ),
        DerivedSpec(
            "conflict_rivalries",
            "rivalry",
            ("iso3_a", "iso3_b"),
            ("rivalries",),
            _RIV,
            _I + "conflict:build_rivalries",
            "Strategic rivalry spells among the focus states",
            _CONFLICT_HINT,
        ),
        DerivedSpec(
            "conflict_mids",
            "dyad-year (undirected)",
            ("iso3_a", "iso3_b"),
            ("mids",),
            _MID,
            _I + "conflict:build_mids",
            "Militarized disputes per focus dyad-year (count, onset, highest hostility, fatal)",
            _CONFLICT_HINT,
        ),
        DerivedSpec(
            "conflict_power",
            "state-year",
            ("iso3",),
            ("capabilities", "economy_state_year"),
            _POW,
            _I + "conflict:build_power",
            "CINC, military spending and ln GDP of the focus states",
            _CONFLICT_HINT,
        ),
        DerivedSpec(
            "conflict_igos",
            "dyad-year (undirected)",
            ("iso3_a", "iso3_b"),
            ("igo_dyad_year",),
            _IGO,
            _I + "conflict:build_igos",
            "IGO co-membership counts per focus dyad-year",
            _CONFLICT_HINT,
        ),
        DerivedSpec(
            "conflict_coverage",
            "source",
            (),
            ("rivalries", "mids", "capabilities", "economy_state_year", "igo_dyad_year"),
            {**_RIV, **_MID, **_POW, **_IGO},
            _I + "conflict:build_coverage",
            "Years each conflict and power source covers",
            _CONFLICT_HINT,
        ),
    ]
}
