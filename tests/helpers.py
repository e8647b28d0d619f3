"""Small helpers for tests: run the real CLI entry point, snapshot a warehouse, cache parsed R files, signal a
lake ingest at random points."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

# As the machine notes advise: without these, Chromium tries the (closed) network at every start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium_path() -> str:
    """Debian's Chromium; under CI its absence fails the test (never a downloaded browser)."""
    exe = os.environ.get("DYADWATCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run must apt-get install chromium")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    return exe


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``dyadwatch ARGS`` through ``dyadwatch.cli.main``; return (exit code, stdout, stderr)."""
    from dyadwatch.cli import main

    code = 0
    try:
        main([str(a) for a in args])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    out = capsys.readouterr()
    return code, out.out, out.err


def snapshot(path) -> dict:
    """Every table's full contents, to compare a warehouse before and after."""
    if not path.exists():
        return {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()


class RCache:
    """``pyreadr.read_r`` parsing each shared R file once per session.

    Only files under the read-only shared folder are cached: a test that writes an .rda to a temporary path
    (the property tests rewrite one path many times within a millisecond) always gets a fresh parse. The key
    holds mtime and size as well, so a changed file is parsed again. Callers get copies of the frames, so a
    loader or a test that modifies its frame cannot change what the next one reads.
    """

    def __init__(self, read_r, root: Path):
        self.read_r, self.root, self.frames, self.parses = read_r, root.resolve(), {}, 0

    def __call__(self, path, *args, **kwargs):
        p = Path(path).resolve()
        if args or kwargs or not p.is_relative_to(self.root):
            return self.read_r(path, *args, **kwargs)
        st = p.stat()
        key = (str(p), st.st_mtime_ns, st.st_size)
        if key not in self.frames:
            self.frames[key] = self.read_r(str(p))
            self.parses += 1
        return OrderedDict((name, df.copy()) for name, df in self.frames[key].items())


def start_lake_ingest(source: str, files: list[Path], root: Path, **env: str) -> subprocess.Popen:
    """``dyadwatch ingest SOURCE FILES --lake ROOT`` as a child process (this checkout's code; ``env`` added)."""
    return subprocess.Popen(
        [sys.executable, "-m", "dyadwatch", "ingest", source, *map(str, files), "--lake", str(root)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def signal_lake_ingest(
    start: Callable[..., subprocess.Popen],
    content: Callable[[], object],
    took: float,
    landed: Callable[[object], None],
    seed: int = 13,
) -> list[str]:
    """kill -9, SIGINT and SIGTERM a lake ingest (``start()``: the CLI as a child) at seeded random points.

    After each, what a reader sees (``content()``) is as before, or, if the signal came after the commit, the
    whole ingest (``landed(after)`` checks it; no more signals then). An interrupt says the lake is unchanged
    (exit 130). ``took``: how long the ingest runs undisturbed, CLI start-up included.
    """
    before = content()
    rng = random.Random(seed)
    outcomes = []
    sigs = (signal.SIGKILL, signal.SIGINT, signal.SIGKILL, signal.SIGTERM, signal.SIGINT)
    # Earliest first: the CLI sets its handlers as it starts importing (``cli/__init__``), and on a fast machine
    # the whole child can end before ``took``, so the later points may all come after the commit.
    for sig, delay in zip(sigs, sorted(rng.uniform(0.3, took) for _ in sigs), strict=True):
        p = start()
        time.sleep(delay)
        p.send_signal(sig)
        _, err = p.communicate(timeout=60)
        after = content()
        if after != before:  # the signal came after the commit: the ingest landed whole
            landed(after)
            outcomes.append("committed")
            break
        outcomes.append("unchanged")
        if sig != signal.SIGKILL:
            assert p.returncode == 130, err
            assert "Interrupted; the lake is unchanged." in err
    assert "unchanged" in outcomes
    return outcomes


def kill_lake_ingest_before_commit(
    start: Callable[..., subprocess.Popen], flag: Path, paused: Callable[[], None] = lambda: None
) -> None:
    """kill -9 a lake ingest paused with every part written and nothing committed (``ingest.test_pause``);
    ``paused()`` runs while it waits (to see the staged parts)."""
    p = start(DYADWATCH_TEST_PAUSE_IN_INGEST=str(flag))
    for _ in range(600):
        if flag.exists():
            break
        time.sleep(0.1)
    assert flag.exists()
    paused()
    p.send_signal(signal.SIGKILL)
    p.communicate(timeout=30)
