"""Benchmark: `dyadwatch serve` under 50 concurrent clients on loopback, against a static-file baseline.

Starts the dashboard in a child process on a free 127.0.0.1 port (the embedded pack, or ``--db``
for a warehouse), with the China–Russia report (``dyadwatch report``) mounted at ``/files`` in the
same server. Then, each for ``--duration`` seconds, ``--clients`` keep-alive clients request:

1. baseline: the static report file, served by the same server (same middleware, no computation);
2. dashboard: a mix of dyad pages (several dyads, year ranges and measures) and API calls.

Prints requests, throughput, p50/p95/p99 latency, errors and each ratio to the baseline, the
server's peak RSS, and "first dyad page after start": the seconds from spawning the server to
listening, and the latency of the first (cold) dyad page. Before the timed phases, one request
per URL of the mix is made in turn and its cold (uncached) time reported. Stops by itself. Run:

    .venv/bin/python bench/bench_serve.py                  # the real run: 60 s per phase
    .venv/bin/python bench/bench_serve.py --duration 5     # a quick run
    .venv/bin/python bench/bench_serve.py --db ~/.local/share/dyadwatch/warehouse.duckdb
    .venv/bin/python bench/bench_serve.py --first-pages 5   # only the first pages after start, 5 starts

Targets (issue 11, 2 cores): pack p95 ≤ 100 ms, p99 ≤ 250 ms, 0 errors; warehouse p95 ≤ 250 ms;
first dyad page after start ≤ 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DYADS = ["CHN-RUS", "USA-GBR", "IND-RUS", "CHN-PAK", "RUS-BLR", "USA-CHN", "KAZ-CHN", "DEU-FRA"]
MEASURES = ["agreement", "kappa", "s_abs"]


def dashboard_urls() -> list[str]:
    """The dashboard phase's request mix: pages and API calls a reader's views would make."""
    urls = []
    for d in DYADS:
        a, b = d.split("-")
        urls += [f"/dyad/{a}/{b}", f"/dyad/{a}/{b}?from=2000&measure=kappa", f"/api/votes?a={a}&b={b}&measure=all",
                 f"/api/alliances?a={a}&b={b}", f"/api/trade?a={a}&b={b}&from=1990", f"/api/assess?a={a}&b={b}",
                 f"/api/idealpoints?state={a}&state={b}"]  # fmt: skip
    for m in MEASURES:
        urls.append(f"/api/compare?dyad=CHN-RUS&dyad=USA-GBR&dyad=IND-RUS&indicator={m}")
        urls.append(f"/api/votes?a=CHN&b=RUS&measure={m}&from=1992")
    return urls


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ------------------------------------------------------------------ the server (child process)


def serve(port: int, db: str | None, files: str) -> None:
    import uvicorn
    from fastapi.staticfiles import StaticFiles

    from dyadwatch.web.app import create_app

    app = create_app(db)
    app.fastapi.mount("/files", StaticFiles(directory=files), name="files")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# ------------------------------------------------------------------ the clients


async def _get(reader, writer, path: str) -> tuple[int, int]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:  # chunked
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    return status, len(body)


async def _client(port: int, urls: list[str], offset: int, deadline: float, lat: list, errors: list) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = offset
    try:
        while time.perf_counter() < deadline:
            path = urls[i % len(urls)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, _ = await _get(reader, writer, path)
            except (OSError, asyncio.IncompleteReadError) as e:
                errors.append(f"{path}: {e!r}")
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            lat.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(f"{path}: HTTP {status}")
    finally:
        writer.close()


async def _phase(port: int, urls: list[str], clients: int, duration: float) -> dict:
    lat: list[float] = []
    errors: list[str] = []
    t0 = time.perf_counter()
    deadline = t0 + duration
    await asyncio.gather(*[_client(port, urls, k * 7, deadline, lat, errors) for k in range(clients)])
    wall = time.perf_counter() - t0
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [lat[0]] * 99
    return {"n": len(lat), "rps": len(lat) / wall, "p50": statistics.median(lat), "p95": q[94], "p99": q[98],
            "errors": errors}  # fmt: skip


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _wait_listening(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise SystemExit("the server did not start")


async def _one(port: int, path: str) -> tuple[int, float]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    t0 = time.perf_counter()
    status, _ = await _get(reader, writer, path)
    writer.close()
    return status, time.perf_counter() - t0


async def _page_and_sections(port: int, path: str) -> tuple[float, float, int]:
    """The page's own latency, and the seconds until its lazy sections have all answered too (fetched at once
    after the page, as the browser does): (page, page + sections, number of sections)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    t0 = time.perf_counter()
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    raw = await reader.read()
    page = time.perf_counter() - t0
    writer.close()
    lazy = re.findall(r'data-lazy="([^"]+)"', raw.decode("utf-8", "replace"))
    got = await asyncio.gather(*[_one(port, html.unescape(u)) for u in lazy])
    assert all(st == 200 for st, _ in got), got
    return page, time.perf_counter() - t0, len(lazy)


def first_pages(args, repeat: int) -> None:
    """Start the server ``repeat`` times; each time, time listening and the first dyad pages. Medians."""
    rows = []
    for _ in range(repeat):
        port = free_port()
        t_spawn = time.perf_counter()
        cmd = [sys.executable, __file__, "--serve", "--port", str(port), "--files", tempfile.mkdtemp()]
        proc = subprocess.Popen([*cmd, *(["--db", str(args.db)] if args.db else [])])
        try:
            _wait_listening(port, proc)
            listen = time.perf_counter() - t_spawn
            p1, all1, n = asyncio.run(_page_and_sections(port, "/dyad/CHN/RUS"))
            p2, all2, _ = asyncio.run(_page_and_sections(port, "/dyad/USA/JPN"))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        rows.append((listen, p1, all1, p2, all2))
        print(f"  listening {listen:.2f} s; /dyad/CHN/RUS {p1 * 1e3:.0f} ms (with its {n} lazy sections "
              f"{all1 * 1e3:.0f} ms); /dyad/USA/JPN {p2 * 1e3:.0f} ms ({all2 * 1e3:.0f} ms)")  # fmt: skip
    med = [statistics.median(c) for c in zip(*rows, strict=True)]
    print(f"median of {repeat} starts: listening {med[0]:.2f} s after spawn; first /dyad/CHN/RUS {med[1] * 1e3:.0f} ms "
          f"(page + lazy sections {med[2] * 1e3:.0f} ms); then /dyad/USA/JPN {med[3] * 1e3:.0f} ms "
          f"({med[4] * 1e3:.0f} ms)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=60.0, help="seconds per phase (60 for the real run)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--db", type=Path, default=None, help="a warehouse (default: the embedded pack)")
    ap.add_argument(
        "--first-pages",
        type=int,
        default=0,
        metavar="N",
        help="only measure the first dyad pages after start, over N server starts (medians)",
    )
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--files", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    db = str(args.db) if args.db else None
    if db is None:
        # The pack: a named warehouse that does not exist is an error, so the default location is made empty
        # (an empty XDG_DATA_HOME, inherited by the server process) and no DYADWATCH_DB points elsewhere.
        os.environ["XDG_DATA_HOME"] = str(tmp / "xdg")
        os.environ.pop("DYADWATCH_DB", None)
    if args.serve:
        serve(args.port, db, args.files)
        return
    if args.first_pages:
        first_pages(args, args.first_pages)
        return

    from dyadwatch.report import build_report

    report = build_report("CHN", "RUS", tmp / "files", db=db)
    port = free_port()
    t_spawn = time.perf_counter()
    cmd = [sys.executable, __file__, "--serve", "--port", str(port), "--files", str(report.parent)]
    proc = subprocess.Popen([*cmd, *(["--db", db] if args.db else [])])
    try:
        _wait_listening(port, proc)
        t_listen = time.perf_counter() - t_spawn
        status, first = asyncio.run(_one(port, "/dyad/CHN/RUS"))
        status2, other = asyncio.run(_one(port, "/dyad/USA/JPN"))  # a dyad the start-up did not touch
        assert status == status2 == 200, (status, status2)
        basis = "warehouse" if args.db else "pack"
        print(f"store: {basis}; {args.clients} clients; {args.duration:g} s per phase; report file "
              f"{report.stat().st_size / 1e3:.0f} kB")  # fmt: skip
        print(f"first dyad page after start: listening {t_listen:.2f} s after spawn, first /dyad/CHN/RUS "
              f"{first * 1e3:.0f} ms (cold page; its verdict was computed at start-up), {t_listen + first:.2f} s "
              f"from spawn; then /dyad/USA/JPN {other * 1e3:.0f} ms (nothing of it computed before)")  # fmt: skip
        # One pass over the mix first, one request at a time: each view's cold (uncached) time, reported
        # apart; the timed phases then measure serving repeated views, as readers make them.
        cold = [asyncio.run(_one(port, u)) for u in dashboard_urls()]
        assert all(st == 200 for st, _ in cold), [
            u for u, (st, _) in zip(dashboard_urls(), cold, strict=True) if st != 200
        ]
        cold_t = sorted(t for _, t in cold)
        print(f"cold pass over the {len(cold)} URLs of the mix: median {statistics.median(cold_t) * 1e3:.0f} ms, "
              f"max {cold_t[-1] * 1e3:.0f} ms")  # fmt: skip
        base = asyncio.run(_phase(port, [f"/files/{report.name}"], args.clients, args.duration))
        dash = asyncio.run(_phase(port, dashboard_urls(), args.clients, args.duration))
        rss = _peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"{'phase':38s} {'requests':>9s} {'req/s':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'errors':>7s}")
    for name, r in (("baseline: static report file", base), ("dashboard: dyad pages + API", dash)):
        print(f"{name:38s} {r['n']:9d} {r['rps']:8.0f} {r['p50'] * 1e3:8.1f} {r['p95'] * 1e3:8.1f} "
              f"{r['p99'] * 1e3:8.1f} {len(r['errors']):7d}")  # fmt: skip
    print(f"ratio dashboard / baseline: p50 {dash['p50'] / base['p50']:.2f}×, p95 {dash['p95'] / base['p95']:.2f}×, "
          f"p99 {dash['p99'] / base['p99']:.2f}×, throughput {dash['rps'] / base['rps']:.2f}×")  # fmt: skip
    print(f"server peak RSS: {rss:.0f} MB")
    target = 0.100 if basis == "pack" else 0.250
    ok = dash["p95"] <= target and (basis != "pack" or dash["p99"] <= 0.250) and not dash["errors"]
    ok = ok and max(first, other) <= 1
    print(f"targets ({basis}: p95 ≤ {target * 1e3:.0f} ms" + (", p99 ≤ 250 ms" if basis == "pack" else "")
          + ", 0 errors, first dyad page ≤ 1 s): " + ("met" if ok else "NOT met"))  # fmt: skip
    for e in (base["errors"] + dash["errors"])[:5]:
        print("  error:", e)


if __name__ == "__main__":
    main()
