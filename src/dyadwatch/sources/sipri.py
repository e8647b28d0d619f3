"""SIPRI Arms Transfers Database: the trade-register CSV as downloaded.

The download starts with title lines ("Transfers of major conventional arms
from … to …", notes on '?', TIV units, "Source: SIPRI Arms Transfers
Database", "Data generated: …") and then the table, one row per deal and
delivery year. Suppliers and recipients are names; they are mapped with
``countries.resolve``. SIPRI marks non-state actors with ``*`` (rebel groups)
and international organisations with ``**``; those rows are kept with a NULL
iso3 (their name stays in ``supplier_name``/``recipient_name``) and a warning.

Licence: © SIPRI, attribution, not an open licence. dyadwatch never bundles it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import DyadwatchError, SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import encoding_of, sniff, warn

META = SourceMeta(
    name="sipri",
    title="SIPRI Arms Transfers Database (trade register)",
    publisher="Stockholm International Peace Research Institute (SIPRI)",
    licence="© SIPRI; attribution required, not an open licence (do not redistribute)",
    citation="SIPRI Arms Transfers Database, Stockholm International Peace Research Institute",
    url="https://www.sipri.org/databases/armstransfers",
    version="trade register CSV (2024 layout: one row per deal and delivery year)",
    tables=("arms_transfers",),
    files="the trade-register CSV downloaded from armstrade.sipri.org (with its title lines)",
    redistributable=False,
    bibtex="""@misc{sipri_at,
  author = {{Stockholm International Peace Research Institute}},
  title = {{SIPRI} Arms Transfers Database},
  url = {https://www.sipri.org/databases/armstransfers},
  note = {Trade register; values in SIPRI trend-indicator values (TIV), millions}
}""",
)

HEADER = [
    "SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description", "Armament category",
    "Order date", "Order date is estimate", "Numbers delivered", "Numbers delivered is estimate",
    "Delivery year", "Delivery year is estimate", "Status", "SIPRI estimate", "TIV deal unit",
    "TIV delivery values", "Local production",
]  # fmt: skip
TITLE_START = "Transfers of major conventional arms"
_MAX_TITLE_LINES = 40
_NUMERIC = {"SIPRI AT Database ID": "deal id", "Order date": "year", "Delivery year": "year",
            "Numbers delivered": "number", "TIV delivery values": "number"}  # fmt: skip
_WHOLE = {"SIPRI AT Database ID": (0, 2**62), "Order date": (1900, 2100), "Delivery year": (1900, 2100)}


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    frames = [_read(Path(p)) for p in paths]
    if not frames:
        raise SourceFormatError("sipri needs the trade-register CSV; no file was given.")
    df = pd.concat(frames, ignore_index=True)
    return {"arms_transfers": pa.Table.from_pandas(df, preserve_index=False)}


def find_header(lines: list[str], path: Path) -> int:
    """Index of the header line, after checking the title lines are there."""
    fix = "download the trade register again from https://armstrade.sipri.org as CSV and give it unchanged"
    if not lines or not lines[0].startswith(TITLE_START):
        first = lines[0][:80] if lines else ""
        raise SourceFormatError(
            f"{path}: line 1 is {first!r}, not SIPRI's title line ({TITLE_START!r} …); the title lines "
            f"before the table are missing, so this is not the trade register as SIPRI publishes it "
            f"(or it was re-saved by another program). Fix: {fix}."
        )
    for i, line in enumerate(lines[:_MAX_TITLE_LINES]):
        if line.startswith(HEADER[0]):
            return i
    raise SourceFormatError(
        f"{path}: no header line starting with {HEADER[0]!r} within the first {_MAX_TITLE_LINES} lines. Fix: {fix}."
    )


def _read(path: Path) -> pd.DataFrame:
    sniff(path, META.name, "the SIPRI trade-register CSV", records=True)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        # SIPRI's older exports are Windows-1252 (names such as "Côte d'Ivoire").
        try:
            text = raw.decode("cp1252", errors="strict")
        except UnicodeDecodeError as e:
            line = raw[: utf8_error.start].count(b"\n") + 1
            raise SourceFormatError(
                f"{path}: line {line}: byte 0x{raw[utf8_error.start]:02x} is neither UTF-8 nor Windows-1252 text "
                f"(read as {encoding_of(raw[:4096])}); the file is damaged. Fix: download the trade register again "
                "from https://armstrade.sipri.org as CSV."
            ) from e
    lines = text.splitlines()
    h = find_header(lines, path)
    header = next(csv.reader([lines[h]]))
    if header != HEADER:
        missing = [c for c in HEADER if c not in header]
        extra = [c for c in header if c not in HEADER]
        raise SourceFormatError(
            f"{path}: line {h + 1}: the header differs from SIPRI's trade-register layout: missing {missing}, "
            f"unexpected {extra}{'' if missing or extra else ' (same names, other order)'}. dyadwatch reads "
            "the 2024 layout (one row per deal and delivery year). Fix: download the register again from "
            "https://armstrade.sipri.org (CSV), or report the new layout."
        )
    try:
        df = pd.read_csv(io.StringIO("\n".join(lines[h:])), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as e:
        m = re.search(r"line (\d+)", str(e))
        where = f"line {int(m.group(1)) + h}" if m else "a line"
        raise SourceFormatError(
            f"{path}: {where} does not have the trade register's {len(HEADER)} fields ({e}). The file is damaged "
            "or was edited. Fix: download the trade register again from https://armstrade.sipri.org as CSV."
        ) from None
    df.index = df.index + h + 2  # file line numbers in messages
    if df.empty:
        raise SourceFormatError(f"{path}: the trade register has a header but no rows.")
    num: dict[str, pd.Series] = {}
    for col, what in _NUMERIC.items():
        s = df[col].str.strip().str.rstrip("?")  # '?' marks uncertain values in SIPRI's text exports
        val = pd.to_numeric(s.where(s != ""), errors="coerce")
        bad = val.isna() & (s != "")
        if col in ("SIPRI AT Database ID", "Delivery year"):
            bad |= s == ""
        if col in _WHOLE:  # ids and years are stored as integers: 19.5 or 70000 is damage, not a value
            lo, hi = _WHOLE[col]
            bad |= val.notna() & ((val % 1 != 0) | (val < lo) | (val > hi))
        if bad.any():
            rows = df.index[bad][:5].tolist()
            raise SourceFormatError(
                f"{path}: column {col!r} has values that are not a {what} on line(s) {rows} "
                f"(e.g. {df.loc[rows[0], col]!r}). Fix: download the register again from SIPRI."
            )
        num[col] = val
    supplier, supplier_name = _countries(df["Supplier"], path, "Supplier")
    recipient, recipient_name = _countries(df["Recipient"], path, "Recipient")
    return pd.DataFrame(
        {
            "deal_id": num["SIPRI AT Database ID"].astype("int64"),
            "supplier": supplier,
            "recipient": recipient,
            "supplier_name": supplier_name,
            "recipient_name": recipient_name,
            "order_year": num["Order date"].astype("Int16"),
            "delivery_year": num["Delivery year"].astype("Int16"),
            "designation": df["Designation"].str.strip(),
            "description": df["Description"].str.strip(),
            "category": df["Armament category"].str.strip(),
            "units": num["Numbers delivered"].astype("Float64"),
            # An empty TIV means "no deliveries identified": NULL, not 0 (SIPRI's own note).
            "tiv": num["TIV delivery values"].astype("Float64"),
            "status": df["Status"].str.strip(),
        }
    ).reset_index(drop=True)


def is_non_state(name: str) -> bool:
    """SIPRI's marks: '*' non-state armed group, '**' international organisation; 'unknown …'."""
    return name.endswith("*") or name.lower().startswith("unknown")


def _countries(names: pd.Series, path: Path, column: str) -> tuple[pd.Series, pd.Series]:
    names = names.str.strip()
    mapping: dict[str, str | None] = {}
    skipped = []
    for n in sorted(names.unique()):
        if not n:
            raise SourceFormatError(f"{path}: column {column!r} is empty on line {int(names.index[names == ''][0])}.")
        mapping[n] = None
        if not is_non_state(n):
            try:
                mapping[n] = countries.resolve(n).iso3
            except DyadwatchError:
                pass
        if mapping[n] is None:
            skipped.append(n)
    if skipped:
        warn(
            f"{path}: {column} names that are not states (SIPRI marks groups '*' and organisations '**') or "
            f"unknown to dyadwatch: {skipped[:12]}{' …' if len(skipped) > 12 else ''}; rows kept with "
            f"{column.lower()} iso3 NULL and the name in {column.lower()}_name."
        )
    return names.map(mapping), names
