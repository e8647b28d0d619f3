"""Kept results (``caches.persisted``, ``store.kept``): read back only for the same store content, request and code."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dyadwatch import caches
from dyadwatch.store import kept
from dyadwatch.warehouse import Warehouse


@pytest.fixture
def results(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "results"
    monkeypatch.setenv("DYADWATCH_RESULT_CACHE", str(d))
    return d


def _counting(value):
    calls = []

    def fn():
        calls.append(1)
        return value

    return fn, calls


def test_a_result_is_computed_once_per_identity_key_and_code(results, monkeypatch):
    fn, calls = _counting(pd.DataFrame({"x": [1.5, None]}))
    first = caches.persisted("store-a", ("k", 1), fn)
    again = caches.persisted("store-a", ("k", 1), fn)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, again)
    caches.persisted("store-b", ("k", 1), fn)  # another store's content
    caches.persisted("store-a", ("k", 2), fn)  # another request
    assert len(calls) == 3
    monkeypatch.setattr(caches, "code_digest", lambda: "other code")  # another version of dyadwatch
    caches.persisted("store-a", ("k", 1), fn)
    assert len(calls) == 4


def test_what_is_never_kept(results, monkeypatch):
    fn, calls = _counting(1)
    for _ in range(2):
        caches.persisted(None, ("k",), fn)  # a store without a content digest
        caches.persisted("s", ("k", object()), fn)  # a key whose text is an address
    assert len(calls) == 4
    monkeypatch.setenv("DYADWATCH_RESULT_CACHE", "off")
    fn, calls = _counting(1)
    caches.persisted("s", ("k",), fn)
    caches.persisted("s", ("k",), fn)
    assert len(calls) == 2
    assert not results.exists()


def test_a_damaged_file_is_a_miss_and_is_rewritten(results):
    fn, calls = _counting({"a": 1})
    caches.persisted("s", ("k",), fn)
    (path,) = results.glob("*/*.pkl")
    path.write_bytes(path.read_bytes()[:5])  # truncated: a crash of another writer, a full disk
    assert caches.persisted("s", ("k",), fn) == {"a": 1}
    assert len(calls) == 2
    assert pickle.loads(path.read_bytes()) == {"a": 1}
    assert not list(results.glob("*/*.tmp"))


def test_an_unpicklable_result_or_an_unwritable_cache_only_computes(tmp_path, monkeypatch):
    import threading

    monkeypatch.setenv("DYADWATCH_RESULT_CACHE", str(tmp_path / "r"))
    lock = threading.Lock()
    assert caches.persisted("s", ("lock",), lambda: lock) is lock
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DYADWATCH_RESULT_CACHE", str(blocker / "r"))
    assert caches.persisted("s", ("k",), lambda: 3) == 3


def test_old_stores_are_pruned(results, monkeypatch):
    monkeypatch.setattr(caches, "MAX_RESULT_STORES", 2)
    for i in range(4):
        caches.persisted(f"store-{i}", ("k",), lambda: 1)
        os.utime(next(results.glob("*")), (1, 1)) if i == 0 else None
    assert len([p for p in results.iterdir() if p.is_dir()]) == 2


@kept
def _probe(store, label, *, years=None):
    _probe.calls.append(label)
    return pd.DataFrame({"version": [store.version()], "label": [label], "years": [repr(years)]})


_probe.calls = []


def test_kept_results_follow_the_warehouse_ingest_log(shared, tmp_path, results):
    from dyadwatch.ingest import ingest
    from dyadwatch.sources import facts

    _probe.calls.clear()
    db = tmp_path / "w.duckdb"
    with Warehouse(db) as wh:
        ingest(wh, facts, [shared / "trade/reference_facts.csv"])
    with Warehouse(db, read_only=True) as wh:
        first = wh.cache_identity()
        out = _probe(wh, "a", years=[2000, 2001])
        out.loc[0, "label"] = "changed by the caller"  # a copy: the kept frame is untouched
    with Warehouse(db, read_only=True) as wh:  # another process, the same content: read back
        assert wh.cache_identity() == first
        assert _probe(wh, "a", years=[2000, 2001]).label.tolist() == ["a"]
        _probe(wh, "a", years=(2000, 2001))  # a list and a tuple of the same years are one request
    assert _probe.calls == ["a"]
    with Warehouse(db) as wh:  # a new ingest: a new identity, computed again
        ingest(wh, facts, [shared / "trade/reference_facts.csv"], force=True)
    with Warehouse(db, read_only=True) as wh:
        assert wh.cache_identity() != first
        assert _probe(wh, "a", years=[2000, 2001]).version.tolist() == ["2"]
    assert _probe.calls == ["a", "a"]


def test_kept_computes_each_time_for_arguments_that_are_not_plain(tmp_path, results):
    _probe.calls.clear()
    frame = pd.DataFrame({"x": range(100)})
    with Warehouse(tmp_path / "w.duckdb") as wh:
        _probe(wh, "f", years=frame)
        _probe(wh, "f", years=frame)
    assert _probe.calls == ["f", "f"]


def test_a_second_process_reads_what_the_first_computed(tmp_path):
    """The pack's verdict from a fresh process: the same output, and no new result written the second time."""
    env = {**os.environ, "DYADWATCH_RESULT_CACHE": str(tmp_path / "r")}
    env.pop("DYADWATCH_DB", None)
    cmd = [sys.executable, "-m", "dyadwatch", "assess", "CHN", "RUS", "--format", "csv"]
    one = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert one.returncode == 0, one.stderr
    kept_files = sorted(p.name for p in (tmp_path / "r").rglob("*.pkl"))
    assert kept_files
    two = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert two.returncode == 0, two.stderr
    assert two.stdout == one.stdout
    assert sorted(p.name for p in (tmp_path / "r").rglob("*.pkl")) == kept_files


def test_cache_show_and_clear(tmp_path, monkeypatch, capsys):
    from helpers import run_cli

    monkeypatch.setenv("DYADWATCH_CACHE", str(tmp_path / "c"))
    monkeypatch.setenv("DYADWATCH_RESULT_CACHE", str(tmp_path / "c" / "results"))
    monkeypatch.setenv("DYADWATCH_CHART_CACHE", str(tmp_path / "c" / "charts"))
    caches.persisted("s", ("k",), lambda: 1)
    (tmp_path / "c" / "charts").mkdir(parents=True)
    (tmp_path / "c" / "charts" / "x.svg").write_text("<svg/>")
    (tmp_path / "c" / "charts" / "mine.txt").write_text("not a cache entry")
    code, out, _ = run_cli(capsys, "cache", "show", "--format", "csv")
    assert code == 0
    rows = pd.read_csv(__import__("io").StringIO(out)).set_index("cache")
    assert rows.loc["results", "entries"] == 1 and rows.loc["charts", "entries"] == 1
    code, out, _ = run_cli(capsys, "cache", "clear")
    assert code == 0 and "Removed 2 cache entries" in out
    assert (tmp_path / "c" / "charts" / "mine.txt").exists()
    assert not list((tmp_path / "c").rglob("*.pkl")) and not list((tmp_path / "c").rglob("*.svg"))


_LOADED = (
    "import sys\n"
    "from dyadwatch.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = ['pandas.core.frame', 'dyadwatch.report.sections.votes', 'dyadwatch.indicators.votes', 'altair']\n"
    "print('LOADED', [m for m in heavy if m in sys.modules], file=sys.stderr)\n"
)


def test_a_kept_report_is_the_same_page_and_loads_no_section(tmp_path):
    """The second report of the same dyad and store: the same page, BibTeX and notes, from kept sections."""
    env = {**os.environ, "DYADWATCH_RESULT_CACHE": str(tmp_path / "r"), "DYADWATCH_CHART_CACHE": str(tmp_path / "c")}
    env.pop("DYADWATCH_DB", None)
    cmd = [sys.executable, "-c", _LOADED, "report", "CHN", "IND", "--out", str(tmp_path / "out")]
    runs = []
    for _ in range(2):
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        assert "Traceback" not in p.stderr, p.stderr
        html = tmp_path / "out" / "dyadwatch-CHN-IND.html"
        runs.append((html.read_text(), html.with_suffix(".bib").read_text(), p.stderr))
    (first_html, first_bib, first_err), (html, bib, err) = runs
    assert "LOADED ['pandas.core.frame', 'dyadwatch.report.sections.votes'" in first_err
    assert "LOADED []" in err
    assert html == first_html and bib == first_bib
    # what the report leaves out is still said, line by line
    said = [[ln for ln in e.splitlines() if not ln.startswith("LOADED")] for e in (first_err, err)]
    assert said[0] == said[1] and any("Events" in ln for ln in said[1])


def test_stores_beyond_the_size_bound_are_pruned(results, monkeypatch):
    monkeypatch.setattr(caches, "MAX_RESULT_BYTES", 5_000)
    for i in range(3):
        caches.persisted(f"store-{i}", ("k",), lambda: b"x" * 3_000)
    left = [p for p in results.iterdir() if p.is_dir()]
    # the store just written stays, whatever the clock says; the others no longer fit
    assert left == [results / caches.hashlib.sha256(b"store-2").hexdigest()[:24]]


def test_a_lake_keeps_results_by_its_live_state(tmp_path, results):
    """A lake's identity is the state its log names: the same after reopening, new after an ingest, and its
    own per engine class (a Spark result is never read back as DuckDB's: the two are compared)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from gdelt_generate import generate

    from dyadwatch import lake_ingest
    from dyadwatch.engines.lakeviews import LakeStore
    from dyadwatch.sources import gdelt

    days = generate(tmp_path / "gdelt", days=2, per_day=5_000)
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, days[:1])
    _probe.calls.clear()
    first = LakeStore(root).cache_identity()
    assert first and first.startswith("LakeStore:")
    assert LakeStore(root).cache_identity() == first
    _probe(LakeStore(root), "a", years=[2000])
    _probe(LakeStore(root), "a", years=[2000])  # another open store, the same content: read back
    assert _probe.calls == ["a"]

    class OtherEngine(LakeStore):
        pass

    assert OtherEngine(root).cache_identity() != first
    lake_ingest.ingest(root, gdelt, days[1:])
    assert LakeStore(root).cache_identity() not in (first, None)
    _probe(LakeStore(root), "a", years=[2000])
    assert _probe.calls == ["a", "a"]
