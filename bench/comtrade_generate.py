"""Write a synthetic UN Comtrade file in the current API/bulk CSV layout (the 47 columns of ``comtradeapicall``'s
final data) for tests and benchmarks.

Countries use Comtrade's codes (M49; 251 France, 699 India, 842 USA, 757 Switzerland, 490 "Other Asia, nes");
the rows are the totals of (reporter, partner, flow, HS code) keys, unique, plus what a real file holds beside
them and the loader leaves out: breakdown rows (by second partner, customs procedure or transport mode) of a
total's key, re-exports and re-imports (RX, RM), partners that are not states (899 "Areas, nes", 839 "Special
Categories", 97 EU), empty values and quantities, and quantity units the loader reads as none (N/A, -1).
Values are USD with at most two decimals; descriptions hold commas, so fields are quoted as Comtrade's are.

    python bench/comtrade_generate.py OUT.csv --rows 2000000 --year 2022 [--gzip]
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,"
    "partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,"
    "classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,"
    "mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,"
    "isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,"
    "legacyEstimationFlag,isReported,isAggregate"
).split(",")
NOT_STATES = (899, 839, 97)
UNITS = ("kg", "u", "l", "m²", "N/A", "-1")


def country_codes(n: int) -> np.ndarray:
    """Comtrade codes of ``n`` states (Comtrade's own codes first, then M49)."""
    from dyadwatch import countries
    from dyadwatch.sources.comtrade import SPECIAL_CODES

    own = [251, 699, 842, 757, 579, 490]  # Comtrade's codes for France, India, USA, Switzerland, Norway, Taiwan
    m49 = {c.m49 for c in countries.all_countries() if c.m49} - {250, 356, 840, 756, 578, 158} - set(SPECIAL_CODES)
    return np.array([*own, *sorted(m49)][:n])


def rows(
    n: int = 100_000,
    year: int = 2022,
    n_reporters: int = 5,
    n_partners: int = 120,
    n_products: int = 3000,
    seed: int = 0,
    breakdown: float = 0.05,
    reexport: float = 0.02,
    nostate: float = 0.01,
    empty: float = 0.01,
    monthly: bool = False,
    classification: str = "H6",
    first_reporter: int = 0,
) -> pd.DataFrame:
    """``n`` rows of one file (a share of them breakdowns, re-exports, non-state partners, empty values)."""
    rng = np.random.default_rng(seed)
    codes = country_codes(max(first_reporter + n_reporters, n_partners + n_reporters))
    reporters = codes[first_reporter : first_reporter + n_reporters]
    partners = np.array([c for c in codes if c not in set(reporters)][:n_partners])
    chapters = rng.choice(np.arange(1, 98), n_products)
    products = np.unique(chapters * 10_000 + rng.integers(101, 9999, n_products))
    cmd = np.array([f"{p:06d}" for p in products] + [f"{c:02d}" for c in range(1, 98)] + ["TOTAL"])
    space = len(reporters) * len(partners) * 2 * len(cmd)
    n_total = int(n * (1 - breakdown - reexport - nostate))
    if n_total > space:
        raise ValueError(f"{n_total:,} unique flows asked of a space of {space:,}: more products or partners")
    # A random affine permutation of the key space: unique keys without holding the space in memory.
    step = int(rng.integers(1, space))
    while np.gcd(step, space) != 1:
        step += 1
    idx = (np.arange(n_total, dtype=np.int64) * step + int(rng.integers(0, space))) % space
    idx, c_i = np.divmod(idx, len(cmd))
    idx, f_i = np.divmod(idx, 2)
    r_i, p_i = np.divmod(idx, len(partners))
    rep, par, flow, hs = reporters[r_i], partners[p_i], np.array(["M", "X"])[f_i], cmd[c_i]
    kind = np.zeros(n_total, dtype=np.int8)
    extra = []
    for k, share in ((1, breakdown), (2, reexport), (3, nostate)):
        m = int(n * share)
        if m and n_total:
            pick = rng.integers(0, n_total, m)
            extra.append((k, pick))
    keep = [(rep, par, flow, hs, kind)]
    for k, pick in extra:
        f = flow[pick] if k != 2 else np.array(["RM", "RX"])[rng.integers(0, 2, len(pick))]
        p = par[pick] if k != 3 else np.array(NOT_STATES)[rng.integers(0, len(NOT_STATES), len(pick))]
        keep.append((rep[pick], p, f, hs[pick], np.full(len(pick), k, np.int8)))
    rep, par, flow, hs, kind = (np.concatenate(parts) for parts in zip(*keep, strict=True))
    order = rng.permutation(len(rep))
    rep, par, flow, hs, kind = rep[order], par[order], flow[order], hs[order], kind[order]
    m = len(rep)
    value = np.round(rng.pareto(1.1, m) * 1e5 + rng.random(m), 2)
    qty = np.round(rng.pareto(1.2, m) * 1e3, 1)
    months = rng.integers(1, 13, m)
    period = np.array([f"{year}{mo:02d}" for mo in months]) if monthly else np.full(m, str(year))
    b = kind == 1  # a breakdown: one of the three breakdown columns is not its total
    which = rng.integers(0, 3, m)
    p2 = np.where(b & (which == 0), rng.choice(partners, m), 0)
    customs = np.where(b & (which == 1), np.array(["C01", "C03", "C20"])[rng.integers(0, 3, m)], "C00")
    mot = np.where(b & (which == 2), np.array(["1000", "2000", "9000"])[rng.integers(0, 3, m)], "0")
    unit = np.array(UNITS)[rng.integers(0, len(UNITS), m)]
    value_s = np.char.mod("%.2f", value).astype(object)
    value_s[rng.random(m) < empty] = ""
    qty_s = np.char.mod("%.1f", qty).astype(object)
    qty_s[(rng.random(m) < empty * 5) | (unit == "N/A")] = ""
    level = np.where(hs == "TOTAL", 0, np.char.str_len(hs.astype(str)))
    desc = {97: "EU", 899: "Areas, nes", 839: "Special Categories"}
    return pd.DataFrame(
        {
            "typeCode": "C", "freqCode": "M" if monthly else "A", "refPeriodId": period, "refYear": year,
            "refMonth": months if monthly else 52, "period": period, "reporterCode": rep, "reporterISO": "",
            "reporterDesc": "Reporter, a state", "flowCode": flow, "flowDesc": flow, "partnerCode": par,
            "partnerISO": "", "partnerDesc": [desc.get(int(x), "Partner") for x in par], "partner2Code": p2,
            "partner2ISO": "", "partner2Desc": "", "classificationCode": classification,
            "classificationSearchCode": "HS", "isOriginalClassification": True, "cmdCode": hs,
            "cmdDesc": "Goods, of a kind", "aggrLevel": level, "isLeaf": level == 6, "customsCode": customs,
            "customsDesc": "", "mosCode": 0, "motCode": mot, "motDesc": "", "qtyUnitCode": 8,
            "qtyUnitAbbr": unit, "qty": qty_s, "isQtyEstimated": False, "altQtyUnitCode": "", "altQtyUnitAbbr": "",
            "altQty": "", "isAltQtyEstimated": False, "netWgt": qty_s, "isNetWgtEstimated": False, "grossWgt": "",
            "isGrossWgtEstimated": False, "cifvalue": np.where(flow == "M", value_s, ""),
            "fobvalue": np.where(flow == "X", value_s, ""), "primaryValue": value_s, "legacyEstimationFlag": 0,
            "isReported": True, "isAggregate": False,
        },
        columns=COLUMNS,
    )  # fmt: skip


def write(df: pd.DataFrame, out: Path, compress: bool = False) -> Path:
    out = Path(out)
    if compress:
        with gzip.open(out, "wt", encoding="utf-8", newline="") as f:
            df.to_csv(f, index=False)
    else:
        df.to_csv(out, index=False)
    return out


def generate(
    out: Path, n: int = 1_000_000, chunk: int = 1_000_000, compress: bool = False, base: int = 0, **kw
) -> Path:
    """A file of ``n`` rows, written ``chunk`` rows at a time (each chunk other reporters: keys stay unique)."""
    out = Path(out)
    if n <= chunk:
        return write(rows(n, first_reporter=base, **kw), out, compress)
    opener = gzip.open(out, "wt", encoding="utf-8", newline="") if compress else open(out, "w", newline="")
    seed = kw.pop("seed", 0)
    with opener as f:
        for k, start in enumerate(range(0, n, chunk)):
            first = base + k * kw.get("n_reporters", 5)
            df = rows(min(chunk, n - start), seed=seed * 1000 + k, first_reporter=first, **kw)
            df.to_csv(f, index=False, header=k == 0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--year", type=int, default=2022)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gzip", action="store_true")
    a = ap.parse_args()
    generate(a.out, a.rows, year=a.year, seed=a.seed, compress=a.gzip)


if __name__ == "__main__":
    main()
