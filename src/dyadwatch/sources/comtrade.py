"""UN Comtrade: the current API/bulk layout, the legacy v1 export, and the code lists.

Layouts read (recognised from the header, never from the file name):

* **current API / bulk CSV** — the columns ``comtradeapicall`` returns
  (``reporterCode, flowCode, partnerCode, partner2Code, classificationCode,
  cmdCode, customsCode, motCode, qty, netWgt, cifvalue, fobvalue,
  primaryValue …``), as CSV or Excel;
* **legacy v1 export** — English headers (``Reporter Code, Trade Flow Code,
  Commodity Code, Trade Value (US$) …``) or the Russian-header Excel export
  (``Код репортера, Торговый поток, Код товара, Номинальная стоимость, $ …``);
* **code lists** — v2 reporter/partner lists (``reporterCode …
  reporterCodeIsoAlpha3``), v1 area lists (``id,text``) and the HS list
  (``section,hscode,description,parent,level``): they fill ``trade_codes`` and
  ``hs_codes``, used for names, sections and descriptions.

Only total flows are kept (``partner2Code`` 0, ``customsCode`` C00,
``motCode`` 0) so breakdowns are never double counted; re-exports and
re-imports are left out with a warning. Codes of areas that are not states
(e.g. 899 "Areas, nes") are dropped from partners with a warning naming them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import DyadwatchError, SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import read_excel, sniff, warn

META = SourceMeta(
    name="comtrade",
    title="UN Comtrade Database",
    publisher="United Nations Statistics Division",
    licence="UN Comtrade terms of use: free with attribution; bulk redistribution restricted",
    citation="United Nations, UN Comtrade Database (https://comtradeplus.un.org/)",
    url="https://comtradeplus.un.org/",
    version="API v1 (comtradeapicall) and legacy v1 exports",
    tables=("trade_flows", "trade_codes", "hs_codes"),
    files=(
        "Comtrade CSV/XLSX in the API layout or the legacy v1 export (English or Russian headers); "
        "also the code lists comtrade_reporter_codes.csv, comtrade_partner_codes.csv, "
        "comtrade_v1_reporterAreas.csv, comtrade_v1_partnerAreas.csv and harmonized_system.csv"
    ),
    mode="add",  # one file is one part of the data
)

# Comtrade's numeric codes are UN M49 except Comtrade's own area codes (None: not a state, kept out of
# dyads), and a few area names need telling apart: both maps are data, in data/countries.yaml.
SPECIAL_CODES: dict[int, str | None] = countries.code_map("comtrade")
NAME_ALIASES: dict[str, str | None] = countries.code_map("comtrade_names")
HS_VERSIONS = {"H0": "HS1992", "H1": "HS1996", "H2": "HS2002", "H3": "HS2007", "H4": "HS2012", "H5": "HS2017",
               "H6": "HS2022"}  # fmt: skip

# Russian headers of the legacy v1 Excel export → the v1 English names used below.
RU_HEADERS = {
    "Тип периода": "freq", "Год": "year", "Период": "period", "Код репортера": "reporter_code",
    "Торговый поток": "flow", "ISO партнера": "partner_code", "Код 2го партнера": "partner2_code",
    "Тип номенклатуры": "classification", "Код товара": "cmd_code", "Код вида еденицы": "qty_unit_code",
    "Стоимость еденицы": "qty", "Вес нетто": "net_weight", "Номинальная стоимость, $": "value",
    "customsCode": "customs_code", "Вид транспорта": "mot_code",
}  # fmt: skip
V1_HEADERS = {
    "Classification": "classification", "Year": "year", "Period": "period", "Trade Flow Code": "flow",
    "Reporter Code": "reporter_code", "Partner Code": "partner_code", "2nd Partner Code": "partner2_code",
    "Commodity Code": "cmd_code", "Qty Unit": "qty_unit", "Qty Unit Code": "qty_unit_code", "Qty": "qty",
    "Netweight (kg)": "net_weight",
    "Trade Value (US$)": "value", "Customs Proc. Code": "customs_code", "Mode of Transport Code": "mot_code",
}  # fmt: skip
API_HEADERS = {
    "freqCode": "freq", "refYear": "year", "period": "period", "reporterCode": "reporter_code", "flowCode": "flow",
    "partnerCode": "partner_code", "partner2Code": "partner2_code", "classificationCode": "classification",
    "cmdCode": "cmd_code", "qtyUnitAbbr": "qty_unit", "qty": "qty", "netWgt": "net_weight",
    "primaryValue": "value", "customsCode": "customs_code", "motCode": "mot_code",
}  # fmt: skip
REQUIRED = ["reporter_code", "flow", "partner_code", "cmd_code", "value", "period"]


@cache
def _m49() -> dict[int, str]:
    return {c.m49: c.iso3 for c in countries.all_countries() if c.m49 is not None}


def code_to_iso3(
    code: int | str, extra: dict[int, str | None] | None = None, fallback: dict[int, str | None] | None = None
) -> str | None:
    """iso3 of a Comtrade/BACI numeric area code; None for areas that are not states; KeyError if unknown.

    ``extra`` (e.g. BACI's own country list) is consulted first; ``fallback`` (a Comtrade code list
    ingested with the data) only for codes dyadwatch does not know.
    """
    n = int(code)
    if extra and n in extra:
        return extra[n]
    if n in SPECIAL_CODES:
        return SPECIAL_CODES[n]
    if n in _m49():
        return _m49()[n]
    if fallback and n in fallback:
        return fallback[n]
    raise KeyError(n)


@cache
def name_to_iso3(name: str) -> str | None:
    """iso3 of a Comtrade area name ("Rep. of Korea", "Other Asia, nes" → TWN); None if unknown."""
    key = str(name).strip().lower()
    if key in NAME_ALIASES:
        return NAME_ALIASES[key]
    try:
        return countries.resolve(str(name)).iso3
    except DyadwatchError:
        return None


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    flows, codes, hs = [], [], []
    frames = [(p, read_table(p, META.name)) for p in map(Path, paths)]
    data = []
    for p, df in frames:
        cols = set(df.columns)
        if {"hscode", "section", "level"} <= cols:
            hs.append(hs_table(df, p))
        elif {"id", "text"} == cols - {"Unnamed: 0"} or any(c.endswith("CodeIsoAlpha3") for c in cols):
            codes.append(code_table(df, p))
        else:
            data.append((p, df))
    # Code lists given with the data teach the loader codes it does not know (e.g. new Comtrade areas).
    fallback: dict[int, str | None] = {}
    for t in codes:
        for code, iso in zip(t.column("code").to_pylist(), t.column("iso3").to_pylist(), strict=True):
            if str(code).isdigit():
                fallback.setdefault(int(code), iso)
    for p, df in data:
        flows.append(flow_table(df, p, fallback))
    out: dict[str, pa.Table] = {}
    if flows:
        out["trade_flows"] = pa.concat_tables(flows)
        if len(flows) > 1:
            _cross_file_duplicates(out["trade_flows"])
    if codes:
        out["trade_codes"] = pa.concat_tables(codes)
    if hs:
        out["hs_codes"] = pa.concat_tables(hs)
    return out


def _cross_file_duplicates(tbl: pa.Table) -> None:
    """The same flow in two files given together is an error naming both files (it would count twice)."""
    key = ["reporter", "partner", "period", "flow", "hs_code"]
    df = tbl.select([*key, "file"]).to_pandas()
    dup = df[df.duplicated(key, keep=False)]
    if not dup.empty:
        first = dup.iloc[0]
        files = sorted(dup[(dup[key] == first[key]).all(axis=1)].file.unique())
        raise SourceFormatError(
            f"{', '.join(files)}: {len(dup)} flows appear in more than one of the files given together (e.g. "
            f"{first.reporter}→{first.partner} {first.flow} {first.hs_code} {first.period}). Fix: ingest one "
            "version of each flow (a revised download replaces the old file: ingest it alone)."
        )


def read_table(path: Path, source: str) -> pd.DataFrame:
    """A CSV (UTF-8, or UTF-16 with its BOM) or the first sheet of an .xlsx, all as text."""
    head = sniff(path, source, "a UN Comtrade CSV or Excel export", records=True)
    if head[:2] == b"PK" or head[:4] == b"\xd0\xcf\x11\xe0":
        return read_excel(path, source, dtype=str)
    enc = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    if enc == "utf-8-sig" and b"\x00" in head:
        raise SourceFormatError(
            f"{path}: the file holds NUL bytes: it looks UTF-16 encoded without a byte-order mark. "
            "Fix: convert it with `iconv -f UTF-16LE -t UTF-8`."
        )
    try:
        return pd.read_csv(path, dtype=str, encoding=enc, keep_default_na=False, na_values=[""])
    except (UnicodeDecodeError, pd.errors.ParserError) as e:
        raise SourceFormatError(f"{path}: cannot be read as a {enc} CSV ({e}).") from e


def _rows(mask: pd.Series | np.ndarray, offset: int = 2) -> list[int]:
    return (np.flatnonzero(np.asarray(mask))[:10] + offset).tolist()


def flow_table(df: pd.DataFrame, path: Path, fallback: dict[int, str | None] | None = None) -> pa.Table:
    """Canonical trade_flows rows from any of the three flow layouts."""
    cols = set(df.columns)
    if "Код товара" in cols:
        layout, m = "v1 (Russian headers)", RU_HEADERS
    elif "Commodity Code" in cols:
        layout, m = "v1", V1_HEADERS
    elif "cmdCode" in cols and "primaryValue" in cols:
        layout, m = "API", API_HEADERS
    else:
        raise SourceFormatError(
            f"{path}: not a Comtrade layout dyadwatch knows: expected the API columns (reporterCode, flowCode, "
            f"partnerCode, cmdCode, primaryValue …) or the legacy v1 export; found {list(df.columns)[:12]}. "
            "If this is a BACI file use `dyadwatch ingest baci`; `dyadwatch sources` lists each source's files."
        )
    d = df.rename(columns=m)[[c for c in m.values() if c in set(df.rename(columns=m).columns)]].copy()
    missing = [c for c in REQUIRED if c not in d.columns]
    if missing:
        inv = {v: k for k, v in m.items()}
        raise SourceFormatError(f"{path}: the {layout} layout lacks column(s) {[inv[c] for c in missing]}.")
    line = pd.Series(np.arange(len(d)) + 2, index=d.index)  # file line of each row (header is line 1)
    # Keep the totals only: breakdowns by second partner, customs procedure or transport mode would double count.
    keep = pd.Series(True, index=d.index)
    for c, total in (("partner2_code", "0"), ("customs_code", "C00"), ("mot_code", "0")):
        if c in d.columns:
            keep &= d[c].fillna(total).astype(str).str.strip().isin([total, "-1", ""]) | d[c].isna()
    if (~keep).any():
        warn(
            f"{path}: {int((~keep).sum())} breakdown rows (by second partner, customs procedure or transport mode) "
            "were left out; the totals are kept."
        )
        d, line = d[keep], line[keep]
    flow = d.flow.astype(str).str.strip().str.upper().replace({"1": "M", "2": "X", "IMPORT": "M", "EXPORT": "X"})
    other = ~flow.isin(["M", "X"])
    if other.any():
        warn(
            f"{path}: {int(other.sum())} rows of other flows ({sorted(flow[other].unique())[:5]}, e.g. re-exports) "
            f"at lines {_rows(other.to_numpy()) if False else line[other].head(10).tolist()} were left out."
        )
        d, line, flow = d[~other], line[~other], flow[~other]
    d = d.assign(flow=flow)
    value = pd.to_numeric(d.value, errors="coerce").astype("float64")  # int64 if all whole: files would not concat
    if (d.value.notna() & value.isna()).any():
        raise SourceFormatError(
            f"{path}: trade values that are not numbers at lines "
            f"{line[d.value.notna() & value.isna()].head(10).tolist()}."
        )
    neg = value < 0
    if neg.any():
        raise SourceFormatError(
            f"{path}: {int(neg.sum())} negative trade value(s) at lines {line[neg].head(10).tolist()}. "
            "Trade values cannot be negative. Fix: correct or re-download the file; nothing was ingested."
        )
    cmd = d.cmd_code.astype(str).str.strip()
    level = cmd.str.len().where(cmd.str.fullmatch(r"\d+"), other=np.nan)
    level = level.where(cmd.str.upper() != "TOTAL", 0)
    bad = ~level.isin([0, 2, 4, 6])
    if bad.any():
        raise SourceFormatError(
            f"{path}: HS code(s) of the wrong length {sorted(cmd[bad].unique())[:10]} at lines "
            f"{line[bad].head(10).tolist()}: HS codes have 2, 4 or 6 digits (or TOTAL). A 1-, 3- or 5-digit "
            "code usually lost its leading zero in a spreadsheet. Fix: keep the code column as text."
        )
    cls = (
        d.classification.astype(str).str.strip().str.upper()
        if "classification" in d.columns
        else pd.Series("HS", index=d.index)
    )
    vintages = sorted(set(cls.unique()) - {"HS", "NAN"})
    if len(vintages) > 1:
        firsts = [int(line[cls == v].iloc[0]) for v in vintages]
        raise SourceFormatError(
            f"{path}: mixed HS vintages {vintages} (first at lines {firsts}). Codes of different HS versions do not "
            "add up. Fix: download one classification per file (or convert to one vintage) and ingest each."
        )
    hs_version = HS_VERSIONS.get(vintages[0], vintages[0]) if vintages else "HS"
    rep_iso, bad_rep = _map_codes(d.reporter_code, fallback)
    if bad_rep:
        raise SourceFormatError(
            f"{path}: unknown reporter code(s) {bad_rep[:10]} at lines "
            f"{line[d.reporter_code.isin(bad_rep)].head(10).tolist()}. Fix: check the file is Comtrade's; "
            "ingest the Comtrade reporter code list with the file if the codes are new."
        )
    par_iso, bad_par = _map_codes(d.partner_code, fallback)
    if bad_par:
        raise SourceFormatError(
            f"{path}: unknown partner code(s) {bad_par[:10]} at lines "
            f"{line[d.partner_code.isin(bad_par)].head(10).tolist()}."
        )
    nostate = rep_iso.isna() | par_iso.isna()
    if nostate.any():
        warn(
            f"{path}: {int(nostate.sum())} rows with areas that are not states (codes "
            f"{sorted(set(d.partner_code[par_iso.isna()]) | set(d.reporter_code[rep_iso.isna()]))[:10]}) left out."
        )
    freq = d.freq.astype(str).str.strip().str.upper() if "freq" in d.columns else pd.Series("A", index=d.index)
    per = d.period.astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    freq = freq.where(freq.isin(["A", "M"]), np.where(per.str.len() == 6, "M", "A"))
    period = per.where(freq == "A", per.str[:4] + "-" + per.str[4:6])
    qty = pd.to_numeric(d.get("qty"), errors="coerce").astype("float64") if "qty" in d.columns else np.nan
    out = pd.DataFrame(
        {
            "basis": "reported", "reporter": rep_iso, "partner": par_iso, "period": period, "freq": freq,
            "flow": d.flow, "hs_version": hs_version, "hs_level": level.astype("int8"),
            "hs_code": cmd.where(level > 0, "TOTAL"), "value_usd": value, "quantity": qty,
            "unit": _units(d),
            "valuation": np.where(d.flow == "M", "CIF", "FOB"), "file": path.name,
        }
    )[~nostate.to_numpy()]  # fmt: skip
    key = ["reporter", "partner", "period", "flow", "hs_code"]
    dup = out.duplicated(key, keep=False)
    if dup.any():
        raise SourceFormatError(
            f"{path}: {int(dup.sum())} duplicated flows (same reporter, partner, period, flow and code) at lines "
            f"{line[~nostate][dup.to_numpy()].head(10).tolist()}. Fix: remove the repeated rows; nothing was ingested."
        )
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)


# Comtrade quantity unit codes (qtyUnitCode) → abbreviations, for exports that give only the code.
QTY_UNITS = {"1": None, "2": "m²", "3": "kWh", "4": "m", "5": "u", "6": "2u", "7": "l", "8": "kg", "9": "1000u",
             "10": "u (jeu/pack)", "11": "12u", "12": "m³", "13": "carat"}  # fmt: skip


def _units(d: pd.DataFrame) -> pd.Series | None:
    """Quantity unit per row: the abbreviation where given, else the code translated; NULL for 'no quantity'."""
    if "qty_unit" in d.columns:
        u = d["qty_unit"].astype("string").str.strip()
        return u.where(~u.isin(["N/A", "-1", ""]), None)
    if "qty_unit_code" in d.columns:
        code = d["qty_unit_code"].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
        return code.map(lambda c: QTY_UNITS.get(c, None if c in ("-1", "0") else f"code {c}"))
    return None


def _map_codes(codes: pd.Series, fallback: dict[int, str | None] | None = None) -> tuple[pd.Series, list]:
    uniq = codes.dropna().unique()
    mapping, bad = {}, []
    for c in uniq:
        try:
            mapping[c] = code_to_iso3(int(float(c)), fallback=fallback)
        except (KeyError, ValueError):
            bad.append(c)
    return codes.map(mapping), sorted(bad, key=str)


def code_table(df: pd.DataFrame, path: Path) -> pa.Table:
    """trade_codes rows from a v2 reporter/partner code list or a v1 area list."""
    iso_col = next((c for c in df.columns if c.endswith("CodeIsoAlpha3")), None)
    if iso_col:
        code_col = next(c for c in df.columns if c.lower() in ("reportercode", "partnercode"))
        name_col = next(c for c in df.columns if c.lower() in ("reporterdesc", "partnerdesc"))
        scheme = "comtrade_" + code_col.lower().replace("code", "")
        # Groups (EU, "Areas, nes") and Comtrade's own pseudo-codes (W00, S19 …) are not states: NULL.
        group = df["isGroup"].astype(str).str.lower().eq("true") if "isGroup" in df.columns else False
        iso = df[iso_col].where(~group & df[iso_col].astype(str).str.fullmatch(r"[A-Z]{3}"), None).map(_known_iso3)
        names = df[name_col]
    else:
        scheme = "comtrade_v1"
        df = df[df["id"].astype(str).str.fullmatch(r"\d+")]
        names = df["text"]
        iso = names.map(name_to_iso3)
    code = df[code_col] if iso_col else df["id"]
    out = pd.DataFrame({"scheme": scheme, "code": code.astype(str), "iso3": iso, "name": names, "file": path.name})
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)


def _known_iso3(iso: str | None) -> str | None:
    if not isinstance(iso, str):
        return None
    try:
        return countries.resolve(iso).iso3
    except DyadwatchError:
        return None


def hs_table(df: pd.DataFrame, path: Path) -> pa.Table:
    level = pd.to_numeric(df["level"], errors="coerce")
    level = level.where(df["hscode"].astype(str).str.upper() != "TOTAL", 0)  # the list's own TOTAL line
    bad = ~level.isin([0, 2, 4, 6])
    if bad.any():
        raise SourceFormatError(f"{path}: HS levels other than 2, 4, 6 at lines {_rows(bad)}.")
    out = pd.DataFrame(
        {
            "hs_code": df["hscode"].astype(str), "hs_level": level.astype("int8"), "section": df["section"],
            "parent": df["parent"], "description": df["description"], "file": path.name,
        }
    )  # fmt: skip
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)
