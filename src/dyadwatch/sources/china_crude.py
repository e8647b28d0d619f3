"""China's crude oil imports (HS 2709) by origin, monthly, from UN Comtrade (China as reporter)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from dyadwatch.sources import SourceMeta
from dyadwatch.sources.energy import read_monthly

META = SourceMeta(
    name="china_crude",
    title="China crude oil imports by origin, monthly (HS 2709)",
    publisher="United Nations Statistics Division, UN Comtrade (China as reporter); compiled by china-energy-monitor",
    licence="UN Comtrade terms of use (free with attribution)",
    citation="United Nations, UN Comtrade Database, HS 2709, reporter China, monthly",
    url="https://comtradeplus.un.org/",
    version="2020-01..2023-12",
    tables=("energy_flows",),
    files="china_crude_imports_by_origin_monthly_2020_2023.csv (period,partner,value_usd_bn,qty_mt,value_per_mt_usd)",
    mode="add",  # one file is one part of the data
)


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    tables = [read_monthly(Path(p), META.name, "crude_oil") for p in paths]
    return {"energy_flows": pa.concat_tables(tables)}
