"""``fetch`` and ``update``: recipe → verified files in the cache → (update) one warehouse ingest."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dyadwatch.errors import ChecksumError, DyadwatchError, FetchError, OfflineError
from dyadwatch.fetch import recipes as rc
from dyadwatch.fetch import verify
from dyadwatch.fetch.cache import Cache, Entry
from dyadwatch.fetch.http import Downloader, Expect, RetryPolicy
from dyadwatch.fetch.result import FetchResult

ENV_MIRROR = "DYADWATCH_MIRROR"


@dataclass
class Options:
    """How to fetch: shared by the file, GDELT and Comtrade paths."""

    offline: bool = False
    force: bool = False
    mirror: str | None = None
    timeout: float = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    progress: object = None  # a rich.progress.Progress
    workers: int = 4

    def downloader(self, headers: dict | None = None) -> Downloader:
        return Downloader(timeout=self.timeout, retry=self.retry, progress=self.progress, headers=headers)


def fetch(
    source: str,
    *,
    version: str | None = None,
    since: dt.date | None = None,
    cache: Cache | None = None,
    accept_licence: bool = False,
    params: dict | None = None,
    **opts,
) -> FetchResult:
    """Download (or find in the cache) the files of ``source``'s recipe, each verified before it is cached.

    ``since``: every version released on or after that date (file recipes), or the start of the range
    (GDELT, Comtrade). ``params``: the query of GDELT (date_from, date_to, states) or Comtrade
    (reporters, partners, periods, freq, flows, cmd). ``opts``: fields of ``Options`` (offline, force,
    mirror, timeout, retry, progress, workers). A restricted source needs ``accept_licence``.
    """
    recipe = rc.get(source)
    o = Options(**opts)
    if o.mirror is None:
        o.mirror = os.environ.get(ENV_MIRROR) or None
    cache = cache or Cache()
    if recipe.restricted and not accept_licence and not o.offline:
        raise FetchError(
            f"{source} is not open data: {recipe.licence} Fix: read the terms at {recipe.page} and pass "
            "--accept-licence to download it."
        )
    if recipe.kind == "gdelt2":
        from dyadwatch.fetch import gdelt2

        return gdelt2.fetch(recipe, cache, o, since=since, **(params or {}))
    if recipe.kind == "comtrade_api":
        from dyadwatch.fetch import comtrade_api

        return comtrade_api.fetch(recipe, cache, o, since=since, **(params or {}))
    names = recipe.since(since) if since else [recipe.version(version)[0]]
    if since and not names:
        return FetchResult(source, "-", [], [], notes=[f"{source}: no version released since {since}."])
    results = [_fetch_files(recipe, name, cache, o) for name in names]
    out = results[-1]
    for r in results[:-1]:
        out.downloaded += r.downloaded
        out.cached += r.cached
        out.notes += r.notes
    return out


def _fetch_files(recipe: rc.Recipe, vname: str, cache: Cache, o: Options) -> FetchResult:
    _, version = recipe.version(vname)
    res = FetchResult(recipe.source, vname, [], [])
    dl = None
    try:
        for f in version.files:
            entry = None if o.force else cache.get(recipe.source, vname, f.name)
            if entry is None:
                if o.offline:
                    raise OfflineError(
                        f"--offline: {f.name} of {recipe.source} {vname} is not in the cache ({cache.root}). "
                        f"Fix: run `dyadwatch fetch {recipe.source} --version {vname}` while online."
                    )
                dl = dl or o.downloader()
                entry = _download_one(dl, recipe, vname, f, cache, o.mirror)
                res.downloaded += 1
            else:
                res.cached += 1
            if f.sha256 is None:
                res.notes.append(
                    f"{f.name}: the publisher states no checksum for this release; its sha256 {entry.sha256[:12]}… "
                    "is recorded in the cache and in the ingest."
                )
            res.entries.append(entry)
            res.paths += _loader_paths(Path(entry.path), f, cache)
    finally:
        if dl is not None:
            dl.__exit__()
    return res


def _download_one(dl: Downloader, recipe: rc.Recipe, vname: str, f: rc.RecipeFile, cache: Cache, mirror) -> Entry:
    url = rc.with_mirror(f.url, mirror)
    dest = cache.path_for(recipe.source, vname, f.name)
    if f.method == "POST":
        sha = _post(dl, url, f, dest, cache)
    else:
        sha = dl.download(url, dest, cache.staging, Expect(f.format, f.sha256, f.md5, f.size)).sha256
    return cache.put(recipe.source, vname, f.name, path=dest, url=url, sha256=sha)


def _post(dl: Downloader, url: str, f: rc.RecipeFile, dest: Path, cache: Cache) -> str:
    """A POST query whose response is the file (SIPRI's export), verified in staging, then renamed."""
    from dyadwatch.fetch.http import RETRY_STATUS, _raise_for_status, _Retryable, retry_after_seconds

    def once(attempt: int):
        r = dl.client.post(url, json=f.body or {})
        if r.status_code in RETRY_STATUS:
            raise _Retryable(f"HTTP {r.status_code}", retry_after_seconds(r.headers.get("Retry-After")))
        _raise_for_status(r, url)
        return r

    r = dl.with_retries(url, once)[0]
    cache.staging.mkdir(parents=True, exist_ok=True)
    part = cache.staging / (dest.name + ".part")
    part.write_bytes(r.content)
    try:
        verify.check_body(part, url, "json" if f.unwrap else f.format)
        if f.unwrap:
            part.write_bytes(_unwrap(part, url, f.unwrap))
            verify.check_body(part, url, f.format)
        sha = verify.check_digests(part, url, sha256=f.sha256, md5=f.md5, size=f.size)
    except FetchError:
        part.unlink(missing_ok=True)
        raise
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, dest)
    return sha


def _unwrap(path: Path, url: str, how: str) -> bytes:
    """The file a JSON envelope carries (``base64-json:KEY``)."""
    kind, _, key = how.partition(":")
    if kind != "base64-json":
        raise rc.RecipeError(f"unknown unwrap {how!r} for {url} (known: base64-json:KEY).")
    try:
        return base64.b64decode(json.loads(path.read_text("utf-8"))[key], validate=True)
    except (ValueError, KeyError, TypeError) as e:
        raise FetchError(
            f"{url}: the response is not the expected JSON with base64 {key!r} ({type(e).__name__}: {e}); "
            "nothing was saved. Fix: the publisher changed its export; download the file on its site."
        ) from e


def _loader_paths(path: Path, f: rc.RecipeFile, cache: Cache) -> list[Path]:
    """What the loader reads: the file, or for an unpacked zip its folder or the members the recipe names."""
    if not f.unpack:
        return [path]
    folder = _unpacked(path, cache)
    if not f.members:
        return [folder]
    found = sorted({p for pattern in f.members for p in folder.rglob(pattern) if p.is_file()})
    if not found:
        raise FetchError(
            f"{f.url}: the archive holds none of {f.members} (it has {sorted(p.name for p in folder.rglob('*'))[:8]}). "
            "Fix: the publisher changed the release's layout; update the recipe."
        )
    return found


def _unpacked(zpath: Path, cache: Cache) -> Path:
    """The folder a cached zip unpacks to (made once, atomically: unpack beside, then rename)."""
    folder = zpath.with_name(zpath.stem)
    if folder.is_dir():
        return folder
    tmp = cache.staging / (zpath.stem + ".unpacking")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with zipfile.ZipFile(zpath) as z:
            z.extractall(tmp)
    except zipfile.BadZipFile as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ChecksumError(f"{zpath}: the cached zip cannot be read ({e}). Fix: `dyadwatch fetch --force`.") from e
    os.replace(tmp, folder)
    return folder


def update(
    source: str,
    *,
    db: str | Path | None = None,
    ingest_options: dict | None = None,
    force_ingest: bool = False,
    **kw,
):
    """Fetch, then ingest the files in one warehouse transaction. Returns (FetchResult, IngestResult).

    A failed fetch never opens the warehouse; a failed ingest rolls back, so the warehouse is exactly
    as it was.
    """
    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse

    recipe = rc.get(source)
    if recipe.fetch_only:
        raise DyadwatchError(
            f"{source} can be fetched but no dyadwatch loader reads it yet. Fix: `dyadwatch fetch {source}`; "
            "the files are in the cache (`dyadwatch fetch --list`)."
        )
    res = fetch(source, **kw)
    if not res.paths:
        return res, None
    with Warehouse(db) as wh:
        ing = wh.ingest(sources.get(source), res.paths, force=force_ingest, options=ingest_options)
    return res, ing
