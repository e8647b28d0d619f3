"""Fetch commands: `fetch` (download into the cache, verified) and `update` (fetch, then ingest)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, emit, lazy

pd = lazy("pandas")

SourceArg = Annotated[str | None, typer.Argument(help="Source name (`dyadwatch fetch --recipes` lists them).")]
VersionOpt = Annotated[str | None, typer.Option("--version", help="Release to fetch (default: the recipe's).")]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="YYYY-MM-DD: every release since then (GDELT, Comtrade: start of the range)."),
]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Use the cache only; never touch the network.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Download again even if the cache has the file.")]
MirrorOpt = Annotated[
    str | None,
    typer.Option("--mirror", envvar="DYADWATCH_MIRROR", help="Base URL of a mirror replacing the publisher host."),
]
AcceptOpt = Annotated[
    bool, typer.Option("--accept-licence", help="Accept the terms of a restricted source (shown first).")
]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="Seconds to wait for the server on each read.")]
RetriesOpt = Annotated[int, typer.Option("--retries", help="Attempts per file (exponential backoff with jitter).")]
DateFromOpt = Annotated[str | None, typer.Option("--from", help="GDELT: first day, YYYY-MM-DD.")]
DateToOpt = Annotated[str | None, typer.Option("--to", help="GDELT: last day, YYYY-MM-DD.")]
StatesOpt = Annotated[str | None, typer.Option("--states", help="GDELT: keep events with these actors, e.g. CHN,RUS.")]
ReportersOpt = Annotated[str | None, typer.Option("--reporters", help="Comtrade: reporting states, e.g. CHN.")]
PartnersOpt = Annotated[str | None, typer.Option("--partners", help="Comtrade: partner states, e.g. RUS,KAZ.")]
PeriodsOpt = Annotated[str | None, typer.Option("--periods", help="Comtrade: years (2022,2023 or 2015-2024).")]
FreqOpt = Annotated[str, typer.Option("--freq", help="Comtrade: A (annual) or M (monthly).")]
CmdOpt = Annotated[str, typer.Option("--cmd", help="Comtrade: HS code(s), TOTAL for all goods.")]


def register(app: typer.Typer) -> None:
    app.command("fetch", rich_help_panel="Data")(fetch)
    app.command("update", rich_help_panel="Data")(update)


def _params(source, date_from, date_to, states, reporters, partners, periods, freq, cmd) -> dict:
    if source == "gdelt":
        return {k: v for k, v in {"date_from": date_from, "date_to": date_to, "states": states}.items() if v}
    if source == "comtrade":
        got = {"reporters": reporters, "partners": partners, "periods": periods, "freq": freq, "cmd": cmd}
        return {k: v for k, v in got.items() if v}
    return {}


def _run(fn, source, *, version, since, offline, force, mirror, accept_licence, timeout, retries, params, **kw):
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    from dyadwatch.fetch import recipes
    from dyadwatch.fetch.http import RetryPolicy

    recipe = recipes.get(source)
    err = Console(stderr=True)
    if recipe.licence and not offline:
        err.print(f"[bold]{source}[/bold] licence: {recipe.licence}", highlight=False)
    if recipe.restricted and not accept_licence and not offline:
        if sys.stdin.isatty() and typer.confirm(f"Accept the terms of {source} ({recipe.page})?", err=True):
            accept_licence = True
    when = dt.date.fromisoformat(since) if since else None
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=err, transient=True) as bar:
        return fn(
            source, version=version, since=when, offline=offline, force=force, mirror=mirror,
            accept_licence=accept_licence, timeout=timeout, retry=RetryPolicy(attempts=max(1, retries)),
            progress=bar, params=params, **kw,
        )  # fmt: skip


def _report(res) -> None:
    what = f"{res.downloaded} downloaded, {res.cached} from the cache"
    typer.echo(f"{res.source} {res.version}: {len(res.entries)} file(s) ({what})")
    for e in res.entries:
        typer.echo(f"  {e.path}  {e.size:,} bytes  sha256 {e.sha256}")
    for n in res.notes:
        typer.secho(f"note: {n}", fg="yellow", err=True)


def fetch(
    source: SourceArg = None,
    version: VersionOpt = None,
    since: SinceOpt = None,
    offline: OfflineOpt = False,
    force: ForceOpt = False,
    mirror: MirrorOpt = None,
    accept_licence: AcceptOpt = False,
    timeout: TimeoutOpt = 60.0,
    retries: RetriesOpt = 5,
    date_from: DateFromOpt = None,
    date_to: DateToOpt = None,
    states: StatesOpt = None,
    reporters: ReportersOpt = None,
    partners: PartnersOpt = None,
    periods: PeriodsOpt = None,
    freq: FreqOpt = "A",
    cmd: CmdOpt = "TOTAL",
    list_cache: Annotated[bool, typer.Option("--list", help="Show what the cache holds (sizes, sha256).")] = False,
    list_recipes: Annotated[bool, typer.Option("--recipes", help="Show every source's download recipe.")] = False,
    verify: Annotated[bool, typer.Option("--verify", help="With --list: recompute every file's sha256.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Download a source's files from its publisher into the user cache, verified (size, MD5/sha256, format).

    Downloads retry with backoff (honouring Retry-After), resume with Range, and are renamed into the
    cache only once verified, so a broken download never looks complete. `--offline` uses the cache only.

    Examples: `dyadwatch fetch undl`, `dyadwatch fetch unvotes --version 0.3.0`, `dyadwatch fetch --list`,
    `dyadwatch fetch gdelt --from 2023-01-01 --to 2023-01-31 --states CHN,RUS`.
    """
    from dyadwatch.fetch.cache import Cache

    if list_cache:
        rows = [
            {"source": e.source, "version": e.version, "file": e.file, "bytes": e.size, "sha256": e.sha256,
             "fetched_at": e.fetched_at, "url": e.url}
            for e in Cache().entries(source)
        ]  # fmt: skip
        cols = ["source", "version", "file", "bytes", "sha256", "fetched_at", "url"]
        if verify:
            from dyadwatch.fetch.verify import digest

            for r, e in zip(rows, Cache().entries(source), strict=True):
                r["verified"] = digest(Path(e.path)) == e.sha256
            cols.append("verified")
        emit(pd.DataFrame(rows, columns=cols), fmt, title=f"Cache {Cache().root}",
             notes=[] if rows else [f"The cache {Cache().root} is empty: `dyadwatch fetch SOURCE`."])  # fmt: skip
        return
    if list_recipes:
        from dyadwatch.fetch import recipes

        rows = [
            {"source": r.source, "kind": r.kind, "default": r.default, "versions": ", ".join(r.versions),
             "checksums": _checksums(r),
             "restricted": r.restricted, "page": r.page}
            for r in recipes.all_recipes().values()
        ]  # fmt: skip
        emit(pd.DataFrame(rows), fmt, title="Download recipes")
        return
    if not source:
        raise typer.BadParameter("give a SOURCE, or --list / --recipes")
    from dyadwatch.fetch import fetch as do_fetch

    params = _params(source, date_from, date_to, states, reporters, partners, periods, freq, cmd)
    res = _run(do_fetch, source, version=version, since=since, offline=offline, force=force, mirror=mirror,
               accept_licence=accept_licence, timeout=timeout, retries=retries, params=params)  # fmt: skip
    _report(res)


def update(
    source: Annotated[str, typer.Argument(help="Source name (`dyadwatch fetch --recipes` lists them).")],
    version: VersionOpt = None,
    since: SinceOpt = None,
    offline: OfflineOpt = False,
    force: ForceOpt = False,
    mirror: MirrorOpt = None,
    accept_licence: AcceptOpt = False,
    timeout: TimeoutOpt = 60.0,
    retries: RetriesOpt = 5,
    date_from: DateFromOpt = None,
    date_to: DateToOpt = None,
    states: StatesOpt = None,
    reporters: ReportersOpt = None,
    partners: PartnersOpt = None,
    periods: PeriodsOpt = None,
    freq: FreqOpt = "A",
    cmd: CmdOpt = "TOTAL",
    db: DbOpt = None,
) -> None:
    """Fetch a source (as `dyadwatch fetch`), then ingest its files into the warehouse in one transaction.

    If the download or the ingest fails, the warehouse is exactly as it was. Then
    `dyadwatch changes A B --since-ingest ID` says what is new for a dyad.

    Examples: `dyadwatch update undl`, `dyadwatch update gdelt --from 2023-01-01 --to 2023-01-31 --states CHN,RUS`.
    """
    from dyadwatch.fetch import update as do_update

    params = _params(source, date_from, date_to, states, reporters, partners, periods, freq, cmd)
    res, ing = _run(do_update, source, version=version, since=since, offline=offline, force=force, mirror=mirror,
                    accept_licence=accept_licence, timeout=timeout, retries=retries, params=params,
                    db=db)  # fmt: skip
    _report(res)
    if ing is None:
        typer.echo(f"{source}: nothing to ingest.")
    elif ing.skipped:
        typer.echo(f"{source}: already ingested (same files, same sha256); the warehouse is unchanged.")
    else:
        rows = ", ".join(f"{t}: {n:,} rows" for t, n in ing.rows.items())
        typer.echo(f"{source}: ingested {rows} in {ing.seconds:.1f} s")
        for note in ing.notes:
            typer.secho(f"note: {note}", fg="yellow", err=True)


def _checksums(recipe) -> str:
    if recipe.kind == "gdelt2":
        return "size + MD5 (master list)"
    if all(f.sha256 for v in recipe.versions.values() for f in v.files):
        return "sha256 (fixed)"
    return "sha256 recorded"
