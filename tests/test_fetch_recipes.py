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
    (entry,) = cache.entries()
    code, out, _ = run_cli(capsys, "fetch", "--list", "--verify", "--format", "json")
    assert code == 0 and json.loads(out)[0]["verified"] is True
    with open(entry.path, "r+b") as f:  # damage the cached file in place, keeping its size
        f.write(b"X")
    code, out, _ = run_cli(capsys, "fetch", "--list", "--verify", "--format", "json")
    assert json.loads(out)[0]["verified"] is False
    code, out, _ = run_cli(capsys, "fetch", "undl", "--version", "2024-09-12", "--force", "--mirror", server.url)
    assert code == 0 and "(1 downloaded" in out
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


# The fixed releases' sha256 are those of the real files, which the shared data holds: serve them as the mirror.
SHARED_FILES = {
    "voeten": {"UNVotesPublished.RData": "unga/UNVotesPublished.RData"},
    "atop": {"atop_alliance.rda": "alliances/atop_alliance.rda"},
    "cow_alliance": {"cow_alliance.rda": "alliances/cow_alliance.rda"},
    "cow_trade": {"cow_trade_ndy.rda": "trade/cow_trade_ndy.rda", "cow_trade_sy.rda": "trade/cow_trade_sy.rda"},
    "cow_mid": {
        "cow_mid_ddydisps.rda": "conflict/cow_mid_ddydisps.rda",
        "gml_mid_ddydisps.rda": "conflict/gml_mid_ddydisps.rda",
    },
    "cow_nmc": {"cow_nmc.rda": "conflict/cow_nmc.rda"},
    "democracy": {"ccode_democracy.rda": "regimes/ccode_democracy.rda"},
}


@pytest.mark.parametrize("source", sorted(SHARED_FILES))
def test_fixed_release_recipes_match_the_real_files(server, cache, shared, source):
    serve(server, source, bodies={n: (shared / rel).read_bytes() for n, rel in SHARED_FILES[source].items()})
    res = fetch(source, mirror=server.url, retry=FAST)
    assert [p.name for p in res.paths] == list(SHARED_FILES[source]) and res.notes == []  # every sha256 checked


def test_update_cow_alliance_from_the_mirror(server, cache, shared, wh_path):
    serve(server, "cow_alliance", bodies={"cow_alliance.rda": (shared / "alliances/cow_alliance.rda").read_bytes()})
    _, ing = update("cow_alliance", db=wh_path, mirror=server.url, retry=FAST)
    assert ing.rows["alliance_dyad_year"] > 100_000


def test_baci_release_zip_gives_the_loader_its_data_and_country_files(server, cache, tmp_path, wh_path):
    z = tmp_path / "BACI_HS92_V202501.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(
            "BACI_HS92_Y2022_V202501.csv",
            "t,i,j,k,v,q\n2022,156,643,270900,1234.5,10.0\n2022,643,156,270900,99.0,1.0\n",
        )
        zf.writestr("BACI_HS92_Y2023_V202501.csv", "t,i,j,k,v,q\n2023,156,643,270900,1500.0,12.0\n")
        zf.writestr(
            "country_codes_V202501.csv",
            "country_code,country_name,country_iso2,country_iso3\n156,China,CN,CHN\n643,Russian Federation,RU,RUS\n",
        )
        zf.writestr("product_codes_HS92_V202501.csv", "code,description\n270900,Petroleum oils, crude\n")
        zf.writestr("Readme.txt", "BACI HS92 release 202501\n")
    serve(server, "baci", bodies={"BACI_HS92_V202501.zip": z.read_bytes()})
    res, ing = update("baci", db=wh_path, mirror=server.url, retry=FAST)
    assert [p.name for p in res.paths] == ["BACI_HS92_Y2022_V202501.csv", "BACI_HS92_Y2023_V202501.csv",
                                           "country_codes_V202501.csv"]  # fmt: skip
    assert ing.rows == {"trade_flows": 3}


def test_unsc_recipe_fetches_both_files(server, cache, tmp_path, wh_path):
    from test_undl import write_sc, write_vetoes

    bodies = {"2026_02_06_sc_voting.csv": write_sc(tmp_path / "sc.csv").read_bytes(),
              "unsc_vetoes_1946_sept2022.csv": write_vetoes(tmp_path / "v.csv").read_bytes()}  # fmt: skip
    serve(server, "unsc", bodies=bodies)
    _, ing = update("unsc", db=wh_path, mirror=server.url, retry=FAST)
    assert ing.rows == {"sc_votes": 20, "vetoes": 8}
