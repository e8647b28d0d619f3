"""Shared reader for the monthly energy-import CSVs (China's crude and pipeline gas by origin).

The files (built from UN Comtrade, China as reporter) have one row per month
and origin: ``period`` (YYYYMM), ``partner`` (Comtrade name), ``value_usd_bn``,
``qty_mt`` (million tonnes) and ``value_per_mt_usd``. This module has no
``META``: the sources are ``china_crude`` and ``china_gas``, which differ only
in the commodity they declare.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources._files import require_columns, sniff, warn

COLUMNS = ["period", "partner", "value_usd_bn", "qty_mt", "value_per_mt_usd"]


def read_monthly(path: Path, source: str, commodity: str, importer: str = "CHN") -> pa.Table:
    """Canonical ``energy_flows`` rows from one monthly by-origin CSV."""
    from dyadwatch.sources.comtrade import name_to_iso3

    head = sniff(path, source, "a monthly energy-imports CSV (period,partner,value_usd_bn,qty_mt,...)", records=True)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceFormatError(
            f"{path}: the file is UTF-16 encoded; {source} reads the UTF-8 CSV. Fix: give the original "
            "UTF-8 file (or convert it with `iconv -f UTF-16 -t UTF-8`)."
        )
    try:
        df = pd.read_csv(path, dtype={"period": str, "partner": str}, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as e:
        raise SourceFormatError(f"{path}: cannot be read as a UTF-8 CSV ({e}).") from e
    require_columns(df, COLUMNS, path, source)
    bad_period = ~df.period.str.fullmatch(r"\d{4}(0[1-9]|1[0-2])", na=False)
    _fail_rows(path, bad_period, "period", "is not a month written YYYYMM (e.g. 202207)")
    for c in ("value_usd_bn", "qty_mt"):
        v = pd.to_numeric(df[c], errors="coerce")
        _fail_rows(path, df[c].notna() & v.isna(), c, "is not a number")
        _fail_rows(path, v < 0, c, "is negative; imports cannot be negative")
        df[c] = v
    _fail_rows(path, df.value_usd_bn.isna(), "value_usd_bn", "is empty; every row needs a value")
    dup = df.duplicated(["period", "partner"], keep=False)
    _fail_rows(path, dup, "period/partner", "repeats a month and origin (duplicated flow)")
    names = df.partner.unique().tolist()
    iso = {n: name_to_iso3(n) for n in names}
    unknown = [n for n, i in iso.items() if i is None]
    if unknown:
        rows = (np.flatnonzero(df.partner.isin(unknown).to_numpy())[:10] + 2).tolist()
        raise SourceFormatError(
            f"{path}: column 'partner' has origin names dyadwatch cannot match to a country: {unknown[:10]} "
            f"(lines {rows}). Fix: use Comtrade's area names, or report them so countries.py can learn them."
        )
    noqty = df.qty_mt.isna()
    if noqty.any():
        warn(
            f"{path}: {int(noqty.sum())} row(s) have no quantity (lines {(np.flatnonzero(noqty) + 2).tolist()[:10]}); "
            "their volumes are NULL and volume shares leave them out."
        )
    uv = pd.to_numeric(df.value_per_mt_usd, errors="coerce")
    per_month = uv.groupby(df.period).nunique()
    multi = df.groupby("period").partner.size() > 1
    if uv.notna().any() and (per_month[multi] <= 1).all():
        # Every origin priced the same in every month: quantities were computed from values at one
        # price per month, so they carry no volume information of their own.
        warn(
            f"{path}: in every month all origins have the same unit value: the quantities were derived from "
            "the values, so only shares by value are meaningful."
        )
    out = pd.DataFrame(
        {
            "commodity": commodity,
            "importer": importer,
            "origin": df.partner.map(iso),
            "period": df.period.str[:4] + "-" + df.period.str[4:],
            "freq": "M",
            "value_usd": df.value_usd_bn * 1e9,
            "quantity": df.qty_mt * 1e6,
            "unit": "t",
            "file": path.name,
        }
    )
    dup_iso = out.duplicated(["period", "origin"], keep=False)
    _fail_rows(path, dup_iso, "partner", "names the same country as another row of that month")
    return pa.Table.from_pandas(out, preserve_index=False)


def _fail_rows(path: Path, mask: pd.Series, column: str, what: str) -> None:
    if mask.any():
        lines = (np.flatnonzero(mask.to_numpy())[:10] + 2).tolist()  # +2: header line, 1-based
        raise SourceFormatError(
            f"{path}: column {column!r} {what} at line(s) {lines}"
            f"{' …' if mask.sum() > 10 else ''}. Fix: correct or re-download the file; nothing was ingested."
        )
