"""HTTP downloads with retries, backoff, Retry-After, Range resume and atomic writes (httpx).

``Downloader.download`` streams a URL into a ``.part`` file in the cache's
staging folder, resumes it with ``Range`` after a connection reset or a
truncated body, verifies it (``verify.py``) and only then renames it to its
final name: a broken download never leaves a file that looks complete.

Retried: connection errors, resets and truncated bodies, read timeouts, HTTP
429/500/502/503/504 (honouring ``Retry-After``). Not retried: other 4xx, a
redirect loop, a body that fails verification (it would fail again).
"""

from __future__ import annotations

import email.utils
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from dyadwatch.errors import FetchError
from dyadwatch.fetch import verify

RETRY_STATUS = {429, 500, 502, 503, 504}
USER_AGENT = "dyadwatch (https://github.com/dyadwatch; research data client)"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter: ``backoff * 2**attempt`` seconds, capped, times 1 ± ``jitter``."""

    attempts: int = 5
    backoff: float = 1.0
    cap: float = 60.0
    jitter: float = 0.25
    max_retry_after: float = 300.0  # a server asking for longer than this is answered with an error

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        base = min(self.cap, self.backoff * 2**attempt)
        base *= 1 + random.uniform(-self.jitter, self.jitter)
        return max(base, retry_after or 0.0)


@dataclass(frozen=True)
class Expect:
    """What a download must be: format (``verify.MAGIC`` key or csv/text/json), size and checksums."""

    fmt: str | None = None
    sha256: str | None = None
    md5: str | None = None
    size: int | None = None


@dataclass
class Downloaded:
    url: str
    path: Path
    size: int
    sha256: str
    resumed: bool = False
    attempts: int = 1
    notes: list[str] = field(default_factory=list)


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Downloader:
    """One httpx client with dyadwatch's retry rules; use as a context manager."""

    def __init__(
        self,
        *,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        progress=None,
        headers: dict[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_redirects: int = 10,
    ):
        self.retry = retry or RetryPolicy()
        self.progress = progress  # a rich.progress.Progress, or None
        self.sleep = sleep
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 30.0)),
            follow_redirects=True,
            max_redirects=max_redirects,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
        )

    def __enter__(self) -> Downloader:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    # -- files ------------------------------------------------------------------------------------

    def download(self, url: str, dest: Path, staging: Path, expect: Expect = Expect()) -> Downloaded:
        """Stream ``url`` to ``staging/<name>.part``, verify, then rename to ``dest`` (atomic)."""
        staging.mkdir(parents=True, exist_ok=True)
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = staging / (dest.name + ".part")
        resumed = False
        task = self.progress.add_task(dest.name, total=expect.size) if self.progress is not None else None

        def once(attempt: int) -> None:
            nonlocal resumed
            offset = part.stat().st_size if part.exists() else 0
            if expect.size is not None and offset > expect.size:
                part.unlink()
                offset = 0
            # identity encoding: Range offsets and checksums are of the file's bytes, not a gzip transfer
            headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={offset}-"} if offset else {})}
            with self.client.stream("GET", url, headers=headers) as r:
                if r.status_code in RETRY_STATUS:
                    raise _Retryable(f"HTTP {r.status_code}", retry_after_seconds(r.headers.get("Retry-After")))
                if r.status_code == 416:  # our partial file is longer than the resource: start again
                    part.unlink(missing_ok=True)
                    raise _Retryable("HTTP 416 (range not satisfiable)")
                _raise_for_status(r, url)
                if offset and r.status_code != 206:  # the server ignored Range: start from byte 0
                    offset = 0
                resumed = resumed or bool(offset)
                length = r.headers.get("Content-Length")
                expected = offset + int(length) if length and length.isdigit() else None
                got = offset
                with open(part, "ab" if offset else "wb") as f:
                    if task is not None:
                        self.progress.update(task, completed=offset, total=expected or expect.size)
                    for chunk in r.iter_raw():  # unbuffered: bytes read before a reset are kept for the resume
                        f.write(chunk)
                        got += len(chunk)
                        if task is not None:
                            self.progress.update(task, completed=got)
                if expected is not None and got < expected:
                    raise _Retryable(f"body truncated at {got:,} of {expected:,} bytes")

        try:
            _, attempts = self.with_retries(url, once)
            verify.check_body(part, url, expect.fmt)
            sha = verify.check_digests(part, url, sha256=expect.sha256, md5=expect.md5, size=expect.size)
        except FetchError as e:
            # A verified-bad body is deleted (it would fail again); a transport failure keeps the
            # .part in staging so the next run resumes it with Range.
            if not isinstance(e, _TransportExhausted):
                part.unlink(missing_ok=True)
            raise
        finally:
            if task is not None:
                self.progress.remove_task(task)
        size = part.stat().st_size
        os.replace(part, dest)
        return Downloaded(url, dest, size, sha, resumed=resumed, attempts=attempts)

    # -- the retry loop ---------------------------------------------------------------------------

    def with_retries(self, url: str, once):
        last = "no attempt"
        for attempt in range(self.retry.attempts):
            try:
                return once(attempt), attempt + 1
            except _Retryable as e:
                if e.retry_after is not None and e.retry_after > self.retry.max_retry_after:
                    raise FetchError(
                        f"{url}: the server asks to wait {e.retry_after:.0f} s ({e}) before retrying. "
                        "Fix: run the command again later (the partial download is kept and resumed)."
                    ) from e
                last, wait = str(e), self.retry.delay(attempt, e.retry_after)
            except httpx.TooManyRedirects as e:
                raise FetchError(
                    f"{url}: too many redirects (a redirect loop; often a login or cookie wall). "
                    "Fix: open the URL in a browser; if it asks you to log in, download the file there and give "
                    "it to `dyadwatch ingest`."
                ) from e
            except httpx.TimeoutException as e:
                last, wait = f"timed out ({type(e).__name__})", self.retry.delay(attempt)
            except httpx.TransportError as e:  # connection refused/reset, truncated body (RemoteProtocolError)
                last, wait = f"{type(e).__name__}: {e}", self.retry.delay(attempt)
            if attempt + 1 < self.retry.attempts:
                self.sleep(wait)
        raise _TransportExhausted(
            f"{url}: failed after {self.retry.attempts} attempts (last: {last}). Fix: check your connection or "
            "the publisher's status and run the command again; a partial download is resumed where it stopped. "
            "Use --offline to work from files already in the cache."
        )


class _TransportExhausted(FetchError):
    """Every attempt failed in transport; the partial file is kept for a resume."""


def _raise_for_status(r: httpx.Response, url: str) -> None:
    if r.status_code < 400:
        return
    if r.status_code in (401, 403):
        fix = "the publisher requires a login, a key or accepting its terms: see `dyadwatch fetch --recipes`"
    elif r.status_code == 404:
        fix = "the file moved or the version does not exist; check the recipe's URL or pass --version"
    else:
        fix = "check the URL in a browser and try again later"
    raise FetchError(f"{url}: HTTP {r.status_code} {r.reason_phrase}. Fix: {fix}.")
