"""Derived tables: what indicators compute from the canonical tables (``tables.py``), declared once.

Each names its unit of analysis, the columns that name states, the canonical tables it reads, the shared files
the embedded pack builds it from, and ``build(store, states)`` as ``"module:function"`` — so this low layer never
imports the indicators. The pack is exactly these tables built for the focus states; a warehouse, a lake or a
Spark store builds one on first read (``store.DerivedMixin.derived``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


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
            _I + "trade_tables:build_trade_cow",
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
            _I + "trade_tables:build_energy_crude",
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
            _I + "trade_tables:build_energy_gas",
            "China's pipeline-gas imports (HS 271121) by origin, monthly (M) and full years (A): shares by value",
            "`dyadwatch ingest china_gas china_pipeline_gas_imports_monthly_2020_2024.csv`",
        ),
        DerivedSpec(
            "pipeline_registry",
            "pipeline",
            (),
            ("pipelines",),
            {"gem": ("energy/gem_pipelines_ru_ca_cn_subset.csv",)},
            _I + "trade_tables:build_pipelines",
            "Pipelines of Russia, Central Asia and China in the GEM registry: capacity (bcm/y), status, start year",
            "`dyadwatch ingest gem gem_asia_gas_tracker_utf16.csv`",
        ),
        DerivedSpec(
            "published_facts",
            "fact",
            (),
            ("facts",),
            {"facts": ("trade/reference_facts.csv",)},
            _I + "trade_tables:build_facts",
            "Published headline figures transcribed with their publisher and the page they were read from",
            "`dyadwatch ingest facts reference_facts.csv`",
        ),
        DerivedSpec(
            "speech_concepts",
            "state-year",
            ("iso3",),
            ("speeches",),
            _UNGDC,
            _I + "speech_tables:build_concepts",
            "UNGD speeches: words and lexicon concept counts, focus country-years",
            _SPEECH_HINT,
        ),
        DerivedSpec(
            "speech_similarity",
            "dyad-year (undirected)",
            ("iso3_a", "iso3_b"),
            ("speeches",),
            _UNGDC,
            _I + "speech_tables:build_similarity",
            "UNGD speech TF-IDF similarity and ranks among all speakers, focus dyad-years",
            _SPEECH_HINT,
        ),
        DerivedSpec(
            "speech_peers",
            "state-year",
            ("iso3",),
            ("speeches",),
            _UNGDC,
            _I + "speech_tables:build_peers",
            "UNGD speakers per year and mean similarity to them, focus country-years",
            _SPEECH_HINT,
        ),
        DerivedSpec(
            "speech_collocates",
            "state-term-word",
            ("iso3",),
            ("speeches",),
            _UNGDC,
            _I + "speech_tables:build_collocates",
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
