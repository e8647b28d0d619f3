"""Fixtures shared by the tests: the shared real data, one full warehouse, scratch warehouses.

Tests that need ``../shared/data`` fail (not skip) when it is missing and CI
is set: in CI the data is always there, so a skip would hide a broken path.

Speed (the suite runs on a shared 2-core machine): every shared file is ingested once per session into
``full_wh``, which tests that only read use; tests that write keep their own scratch warehouse. Each shared R
file is parsed once per session (``_one_parse_per_r_file``), whether a loader or a test's reference reads it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DYADWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _need(path: Path) -> Path:
    if not path.exists():
        msg = f"shared data missing: {path} (set DYADWATCH_SHARED_DATA to the shared/data folder)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session", autouse=True)
def _no_user_warehouse(tmp_path_factory):
    """Tests never see the user's own warehouse: the default location is an empty folder of the session, and
    DYADWATCH_DB is unset (a test that wants a warehouse names it)."""
    import os

    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "DYADWATCH_DB")}
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))
    os.environ.pop("DYADWATCH_DB", None)
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(autouse=True)
def _own_result_cache(tmp_path_factory, monkeypatch):
    """Each test computes its results afresh: kept results (``caches.persisted``) go to a folder of the test's
    own, so no test reads what another computed (tests change warehouses by hand, behind the ingest log)."""
    monkeypatch.setenv("DYADWATCH_RESULT_CACHE", str(tmp_path_factory.mktemp("results")))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared real data folder (../shared/data)."""
    return _need(SHARED)


@pytest.fixture
def wh_path(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session", autouse=True)
def _one_parse_per_r_file():
    """Route every ``pyreadr.read_r`` of a shared file through one session cache (see ``helpers.RCache``)."""
    import pyreadr

    from helpers import RCache

    cache = RCache(pyreadr.read_r, SHARED)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pyreadr, "read_r", cache)
        yield cache


@pytest.fixture(scope="session")
def full_wh_path(tmp_path_factory, shared) -> Path:
    """The path of a warehouse holding every shared file (``shared_layout.FULL``), built once per session.

    Read it only (``full_wh``, or a read-only CLI/API call with this path); a test that ingests or deletes
    makes its own scratch warehouse, so no test can change what the others read.
    """
    from dyadwatch.warehouse import Warehouse
    from shared_layout import ingest_all

    given = os.environ.get("DYADWATCH_TEST_FULL_WH")
    if given:  # a warehouse built by ``ingest_all`` before (minutes saved on a laptop); read-only like this one
        return Path(given)
    path = tmp_path_factory.mktemp("full") / "full.duckdb"
    with Warehouse(path) as wh:
        ingest_all(wh, shared)
    return path


@pytest.fixture(scope="session")
def full_wh(full_wh_path):
    """The full warehouse (every shared file ingested), opened read-only for the session."""
    from dyadwatch.warehouse import Warehouse

    wh = Warehouse(full_wh_path, read_only=True)
    yield wh
    wh.close()


@pytest.fixture(scope="session")
def ingest_notes(full_wh) -> dict[str, dict]:
    """Per source of the full warehouse: the rows and notes its ingest recorded in the ``ingests`` table."""
    import json

    return {i["source"]: {"rows": json.loads(i["rows"]), "notes": json.loads(i["notes"])} for i in full_wh.ingests()}


@pytest.fixture
def fresh_machine(monkeypatch, tmp_path) -> Path:
    """No warehouse anywhere: DYADWATCH_DB unset and the default location (under XDG_DATA_HOME) empty.

    An explicitly given warehouse that does not exist is an error (issue 14, item 3), so "no warehouse"
    means the default location is absent, not a made-up --db path.
    """
    monkeypatch.delenv("DYADWATCH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path


@pytest.fixture(scope="session")
def votes_wh(full_wh):
    """The full warehouse under the name the vote tests knew it by (it holds both vote sources)."""
    return full_wh


@pytest.fixture(scope="session")
def full_lake(full_wh, tmp_path_factory) -> Path:
    """The full warehouse exported to a lake once per session (what the Spark engines read)."""
    from dyadwatch import lake

    root = tmp_path_factory.mktemp("lake") / "lake"
    lake.export(full_wh.con, root)
    return root


@pytest.fixture(scope="session")
def dk(full_wh):
    """The full warehouse as the chain the indicators read: the DuckDB reference of the engine tests."""
    from dyadwatch import api

    return api.as_store(full_wh)


@pytest.fixture(scope="session")
def edge_lake(tmp_path_factory) -> Path:
    """The engine tests' edge fixtures as a tiny lake (``engine_checks.write_edge_lake``)."""
    from engine_checks import write_edge_lake

    return write_edge_lake(tmp_path_factory.mktemp("edge") / "lake")
