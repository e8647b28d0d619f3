"""Benchmark: the verdict and the claims check, from the embedded pack and from a warehouse.

Prints medians (seconds) and the ratio to a baseline measured in the same run: one ``api.votes``
call (the cheapest thing the verdict needs). Run:

    .venv/bin/python bench/bench_assess.py [--db WAREHOUSE] [--reps 5]

Without ``--db`` only the pack timings run. Targets (2 cores): the verdict from the pack under 50×
the baseline; the article's claims check (110 claims) under 10 s from the pack.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def _median(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    # pack basis: no warehouse at the default location (an explicit path that does not exist is an error)
    os.environ.pop("DYADWATCH_DB", None)
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp()
    from dyadwatch import api, assess
    from dyadwatch.claims import engine

    base = _median(lambda: api.votes("CHN", "RUS"), args.reps)
    rows = [("baseline: api.votes CHN RUS (pack)", base)]
    rows.append(("assess CHN RUS (pack)", _median(lambda: assess.assess("CHN", "RUS"), args.reps)))
    rows.append(("references, 7 dyads (pack)", _median(lambda: assess.references(), args.reps)))
    rows.append(("claims check, article (pack)", _median(lambda: engine.check(), max(1, args.reps // 2))))
    if args.db:
        from dyadwatch.warehouse import Warehouse

        with Warehouse(args.db, read_only=True) as wh:
            t0 = time.perf_counter()
            assess.assess("CHN", "RUS", wh=wh)  # builds the all-dyads vote panel once
            rows.append(("assess CHN RUS (warehouse, first call)", time.perf_counter() - t0))
            rows.append(("assess CHN RUS (warehouse, cached panel)",
                         _median(lambda: assess.assess("CHN", "RUS", wh=wh), args.reps)))  # fmt: skip
            rows.append(("claims check, article (warehouse)", _median(lambda: engine.check(wh=wh), 1)))
    for name, t in rows:
        print(f"{name:45s} median {t:8.3f} s   ratio {t / base:8.1f}×")


if __name__ == "__main__":
    main()
