"""Which shared/data files each source reads: the layout of ``../shared/data`` as one list.

Used by the full-warehouse test fixture, the golden outputs and the benchmarks, so that "every shared file
ingested" means the same thing everywhere.
"""

from __future__ import annotations

from pathlib import Path

# (source, files or folders relative to shared/data), in ingest order.
FULL: list[tuple[str, tuple[str, ...]]] = [
    ("voeten", ("unga/UNVotesPublished.RData",)),
    ("unvotes", ("unga/un_votes.rda", "unga/un_roll_calls.rda", "unga/un_roll_call_issues.rda")),
    ("idealpoints", ("unga/IdealpointsJuly2025.dta",)),
    ("atop", ("alliances/atop_alliance.rda", "alliances/atop_v4_member_level.csv")),
    ("cow_alliance", ("alliances/cow_alliance.rda",)),
    ("democracy", ("regimes/ccode_democracy.rda",)),
    ("cow_trade", ("trade/cow_trade_ndy.rda", "trade/cow_trade_sy.rda")),
    (
        "comtrade",
        (
            "trade/comtrade_v1_china_imports_from_russia_2019.xlsx",
            "trade/comtrade_reporter_codes.csv",
            "trade/comtrade_partner_codes.csv",
            "trade/comtrade_v1_reporterAreas.csv",
            "trade/comtrade_v1_partnerAreas.csv",
            "trade/harmonized_system.csv",
        ),
    ),
    (
        "china_tables",
        (
            "trade/comtrade_china_trade_balance_2014_2025.xlsx",
            "trade/comtrade_china_import_partners_2014_2025.xlsx",
            "trade/comtrade_china_export_partners_mirror_2014_2025.xlsx",
        ),
    ),
    ("facts", ("trade/reference_facts.csv",)),
    ("china_crude", ("energy/china_crude_imports_by_origin_monthly_2020_2023.csv",)),
    ("china_gas", ("energy/china_pipeline_gas_imports_monthly_2020_2024.csv",)),
    ("gem", ("energy/gem_asia_gas_tracker_utf16.csv",)),
    ("cameo", ("events/cameo_eventcodes.txt", "events/cameo_goldsteinscale.txt")),
    ("gdelt", ("events/gdelt1_georgia_2012-08.csv", "events/gdelt1_georgia_2012-12.csv")),
    ("sipri", ("arms/sipri_trade_register_2000_2023.csv",)),
    ("ungdc", ("speeches/ungdc",)),
]


def ingest_all(wh, shared: Path, progress=None) -> None:
    """Ingest every shared file into the open warehouse ``wh``."""
    from dyadwatch import sources

    for name, files in FULL:
        if progress:
            progress(name)
        wh.ingest(sources.get(name), [shared / f for f in files])
