"""China's trade tables built from UN Comtrade (cipf-comtrade reports), as Excel workbooks.

Three layouts, recognised from their headers:

* **trade balance** (``period, M, M<X, X, X<M, …``): China's total imports and
  exports as China reports them (``M``, ``X``) and as its partners report them
  (``M<X`` = partners' exports to China, ``X<M`` = partners' imports from China);
* **import partners** (``refYear, flowCode=X, partnerDesc=China, reporterDesc,
  partner_sum``): each partner's reported exports to China;
* **export partners (mirror)** (``… flowCode=M … partner_sum``): each partner's
  reported imports from China.

Partner reports are stored as what they are — the partner's own reported
flows (basis ``reported``, reporter = the partner) — so that
``indicators.trade.bilateral`` can mirror them for China's side. Totals from
partners' reports are stored for China with basis ``mirror``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import read_excel, require_columns, sniff, warn
from dyadwatch.sources.comtrade import name_to_iso3

META = SourceMeta(
    name="china_tables",
    title="China trade totals, import partners and mirror export partners (from UN Comtrade)",
    publisher="United Nations Statistics Division, UN Comtrade; tables by cipf-comtrade (J. Carvalho)",
    licence="UN Comtrade terms of use (free with attribution)",
    citation="United Nations, UN Comtrade Database; tables compiled by joaquimrcarvalho/cipf-comtrade",
    url="https://github.com/joaquimrcarvalho/cipf-comtrade",
    version="2014-2025 (retrieved 2025)",
    tables=("trade_flows",),
    files=(
        "comtrade_china_trade_balance_2014_2025.xlsx, comtrade_china_import_partners_2014_2025.xlsx, "
        "comtrade_china_export_partners_mirror_2014_2025.xlsx"
    ),
    mode="add",  # one file is one part of the data
)

_COLS = ["basis", "reporter", "partner", "period", "freq", "flow", "hs_version", "hs_level", "hs_code", "value_usd",
         "quantity", "unit", "valuation", "file"]  # fmt: skip


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    frames = []
    for p in map(Path, paths):
        head = sniff(p, META.name, "a cipf-comtrade Excel table (.xlsx)")
        if head[:2] != b"PK" and head[:4] != b"\xd0\xcf\x11\xe0":
            raise SourceFormatError(f"{p}: not an Excel workbook (.xlsx); china_tables reads the cipf-comtrade tables.")
        df = read_excel(p, META.name)
        if "M<X" in df.columns:
            frames.append(_balance(df, p))
        elif "partner_sum" in df.columns:
            frames.append(_partners(df, p))
        else:
            raise SourceFormatError(
                f"{p}: neither the trade-balance table (period, M, M<X, X, X<M) nor a partner table "
                f"(refYear, flowCode, reporterDesc, partner_sum); columns are {list(df.columns)[:10]}."
            )
    return {"trade_flows": pa.Table.from_pandas(pd.concat(frames, ignore_index=True)[_COLS], preserve_index=False)}


def _frame(n: int, **cols) -> pd.DataFrame:
    base = {"freq": "A", "hs_version": "HS", "hs_level": 0, "hs_code": "TOTAL", "quantity": np.nan, "unit": None}
    base.update(cols)
    return pd.DataFrame({k: (v if isinstance(v, pd.Series | np.ndarray) else [v] * n) for k, v in base.items()})


def _balance(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    require_columns(df, ["period", "M", "M<X", "X", "X<M"], path, META.name)
    out = []
    spec = [("M", "M", "reported", "CIF"), ("X", "X", "reported", "FOB"), ("M<X", "M", "mirror", "FOB"),
            ("X<M", "X", "mirror", "CIF")]  # fmt: skip
    for col, flow, basis, val in spec:
        v = pd.to_numeric(df[col], errors="coerce")
        if (v < 0).any():
            raise SourceFormatError(f"{path}: negative values in column {col!r} at lines {_lines(v < 0)}.")
        zero = v == 0
        if zero.any():
            # A country's total trade is never zero: 0 here means "not yet reported".
            warn(
                f"{path}: column {col!r} is 0 for {df.period[zero].astype(str).tolist()} (lines {_lines(zero)}): "
                "read as no data (NULL), not zero."
            )
            v = v.where(~zero)
        n = len(df)
        out.append(
            _frame(
                n,
                basis=basis,
                reporter="CHN",
                partner="WLD",
                period=df.period.astype(int).astype(str).to_numpy(),
                flow=flow,
                value_usd=v.to_numpy(),
                valuation=val,
                file=path.name,
            )
        )
    return pd.concat(out, ignore_index=True).dropna(subset=["value_usd"])


def _partners(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    require_columns(df, ["refYear", "flowCode", "partnerDesc", "reporterDesc", "partner_sum"], path, META.name)
    flows = set(df.flowCode.dropna().astype(str))
    if not flows <= {"M", "X"} or len(flows) != 1:
        raise SourceFormatError(f"{path}: column 'flowCode' must hold one flow, M or X; found {sorted(flows)}.")
    value = pd.to_numeric(df.partner_sum, errors="coerce")
    if (value < 0).any():
        raise SourceFormatError(f"{path}: negative 'partner_sum' at lines {_lines(value < 0)}.")
    _check_stated_totals(df, path)
    partner = df.partnerDesc.map(name_to_iso3)
    reporter = df.reporterDesc.map(name_to_iso3)
    if partner.isna().any():
        raise SourceFormatError(f"{path}: unknown partner names {sorted(df.partnerDesc[partner.isna()].unique())[:5]}.")
    self_rows = reporter == partner
    if self_rows.any():
        # e.g. China reporting imports "from China" (re-imports): not a bilateral flow.
        warn(
            f"{path}: {int(self_rows.sum())} rows where the reporter is the partner itself (lines {_lines(self_rows)}) "
            "left out (re-imports, not bilateral trade)."
        )
    unknown = reporter.isna()
    if unknown.any():
        warn(
            f"{path}: reporter names not matched to a state, left out: "
            f"{sorted(df.reporterDesc[unknown].unique())[:10]} (lines {_lines(unknown)})."
        )
    keep = ~(self_rows | unknown)
    d = df[keep]
    dup = pd.DataFrame({"r": reporter[keep], "y": d.refYear}).duplicated(keep=False)
    if dup.any():
        raise SourceFormatError(
            f"{path}: the same reporter appears twice in a year at lines "
            f"{_lines(keep & dup.reindex(df.index, fill_value=False))}."
        )
    years = d.refYear.value_counts()
    thin = years[years < 0.5 * years.median()]
    for y, n in thin.items():
        warn(
            f"{path}: only {n} partners reported for {y} (median {int(years.median())}): "
            f"figures for {y} are incomplete."
        )
    flow = next(iter(flows))
    return _frame(
        len(d), basis="reported", reporter=reporter[keep].to_numpy(), partner=partner[keep].to_numpy(),
        period=d.refYear.astype(int).astype(str).to_numpy(), flow=flow, value_usd=value[keep].to_numpy(),
        valuation="CIF" if flow == "M" else "FOB", file=path.name,
    )  # fmt: skip


def _check_stated_totals(df: pd.DataFrame, path: Path) -> None:
    """The tables state their own totals: each year's partners are ranked 1..n and their shares sum to 1.

    A download cut short (or rows deleted) keeps a valid layout but breaks these: the error names the year.
    """
    if "partner_rank" in df.columns:
        for y, r in df.groupby("refYear").partner_rank:
            ranks = pd.to_numeric(r, errors="coerce")
            if sorted(ranks.dropna().astype(int)) != list(range(1, len(r) + 1)):
                missing = sorted(set(range(1, int(ranks.max(skipna=True) or 0) + 1)) - set(ranks.dropna().astype(int)))
                raise SourceFormatError(
                    f"{path}: the partners of {y} are not ranked 1 to {len(r)} (missing ranks {missing[:10]}; "
                    f"lines {_lines(df.refYear == y)[:3]}…): rows are missing. Fix: download the table again."
                )
    if "partner_perc" in df.columns:
        sums = pd.to_numeric(df.partner_perc, errors="coerce").groupby(df.refYear).sum()
        off = sums[(sums - 1).abs() > 1e-12]  # float sums of the real tables are 1 within 3e-16
        if len(off):
            y, total = off.index[0], float(off.iloc[0])
            raise SourceFormatError(
                f"{path}: the partners' shares of {y} sum to {total:.12f}, not 1 (lines "
                f"{_lines(df.refYear == y)[:3]}…): rows are missing, as in a download cut short. "
                "Fix: download the table again."
            )


def _lines(mask) -> list[int]:
    return (np.flatnonzero(np.asarray(mask))[:10] + 2).tolist()
