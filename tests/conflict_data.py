"""The conflict warehouse the conflict and panel tests share: every conflict source ingested once per run."""

from __future__ import annotations

from pathlib import Path

INPUTS = {
    "cow_states": ["conflict/cow_states.rda", "conflict/cow_majors.rda"],
    "ddy": ["conflict/cow_ddy.rda", "conflict/gw_ddy.rda"],
    "gml_mid": ["conflict/gml_mid_ddydisps.rda"],
    "cow_mid": ["conflict/cow_mid_ddydisps.rda"],
    "gml_dirdisp": ["conflict/gml_dirdisp.rda"],
    "td_rivalry": ["conflict/td_rivalries.rda"],
    "tss_rivalry": ["conflict/tss_rivalries.rda"],
    "cow_nmc": ["conflict/cow_nmc.rda"],
    "sdp_gdp": ["regimes/cow_sdp_gdp.rda"],
    "cow_igo": ["conflict/cow_igo_ndy.rda"],
    "ps_versions": ["conflict/ps_data_version.rda"],
    "democracy": ["regimes/ccode_democracy.rda"],
    "cow_trade": ["trade/cow_trade_ndy.rda", "trade/cow_trade_sy.rda"],
    "atop": ["alliances/atop_alliance.rda"],
    "voeten": ["unga/UNVotesPublished.RData"],
    "idealpoints": ["unga/IdealpointsJuly2025.dta"],
    "unvotes": ["unga/un_votes.rda", "unga/un_roll_calls.rda", "unga/un_roll_call_issues.rda"],
}


def conflict_warehouse(tmp_path_factory, shared: Path):
    """A read-only Warehouse with INPUTS ingested; built once per test session (file in pytest's basetemp)."""
    import warnings

    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse

    path = tmp_path_factory.getbasetemp() / "conflict.duckdb"
    done = path.with_suffix(".done")
    if not done.exists():
        with Warehouse(path) as wh, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name, files in INPUTS.items():
                wh.ingest(sources.get(name), [shared / f for f in files])
        done.touch()
    return Warehouse(path, read_only=True)
