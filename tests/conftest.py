"""Fixtures shared by the tests: the shared real data and scratch warehouses.

Tests that need ``../shared/data`` fail (not skip) when it is missing and CI
is set: in CI the data is always there, so a skip would hide a broken path.
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


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared real data folder (../shared/data)."""
    return _need(SHARED)


@pytest.fixture
def wh_path(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session")
def votes_wh(tmp_path_factory, shared):
    """A warehouse with Voeten's file and unvotes ingested (read-only use, session scope)."""
    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse

    path = tmp_path_factory.mktemp("wh") / "votes.duckdb"
    with Warehouse(path) as wh:
        wh.ingest(sources.get("voeten"), [shared / "unga/UNVotesPublished.RData"])
        wh.ingest(
            sources.get("unvotes"),
            [shared / "unga" / f for f in ("un_votes.rda", "un_roll_calls.rda", "un_roll_call_issues.rda")],
        )
        wh.ingest(sources.get("atop"), [shared / "alliances/atop_alliance.rda"])
        wh.ingest(sources.get("cow_alliance"), [shared / "alliances/cow_alliance.rda"])
    wh = Warehouse(path, read_only=True)
    yield wh
    wh.close()


@pytest.fixture
def fresh_machine(monkeypatch, tmp_path) -> Path:
    """No warehouse anywhere: DYADWATCH_DB unset and the default location (under XDG_DATA_HOME) empty.

    An explicitly given warehouse that does not exist is an error (issue 14, item 3), so "no warehouse"
    means the default location is absent, not a made-up --db path.
    """
    monkeypatch.delenv("DYADWATCH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path
