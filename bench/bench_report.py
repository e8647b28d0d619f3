"""Benchmark: the China–Russia report and the quick commands, as a user runs them (CLI start included).

    .venv/bin/python bench/bench_report.py [--db FULL.duckdb] [--data ../shared/data] [--reps 5]

Each command runs as a fresh ``dyadwatch`` process; the script prints, per command, the median wall time,
the median CPU time of the process (user + system: on a busy shared machine the wall time mostly
measures the neighbours, the CPU time much less so) and the ratio of the wall median to a baseline
measured in the same run: ``python -c "import pandas"``, the least any data command does.

* **pack**: an empty ``XDG_DATA_HOME`` and no ``DYADWATCH_DB``, so the embedded pack answers.
  ``assess``, ``claims check`` and ``report`` each run twice: with an empty cache each time (a first run: no
  chart drawn, no result kept, ``caches.py``), and with the cache the previous run filled (every later run on
  the same data and dyadwatch).
* **warehouse**: ``DYADWATCH_DB=FULL.duckdb`` holding every shared file (``tests/shared_layout.py``); built
  there by ``ingest_all`` when the file does not exist (about 80 s). ``--no-warehouse`` skips it.

Targets (issue 9, quiet 2-core machine): report from the pack ≤ 1.5 s, with every file ingested ≤ 3 s,
assess ≤ 0.5 s, claims check ≤ 1 s, ``--help`` ≤ 0.3 s. The script runs whatever ``dyadwatch`` package
Python imports, so ``PYTHONPATH=OLD_CHECKOUT/src`` measures another version with the same script.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("dyadwatch"))


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one process; a non-zero exit stops the benchmark with its stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(argv, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {p.returncode}:\n{p.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median(argv: list[str], env: dict[str, str], reps: int, before_each=None) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(reps):
        if before_each:
            before_each()
        w, c = run(argv, env)
        walls.append(w)
        cpus.append(c)
    return statistics.median(walls), statistics.median(cpus)


def full_warehouse(path: Path, data: Path) -> Path:
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT / "tests"))
    import warnings

    from dyadwatch.warehouse import Warehouse
    from shared_layout import ingest_all

    print(f"building {path} from {data} …", flush=True)
    with warnings.catch_warnings(), Warehouse(path) as wh:
        warnings.simplefilter("ignore")  # the loaders' DataWarnings (notes for readers), not errors
        ingest_all(wh, data)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "dyadwatch-bench-full.duckdb")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--no-warehouse", action="store_true")
    args = ap.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="dyadwatch-bench-"))
    out = scratch / "out"
    # PYTHONDONTWRITEBYTECODE: without .pyc files every process compiles dyadwatch's sources (0.1–0.2 s), which
    # an installed package never does
    drop = ("DYADWATCH_DB", "DYADWATCH_CHART_CACHE", "DYADWATCH_CACHE", "DYADWATCH_RESULT_CACHE",
            "PYTHONDONTWRITEBYTECODE")  # fmt: skip
    base_env = {k: v for k, v in os.environ.items() if k not in drop}
    pack_env = base_env | {"XDG_DATA_HOME": str(scratch / "data"), "XDG_CACHE_HOME": str(scratch / "cache")}
    cold_cache = scratch / "cold-cache"

    def empty_cache() -> None:
        shutil.rmtree(cold_cache, ignore_errors=True)

    def both(name: str, argv: list[str], env: dict[str, str], target: float | None, cold_reps: int) -> None:
        """A first run (empty cache: no chart drawn, no result kept yet) and every later one (cache filled)."""
        cold = env | {"XDG_CACHE_HOME": str(cold_cache)}
        rows.append((f"{name}, first run", *median(argv, cold, cold_reps, empty_cache), None))
        run(argv, env)  # fills the cache, as a user's first run does
        rows.append((f"{name}, later runs", *median(argv, env, args.reps), target))

    report = [EXE, "report", "CHN", "RUS", "--out", str(out)]
    rows: list[tuple[str, float, float, float | None]] = []
    base_wall, base_cpu = median([sys.executable, "-c", "import pandas"], base_env, args.reps)
    rows.append(('baseline: python -c "import pandas"', base_wall, base_cpu, None))
    cold_reps = min(args.reps, 3)
    both("dyadwatch --help", [EXE, "--help"], pack_env, 0.3, cold_reps)  # later runs print the kept text
    both("assess CHN RUS (pack)", [EXE, "assess", "CHN", "RUS"], pack_env, 0.5, cold_reps)
    both("claims check (pack)", [EXE, "claims", "check"], pack_env, 1.0, cold_reps)
    both("report CHN RUS (pack)", report, pack_env, 1.5, cold_reps)
    if not args.no_warehouse:
        wh_env = pack_env | {"DYADWATCH_DB": str(full_warehouse(args.db, args.data))}
        both("report CHN RUS (every file ingested)", report, wh_env, 3.0, 1)
        both("assess CHN RUS (every file ingested)", [EXE, "assess", "CHN", "RUS"], wh_env, None, 1)
    shutil.rmtree(scratch, ignore_errors=True)

    load = os.getloadavg()[0]
    print(f"{args.reps} runs each; load average {load:.1f} on {os.cpu_count()} cores at the end")
    print(f"{'command':50s} {'wall median':>12s} {'cpu median':>11s} {'ratio':>7s}  target")
    for name, wall, cpu, target in rows:
        met = "" if target is None else f"≤ {target:.1f} s: {'met' if wall <= target else 'not met'}"
        print(f"{name:50s} {wall:10.2f} s {cpu:9.2f} s {wall / base_wall:6.1f}×  {met}")


if __name__ == "__main__":
    main()
