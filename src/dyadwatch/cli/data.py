"""Data commands: `sources`, `cite`, `ingest`, `ingests`, `countries`, `pack`, `cache`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dyadwatch.cli import _common
from dyadwatch.cli._common import DbOpt, Format, FormatOpt, emit, lazy

pd = lazy("pandas")


def register(app: typer.Typer) -> None:
    app.command("sources", rich_help_panel="Data")(sources_cmd)
    app.command("cite", rich_help_panel="Data")(cite)
    app.command("ingest", rich_help_panel="Data")(ingest)
    app.command("ingests", rich_help_panel="Data")(ingests)
    app.command("countries", rich_help_panel="Data")(countries_cmd)
    pack_app = typer.Typer(help="The embedded default pack of computed figures.", no_args_is_help=True)
    pack_app.command("build")(pack_build)
    pack_app.command("show")(pack_show)
    app.add_typer(pack_app, name="pack", rich_help_panel="Data")
    cache_app = typer.Typer(
        help="dyadwatch's cache: computed results, rendered charts, downloads (all can be deleted).",
        no_args_is_help=True,
    )
    cache_app.command("show")(cache_show)
    cache_app.command("clear")(cache_clear)
    app.add_typer(cache_app, name="cache", rich_help_panel="Data")


_MODES = {"replace": "replace its rows", "add": "add to its rows", "update": "update its rows"}


def sources_cmd(fmt: FormatOpt = Format.table) -> None:
    """List every source dyadwatch reads: name, what it is, which files to ingest, licence.

    Then `dyadwatch ingest NAME FILE...` loads one, and `dyadwatch cite NAME` gives its citation.
    """
    from dyadwatch import sources

    rows = [
        {
            "name": m.META.name,
            "title": m.META.title,
            "files": m.META.files,
            "tables": ", ".join(m.META.tables),
            "files then": _MODES[m.META.mode] + (f" by {', '.join(m.META.key)}" if m.META.key else ""),
            "licence": m.META.licence,
        }
        for m in sources.registry().values()
    ]
    emit(pd.DataFrame(rows), fmt, title="Sources")


def cite(
    source: Annotated[str | None, typer.Argument(help="A source name from `dyadwatch sources`.")] = None,
    bibtex: Annotated[bool, typer.Option("--bibtex", help="BibTeX instead of plain text.")] = False,
    all_sources: Annotated[bool, typer.Option("--all", help="Every source dyadwatch reads.")] = False,
    db: DbOpt = None,
) -> None:
    """Print how to cite a source (plain text, or BibTeX with --bibtex); `--all` for every source.

    Published facts are cited per publisher and page, from the facts your warehouse (or the pack) holds.

    Example: `dyadwatch cite voeten --bibtex`; `dyadwatch cite --all --bibtex > dyadwatch.bib`
    """
    from dyadwatch import citations, sources
    from dyadwatch.api import open_store

    if all_sources == (source is not None):
        raise typer.BadParameter("give one source name (see `dyadwatch sources`) or --all")
    names = list(sources.registry()) if source is None else [sources.get(source).META.name]  # --all: no name
    with open_store(db) as store:
        typer.echo(citations.cite(names, as_bibtex=bibtex, store=store))


def ingest(
    source: Annotated[str, typer.Argument(help="Source name (see `dyadwatch sources`).")],
    paths: Annotated[list[Path], typer.Argument(help="The publisher's file(s), as downloaded.")],
    force: Annotated[bool, typer.Option("--force", help="Re-read files already ingested.")] = False,
    allow_shrink: Annotated[
        bool,
        typer.Option("--allow-shrink", help="Accept deleting more than half of the source's rows, or an empty file."),
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="These files replace all of the source's rows (implies --allow-shrink).")
    ] = False,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="KEY=VALUE passed to the loader (e.g. country=CHN for `text`)."),
    ] = None,
    country: Annotated[str | None, typer.Option(help="For `text`: the speaker's country.")] = None,
    date: Annotated[str | None, typer.Option(help="For `text`: the statement's date (YYYY-MM-DD).")] = None,
    kind: Annotated[str | None, typer.Option(help="For `text`: statement, speech, joint-statement...")] = None,
    db: DbOpt = None,
    lake: Annotated[
        Path | None,
        typer.Option(
            "--lake",
            help="Stream the files into this lake folder (Parquet parts and an ingest log; created if missing) "
            "instead of the warehouse. Read it with --db DIR. Streamed sources: gdelt, baci, comtrade.",
        ),
    ] = None,
) -> None:
    """Load a source's files into the warehouse, in one transaction.

    A failed or interrupted ingest leaves the warehouse exactly as it was; ingesting files whose
    content is already the warehouse's changes nothing (use --force to re-read them). Each source
    says whether its files replace, add to or update its rows (`dyadwatch sources`); an ingest
    that would delete all or most of a source's rows needs --allow-shrink or --replace.

    Example: `dyadwatch ingest voeten UNVotesPublished.RData`
    """
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse

    src = sources.get(source)
    if lake is not None:
        _ingest_lake(src, paths, lake, force=force, allow_shrink=allow_shrink or replace, quiet=_common.QUIET)
        return
    opts = dict(o.split("=", 1) for o in (option or []) if "=" in o)
    opts.update({k: v for k, v in {"country": country, "date": date, "kind": kind}.items() if v})
    with (
        Warehouse(db) as wh,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            transient=True,
            console=Console(stderr=True),
            disable=_common.QUIET,
        ) as bar,  # progress on stderr: stdout holds only the result line
    ):
        task = bar.add_task(f"{source}: starting", total=None)
        res = wh.ingest(
            src,
            paths,
            force=force,
            options=opts,
            progress=lambda s: bar.update(task, description=f"{source}: {s}"),
            allow_shrink=allow_shrink,
            replace=replace,
        )
        where = wh.path
    if res.skipped:
        typer.echo(
            f"{source}: the warehouse's content already comes from these files (same sha256); nothing changed. "
            "Use --force to re-read."
        )
        return
    rows = ", ".join(
        f"{t}: {n:,} rows" + (f" ({res.removed[t]:,} replaced)" if res.removed.get(t) else "")
        for t, n in res.rows.items()
    )
    typer.echo(f"{source} ({res.mode}): {rows} in {res.seconds:.1f} s → {where}")
    for note in res.notes:
        typer.secho(f"note: {note}", fg="yellow", err=True)


def _ingest_lake(src, paths: list[Path], root: Path, *, force: bool, allow_shrink: bool, quiet: bool) -> None:
    from dyadwatch import lake_ingest

    say = (lambda s: None) if quiet else (lambda s: typer.echo(f"{src.META.name}: {s}", err=True))
    res = lake_ingest.ingest(root, src, paths, force=force, allow_shrink=allow_shrink, progress=say)
    if res.skipped:
        typer.echo(
            f"{src.META.name}: the lake's content already comes from these files (same sha256); nothing changed. "
            "Use --force to re-read."
        )
        return
    rows = ", ".join(f"{t}: {n:,} rows" for t, n in res.rows.items())
    typer.echo(f"{src.META.name} (add, streamed): {rows} in {res.seconds:.1f} s → {root}")
    for note in res.notes:
        typer.secho(f"note: {note}", fg="yellow", err=True)


def ingests(
    fmt: FormatOpt = Format.table,
    history: Annotated[bool, typer.Option("--history", help="Every ingest ever made, not the current files.")] = False,
    db: DbOpt = None,
) -> None:
    """Which files make up the warehouse's current content: source, file, sha256, rows, ingest id.

    With --history: every ingest with source, version, files, sha256, rows and time.
    """
    from dyadwatch.api import open_warehouse

    wh = open_warehouse(db)
    if history:
        rows = [_decoded(r, fmt) for r in (wh.ingests() if wh else [])]
        cols = ["id", "source", "version", "files", "sha256", "rows", "ingested_at", "seconds", "notes"]
        title = "Ingests"
    else:
        rows = [
            {"source": f["source"], "file": f["path"], "sha256": f["sha256"], "rows": f["rows"],
             "ingest": f["ingest_id"], "options": f["options"] if f["options"] not in (None, "{}") else None}
            for f in (wh.current_files() if wh else [])
        ]  # fmt: skip
        cols = ["source", "file", "sha256", "rows", "ingest", "options"]
        title = "Current content: the files the warehouse's rows come from"
    if wh:
        wh.close()
    emit(pd.DataFrame(rows, columns=cols), fmt, title=title,
         notes=[] if rows else ["The warehouse is empty: see `dyadwatch sources`."])  # fmt: skip


def _decoded(r: dict, fmt: Format) -> dict:
    """An ingest record with its JSON text fields as lists/objects (json), or joined with "; " (csv, table)."""
    import json

    rec = dict(r)
    for k in ("files", "sha256", "rows", "notes"):
        rec[k] = json.loads(rec[k]) if isinstance(rec[k], str) and rec[k][:1] in "[{" else rec[k]
    if fmt != Format.json:
        short = fmt == Format.table
        rec["files"] = "; ".join(Path(f).name if short else f for f in rec["files"] or [])
        rec["sha256"] = "; ".join(h[:12] if short else h for h in (rec["sha256"] or []) if h)
        rec["rows"] = "; ".join(f"{t}: {n:,}" for t, n in (rec["rows"] or {}).items())
        rec["notes"] = "; ".join(rec["notes"] or [])
    return rec


def countries_cmd(
    query: Annotated[str | None, typer.Argument(help="A name or code to resolve; omit to list all.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Resolve a country name or code (ISO3, ISO2, COW number, m49:NNN, gw:NNN), or list them all."""
    from dataclasses import asdict

    from dyadwatch import countries

    items = [countries.resolve_input(query)] if query else countries.all_countries()
    emit(pd.DataFrame([asdict(c) for c in items]), fmt, title="Countries")


def pack_build(
    data: Annotated[Path, typer.Option("--data", help="Folder laid out like shared/data (unga/, alliances/ ...).")],
    out: Annotated[Path | None, typer.Option("--out", help="Where to write (default: the installed pack).")] = None,
) -> None:
    """Rebuild the embedded pack of computed figures from the publishers' files."""
    from dyadwatch import pack

    path = pack.build(data, out, progress=lambda s: typer.echo(s, err=True))
    typer.echo(str(path))


def pack_show(fmt: FormatOpt = Format.table) -> None:
    """What the embedded pack holds and which files (with sha256) it was computed from."""
    from dyadwatch.store import manifest

    m = manifest()
    rows = [
        {"table": t, "rows": v["rows"], "sources": ", ".join(v["sources"]), "what": v["doc"]}
        for t, v in m["tables"].items()
    ]
    emit(pd.DataFrame(rows), fmt, title="Embedded pack", notes=[f"Focus countries: {', '.join(m['focus'])}"])


def cache_show(fmt: FormatOpt = Format.table) -> None:
    """Where dyadwatch keeps computed results, --help texts, rendered charts and downloads, and how much each holds."""
    from dyadwatch import caches

    rows = pd.DataFrame(caches.usage())
    rows["MB"] = (rows.pop("bytes") / 1e6).round(1)
    emit(rows, fmt, title="Cache", notes=[
        "Results are keyed by the store's content and dyadwatch's version: a new ingest never reads an old one.",
        "DYADWATCH_CACHE moves the whole cache; DYADWATCH_RESULT_CACHE=off computes every result afresh.",
    ])  # fmt: skip


def cache_clear(
    downloads: Annotated[bool, typer.Option("--downloads", help="Also remove downloaded publisher files.")] = False,
) -> None:
    """Remove cached results, help texts and charts (made anew on the next run); downloads only with --downloads."""
    from dyadwatch import caches

    n = caches.clear(("results", "help", "charts", "downloads") if downloads else ("results", "help", "charts"))
    typer.echo(f"Removed {n} cache entr{'y' if n == 1 else 'ies'}.")
