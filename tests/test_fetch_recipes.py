"""Recipes end to end against a local mirror (127.0.0.1): fetch, verify, cache, --offline, update, --list."""

from __future__ import annotations

import base64
import json
import zipfile
from urllib.parse import urlsplit

import pytest

from dyadwatch import sources
from dyadwatch.errors import ChecksumError, FetchError, OfflineError, SourceFormatError
from dyadwatch.fetch import fetch, recipes, update
from dyadwatch.fetch.cache import Cache
from dyadwatch.fetch.http import RetryPolicy
from fetch_server import Server, ok, status
from helpers import run_cli, snapshot
from test_undl import write_undl

FAST = RetryPolicy(attempts=3, backoff=0.01, cap=0.02)


@pytest.fixture
def server():
    s = Server().start()
    yield s
    s.stop()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DYADWATCH_CACHE", str(tmp_path / "cache"))
    return Cache()


def serve(server, source, version=None, bodies=None):
    """Route every file of a recipe version on the mirror; ``bodies`` maps file name to bytes."""
    _, v = recipes.get(source).version(version)
    for f in v.files:
        server.route(urlsplit(f.url).path, ok(bodies[f.name]))


def test_every_recipe_is_valid_and_belongs_to_a_source():
    all_ = recipes.all_recipes()
    required = {"unvotes", "voeten", "undl", "unsc", "atop", "cow_alliance", "cow_trade", "cow_mid", "cow_nmc",
                "democracy", "ungdc", "gdelt", "baci", "sipri", "comtrade"}  # fmt: skip
    assert required <= set(all_)
    for name, r in all_.items():
        assert r.fetch_only or name in sources.registry(), name
        assert r.default in r.versions
    assert all_["sipri"].restricted and "SIPRI" in all_["sipri"].licence


def test_malformed_recipe_is_a_clear_error():
    with pytest.raises(recipes.RecipeError, match=r"(?s)recipe 'x' is invalid: .*sha256"):
        recipes.parse(
            "x:\n  page: p\n  default: a\n  versions:\n    a:\n      released: 2020-01-01\n      files:\n"
            "        - {name: f, url: 'https://e.org/f', sha256: nothex}\n",
            "test.yaml",
        )


def test_unknown_source_and_unknown_version():
    with pytest.raises(Exception, match=r"Unknown source 'nope'"):
        recipes.get("nope")
    with pytest.raises(Exception, match=r"no version '9.9'; known: 0.3.0"):
        recipes.get("unvotes").version("9.9")


def test_unvotes_real_files_verified_by_sha256_then_offline(server, cache, shared):
    bodies = {
        n: (shared / "unga" / n).read_bytes() for n in ("un_votes.rda", "un_roll_calls.rda", "un_roll_call_issues.rda")
    }
    serve(server, "unvotes", bodies=bodies)
    res = fetch("unvotes", mirror=server.url, retry=FAST)
    assert res.downloaded == 3 and [p.name for p in res.paths] == list(bodies)
    assert {e.sha256 for e in res.entries} == {f.sha256 for f in recipes.get("unvotes").version(None)[1].files}
    server.stop()  # the publisher is gone: the cache still serves
    again = fetch("unvotes", offline=True)
    assert again.cached == 3 and again.paths == res.paths
    assert [e.file for e in cache.entries()] == sorted(bodies)


def test_checksum_mismatch_leaves_nothing_in_the_cache(server, cache, shared):
    good = (shared / "unga" / "un_votes.rda").read_bytes()
    bodies = {"un_votes.rda": good[:-1] + b"\x00", "un_roll_calls.rda": good, "un_roll_call_issues.rda": good}
    serve(server, "unvotes", bodies=bodies)
    with pytest.raises(ChecksumError, match=r"un_votes.rda: sha256 .* differs from the expected"):
        fetch("unvotes", mirror=server.url, retry=FAST)
    assert cache.entries() == [] and cache.partials() == []


def test_offline_without_the_file_says_how_to_get_it(cache):
    with pytest.raises(OfflineError, match=r"--offline: un_votes.rda of unvotes 0.3.0 is not in the cache"):
        fetch("unvotes", offline=True)


def test_update_undl_then_a_failing_update_leaves_the_warehouse_unchanged(server, cache, tmp_path, wh_path):
    good = write_undl(tmp_path / "good.csv").read_bytes()
    serve(server, "undl", "2025-07-23", {"2025_7_23_ga_voting.csv": good})
    res, ing = update("undl", version="2025-07-23", db=wh_path, mirror=server.url, retry=FAST)
    assert ing.rows == {"roll_calls": 4, "votes": 20} and "no checksum" in res.notes[0]
    before = snapshot(wh_path)
    bad = good.replace(b",Y,", b",maybe,", 1)
    serve(server, "undl", "2025-09-19", {"2025_9_19_ga_voting.csv": bad})
    with pytest.raises(SourceFormatError, match=r"'ms_vote' has values \['MAYBE'\]"):
        update("undl", version="2025-09-19", db=wh_path, mirror=server.url, retry=FAST)
    assert snapshot(wh_path) == before


def test_failed_download_never_opens_the_warehouse(server, cache, wh_path):
    server.route(urlsplit(recipes.get("undl").version(None)[1].files[0].url).path, status(503))
    with pytest.raises(FetchError, match=r"failed after 3 attempts"):
        update("undl", db=wh_path, mirror=server.url, retry=FAST)
    assert not wh_path.exists() and cache.entries() == []


def test_restricted_source_needs_the_licence_accepted_and_unwraps_the_export(server, cache):
    with pytest.raises(FetchError, match=r"sipri is not open data: SIPRI Arms Transfers Database.*--accept-licence"):
        fetch("sipri", mirror=server.url)
    csv = b"Transfers of major conventional arms from 1950 to 2030\nSource: SIPRI Arms Transfers Database\n\nx,y\n"
    server.route(
        "/api/p/trades/trade-register-csv/", ok(json.dumps({"bytes": base64.b64encode(csv).decode()}).encode())
    )
    res = fetch("sipri", mirror=server.url, accept_licence=True, retry=FAST)
    assert res.paths[0].read_bytes() == csv
    sent = server.hits("/api/p/trades/trade-register-csv/")[0]
    assert sent["method"] == "POST" and json.loads(sent["body"])["logic"] == "AND"


def test_restricted_export_that_is_a_login_page_is_refused(server, cache):
    server.route("/api/p/trades/trade-register-csv/", ok(b"<html><body>Please log in</body></html>"))
    with pytest.raises(FetchError, match=r"login page"):
        fetch("sipri", mirror=server.url, accept_licence=True, retry=FAST)
    assert cache.entries() == []


def test_zip_recipe_is_unpacked_for_the_loader(server, cache, tmp_path, wh_path):
    z = tmp_path / "ungdc.zip"
    speech = "Mr. President, the Chinese delegation supports multilateralism and the United Nations.\n" * 3
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("2023/CHN_78_2023.txt", speech)
        zf.writestr("2023/RUS_78_2023.txt", speech.replace("Chinese", "Russian"))
    serve(server, "ungdc", bodies={"ungdc.zip": z.read_bytes()})
    res, ing = update("ungdc", db=wh_path, mirror=server.url, retry=FAST)
    assert res.paths[0].is_dir() and ing.rows == {"speeches": 2}


def test_fetch_only_recipe_cannot_be_updated(cache):
    with pytest.raises(Exception, match=r"no dyadwatch loader reads it yet"):
        update("cow_nmc")


def test_cli_fetch_list_and_offline(server, cache, tmp_path, capsys):
    serve(
        server,
        "undl",
        "2024-09-12",
        {"2024_09_12_ga_resolutions_voting.csv": write_undl(tmp_path / "u.csv").read_bytes()},
    )
    code, out, err = run_cli(
        capsys, "fetch", "undl", "--version", "2024-09-12", "--mirror", server.url, "--retries", "2"
    )
    assert code == 0 and "1 file(s) (1 downloaded" in out and "licence: Copyright United Nations" in err
    code, out, _ = run_cli(capsys, "fetch", "--list", "--format", "csv")
    assert code == 0 and "undl,2024-09-12,2024_09_12_ga_resolutions_voting.csv," in out
    server.stop()
    code, out, _ = run_cli(capsys, "fetch", "undl", "--version", "2024-09-12", "--offline")
    assert code == 0 and "(0 downloaded, 1 from the cache)" in out
    code, _, err = run_cli(capsys, "fetch", "undl", "--version", "2025-07-23", "--offline")
    assert code == 5 and "not in the cache" in err


def test_since_fetches_every_release_since_a_date(server, cache, tmp_path):
    body = write_undl(tmp_path / "u.csv").read_bytes()
    for name in ("2025-07-23", "2025-09-19", "2026-02-06"):
        serve(server, "undl", name, {f.name: body for f in recipes.get("undl").version(name)[1].files})
    import datetime as dt

    res = fetch("undl", since=dt.date(2025, 8, 1), mirror=server.url, retry=FAST)
    assert res.version == "2026-02-06" and res.downloaded == 2
    assert fetch("undl", since=dt.date(2030, 1, 1)).entries == []
