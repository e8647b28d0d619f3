"""The Comtrade data API client against a local server speaking the API's JSON (127.0.0.1 only)."""

from __future__ import annotations

import json

import pytest

from dyadwatch.errors import ApiError, OfflineError
from dyadwatch.fetch import fetch, update
from dyadwatch.fetch.cache import Cache
from dyadwatch.fetch.comtrade_api import area_code, expand_periods
from dyadwatch.fetch.http import RetryPolicy
from dyadwatch.warehouse import Warehouse
from fetch_server import Server, Step, status

FAST = RetryPolicy(attempts=3, backoff=0.01, cap=0.02)
PATH = "/data/v1/get/C/A/HS"
VINTAGE = {2015: "H4", 2016: "H4", 2017: "H5", 2018: "H5", 2019: "H5", 2020: "H5", 2021: "H5", 2022: "H6", 2023: "H6"}


def record(reporter: int, partner: int, year: int, flow: str, value: float) -> dict:
    """One record as the API returns it (the fields comtradeapicall's getFinalData gives)."""
    return {
        "typeCode": "C", "freqCode": "A", "refPeriodId": int(f"{year}0101"), "refYear": year, "refMonth": 52,
        "period": str(year), "reporterCode": reporter, "reporterISO": None, "flowCode": flow, "partnerCode": partner,
        "partnerISO": None, "partner2Code": 0, "classificationCode": VINTAGE.get(year, "H3"), "cmdCode": "TOTAL",
        "customsCode": "C00", "mosCode": "0", "motCode": 0, "qtyUnitCode": -1, "qtyUnitAbbr": "N/A", "qty": 0,
        "netWgt": None, "cifvalue": value if flow == "M" else None, "fobvalue": value if flow == "X" else None,
        "primaryValue": value, "isReported": True, "isAggregate": True,
    }  # fmt: skip


def api(calls: list):
    """A fake of the API's answers: every (reporter, partner, year, flow) asked, value from the codes."""

    def fn(query, headers):
        calls.append(query)
        if headers.get("Ocp-Apim-Subscription-Key") != "secret":
            return (
                401,
                json.dumps({"statusCode": 401, "message": "Access denied due to invalid subscription key."}).encode(),
                {},
            )
        rows = [
            record(int(r), int(p), int(y), f, float(int(r) * 1000 + int(p) + int(y)))
            for r in query["reporterCode"].split(",") for p in query["partnerCode"].split(",")
            for y in query["period"].split(",") for f in query["flowCode"].split(",")
        ]  # fmt: skip
        return 200, json.dumps({"elapsedTime": "0.1 secs", "count": len(rows), "data": rows, "error": ""}).encode(), {}

    return Step("call", fn=fn)


@pytest.fixture
def server():
    s = Server().start()
    yield s
    s.stop()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DYADWATCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DYADWATCH_COMTRADE_KEY", "secret")
    return Cache()


def _query(server, **extra):
    params = {"reporters": "CHN", "partners": "RUS,KAZ", "periods": "2015-2023", "min_interval": 0.0, **extra}
    return fetch("comtrade", params=params, mirror=server.url, retry=FAST)


def test_codes_and_periods():
    assert [area_code(s) for s in ("CHN", "RUS", "USA", "IND", "France")] == [156, 643, 842, 699, 251]
    assert expand_periods("2015-2017,2020", "A") == ["2015", "2016", "2017", "2020"]
    assert expand_periods("2023", "M")[:2] == ["202301", "202302"] and len(expand_periods("2022-2023", "M")) == 24


def test_query_is_split_by_row_limit_and_written_per_vintage(server, env):
    calls: list = []
    server.route(PATH, api(calls))
    res = _query(server, row_limit=20)  # 2 partners x 9 years x 2 flows = 36 rows: over the limit
    per_call = [len(c["partnerCode"].split(",")) * len(c["period"].split(",")) * 2 for c in calls]
    assert max(per_call[1:]) < 20 and sum(per_call[1:]) == 36  # the first call hit the limit and was split
    assert [p.name.rsplit("_", 1)[1] for p in res.paths] == ["H4.csv", "H5.csv", "H6.csv"]
    assert calls[0]["cmdCode"] == "TOTAL" and calls[0]["flowCode"] == "M,X"


def test_update_lands_in_trade_flows_and_a_repeat_uses_the_cache(server, env, wh_path):
    calls: list = []
    server.route(PATH, api(calls))
    params = {"reporters": "CHN", "partners": "RUS", "periods": "2021-2023", "min_interval": 0.0}
    _, ing = update("comtrade", db=wh_path, mirror=server.url, retry=FAST, params=params)
    assert ing.rows["trade_flows"] == 6
    with Warehouse(wh_path, read_only=True) as wh:
        got = wh.con.execute(
            "SELECT reporter, partner, period, flow, value_usd, hs_version FROM trade_flows ORDER BY period, flow"
        ).fetchall()
    assert got[0] == ("CHN", "RUS", "2021", "M", 156 * 1000 + 643 + 2021.0, "HS2017")
    assert got[-1][2:4] == ("2023", "X") and got[-1][5] == "HS2022"
    n = len(calls)
    server.stop()
    again = fetch("comtrade", offline=True,
                  params={"reporters": "CHN", "partners": "RUS", "periods": "2021-2023"})  # fmt: skip
    assert again.cached == 2 and len(calls) == n


def test_rate_limit_429_with_retry_after_then_success(server, env):
    calls: list = []
    limited = status(429, b'{"statusCode": 429, "message": "Rate limit is exceeded."}', **{"Retry-After": "0"})
    server.route(PATH, limited, api(calls))
    res = _query(server)
    assert res.downloaded == 3 and len(calls) == 1


def test_calls_are_spaced(server, env):
    waits: list[float] = []
    server.route(PATH, api([]))
    fetch("comtrade", mirror=server.url, retry=FAST,
          params={"reporters": "CHN", "partners": "RUS", "periods": "2000-2023", "sleep": waits.append})  # fmt: skip
    assert len(waits) == 1 and 0 < waits[0] <= 1.0  # 24 years: two calls of at most 12 periods, one second apart


def test_invalid_key_and_api_error_and_missing_key(server, env, monkeypatch):
    server.route(PATH, api([]))
    monkeypatch.setenv("DYADWATCH_COMTRADE_KEY", "wrong")
    with pytest.raises(ApiError, match=r"HTTP 401: Access denied due to invalid subscription key.*Fix: set"):
        _query(server)
    monkeypatch.setenv("DYADWATCH_COMTRADE_KEY", "secret")
    server.route(PATH, Step("status", json.dumps({"count": 0, "data": [], "error": "Invalid period"}).encode()))
    with pytest.raises(ApiError, match=r"the API answered with an error: Invalid period"):
        _query(server)
    monkeypatch.delenv("DYADWATCH_COMTRADE_KEY")
    with pytest.raises(ApiError, match=r"DYADWATCH_COMTRADE_KEY is not set"):
        _query(server)
    assert [e for e in env.entries() if e.source == "comtrade"] == []


def test_html_answer_is_an_error_not_none(server, env):
    server.route(PATH, Step("status", b"<html><body>Maintenance</body></html>"))
    with pytest.raises(ApiError, match=r"not JSON"):
        _query(server)


def test_offline_unknown_query(env):
    with pytest.raises(OfflineError, match=r"not in the cache"):
        fetch("comtrade", offline=True, params={"reporters": "CHN", "partners": "IND", "periods": "2020"})
