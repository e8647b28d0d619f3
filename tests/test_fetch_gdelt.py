"""GDELT 2.0 by date range against a local mirror: master list, MD5, parallel downloads, streaming filter."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest

from dyadwatch.errors import FetchError, OfflineError
from dyadwatch.fetch import fetch, update
from dyadwatch.fetch.cache import Cache
from dyadwatch.fetch.gdelt2 import cameo_codes, parse_master_list
from dyadwatch.fetch.http import RetryPolicy
from dyadwatch.sources.gdelt import V2_COLUMNS
from dyadwatch.warehouse import Warehouse
from fetch_server import Server, ok
from helpers import run_cli

FAST = RetryPolicy(attempts=2, backoff=0.01, cap=0.02)
HOST = "http://data.gdeltproject.org"


def event(eid: int, day: str, a1: str, a2: str, root: str = "04", quad: int = 1, goldstein: float = 1.0) -> str:
    """One GDELT 2.0 export row: 61 tab-separated fields, as the 15-minute files have them."""
    v = dict.fromkeys(V2_COLUMNS, "")
    v.update(
        GLOBALEVENTID=str(eid), SQLDATE=day, MonthYear=day[:6], Year=day[:4], FractionDate=f"{day[:4]}.0027",
        Actor1Code=a1, Actor1Name=a1, Actor1CountryCode=a1, Actor2Code=a2, Actor2Name=a2, Actor2CountryCode=a2,
        IsRootEvent="1", EventCode=root + "0", EventBaseCode=root + "0", EventRootCode=root, QuadClass=str(quad),
        GoldsteinScale=str(goldstein), NumMentions="4", NumSources="1", NumArticles="4", AvgTone="-1.5",
        DATEADDED=day + "001500", SOURCEURL=f"https://news.example/{eid}",
    )  # fmt: skip
    return "\t".join(v[c] for c in V2_COLUMNS)


def export_zip(stamp: str, rows: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{stamp}.export.CSV", "\n".join(rows) + "\n")
    return buf.getvalue()


FILES = {  # stamp: rows (the world's events; only CHN/RUS ones must be kept)
    "20230101000000": [event(1, "20230101", "CHN", "RUS"), event(2, "20230101", "USA", "FRA"),
                       event(3, "20230101", "RUS", "UKR", "19", 4, -10.0)],
    "20230101001500": [event(4, "20230101", "DEU", "FRA"), event(5, "20230101", "", "CHN")],
    "20230115120000": [event(6, "20230115", "BRA", "ARG")],
    "20230131234500": [event(7, "20230131", "RUS", "CHN", "05", 1, 3.5)],
    "20230201000000": [event(8, "20230201", "CHN", "RUS")],  # outside the range
}  # fmt: skip


@pytest.fixture
def server():
    s = Server().start()
    yield s
    s.stop()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DYADWATCH_CACHE", str(tmp_path / "cache"))
    return Cache()


def publish(server, files=FILES, bad_md5: str | None = None) -> str:
    lines = []
    for stamp, rows in files.items():
        body = export_zip(stamp, rows)
        md5 = "0" * 32 if stamp == bad_md5 else hashlib.md5(body).hexdigest()
        path = f"/gdeltv2/{stamp}.export.CSV.zip"
        server.route(path, ok(body))
        lines.append(f"{len(body)} {md5} {HOST}{path}")
        lines.append(f"1234 {'a' * 32} {HOST}/gdeltv2/{stamp}.mentions.CSV.zip")  # skipped: not an export
    master = ("\n".join(lines) + "\n").encode()
    server.route("/gdeltv2/masterfilelist.txt", ok(master))
    return master.decode()


def _range(**kw):
    params = {"date_from": "2023-01-01", "date_to": "2023-01-31", "states": "CHN,RUS"}
    return fetch("gdelt", params=params, retry=FAST, **kw)


def test_master_list_parsing(tmp_path):
    p = tmp_path / "m.txt"
    p.write_text(
        f"150383 297a16b493de7cf6ca809a7cc31d0b93 {HOST}/gdeltv2/20150218230000.export.CSV.zip\n"
        f"318084 bb27f78ba45f69a17ea6ed7755e9f8ff {HOST}/gdeltv2/20150218230000.mentions.CSV.zip\n"
    )
    (only,) = parse_master_list(p)
    assert only.size == 150383 and only.stamp == dt.datetime(2015, 2, 18, 23, 0)
    p.write_text("<html>not a list</html>\n")
    with pytest.raises(Exception, match=r"line 1 is not 'SIZE MD5 URL'"):
        parse_master_list(p)


def test_cameo_codes_include_cameo_spellings():
    assert cameo_codes(["ROU", "China"]) == ["CHN", "ROM", "ROU"]


def test_range_is_downloaded_in_parallel_verified_and_filtered(server, cache):
    publish(server)
    res = _range(mirror=server.url, workers=3)
    assert res.downloaded == 4 and len(res.entries) == 4  # the February file is outside the range
    kept = {e.file: open(e.path).read().splitlines() for e in res.entries}
    assert [len(kept[f"{s}.export.CSV"]) for s in list(FILES)[:4]] == [2, 1, 0, 1]
    assert all(len(line.split("\t")) == 61 for rows in kept.values() for line in rows)
    assert [p.name for p in res.paths] == ["20230101000000.export.CSV", "20230101001500.export.CSV",
                                           "20230131234500.export.CSV"]  # fmt: skip
    assert not list((cache.staging / "zips").glob("*"))  # the world's zips are not kept
    assert not server.hits("/gdeltv2/20230201000000.export.CSV.zip")


def test_md5_mismatch_fails_that_file_only_and_a_rerun_resumes(server, cache):
    publish(server, bad_md5="20230115120000")
    with pytest.raises(FetchError, match=r"1 of 4 files failed \(the other 3 are verified and cached.*MD5"):
        _range(mirror=server.url)
    assert len(cache.entries("gdelt")) == 4  # 3 exports + the master list
    publish(server)
    res = _range(mirror=server.url, force=False)
    assert res.downloaded == 1 and res.cached == 3


def test_offline_with_the_server_stopped(server, cache):
    publish(server)
    first = _range(mirror=server.url)
    server.stop()
    again = _range(offline=True)
    assert again.cached == 4 and again.paths == first.paths
    with pytest.raises(OfflineError, match=r"is not in the cache"):
        fetch("gdelt", params={"date_from": "2023-01-01", "date_to": "2023-01-31", "states": "USA"}, offline=True)


def test_update_yields_the_dyads_events_only(server, cache, wh_path):
    publish(server)
    _, ing = update(
        "gdelt", db=wh_path, mirror=server.url, retry=FAST,
        params={"date_from": "2023-01-01", "date_to": "2023-01-31", "states": "CHN,RUS"},
    )  # fmt: skip
    assert ing.rows == {"events": 4}
    with Warehouse(wh_path, read_only=True) as wh:
        got = wh.con.execute("SELECT event_id, actor_a, actor_b, goldstein FROM events ORDER BY 1").fetchall()
    assert got == [(1, "CHN", "RUS", 1.0), (3, "RUS", "UKR", -10.0), (5, None, "CHN", 1.0), (7, "RUS", "CHN", 3.5)]


def test_missing_range_is_a_clear_error(cache):
    with pytest.raises(FetchError, match=r"--from YYYY-MM-DD --to YYYY-MM-DD --states CHN,RUS"):
        fetch("gdelt")


def test_cli_update_gdelt(server, cache, wh_path, capsys):
    publish(server)
    code, out, err = run_cli(
        capsys, "update", "gdelt", "--from", "2023-01-01", "--to", "2023-01-31", "--states", "CHN,RUS",
        "--mirror", server.url, "--db", wh_path,
    )  # fmt: skip
    assert code == 0, err
    assert "events: 4 rows" in out and "rest of the world's events were not kept" in err


def test_since_is_the_start_of_the_range(server, cache):
    publish(server)
    res = fetch("gdelt", since=dt.date(2023, 1, 31), params={"date_to": "2023-01-31", "states": "RUS"},
                mirror=server.url, retry=FAST)  # fmt: skip
    assert [e.file for e in res.entries] == ["20230131234500.export.CSV"]
