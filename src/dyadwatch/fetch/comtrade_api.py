"""A client for UN Comtrade's current data API (comtradeapi.un.org/data/v1/get), into ``trade_flows``.

* The subscription key comes from ``DYADWATCH_COMTRADE_KEY`` (header
  ``Ocp-Apim-Subscription-Key``; a free key at comtradedeveloper.un.org).
* Requests are split by period (at most ``PERIODS_PER_CALL`` per call) and, when a
  call comes back at the API's row limit (``ROW_LIMIT`` records, the free tier's),
  split again by partner and then by period until every piece fits; a single
  reporter-partner-period still at the limit is an error, never a silent cut.
* Calls are spaced by ``min_interval`` seconds (the free tier allows about one
  per second) and 429 answers are retried after their ``Retry-After``.
* Errors raise (``ApiError``) with the API's own message and the fix — unlike
  ``comtradeapicall``, which prints them and returns None.

The records are written as one CSV in the API's own column layout to the cache,
so ``dyadwatch ingest comtrade`` (``sources/comtrade.py``) reads them like a
downloaded API file: the same ``trade_flows`` rows as the CSV loader.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from pathlib import Path

from dyadwatch import countries
from dyadwatch.errors import ApiError, FetchError, OfflineError
from dyadwatch.fetch import recipes as rc
from dyadwatch.fetch.cache import Cache
from dyadwatch.fetch.http import RETRY_STATUS, Downloader, _Retryable, retry_after_seconds

ENV_KEY = "DYADWATCH_COMTRADE_KEY"
ROW_LIMIT = 100_000
PERIODS_PER_CALL = 12
COLUMNS = [
    "typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period", "reporterCode", "reporterISO",
    "flowCode", "partnerCode", "partnerISO", "partner2Code", "classificationCode", "cmdCode", "customsCode",
    "mosCode", "motCode", "qtyUnitCode", "qtyUnitAbbr", "qty", "netWgt", "cifvalue", "fobvalue", "primaryValue",
]  # fmt: skip


def area_code(state: str) -> int:
    """Comtrade's numeric area code of a state (M49, except Comtrade's own: USA 842, FRA 251, IND 699 …)."""
    from dyadwatch.sources.comtrade import SPECIAL_CODES

    c = countries.resolve(state)
    own = [k for k, v in SPECIAL_CODES.items() if v == c.iso3 and k not in (58, 280, 711, 810, 890, 891, 200, 736)]
    if own:
        return min(own)
    if c.m49 is None:
        raise ApiError(f"{c} has no UN M49 code, so Comtrade cannot be asked about it.")
    return int(c.m49)


def expand_periods(text: str, freq: str) -> list[str]:
    """``2015-2017`` → 2015, 2016, 2017 (annual) or every month of them (``freq`` M); ``202301`` stays."""
    out = []
    for part in str(text).split(","):
        part = part.strip()
        lo, _, hi = part.partition("-")
        if len(lo) == 6:
            out.append(lo)
            continue
        years = range(int(lo), int(hi or lo) + 1)
        out += [f"{y}{m:02d}" for y in years for m in range(1, 13)] if freq == "M" else [str(y) for y in years]
    return out


class Client:
    """Paged, rate-limited queries of one API endpoint."""

    def __init__(self, dl: Downloader, base: str, key: str, *, row_limit: int = ROW_LIMIT,
                 min_interval: float = 1.0, sleep=time.sleep):  # fmt: skip
        self.dl, self.base, self.key = dl, base.rstrip("/"), key
        self.row_limit, self.min_interval, self.sleep = row_limit, min_interval, sleep
        self.calls = 0
        self._last = 0.0

    def get(self, freq: str, params: dict) -> list[dict]:
        url = f"{self.base}/{freq}/HS"
        wait = self._last + self.min_interval - time.monotonic()
        if self.calls and wait > 0:
            self.sleep(wait)

        def once(attempt: int):
            r = self.dl.client.get(url, params=params, headers={"Ocp-Apim-Subscription-Key": self.key})
            if r.status_code in RETRY_STATUS:
                raise _Retryable(f"HTTP {r.status_code}", retry_after_seconds(r.headers.get("Retry-After")))
            return r

        r = self.dl.with_retries(url, once)[0]
        self._last, self.calls = time.monotonic(), self.calls + 1
        return _records(r, url, params)

    def query(self, freq: str, reporters: list[int], partners: list[int], periods: list[str], cmd: str,
              flows: str) -> list[dict]:  # fmt: skip
        """Every record, splitting calls so none reaches the row limit."""
        out = []
        for i in range(0, len(periods), PERIODS_PER_CALL):
            out += self._piece(freq, reporters, partners, periods[i : i + PERIODS_PER_CALL], cmd, flows)
        return out

    def _piece(self, freq, reporters, partners, periods, cmd, flows) -> list[dict]:
        params = {
            "reporterCode": ",".join(map(str, reporters)), "partnerCode": ",".join(map(str, partners)),
            "period": ",".join(periods), "cmdCode": cmd, "flowCode": flows, "partner2Code": "0",
            "customsCode": "C00", "motCode": "0", "includeDesc": "false",
        }  # fmt: skip
        rows = self.get(freq, params)
        if len(rows) < self.row_limit:
            return rows
        if len(partners) > 1:
            h = len(partners) // 2
            return self._piece(freq, reporters, partners[:h], periods, cmd, flows) + self._piece(
                freq, reporters, partners[h:], periods, cmd, flows
            )
        if len(periods) > 1:
            h = len(periods) // 2
            return self._piece(freq, reporters, partners, periods[:h], cmd, flows) + self._piece(
                freq, reporters, partners, periods[h:], cmd, flows
            )
        if len(reporters) > 1:
            h = len(reporters) // 2
            return self._piece(freq, reporters[:h], partners, periods, cmd, flows) + self._piece(
                freq, reporters[h:], partners, periods, cmd, flows
            )
        raise ApiError(
            f"Comtrade returned {len(rows):,} records (its row limit) for one reporter, partner and period "
            f"({params}); the answer is cut. Fix: ask for fewer commodity codes (--cmd), or use a premium key."
        )


def _records(r, url: str, params: dict) -> list[dict]:
    where = f"{url}?{'&'.join(f'{k}={v}' for k, v in params.items())}"
    try:
        body = r.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ApiError(
            f"{where}: HTTP {r.status_code}, and the answer is not JSON ({r.text[:120]!r}). "
            "Fix: check DYADWATCH_COMTRADE_KEY and the API status (comtradedeveloper.un.org)."
        ) from e
    if r.status_code in (401, 403):
        msg = body.get("message") if isinstance(body, dict) else body
        raise ApiError(
            f"{where}: HTTP {r.status_code}: {msg}. Fix: set DYADWATCH_COMTRADE_KEY to a valid subscription key "
            "(free at comtradedeveloper.un.org); a quota message means waiting until it is replenished."
        )
    if r.status_code >= 400 or not isinstance(body, dict):
        raise ApiError(f"{where}: HTTP {r.status_code}: {str(body)[:300]}.")
    if body.get("error"):
        raise ApiError(f"{where}: the API answered with an error: {body['error']}. Fix: check the query's codes.")
    data = body.get("data")
    if not isinstance(data, list):
        raise ApiError(f"{where}: the answer has no 'data' list (keys {list(body)[:8]}).")
    return data


def fetch(recipe: rc.Recipe, cache: Cache, o, *, since=None, reporters=None, partners=None, periods=None,
          freq: str = "A", cmd: str = "TOTAL", flows: str = "M,X", row_limit: int = ROW_LIMIT,
          min_interval: float = 1.0, sleep=time.sleep):  # fmt: skip
    """Query the API (or reuse the cached answer of the same query) and cache it as an API-layout CSV."""
    from dyadwatch.fetch.result import FetchResult

    if not (reporters and partners and (periods or since)):
        raise FetchError(
            "comtrade needs --reporters, --partners and --periods (e.g. --reporters CHN --partners RUS,KAZ "
            "--periods 2015-2024)."
        )
    freq = freq.upper()
    if freq not in ("A", "M"):
        raise FetchError(f"comtrade: --freq must be A or M, not {freq!r}.")
    if not periods:
        periods = f"{since.year}-{time.gmtime().tm_year}"
    rep = [area_code(s) for s in _split(reporters)]
    par = [area_code(s) for s in _split(partners)]
    pers = expand_periods(periods, freq)
    vname, version = recipe.version(None)
    query = {"freq": freq, "reporters": rep, "partners": par, "periods": pers, "cmd": cmd, "flows": flows}
    stem = "api_" + hashlib.sha256(json.dumps(query, sort_keys=True).encode()).hexdigest()[:16]
    res = FetchResult(recipe.source, vname, [], [])
    entries = None if o.force else _cached(cache, recipe.source, vname, stem)
    if entries is None:
        if o.offline:
            raise OfflineError(f"--offline: this Comtrade query ({query}) is not in the cache. Fix: run it online.")
        key = os.environ.get(ENV_KEY)
        if not key:
            raise ApiError(
                f"{ENV_KEY} is not set. Fix: get a free subscription key at comtradedeveloper.un.org and "
                f"`export {ENV_KEY}=…`."
            )
        with o.downloader() as dl:
            client = Client(dl, rc.with_mirror(version.files[0].url, o.mirror), key, row_limit=row_limit,
                            min_interval=min_interval, sleep=sleep)  # fmt: skip
            rows = client.query(freq, rep, par, pers, cmd, flows)
        entries = _write(rows, cache, recipe.source, vname, stem, client.base)
        res.downloaded = len(entries)
        res.notes.append(f"comtrade: {client.calls} API call(s), {len(rows):,} records.")
    else:
        res.cached = len(entries)
    res.entries, res.paths = entries, [Path(e.path) for e in entries]
    if not res.paths:
        res.notes.append("comtrade: the API has no records for this query.")
    return res


def _cached(cache: Cache, source: str, vname: str, stem: str):
    """The files of a query answered before: its index (written last) and every file it names, or None."""
    index = cache.get(source, vname, stem + ".json")
    if index is None:
        return None
    files = json.loads(Path(index.path).read_text("utf-8"))
    got = [cache.get(source, vname, f) for f in files]
    return None if any(e is None for e in got) else got


def _split(v) -> list[str]:
    return [s.strip() for s in (v.split(",") if isinstance(v, str) else v) if s.strip()]


def _write(rows: list[dict], cache: Cache, source: str, vname: str, stem: str, url: str):
    """One CSV per HS vintage (classificationCode: years of one query can span H4, H5, H6 and codes of
    different vintages must not mix in one file), then the query's index, each atomically."""
    from dyadwatch.fetch.verify import digest

    cache.staging.mkdir(parents=True, exist_ok=True)
    by_cls: dict[str, list[dict]] = {}
    for r in rows:
        by_cls.setdefault(str(r.get("classificationCode") or "HS"), []).append(r)
    entries = []
    for cls, part_rows in sorted(by_cls.items()):
        name = f"{stem}_{cls}.csv"
        part = cache.staging / (name + ".part")
        cols = COLUMNS + sorted({k for r in part_rows for k in r} - set(COLUMNS))
        with open(part, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
            w.writeheader()
            w.writerows(part_rows)
        final = cache.path_for(source, vname, name)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, final)
        entries.append(cache.put(source, vname, name, path=final, url=url, sha256=digest(final)))
    index = cache.staging / (stem + ".json.part")
    index.write_text(json.dumps([e.file for e in entries]), "utf-8")
    final = cache.path_for(source, vname, stem + ".json")
    os.replace(index, final)
    cache.put(source, vname, stem + ".json", path=final, url=url, sha256=digest(final))
    return entries
