"""Benchmark of GDELT 2.0 by date range (``dyadwatch.fetch.gdelt2``), baselines measured in the same run.

One synthetic day of GDELT 2.0 (96 quarter-hour export zips, realistic rows from
``gdelt_generate.py``) is served by a local HTTP server on 127.0.0.1 with a
master file list (sizes, MD5s). Measured:

1. The whole range fetch (master list, MD5-verified downloads, filter to CHN,RUS)
   with 4 download workers against 1 worker. Target: 4 workers ≤ 0.8× the time of 1.
2. Filtering one export straight from its zip (DuckDB over the archive's stream,
   what ``gdelt2`` does) against the baseline of unpacking it to disk first and
   reading the file with the same filter. Target: ≤ 1.2× the baseline, and no
   unpacked copy on disk.
3. What stays on disk after the fetch: the filtered files only (no zip, no unpacked export), their bytes
   against the world's unpacked bytes (the synthetic generator's actor mix is skewed towards CHN and RUS,
   so the kept share is far above real GDELT's). Target: no world file left in the cache.

    python bench/bench_fetch.py                 # 96 files of 2,000 events (~1 day)
    python bench/bench_fetch.py --files 24 --per-file 1000 --repeat 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import os
import shutil
import statistics
import tempfile
import threading
import time
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb

from dyadwatch.fetch.cache import Cache
from dyadwatch.fetch.core import fetch
from dyadwatch.fetch.gdelt2 import cameo_codes, filter_export
from dyadwatch.sources.gdelt import V2_COLUMNS

HOST = "http://data.gdeltproject.org"


def make_day(root: Path, files: int, per_file: int) -> list[Path]:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from gdelt_generate import day_sql

    day = dt.date(2024, 3, 1)
    out = root / "gdeltv2"
    out.mkdir(parents=True)
    lines, zips = [], []
    con = duckdb.connect()
    for k in range(files):
        stamp = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=15 * k)
        name = f"{stamp:%Y%m%d%H%M%S}.export.CSV"
        tsv = root / name
        sql = day_sql(day, 10_000_000 + k * per_file, per_file)
        con.execute(f"COPY ({sql}) TO '{tsv}' (DELIMITER '\t', HEADER false, QUOTE '')")
        z = out / (name + ".zip")
        with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(tsv, name)
        tsv.unlink()
        body = z.read_bytes()
        lines.append(f"{len(body)} {hashlib.md5(body).hexdigest()} {HOST}/gdeltv2/{z.name}")
        zips.append(z)
    (out / "masterfilelist.txt").write_text("\n".join(lines) + "\n")
    return zips


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def time_fetch(url: str, workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        fetch("gdelt", cache=Cache(Path(tmp)), mirror=url, workers=workers,
              params={"date_from": "2024-03-01", "date_to": "2024-03-01", "states": "CHN,RUS"})  # fmt: skip
        return time.perf_counter() - t0


def unzip_then_filter(z: Path, out: Path, codes: list[str]) -> None:
    tmp = Path(tempfile.mkdtemp())
    try:
        with zipfile.ZipFile(z) as zf:
            zf.extractall(tmp)
        src = next(tmp.iterdir())
        spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in V2_COLUMNS) + "}"
        lst = ", ".join(f"'{c}'" for c in codes)
        duckdb.connect().execute(
            f"COPY (SELECT * FROM read_csv('{src}', delim='\t', header=false, quote='', escape='', columns={spec}, "
            f"auto_detect=false) WHERE Actor1CountryCode IN ({lst}) OR Actor2CountryCode IN ({lst})) "
            f"TO '{out}' (DELIMITER '\t', HEADER false, QUOTE '')"
        )
    finally:
        shutil.rmtree(tmp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=96)
    ap.add_argument("--per-file", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="dyadwatch-bench-fetch-"))
    try:
        zips = make_day(root, args.files, args.per_file)
        world = sum(z.stat().st_size for z in zips)
        httpd, url = serve(root)
        one, four = [], []
        for _ in range(args.repeat):  # alternate, so neither side gets a warmer OS cache
            one.append(time_fetch(url, 1))
            four.append(time_fetch(url, 4))
        httpd.shutdown()
        m1, m4 = statistics.median(one), statistics.median(four)
        print(f"range fetch, {args.files} files x {args.per_file:,} events ({world / 1e6:.1f} MB zipped)")
        print(f"  1 worker  median {m1:.2f} s   4 workers median {m4:.2f} s   ratio {m4 / m1:.2f} (target ≤ 0.8)")

        codes = cameo_codes(["CHN", "RUS"])
        stream, unzip = [], []
        out = root / "out.tsv"
        for _ in range(args.repeat):
            for fn, acc in ((filter_export, stream), (unzip_then_filter, unzip)):
                t0 = time.perf_counter()
                for z in zips[:24]:
                    fn(z, out, codes)
                acc.append(time.perf_counter() - t0)
        ms, mu = statistics.median(stream), statistics.median(unzip)
        print(f"filter 24 exports: from the zip stream {ms:.2f} s   unzip to disk then read {mu:.2f} s   "
              f"ratio {ms / mu:.2f} (target ≤ 1.2)")  # fmt: skip
        unpacked = sum(i.file_size for z in zips for i in zipfile.ZipFile(z).infolist())
        with tempfile.TemporaryDirectory() as tmp:
            httpd, url = serve(root)
            res = fetch("gdelt", cache=Cache(Path(tmp)), mirror=url,
                        params={"date_from": "2024-03-01", "date_to": "2024-03-01", "states": "CHN,RUS"})  # fmt: skip
            httpd.shutdown()
            kept = sum(os.path.getsize(p) for p in res.paths)
            left = [p for p in Path(tmp).rglob("*") if p.is_file() and p.name.endswith((".zip", ".part"))]
        print(f"on disk: {kept / 1e6:.2f} MB filtered of {unpacked / 1e6:.1f} MB unpacked world "
              f"({kept / unpacked:.1%}); world files left in the cache: {len(left)} (target 0)")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
