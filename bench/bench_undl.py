"""Benchmark of the UN Digital Library GA vote loader (``sources/undl.py``), baseline measured in the same run.

A synthetic file the size of the real one (about 5,000 resolutions × 190 member
states ≈ 950,000 rows, the Library's 20 columns, quoted titles) is generated with
DuckDB. Measured: ``undl.load`` (parse, check codes, dates, duplicates and
totals, map states, build the roll_calls and votes tables) against the bare
Arrow CSV parse of the same file. Target: load ≤ 4× the bare parse.

    python bench/bench_undl.py [--resolutions 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv

from dyadwatch import countries
from dyadwatch.sources import undl


def generate(path: Path, resolutions: int) -> int:
    states = sorted(c.iso3 for c in countries.all_countries() if c.m49 is not None)[:190]
    con = duckdb.connect()
    con.execute("CREATE TABLE s AS SELECT unnest(?) AS ms_code", [states])
    con.execute(
        f"""COPY (
          SELECT 4000000 + r AS undl_id, ms_code, upper(ms_code) || ' NAME' AS ms_name,
                 list_element(['Y', 'Y', 'Y', 'N', 'A', 'X'], 1 + floor(random() * 6)::INT) AS ms_vote,
                 (DATE '1950-01-15' + INTERVAL (r * 5) DAY)::DATE AS date, 5 + r % 75 AS session,
                 'A/RES/' || (5 + r % 75) || '/' || r AS resolution, 'A/' || (5 + r % 75) || '/PV.' || r AS meeting,
                 'Resolution, number ' || r AS title, 'Agenda item ' || (r % 150) AS agenda_title,
                 'SUBJECT A|SUBJECT B' AS subjects, 'Voting' AS modality, 'A/L.' || r AS draft, '' AS committee_report,
                 NULL AS total_yes, NULL AS total_no, NULL AS total_abstentions, NULL AS total_non_voting,
                 190 AS total_ms, 'https://digitallibrary.un.org/record/' || (4000000 + r) AS undl_link
          FROM range({resolutions}) t(r), s
        ) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    return resolutions * len(states)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--resolutions", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2025_9_19_ga_voting.csv"
        n = generate(path, args.resolutions)
        countries.all_countries()  # the country table is built once per process, not per load
        bare, load = [], []
        for _ in range(args.repeat):  # alternate, so neither side gets a warmer OS cache
            t0 = time.perf_counter()
            pacsv.read_csv(path)
            bare.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            out = undl.load([path])
            load.append(time.perf_counter() - t0)
        assert out["votes"].num_rows == n
        mb, ml = statistics.median(bare), statistics.median(load)
        print(f"{n:,} rows ({path.stat().st_size / 1e6:.0f} MB): bare Arrow parse median {mb:.2f} s, "
              f"undl.load median {ml:.2f} s, ratio {ml / mb:.1f} (target ≤ 4)")  # fmt: skip


if __name__ == "__main__":
    main()
