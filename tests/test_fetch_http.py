"""The HTTP layer against a local server with every fault the issue lists (127.0.0.1 only)."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyadwatch.errors import ChecksumError, FetchError
from dyadwatch.fetch.http import Downloader, Expect, RetryPolicy, retry_after_seconds
from fetch_server import Server, Step, ok, status

BODY = b"rcid,country,vote\n" + b"".join(f"{i},XX,{i % 3 + 1}\n".encode() for i in range(20000))
SHA = hashlib.sha256(BODY).hexdigest()
FAST = RetryPolicy(attempts=4, backoff=0.01, cap=0.05, jitter=0.1)


@pytest.fixture
def server():
    s = Server().start()
    yield s
    s.stop()


@pytest.fixture
def dl():
    sleeps: list[float] = []
    d = Downloader(timeout=2.0, retry=FAST, sleep=sleeps.append)
    d.sleeps = sleeps
    yield d
    d.__exit__()


def _get(dl, server, tmp_path, *steps, expect=Expect("csv", SHA)):
    url = server.route("/f.csv", *steps)
    return dl.download(url, tmp_path / "cache" / "f.csv", tmp_path / "staging", expect)


def _nothing_cached(tmp_path):
    assert not (tmp_path / "cache" / "f.csv").exists()


def test_plain_download_is_verified_and_renamed(dl, server, tmp_path):
    got = _get(dl, server, tmp_path, ok(BODY))
    assert got.path.read_bytes() == BODY and got.sha256 == SHA and got.attempts == 1
    assert list((tmp_path / "staging").iterdir()) == []


def test_500_then_success(dl, server, tmp_path):
    got = _get(dl, server, tmp_path, status(500), status(502), ok(BODY))
    assert got.path.read_bytes() == BODY and got.attempts == 3
    assert len(dl.sleeps) == 2 and dl.sleeps[1] > dl.sleeps[0] * 0.5  # backoff grows (with jitter)


def test_429_retry_after_is_honoured(dl, server, tmp_path):
    got = _get(dl, server, tmp_path, status(429, **{"Retry-After": "3"}), ok(BODY))
    assert got.attempts == 2 and dl.sleeps == [pytest.approx(3.0)]


def test_503_retry_after_too_long_is_a_clear_error(dl, server, tmp_path):
    with pytest.raises(FetchError, match=r"asks to wait 3600 s"):
        _get(dl, server, tmp_path, status(503, **{"Retry-After": "3600"}))
    _nothing_cached(tmp_path)


def test_retry_after_http_date():
    when = time.time() + 30
    value = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(when))
    assert 25 < retry_after_seconds(value) <= 31
    assert retry_after_seconds("7") == 7.0 and retry_after_seconds(None) is None


def test_connection_reset_mid_body_resumes_with_range(dl, server, tmp_path):
    got = _get(dl, server, tmp_path, Step("reset", BODY, cut=50_000), ok(BODY))
    assert got.path.read_bytes() == BODY and got.resumed
    second = server.hits("/f.csv")[1]
    assert second["headers"]["Range"].startswith("bytes=") and int(second["headers"]["Range"][6:-1]) > 0


def test_truncated_body_with_correct_content_length_is_retried(dl, server, tmp_path):
    got = _get(dl, server, tmp_path, Step("truncate", BODY, cut=1000), ok(BODY))
    assert got.path.read_bytes() == BODY and got.attempts == 2


def test_truncation_every_time_is_an_error_and_leaves_no_cached_file(dl, server, tmp_path):
    with pytest.raises(FetchError, match=r"failed after 4 attempts"):
        _get(dl, server, tmp_path, Step("truncate", BODY, cut=0))
    _nothing_cached(tmp_path)


def test_server_ignoring_range_restarts_from_zero(dl, server, tmp_path):
    (tmp_path / "staging").mkdir()
    (tmp_path / "staging" / "f.csv.part").write_bytes(b"garbage that is not the start")
    url = server.route("/f.csv", ok(BODY))
    server.routes["/f.csv"] = [Step("status", BODY, status=200)]  # a 200 with the whole body, Range ignored
    got = dl.download(url, tmp_path / "cache" / "f.csv", tmp_path / "staging", Expect("csv", SHA))
    assert got.path.read_bytes() == BODY


def test_slow_server_beyond_the_timeout(server, tmp_path):
    d = Downloader(timeout=0.3, retry=RetryPolicy(attempts=2, backoff=0.01), sleep=lambda s: None)
    with pytest.raises(FetchError, match=r"timed out"):
        _get(d, server, tmp_path, Step("slow", BODY, delay=1.5))
    _nothing_cached(tmp_path)
    d.__exit__()


def test_slow_then_fast_succeeds(server, tmp_path):
    d = Downloader(timeout=0.3, retry=RetryPolicy(attempts=3, backoff=0.01), sleep=lambda s: None)
    got = _get(d, server, tmp_path, Step("slow", BODY, delay=1.0), ok(BODY))
    assert got.path.read_bytes() == BODY
    d.__exit__()


def test_checksum_mismatch_is_refused_and_deleted(dl, server, tmp_path):
    with pytest.raises(ChecksumError, match=r"sha256 .* differs from the expected"):
        _get(dl, server, tmp_path, ok(BODY + b"extra\n"))
    _nothing_cached(tmp_path)
    assert not os.listdir(tmp_path / "staging")  # a verified-bad body is not kept for a resume


def test_html_login_page_is_refused(dl, server, tmp_path):
    page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>password</form></body></html>"
    with pytest.raises(FetchError, match=r"login page instead of the data") as e:
        _get(dl, server, tmp_path, ok(page, **{"Content-Type": "text/html"}))
    assert server.url in str(e.value)
    _nothing_cached(tmp_path)


def test_html_error_page_and_lfs_pointer_and_empty_body(dl, server, tmp_path):
    with pytest.raises(FetchError, match=r"an HTML page"):
        _get(dl, server, tmp_path, ok(b"<html><body>Service temporarily moved</body></html>"), expect=Expect("csv"))
    lfs = b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n"
    with pytest.raises(FetchError, match=r"Git LFS pointer"):
        _get(dl, server, tmp_path, ok(lfs), expect=Expect("rda"))
    with pytest.raises(FetchError, match=r"empty body"):
        _get(dl, server, tmp_path, ok(b""), expect=Expect("csv"))
    _nothing_cached(tmp_path)


def test_wrong_format_is_refused(dl, server, tmp_path):
    with pytest.raises(FetchError, match=r"not a zip file"):
        _get(dl, server, tmp_path, ok(BODY), expect=Expect("zip"))
    _nothing_cached(tmp_path)


def test_redirect_loop_is_a_clear_error(dl, server, tmp_path):
    url = server.route("/a", Step("redirect", location="/b"))
    server.route("/b", Step("redirect", location="/a"))
    with pytest.raises(FetchError, match=r"redirect loop"):
        dl.download(url, tmp_path / "cache" / "f.csv", tmp_path / "staging", Expect("csv"))


def test_404_is_not_retried(dl, server, tmp_path):
    with pytest.raises(FetchError, match=r"HTTP 404"):
        _get(dl, server, tmp_path, status(404, b"nope"))
    assert len(server.hits("/f.csv")) == 1


def test_size_mismatch_against_published_size(dl, server, tmp_path):
    with pytest.raises(ChecksumError, match=r"publisher lists"):
        _get(dl, server, tmp_path, ok(BODY), expect=Expect("csv", size=len(BODY) + 10))


@given(st.integers(0, len(BODY) - 1), st.sampled_from(["reset", "truncate"]))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_cut_point_ends_in_the_exact_file(server, tmp_path_factory, cut, kind):
    """Wherever the body breaks, the retry (resumed with Range when bytes arrived) yields the exact file."""
    tmp = tmp_path_factory.mktemp("cut")
    d = Downloader(timeout=2.0, retry=FAST, sleep=lambda s: None)
    url = server.route("/cut.csv", Step(kind, BODY, cut=cut), ok(BODY))
    got = d.download(url, tmp / "cache" / "cut.csv", tmp / "staging", Expect("csv", SHA))
    d.__exit__()
    assert got.path.read_bytes() == BODY and not list((tmp / "staging").iterdir())
