"""GDELT 2.0 by date range: the master file list, parallel verified downloads, filtering while streaming.

1. The master file list (``masterfilelist.txt``: ``SIZE MD5 URL`` per line, one
   ``YYYYMMDDHHMMSS.export.CSV.zip`` every 15 minutes since February 2015) is
   fetched into the cache, and fetched again when the range asked for ends after
   its last entry.
2. The export files of the range are downloaded in parallel (``workers``
   threads on one httpx client), each checked against the list's size and MD5.
3. Each zip is read by DuckDB straight from the archive (a Python file object;
   nothing is unpacked to disk) and only the events with an actor among
   ``states`` are written, in GDELT's own 61-column layout, as
   ``YYYYMMDDHHMMSS.export.CSV`` in the cache; the zip is deleted. So a month of
   the world's events (about 3,000 files) never stays on disk, and the filtered
   files are what ``dyadwatch ingest gdelt`` reads (``sources/gdelt.py``).

A file that fails is reported with the others left cached; running again
resumes from where it stopped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dyadwatch import countries
from dyadwatch.errors import ChecksumError, FetchError, OfflineError, SourceFormatError
from dyadwatch.fetch import recipes as rc
from dyadwatch.fetch import verify
from dyadwatch.fetch.cache import Cache, Entry
from dyadwatch.fetch.http import Downloader, Expect
from dyadwatch.sources.gdelt import V2_COLUMNS

_EXPORT = re.compile(r"/(\d{14})\.export\.CSV\.zip$")


@dataclass(frozen=True)
class ListedFile:
    size: int
    md5: str
    url: str
    stamp: dt.datetime


def parse_master_list(path: Path) -> list[ListedFile]:
    """The export files in a master file list (mentions and GKG files are skipped)."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 3 or not parts[0].isdigit() or not re.fullmatch(r"[0-9a-f]{32}", parts[1]):
                raise SourceFormatError(
                    f"{path}: line {n} is not 'SIZE MD5 URL' ({line.strip()[:80]!r}); this is not GDELT's master "
                    "file list. Fix: `dyadwatch fetch gdelt --force` to download it again."
                )
            m = _EXPORT.search(parts[2])
            if m:
                stamp = dt.datetime.strptime(m.group(1), "%Y%m%d%H%M%S")
                out.append(ListedFile(int(parts[0]), parts[1], parts[2], stamp))
    return out


def cameo_codes(states: list[str]) -> list[str]:
    """CAMEO country codes of dyadwatch iso3 codes (ROU is ROM in CAMEO …)."""
    inverse: dict[str, list[str]] = {}
    for cameo, iso in countries.code_map("cameo").items():  # the crosswalk: CAMEO's codes that are states
        if iso is not None and cameo != iso:
            inverse.setdefault(iso, []).append(cameo)
    out = []
    for s in states:
        iso = countries.resolve(s).iso3
        out += [iso, *inverse.get(iso, [])]
    return sorted(set(out))


_local = threading.local()


def _con() -> duckdb.DuckDBPyConnection:
    # One connection per download thread: opening one costs more than filtering a 15-minute file.
    if not hasattr(_local, "con"):
        _local.con = duckdb.connect()
    return _local.con


def filter_export(zpath: Path, out: Path, codes: list[str]) -> int:
    """Write the events of ``zpath`` with an actor in ``codes`` to ``out`` (61-column TSV); return its bytes."""
    spec = {c: "VARCHAR" for c in V2_COLUMNS}
    con = _con()
    try:
        with zipfile.ZipFile(zpath) as z:
            names = z.namelist()
            if len(names) != 1:
                raise SourceFormatError(f"{zpath}: a GDELT export zip holds one CSV; this one holds {names[:5]}.")
            with z.open(names[0]) as f:
                rel = con.read_csv(
                    f, sep="\t", header=False, columns=spec, quotechar="", escapechar="", auto_detect=False
                )
                actor = [duckdb.ConstantExpression(c) for c in codes]
                keep = rel.filter(
                    duckdb.ColumnExpression("Actor1CountryCode").isin(*actor)
                    | duckdb.ColumnExpression("Actor2CountryCode").isin(*actor)
                )
                keep.write_csv(str(out), sep="\t", header=False, quotechar="")
        return out.stat().st_size
    except (duckdb.InvalidInputException, duckdb.ConversionException) as e:
        raise SourceFormatError(
            f"{zpath}: not a GDELT 2.0 export (61 tab-separated columns): {str(e).splitlines()[0]}. "
            "Fix: `dyadwatch fetch gdelt --force` for this range."
        ) from e
    except zipfile.BadZipFile as e:
        raise SourceFormatError(f"{zpath}: not a readable zip ({e}).") from e


def fetch(recipe: rc.Recipe, cache: Cache, o, *, date_from=None, date_to=None, states=None, since=None):
    from dyadwatch.fetch.result import FetchResult

    date_from = date_from or since
    if not (date_from and date_to and states):
        raise FetchError(
            "gdelt needs a date range and states: --from YYYY-MM-DD --to YYYY-MM-DD --states CHN,RUS "
            "(the world's events are never stored, only those of the states asked for)."
        )
    lo, hi = _day(date_from), _day(date_to)
    if hi < lo:
        raise FetchError(f"gdelt: --to {hi} is before --from {lo}.")
    iso = sorted({countries.resolve(s).iso3 for s in (states.split(",") if isinstance(states, str) else states)})
    codes = cameo_codes(iso)
    vname, version = recipe.version(None)
    key = f"{vname}-{'_'.join(iso)}"
    listed = _master_list(recipe, version.files[0], vname, cache, o, hi)
    end = dt.datetime.combine(hi, dt.time(23, 59, 59))
    todo = [f for f in listed if dt.datetime.combine(lo, dt.time()) <= f.stamp <= end]
    res = FetchResult(recipe.source, key, [], [])
    if not todo:
        res.notes.append(f"gdelt: the master file list has no export files from {lo} to {hi}.")
        return res
    dl = None if o.offline else o.downloader()
    try:
        errors, mismatched = _run(todo, key, codes, cache, dl, o, res)
        if mismatched and not o.offline:
            # The list may be older than a re-issued file: read it again once, retry those files.
            fresh = {f.url: f for f in _master_list(recipe, version.files[0], vname, cache, o, hi, refresh=True)}
            retry = [fresh.get(f.url, f) for f in mismatched]
            errors, _ = _run(retry, key, codes, cache, dl, o, res, errors)
    finally:
        if dl is not None:
            dl.__exit__()
    if errors:
        raise (OfflineError if o.offline else FetchError)(
            f"gdelt: {len(errors)} of {len(todo)} files failed (the other {len(todo) - len(errors)} are verified and "
            f"cached; run the command again to resume). First: {errors[0]}"
        )
    res.entries.sort(key=lambda e: e.file)
    res.paths = [Path(e.path) for e in res.entries if e.size > 0]
    res.notes.append(
        f"gdelt: {len(todo)} export files from {lo} to {hi}, {len(res.paths)} with events of {', '.join(iso)}; "
        "the rest of the world's events were not kept."
    )
    return res


def _run(todo, key, codes, cache, dl, o, res, errors=None):
    """Process ``todo`` in parallel; return (error messages, files that failed their checksum)."""
    errors = [e for e in (errors or []) if "MD5" not in e and "publisher lists" not in e]
    mismatched = []
    with ThreadPoolExecutor(max_workers=max(1, o.workers)) as pool:
        futures = {pool.submit(_one, f, key, codes, cache, dl, o): f for f in todo}
        for fut in as_completed(futures):
            try:
                entry, downloaded = fut.result()
            except ChecksumError as e:
                errors.append(str(e))
                mismatched.append(futures[fut])
                continue
            except (FetchError, SourceFormatError) as e:
                errors.append(str(e))
                continue
            res.entries.append(entry)
            res.downloaded += downloaded
            res.cached += not downloaded
    return errors, mismatched


def _day(v) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def _master_list(
    recipe, f: rc.RecipeFile, vname: str, cache: Cache, o, hi: dt.date, refresh: bool = False
) -> list[ListedFile]:
    entry = cache.get(recipe.source, vname, f.name)
    listed = parse_master_list(Path(entry.path)) if entry else []
    stale = not listed or max(x.stamp for x in listed).date() < hi
    if o.offline:
        if entry is None:
            raise OfflineError(
                f"--offline: GDELT's master file list is not in the cache ({cache.root}). "
                "Fix: run `dyadwatch fetch gdelt --from … --to … --states …` while online."
            )
        return listed
    if stale or o.force or refresh:
        url = rc.with_mirror(f.url, o.mirror)
        with o.downloader() as dl:
            got = dl.download(url, cache.path_for(recipe.source, vname, f.name), cache.staging, Expect("text"))
        listed = parse_master_list(got.path)
        cache.put(recipe.source, vname, f.name, path=got.path, url=url, sha256=got.sha256)
    return [ListedFile(x.size, x.md5, rc.with_mirror(x.url, o.mirror), x.stamp) for x in listed]


def _one(f: ListedFile, key: str, codes: list[str], cache: Cache, dl: Downloader | None, o) -> tuple[Entry, bool]:
    name = f.stamp.strftime("%Y%m%d%H%M%S") + ".export.CSV"
    entry = None if o.force else cache.get("gdelt", key, name)
    if entry is not None:
        return entry, False
    if dl is None:
        raise OfflineError(f"--offline: {name} ({f.url}) is not in the cache for {key}.")
    zdest = cache.staging / "zips" / (name + ".zip")
    dl.download(f.url, zdest, cache.staging, Expect("zip", md5=f.md5, size=f.size))
    part = cache.staging / (name + ".filtered")
    try:
        filter_export(zdest, part, codes)
        final = cache.path_for("gdelt", key, name)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, final)
    finally:
        zdest.unlink(missing_ok=True)
        part.unlink(missing_ok=True)
    return cache.put("gdelt", key, name, path=final, url=f.url, sha256=verify.digest(final)), True
