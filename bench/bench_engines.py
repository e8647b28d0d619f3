"""What the Spark path costs on one machine: the same indicators on DuckDB and on Spark local[2], in one run.

Builds a warehouse from the shared data (or takes ``--db``), exports it to a lake, and times each indicator
on the DuckDB warehouse and on ``SparkStore`` over the lake (medians of ``--repeat`` runs, after one warm-up
run each, so Spark's session start and first-query JIT are not counted; the session start is printed apart).

    PYTHONPATH=src .venv/bin/python bench/bench_engines.py [--db full.duckdb] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _median(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up: caches, JIT, the first read of each Parquet file
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    here = Path(__file__).resolve()
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=here.parents[2] / "shared" / "data")
    ap.add_argument("--db", type=Path, help="an existing full warehouse (else one is built from --shared)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from dyadwatch import api, lake
    from dyadwatch.engines.spark import SparkStore, local_session
    from dyadwatch.indicators import trade
    from dyadwatch.indicators import votes_panel as vp
    from dyadwatch.warehouse import Warehouse

    tmp = Path(tempfile.mkdtemp(prefix="bench-engines-"))
    db = args.db
    if db is None:
        sys.path.insert(0, str(here.parents[1] / "tests"))
        from shared_layout import ingest_all

        db = tmp / "full.duckdb"
        with Warehouse(db) as wh:
            ingest_all(wh, args.shared)
    with Warehouse(db, read_only=True) as wh:
        lake.export(wh.con, tmp / "lake")

    t0 = time.perf_counter()
    session = local_session()
    session.sparkContext.setLogLevel("ERROR")
    print(f"Spark local[2] session start: {time.perf_counter() - t0:.1f} s (not counted below)")

    cases: list[tuple[str, Callable[[object], object]]] = [
        ("votes CHN RUS, all measures per year", lambda s: api.votes("CHN", "RUS", wh=s, measure="all")),
        ("votes all-dyads panel 2010-2019", lambda s: vp.all_dyads(s, source="unvotes", year_from=2010)),
        ("COW trade all dyads 2000-2014", lambda s: trade.cow_all_dyads(s, 2000, 2014)),
        ("events GEO RUS, dyad-month index", lambda s: api.events("GEO", "RUS", wh=s)),
    ]
    with Warehouse(db, read_only=True) as wh:
        duck = api.as_store(wh)
        spark = api.as_store(SparkStore(tmp / "lake", session))
        print(f"{'indicator':40s} {'DuckDB':>9s} {'Spark':>9s} {'ratio':>7s}  (medians of {args.repeat})")
        for name, fn in cases:
            d = _median(lambda fn=fn: fn(duck), args.repeat)
            s = _median(lambda fn=fn: fn(spark), args.repeat)
            print(f"{name:40s} {d:8.3f}s {s:8.3f}s {s / d:6.1f}x")
    session.stop()


if __name__ == "__main__":
    main()
