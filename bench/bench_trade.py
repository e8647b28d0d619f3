"""Trade benchmarks: COW all-dyad shares/asymmetry/rank, and the BACI indicator suite vs a bare DuckDB scan.

    python bench/bench_trade.py [--shared ../shared/data] [--baci-flows 8000000] [--baci-file F] [--repeat 3]

Prints medians and ratios measured side by side in the same run. Targets (issue 4): COW all dyads
(≈670k dyad-years) ≤ 5 s; the BACI indicator suite (TII, Grubel–Lloyd, HHI per dyad; RCA per
exporter-product) ≤ 3× a bare DuckDB aggregate scan of the same data, with bounded memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_cow(shared: Path, tmp: Path, repeat: int) -> None:
    from dyadwatch import sources
    from dyadwatch.indicators import trade
    from dyadwatch.warehouse import Warehouse

    with Warehouse(tmp / "cow.duckdb") as wh:
        files = [shared / "trade/cow_trade_ndy.rda", shared / "trade/cow_trade_sy.rda"]
        wh.ingest(sources.get("cow_trade"), files)
        n = wh.con.execute("SELECT count(*) FROM trade_dyad_year").fetchone()[0]
        q = "SELECT iso3_a, year, sum(flow1 + flow2) FROM trade_dyad_year GROUP BY ALL"
        bare = _median(lambda: wh.con.execute(q).fetchall(), repeat)
        expr = _median(lambda: trade.cow_all_dyads_expr(wh).to_pyarrow(), repeat)
        full = _median(lambda: trade.cow_all_dyads(wh), repeat)
    print(f"COW all dyads: {n} dyad-years ({2 * n} directed rows)")
    print(f"  bare DuckDB aggregate          median {bare:7.3f} s")
    print(f"  all-dyad expression to Arrow   median {expr:7.3f} s  ratio {expr / bare:5.1f}x")
    print(f"  cow_all_dyads (to pandas)      median {full:7.3f} s  target <= 5 s: {'PASS' if full <= 5 else 'FAIL'}")


def bench_baci(csv: Path, tmp: Path, repeat: int) -> None:
    from dyadwatch import sources
    from dyadwatch.indicators import trade_composition
    from dyadwatch.warehouse import Warehouse

    print(f"BACI-layout file {csv.name}: {csv.stat().st_size / 1e6:.0f} MB")
    with Warehouse(tmp / "baci.duckdb") as wh:
        t0 = time.perf_counter()
        wh.ingest(sources.get("baci"), [csv])
        ingest = time.perf_counter() - t0
        rows, n_i = wh.con.execute("SELECT count(*), count(DISTINCT reporter) FROM trade_flows").fetchone()
        q = "SELECT reporter, partner, sum(value_usd) FROM trade_flows WHERE period = '2022' GROUP BY ALL"
        bare = _median(lambda: wh.con.execute(q).fetchall(), repeat)
        qc = f"SELECT i, j, sum(v) FROM read_csv('{csv}') GROUP BY ALL"
        csv_scan = _median(lambda: wh.con.execute(qc).fetchall(), repeat)
        suite = _median(lambda: trade_composition.all_dyad_indices(wh, "2022"), repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"  {rows} HS6 flows, {n_i} exporters, ingested in {ingest:.1f} s (DuckDB → Arrow, no pandas)")
    print(f"  bare aggregate scan, CSV file          median {csv_scan:7.3f} s")
    print(f"  bare aggregate scan, warehouse table   median {bare:7.3f} s")
    print(
        f"  indicator suite (TII, GL, HHI, RCA)    median {suite:7.3f} s  = {suite / csv_scan:4.1f}x the CSV scan, "
        f"{suite / bare:4.1f}x the warehouse scan (target <= 3x)"
    )
    print(f"  peak RSS of this process {rss:.1f} GB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--baci-flows", type=int, default=8_000_000)
    ap.add_argument("--baci-file", type=Path, help="Reuse a file written by baci_generate.py.")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-cow", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dw_bench_"))
    if not args.skip_cow:
        bench_cow(args.shared, tmp, args.repeat)
    from baci_generate import generate

    csv = args.baci_file or generate(tmp / "BACI_HS17_Y2022_V202401b.csv", flows=args.baci_flows)
    bench_baci(csv, tmp, args.repeat)


if __name__ == "__main__":
    main()
