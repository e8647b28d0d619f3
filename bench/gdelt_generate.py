"""Write synthetic GDELT 2.0 event files (61 tab-separated columns, no header) of realistic size, fast.

Real GDELT 2.0 carries roughly 150–250 thousand events a day; one month is about 6 million. Each file here
is one day (the 96 quarter-hour exports of a day concatenated). Every value is a hash of (seed, file, row):
the same call writes the same bytes on any machine and any thread count (DuckDB's ``random()`` is not
reproducible under parallel execution). Shapes follow real exports:

* actor countries from a skewed mix (USA, CHN, RUS … first; three CAMEO regions last), about 30%/45% of
  actor 1/actor 2 without a country;
* CAMEO event codes with their base and root code and the QuadClass the root implies; Goldstein scores,
  mentions/sources/articles skewed towards 1, tone;
* ``SQLDATE`` mostly the file's day, with a tail reaching back about four months (events reported late), so
  a few days of files cover several months;
* repeated event ids, as overlapping downloads give them: ~0.1% of rows are exact copies of the row before
  (same file), and ~0.02% of a file's rows reuse an id of the previous file with other values.

The whole line is built as one string in SQL (constant runs of columns are one literal) and written by one
``COPY`` with no quoting: about 2 M events (0.85 GB) in under 10 s on two cores.

    python bench/gdelt_generate.py --out /tmp/dyadwatch-bench-gdelt --days 30 --per-day 200000
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import duckdb

from dyadwatch.sources.gdelt import V2_COLUMNS

# A skewed mix: earlier codes are drawn more often (u^2.2); the last three are CAMEO regions.
COUNTRIES = (
    "USA CHN RUS GBR IND FRA DEU ISR IRN UKR JPN TUR PAK SYR AFG KOR PRK CAN AUS SAU IRQ EGY BRA MEX NGA ZAF ITA "
    "ESP KAZ VNM PHL IDN POL BLR GEO ARM AZE MNG UZB EUR AFR MEA"
).split()
CODES = ["010", "020", "036", "040", "042", "043", "046", "051", "057", "061", "071", "080", "090", "100",
         "111", "112", "120", "130", "138", "141", "163", "173", "190", "193", "195"]  # fmt: skip
QUAD = {"01": 1, "02": 1, "03": 1, "04": 1, "05": 1, "06": 2, "07": 2, "08": 2, "09": 3, "10": 3, "11": 3,
        "12": 3, "13": 3, "14": 3, "15": 4, "16": 4, "17": 4, "18": 4, "19": 4, "20": 4}  # fmt: skip
WITHIN_DUP = 997  # row i with i % 997 == 500 repeats row i - 1 exactly
CROSS_DUP = 4999  # row j with j % 4999 == 1 (not in the first file) takes an id of the previous file
_GEO = ["4", "Moscow, Moskva, Russia", "RS", "RS48", "25116", "55.7522", "37.6156", "-2960561"]


def _sql_list(xs: list[str]) -> str:
    return "[" + ", ".join(f"'{x}'" for x in xs) + "]"


def _u(salt: int) -> str:
    """A uniform number in [0, 1) from the row key ``j``: deterministic, independent per ``salt``."""
    return f"((hash(j, {salt}) % 1000003) / 1000003.0)"


def _pick(choices: list[str], index: str) -> str:
    """``choices[index]`` (0-based) in SQL: a lookup in a constant list, far cheaper per row than formatting."""
    return f"list_element({_sql_list(choices)}, 1 + ({index})::INT)"


def day_sql(day: dt.date, first_id: int, n: int, k: int = 0, seed: int = 42) -> str:
    """One file's lines: a single VARCHAR column holding the 61 tab-separated fields."""
    s = seed * 1000 + k * 100  # salts of this file: its rows differ from every other file's
    back = 120  # SQLDATE reaches back this many days
    dates = [day - dt.timedelta(days=b) for b in range(back + 1)]
    date_txt = [f"{d:%Y%m%d}\t{d:%Y%m}\t{d:%Y}\t{d.year + d.timetuple().tm_yday / 365:.4f}" for d in dates]

    def actor(c: str, typ: str) -> str:  # Code, Name, CountryCode, 4 empty codes, Type1..3, and the next tab
        return f"{c}\t{'ACTOR NAME ' + c if c else ''}\t{c}\t\t\t\t\t{typ}\t\t\t"

    actors = [actor(c, t) for t in ("", "GOV", "MIL") for c in ("", *COUNTRIES)]
    na = len(COUNTRIES) + 1
    events = [f"{r}\t{c}\t{c}\t{c[:2]}\t{QUAD[c[:2]]}" for r in ("0", "1") for c in CODES]
    gold = [f"{x / 10:.1f}" for x in range(-100, 101)]
    added = [f"{day:%Y%m%d}{h:02d}0000" for h in range(24)]
    geo = "\t".join(_GEO)
    cross = f"{k} > 0 AND j % {CROSS_DUP} = 1"

    def country(salt_null: int, p_null: float, salt: int) -> str:  # 0 = no country, else 1 + skewed index
        return (f"CASE WHEN {_u(salt_null)} < {p_null} THEN 0 "
                f"ELSE 1 + floor(pow({_u(salt)}, 2.2) * {len(COUNTRIES)})::INT END")  # fmt: skip

    inner = f"""
        SELECT CASE WHEN {cross} THEN {first_id} - 1 - j // {CROSS_DUP} ELSE {first_id} + j END AS id,
               floor(pow({_u(s + 1)}, 6) * {back + 1})::INT AS d,
               {country(s + 2, 0.3, s + 3)} + {na} * (CASE WHEN {_u(s + 7)} < 0.4 THEN 1 ELSE 0 END) AS a1,
               {country(s + 4, 0.45, s + 5)} + {na} * (CASE WHEN {_u(s + 8)} < 0.3 THEN 2 ELSE 0 END) AS a2,
               floor({_u(s + 6)} * {len(CODES)})::INT + {len(CODES)} * (CASE WHEN {_u(s + 9)} < 0.6 THEN 1 ELSE 0 END)
                 AS ev,
               floor({_u(s + 10)} * 201)::INT AS g, {_u(s + 11)} AS u11, {_u(s + 12)} AS u12, {_u(s + 13)} AS u13,
               floor({_u(s + 14)} * 24)::INT AS h
        FROM (SELECT CASE WHEN i % {WITHIN_DUP} = 500 THEN i - 1 ELSE i END AS j FROM range({n}) t(i))
    """
    # One concat() per row (a single allocation), in V2_COLUMNS order; the constant runs are literals.
    line = ", ".join([
        "id::VARCHAR", "'\t'", _pick(date_txt, "d"), "'\t'", _pick(actors, "a1"), _pick(actors, "a2"),
        _pick(events, "ev"), "'\t'", _pick(gold, "g"),
        "'\t'", "(1 + floor(pow(u11, 4) * 60)::INT)::VARCHAR",
        "'\t'", "(1 + floor(pow(u12, 4) * 8)::INT)::VARCHAR",
        "'\t'", "(1 + floor(pow(u12, 4) * 50)::INT)::VARCHAR",
        "'\t'", "round(u13 * 16 - 10, 10)::VARCHAR",
        f"'\t{geo}\t{geo}\t{geo}\t'", _pick(added, "h"),
        "'\thttps://www.example-news-site.com/world/2024/story-'", "id::VARCHAR", "'-diplomatic-talks.html'",
    ])  # fmt: skip
    return f"SELECT concat({line}) AS line FROM ({inner})"


def generate(
    out: Path, days: int = 30, per_day: int = 200_000, start: dt.date = dt.date(2024, 1, 1), seed: int = 42
) -> list[Path]:
    """Write ``days`` files of ``per_day`` events (named by day, as GDELT 2.0's exports) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"preserve_insertion_order": False})  # lines in any order: a file is a set
    files = []
    for k in range(days):
        day = start + dt.timedelta(days=k)
        path = out / f"{day:%Y%m%d}000000.export.CSV"
        sql = day_sql(day, 1_000_000_000 + k * per_day, per_day, k, seed)
        con.execute(f"COPY ({sql}) TO '{path}' (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '')")
        with open(path, "rb") as fh:  # the line is assembled by hand: a lost tab would shift every column
            if fh.readline().count(b"\t") != len(V2_COLUMNS) - 1:
                raise AssertionError(f"{path}: line 1 does not have the {len(V2_COLUMNS)} GDELT 2.0 columns")
        files.append(path)
    con.close()
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/dyadwatch-bench-gdelt"))
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--per-day", type=int, default=200_000)
    a = ap.parse_args()
    t0 = time.perf_counter()
    files = generate(a.out, a.days, a.per_day)
    size = sum(f.stat().st_size for f in files) / 1e9
    print(f"wrote {len(files)} files, {a.days * a.per_day:,} events, {size:.2f} GB in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
