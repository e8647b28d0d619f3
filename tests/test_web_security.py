"""The dashboard under hostile input: injection strings everywhere, path traversal, oversize requests, headers,
and a warehouse that is byte-for-byte unchanged after a session of all of it."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote, urlencode

import pytest
from fastapi.testclient import TestClient

from dyadwatch.web.app import CSP, create_app
from helpers import snapshot

PAYLOADS = [
    "' OR 1=1 --",
    "CHN'); DROP TABLE votes; --",
    '"; SELECT * FROM ingests; --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "../../../../etc/passwd",
    "%00",
    "\x00",
    "${7*7}{{7*7}}",
    "CHN\r\nSet-Cookie: x=1",
    "ä" * 300,
    "-1",
    "1e309",
]
VALID = {"a": "CHN", "b": "RUS", "state": "CHN", "entity": "CHN", "importer": "CHN", "origin": "RUS",
         "dyad": "CHN-RUS", "year": "2015", "from": "2000", "to": "2010", "measure": "agreement",
         "indicator": "agreement", "format": "json", "top": "5", "q": "Chin", "status": "supported",
         "freq": "M", "issue": "hr", "important": "false", "source": "atop", "limit": "5"}  # fmt: skip
PAGE_PARAMS = {
    "/dyad/CHN/RUS": ("from", "to", "measure", "year"),
    "/state/CHN": ("year", "measure"),
    "/compare": ("dyad", "indicator", "from", "to"),
    "/claims": ("status", "q"),
    "/dyad": ("a", "b"),
}
PAGES = {"/dyad/{a}/{b}": ("a", "b"), "/state/{s}": ("s",)}


@pytest.fixture(scope="module")
def alliance_wh(tmp_path_factory, shared):
    """A real warehouse (ATOP and COW alliances ingested), to check the server never writes to it."""
    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse

    path = tmp_path_factory.mktemp("secwh") / "wh.duckdb"
    with Warehouse(path) as wh:
        wh.ingest(sources.get("atop"), [shared / "alliances/atop_alliance.rda"])
        wh.ingest(sources.get("cow_alliance"), [shared / "alliances/cow_alliance.rda"])
    return path


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _endpoints(client) -> list[tuple[str, list[str]]]:
    schema = client.get("/openapi.json").json()
    return [(p, [x["name"] for x in op["get"].get("parameters", [])]) for p, op in schema["paths"].items()]


def test_injection_in_every_parameter_never_500_never_reflected_raw(alliance_wh):
    before, sha_before = snapshot(alliance_wh), _sha(alliance_wh)
    with TestClient(create_app(alliance_wh, warm=False), raise_server_exceptions=False) as c:
        eps = _endpoints(c)
        assert len(eps) >= 15
        tried = 0
        for path, names in eps:
            for name in names:
                for bad in PAYLOADS:
                    q = {n: VALID.get(n, "CHN") for n in names}
                    q[name] = bad
                    r = c.get(path + "?" + urlencode(q))
                    tried += 1
                    assert r.status_code in (200, 400, 404, 422), (path, name, bad, r.status_code, r.text[:200])
                    ctype = r.headers["content-type"]
                    # JSON (and CSV) may echo the input as data: served as such with nosniff, never run as HTML
                    assert ctype.startswith(("application/json", "text/csv")), (path, ctype)
                    assert "set-cookie" not in r.headers
        for pattern, slots in PAGES.items():
            for bad in PAYLOADS:
                url = pattern
                for s in slots:
                    url = url.replace("{" + s + "}", quote(bad, safe=""))
                r = c.get(url)
                assert r.status_code in (400, 404, 422), (url, r.status_code, r.text[:300])
                assert "<script>alert(1)</script>" not in r.text and "<img src=x" not in r.text
                tried += 1
        for bad in PAYLOADS:  # the query parameters of every page
            for url, names in PAGE_PARAMS.items():
                for name in names:
                    r = c.get(url + "?" + urlencode({name: bad}))
                    assert r.status_code in (200, 400, 404, 422), (url, name, bad, r.status_code)
                    assert "this section failed" not in r.text, (url, name, bad)
                    assert "<script>alert(1)</script>" not in r.text and "<img src=x" not in r.text
                    tried += 1
    assert tried > 900
    assert _sha(alliance_wh) == sha_before and snapshot(alliance_wh) == before


def test_the_warehouse_is_opened_read_only(alliance_wh):
    import duckdb

    app = create_app(alliance_wh, warm=False)
    store = app.fastapi.state.store
    with pytest.raises(duckdb.Error):  # read-only: any write is refused by DuckDB itself
        store.wh.con.execute("CREATE TABLE x (i INTEGER)")
    store.close()


@pytest.mark.parametrize(
    "url",
    ["/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fapp.py",
     "/static/vendor/../../app.py", "/static/%2e%2e/app.py", "/static/....//....//etc/passwd",
     "/static/vendor/%2e%2e%2f%2e%2e%2fdata.py", "/static//etc/passwd", "/static/%00", "/vendor/../web/app.py"],
)  # fmt: skip
def test_no_path_traversal_out_of_static(url, tmp_path):
    with TestClient(create_app(None, warm=False), raise_server_exceptions=False) as c:
        r = c.get(url)
    assert r.status_code in (400, 404), (url, r.status_code)
    assert "root:" not in r.text and "def create_app" not in r.text and "import" not in r.text


def test_static_files_are_served(tmp_path):
    with TestClient(create_app(None, warm=False)) as c:
        r = c.get("/static/app.js")
        assert r.status_code == 200 and "vegaEmbed" in r.text
        assert c.get("/static/vendor/LICENSES.md").status_code == 200


def test_oversize_and_other_methods_are_refused(tmp_path):
    with TestClient(create_app(None, warm=False)) as c:
        r = c.get("/api/votes?a=CHN&b=RUS&q=" + "x" * 5000)
        assert r.status_code == 414
        r = c.get("/dyad/" + "A" * 5000 + "/RUS")
        assert r.status_code in (404, 414, 422)
        r = c.post("/api/votes?a=CHN&b=RUS", content=b"x" * 100)
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
        r = c.request("GET", "/api/votes?a=CHN&b=RUS", content=b"x" * 10_000_000)
        assert r.status_code == 413
        r = c.get("/api/compare?" + "&".join(["dyad=CHN-RUS"] * 50))
        assert r.status_code == 422
        r = c.get("/api/idealpoints?" + "&".join(f"state={s}" for s in ["CHN"] * 21 + ["RUS"]))
        assert r.status_code == 422
        r = c.get("/api/countries?q=" + "x" * 61)
        assert r.status_code == 422


def test_security_headers_on_every_kind_of_response(tmp_path):
    with TestClient(create_app(None, warm=False)) as c:
        for url in (
            "/",
            "/dyad/CHN/RUS",
            "/api/votes?a=CHN&b=RUS",
            "/static/app.css",
            "/dyad/XXX/RUS",
            "/api/votes?a=CHN&b=RUS&from=1",
            "/nowhere",
        ):
            r = c.get(url)
            assert r.headers["content-security-policy"] == CSP, url
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["x-frame-options"] == "DENY"  # fmt: skip
    assert "'unsafe-eval'" not in CSP and "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP


def test_serve_warns_when_the_host_is_not_loopback(monkeypatch, capsys):
    import uvicorn

    from helpers import run_cli

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))  # not starting a public listener here
    code, _, err = run_cli(capsys, "serve", "--host", "0.0.0.0", "--port", "8123")
    assert code == 0 and seen["host"] == "0.0.0.0" and seen["port"] == 8123
    assert "Warning" in err and "exposes" in err
    _, _, err = run_cli(capsys, "serve")
    assert seen["host"] == "127.0.0.1" and "Warning" not in err


def test_dyadwatch_serve_really_serves_on_loopback(tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    exe = [sys.executable, "-m", "dyadwatch", "serve", "--port", str(port)]
    proc = subprocess.Popen(exe, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/votes?a=CHN&b=RUS", timeout=5) as r:
                    assert r.status == 200 and b'"basis":"pack"' in r.read()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "server did not start in 60 s"
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
