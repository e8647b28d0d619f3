"""The dashboard's JSON API: every endpoint gives the numbers the CLI prints, NULL stays null, errors are clear."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from dyadwatch.api import as_store
from dyadwatch.web.app import create_app
from helpers import run_cli


@pytest.fixture(scope="module")
def nowh(tmp_path_factory):
    return None  # the default location, empty in tests: the embedded pack


@pytest.fixture(scope="module")
def client(nowh):
    with TestClient(create_app(nowh, warm=False)) as c:
        yield c


def cli_csv(capsys, *args) -> pd.DataFrame:
    code, out, err = run_cli(capsys, *args, "--format", "csv")
    assert code == 0, err
    return pd.read_csv(io.StringIO(out))


def api_csv(client, url: str) -> pd.DataFrame:
    r = client.get(url + "&format=csv")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return pd.read_csv(io.StringIO(r.text))


def test_votes_csv_is_the_cli_csv_byte_for_byte(client, capsys, nowh):
    code, out, err = run_cli(capsys, "votes", "CHN", "RUS", "--measure", "kappa", "--from", "2000", "--format", "csv")
    assert code == 0, err
    r = client.get("/api/votes?a=CHN&b=RUS&measure=kappa&from=2000&format=csv")
    assert r.status_code == 200 and r.text == out
    assert "attachment" in r.headers["content-disposition"]


@pytest.mark.parametrize(
    ("url", "cli", "drop"),
    [
        ("/api/votes?a=China&b=Russia&measure=all", ["votes", "China", "Russia", "--measure", "all"], []),
        ("/api/votes?a=USA&b=GBR&measure=pi,s_abs&from=1990&to=2000",
         ["votes", "USA", "GBR", "--measure", "pi,s_abs", "--from", "1990", "--to", "2000"], []),
        ("/api/alliances?a=CHN&b=RUS&from=1945", ["alliances", "CHN", "RUS", "--from", "1945"], ["source"]),
        ("/api/trade?a=CHN&b=RUS&from=2000", ["trade", "CHN", "RUS", "--from", "2000"], []),
        ("/api/energy_crude?importer=CHN&origin=RUS", ["energy", "crude", "--importer", "CHN", "--origin", "RUS"], []),
        ("/api/neighbours?state=CHN&top=5", ["votes", "neighbours", "CHN", "--top", "5"], []),
        ("/api/matrix?year=2019&state=CHN&state=RUS&state=USA&state=IND",
         ["votes", "matrix", "--year", "2019", "--states", "CHN,RUS,USA,IND"], []),
        ("/api/idealpoints?state=CHN&state=RUS&from=2000", ["votes", "idealpoints", "--states", "CHN,RUS"], []),
        ("/api/ideal_distance?a=CHN&b=RUS&from=1900",
         ["votes", "idealpoints", "--states", "CHN,RUS", "--distance"], []),
        ("/api/scorecard?a=CHN&b=RUS", None, []),
    ],
)  # fmt: skip
def test_endpoint_numbers_equal_the_cli(client, capsys, nowh, url, cli, drop):
    if cli is None:  # the scorecard: the CLI prints it inside `assess --scorecard --format json`
        code, out, err = run_cli(capsys, "assess", "CHN", "RUS", "--scorecard", "--no-references", "--format",
                                 "json")  # fmt: skip
        assert code == 0, err
        assert client.get(url).json()["data"] == json.loads(out)["scorecard"]
        return
    got = api_csv(client, url)
    want = cli_csv(capsys, *cli)
    got = got.drop(columns=drop)
    if "year" in want and "year" in got and "from=" in url and "idealpoints" in url:
        want = want[want.year >= 2000].reset_index(drop=True)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want) > 0
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_regimes_and_facts_equal_the_library(client):
    from dyadwatch import api
    from dyadwatch.indicators import regimes

    df = api.regimes(["CHN", "RUS"], wh=as_store(None)).data
    want = regimes.dyad(df, "CHN", "RUS")
    got = api_csv(client, "/api/regimes?a=CHN&b=RUS")
    assert got[["a", "b", "a_cow", "b_cow"]].drop_duplicates().values.tolist() == [["CHN", "RUS", 710, 365]]
    got = got.drop(columns=["a", "b", "a_cow", "b_cow"])
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True), check_dtype=False)
    facts = api_csv(client, "/api/facts?entity=CHN&entity=RUS")
    lib = api.facts(["CHN", "RUS"]).data
    assert len(facts) == len(lib) > 10
    assert facts.value.tolist() == lib.value.tolist()


def test_json_keeps_missing_as_null_never_zero(client):
    r = client.get("/api/votes?a=CHN&b=RUS&to=1975")
    body = r.json()
    assert body["basis"] == "pack" and body["sources"] == ["unvotes"]
    rows = {d["year"]: d for d in body["data"]}
    assert rows[1950]["agreement"] is None  # the PRC held no UN seat: no data, not 0
    assert rows[1950]["n"] == 0
    assert 0 < rows[1975]["agreement"] < 1
    assert any("Republic of China" in n for n in body["notes"])


def test_assess_and_claims_match_the_library(client, capsys, nowh):
    _, out, _ = run_cli(capsys, "assess", "CHN", "RUS", "--no-references", "--format", "json")
    cli = json.loads(out)
    api = client.get("/api/assess?a=CHN&b=RUS").json()
    assert api["verdict"] == cli["verdict"] == "alignment"
    assert api["evidence"] == cli["evidence"] and api["year"] == cli["year"]
    want = cli_csv(capsys, "claims", "check")
    got = client.get("/api/claims").json()
    assert {o["id"]: o["status"] for o in got["claims"]} == dict(zip(want["id"], want["status"], strict=True))
    only = client.get("/api/claims?status=contradicted").json()["claims"]
    assert only and {o["status"] for o in only} == {"contradicted"}
    assert len(only) == got["counts"]["contradicted"]


def test_sources_and_store(client, capsys):
    want = cli_csv(capsys, "sources")
    got = client.get("/api/sources").json()["data"]
    assert sorted(s["name"] for s in got) == sorted(want["name"])
    atop = next(s for s in got if s["name"] == "atop")
    assert atop["files"] and len(atop["files"][0]["sha256"]) == 64 and "@" in atop["bibtex"]
    store = client.get("/api/store").json()
    assert store["basis"] == "pack" and len(store["version"]) == 20
    assert {t["table"] for t in store["tables"]} >= {"vote_measures", "alliance_panel", "trade_cow"}


def test_compare_similarity_partners_and_countries(client):
    from dyadwatch import api

    body = client.get("/api/compare?dyad=CHN-RUS&dyad=USA-GBR&indicator=kappa&from=2010").json()
    df = pd.DataFrame(body["data"])
    assert set(df.dyad) == {"CHN–RUS", "USA–GBR"}
    lib = api.votes("USA", "GBR", measure="kappa", year_from=2010).data
    mine = df[df.dyad == "USA–GBR"].set_index("year").value
    pd.testing.assert_series_equal(mine, lib.set_index("year").kappa, check_names=False)
    sim = pd.DataFrame(client.get("/api/similarity?state=CHN&year=2019").json()["data"])
    closest, farthest = sim[sim.side == "closest"], sim[sim.side == "farthest"]
    assert closest.agreement.is_monotonic_decreasing and farthest.agreement.is_monotonic_increasing
    assert closest.agreement.min() >= farthest.agreement.max()
    partners = pd.DataFrame(client.get("/api/partners?state=RUS").json()["data"])
    assert "BLR" in set(partners.iso3) and partners.ties.str.len().min() > 0
    hits = client.get("/api/countries?q=Chin").json()["data"]
    assert hits[0] == {"iso3": "CHN", "name": "China"}


def test_unknown_state_is_404_with_closest_matches(client):
    r = client.get("/api/votes?a=Chna&b=RUS")
    assert r.status_code == 404
    assert "Chna" in r.json()["detail"] and "China (CHN)" in r.json()["detail"]
    page = client.get("/dyad/Chna/RUS")
    assert page.status_code == 404 and 'href="/dyad/CHN/RUS"' in page.text


@pytest.mark.parametrize(
    "url",
    ["/api/votes?a=CHN&b=RUS&from=3000", "/api/votes?a=CHN&b=RUS&from=1700", "/api/votes?a=CHN&b=RUS&from=abc",
     "/api/votes?a=CHN&b=RUS&from=2010&to=2000", "/dyad/CHN/RUS?from=99999", "/api/neighbours?state=CHN&year=-5"],
)  # fmt: skip
def test_bad_year_is_422_with_the_allowed_range(client, url):
    r = client.get(url)
    assert r.status_code == 422
    lo, hi = client.app.fastapi.state.store.year_range()
    assert f"{lo}" in r.text and f"{hi}" in r.text
    if r.headers["content-type"].startswith("application/json"):
        assert r.json()["allowed"] == [lo, hi]


def test_bad_measure_and_dyad_are_422(client):
    r = client.get("/api/votes?a=CHN&b=RUS&measure=bogus")
    assert r.status_code == 422 and "kappa" in r.json()["detail"]
    assert client.get("/api/compare?dyad=CHN-CHN").status_code == 422
    assert client.get("/api/compare?" + "&".join(["dyad=CHN-RUS"] * 7)).status_code == 422


def test_etag_keyed_by_store_version_gives_304(client):
    r = client.get("/api/votes?a=CHN&b=RUS")
    etag = r.headers["etag"]
    version = client.get("/api/store").json()["version"]
    assert etag.startswith(f'"{version}-')
    again = client.get("/api/votes?a=CHN&b=RUS", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/votes?a=CHN&b=USA")
    assert other.headers["etag"] != etag


def test_openapi_lists_every_endpoint(client):
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    for p in (
        "/api/votes",
        "/api/alliances",
        "/api/trade",
        "/api/energy_crude",
        "/api/facts",
        "/api/assess",
        "/api/scorecard",
        "/api/claims",
        "/api/neighbours",
        "/api/matrix",
        "/api/idealpoints",
        "/api/compare",
    ):
        assert p in paths  # fmt: skip
    assert {p["name"] for p in schema["paths"]["/api/votes"]["get"]["parameters"]} >= {"a", "b", "measure", "from"}
    page = client.get("/api").text
    assert "/api/votes" in page and "/api/compare" in page


def test_every_page_renders(client):
    for url in (
        "/",
        "/dyad/CHN/RUS?from=2000&measure=kappa",
        "/state/KAZ",
        "/compare?dyad=CHN-RUS&dyad=IND-PAK",
        "/claims?status=supported&q=alliance",
        "/sources",
        "/api",
    ):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        assert r.headers["content-type"].startswith("text/html")
        assert "this section failed" not in r.text, url  # fmt: skip
    r = client.get("/dyad?a=China&b=Russia", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dyad/CHN/RUS"


def test_warehouse_store_serves_the_warehouse_numbers(votes_wh, capsys):
    from helpers import snapshot

    before = snapshot(votes_wh.path)
    with TestClient(create_app(votes_wh.path, warm=False)) as c:
        got = c.get("/api/votes?a=CHN&b=RUS&measure=kappa&from=2000&format=csv")
        assert c.get("/api/store").json()["basis"] == "warehouse"
        nb = c.get("/api/neighbours?state=CHN&year=2015&format=csv")
        srcs = {x["name"]: x["files"] for x in c.get("/api/sources").json()["data"]}
    code, out, err = run_cli(capsys, "votes", "CHN", "RUS", "--measure", "kappa", "--from", "2000", "--format", "csv",
                             "--db", votes_wh.path)  # fmt: skip
    assert code == 0, err
    assert got.text == out
    code, out, err = run_cli(capsys, "votes", "neighbours", "CHN", "--year", "2015", "--format", "csv", "--db",
                             votes_wh.path)  # fmt: skip
    assert nb.text == out
    from dyadwatch.warehouse import sha256

    shared = votes_wh.ingests()[0]  # the files the warehouse was built from, with their sha256
    assert srcs["unvotes"] and all(len(f["sha256"]) == 64 for f in srcs["unvotes"])
    for f in srcs["voeten"]:
        assert sha256(Path(f["file"])) == f["sha256"]
    assert shared["source"] in srcs
    assert snapshot(votes_wh.path) == before


# ------------------------------------------------------------------ the report's other families (issue 11)

CENTRAL_ASIA = "state=KAZ&state=KGZ&state=TJK&state=TKM&state=UZB"


@pytest.mark.parametrize(
    ("url", "cli"),
    [
        ("/api/rhetoric_rates?a=CHN&b=RUS&term=democracy&term=hegemony&from=1990",
         ["rhetoric", "CHN", "RUS", "--terms", "democracy,hegemony", "--from", "1990"]),
        ("/api/speech_similarity?a=CHN&b=RUS&from=1990", ["rhetoric", "CHN", "RUS", "--view", "similarity",
                                                          "--from", "1990"]),
        (f"/api/region?a=CHN&b=RUS&{CENTRAL_ASIA}&from=2000", ["region", "CHN", "RUS", "--from", "2000"]),
    ],
)  # fmt: skip
def test_new_family_endpoints_equal_the_cli_on_the_pack(client, capsys, url, cli):
    got = api_csv(client, url)
    want = cli_csv(capsys, *cli)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want) > 0
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert client.get(url).json()["basis"] == "pack"


def test_currency_is_the_reports_currency_facts(client):
    from dyadwatch import api
    from dyadwatch.report.sections.currency import about_dyad

    res = api.currency(["CHN", "RUS"], wh=as_store(None))
    rows, basis = res.data, res.basis
    want = about_dyad(rows, {"CHN", "RUS"}, True)
    got = api_csv(client, "/api/currency?a=CHN&b=RUS")
    assert basis == "pack" and len(got) == len(want) > 5
    assert got.metric.tolist() == want.metric.tolist() and got.value.tolist() == want.value.tolist()
    assert list(got.columns[:4]) == ["a", "b", "a_cow", "b_cow"]
    # A pair nothing is published about: no rows (the page says "no data"), never a zero.
    assert client.get("/api/currency?a=USA&b=JPN").json()["data"] == []
    page = client.get("/dyad/USA/JPN/section/currency").text
    # Nothing published about the pair is not missing data of the user's: no "No data" box, no ingest of the
    # facts file the pack already holds.
    assert "No published figure about" in page and "No data" not in page and "reference_facts.csv" not in page


@pytest.mark.parametrize(
    ("url", "command"),
    [("/api/events?a=CHN&b=RUS", "dyadwatch ingest gdelt"), ("/api/arms?a=RUS&b=CHN", "dyadwatch ingest sipri")],
)
def test_events_and_arms_without_a_warehouse_name_the_ingest(client, url, command):
    r = client.get(url)
    assert r.status_code == 404 and command in r.json()["detail"]
    page = client.get("/dyad/CHN/RUS/section/" + ("events" if "events" in url else "arms"))
    assert page.status_code == 200 and "No data" in page.text and command in page.text


def test_dyad_page_defers_the_new_sections_and_each_renders(client):
    page = client.get("/dyad/CHN/RUS?from=2000").text
    for anchor in ("scorecard", "currency", "central_asia", "events", "arms", "words", "speeches"):
        url = f"/dyad/CHN/RUS/section/{anchor}?from=2000"
        assert f'data-lazy="{url}"' in page
        r = client.get(url)
        assert r.status_code == 200 and f'<section id="{anchor}"' in r.text
        assert "this section failed" not in r.text
    assert client.get("/dyad/CHN/RUS/section/nosuch").status_code == 404
    ca = client.get("/dyad/CHN/RUS/section/central_asia").text
    assert 'id="spec-central_asia"' in ca and "KAZ" in ca
    other = client.get("/dyad/USA/JPN/section/central_asia").text
    assert "China–Russia page only" in other and 'href="/dyad/CHN/RUS#central_asia"' in other


# The full warehouse (built once per session from the shared data: minutes) for the licence-bound families.


@pytest.fixture(scope="module")
def wh_client(full_wh_path):
    with TestClient(create_app(full_wh_path, warm=False)) as c:
        yield c


@pytest.mark.parametrize(
    ("url", "cli"),
    [
        ("/api/events?a=CHN&b=RUS", ["events", "CHN", "RUS"]),
        ("/api/events?a=USA&b=CHN&weight=articles", ["events", "USA", "CHN", "--weight", "articles"]),
        ("/api/arms?a=RUS&b=CHN", ["arms", "RUS", "CHN"]),
        ("/api/arms?a=RUS&b=CHN&by=category&from=2000", ["arms", "RUS", "CHN", "--by", "category", "--from", "2000"]),
        ("/api/arms?a=RUS&b=CHN&by=systems&top=5", ["arms", "RUS", "CHN", "--by", "systems", "--top", "5"]),
        ("/api/rhetoric_rates?a=CHN&b=RUS&term=sovereignty&from=2010",
         ["rhetoric", "CHN", "RUS", "--terms", "sovereignty", "--from", "2010"]),
        (f"/api/region?a=CHN&b=RUS&{CENTRAL_ASIA}&from=2005", ["region", "CHN", "RUS", "--from", "2005"]),
    ],
)  # fmt: skip
def test_new_family_endpoints_equal_the_cli_on_the_warehouse(wh_client, full_wh_path, capsys, url, cli):
    got = api_csv(wh_client, url)
    want = cli_csv(capsys, *cli, "--db", str(full_wh_path))
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want) > 0
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert wh_client.get(url).json()["basis"] == "warehouse"
