"""China's pipeline gas imports (HS 271121) by origin, monthly, from UN Comtrade (China as reporter).

In the shared file the values are China's reports; the quantities were derived
from the values at one fixed price, so the loader warns and shares are by value.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from dyadwatch.sources import SourceMeta
from dyadwatch.sources.energy import read_monthly

META = SourceMeta(
    name="china_gas",
    title="China pipeline natural gas imports by origin, monthly (HS 271121)",
    publisher="United Nations Statistics Division, UN Comtrade (China as reporter); compiled by china-energy-monitor",
    licence="UN Comtrade terms of use (free with attribution)",
    citation="United Nations, UN Comtrade Database, HS 271121, reporter China, monthly",
    url="https://comtradeplus.un.org/",
    version="2020-01..2024-12",
    tables=("energy_flows",),
    files="china_pipeline_gas_imports_monthly_2020_2024.csv (period,partner,value_usd_bn,qty_mt,value_per_mt_usd)",
    mode="add",  # one file is one part of the data
)


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    tables = [read_monthly(Path(p), META.name, "pipeline_gas") for p in paths]
    return {"energy_flows": pa.concat_tables(tables)}
