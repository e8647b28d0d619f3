"""`dyadwatch serve`: the dashboard in the browser (read-only on the warehouse, or the embedded pack)."""

from __future__ import annotations

from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    app.command("serve", rich_help_panel="Reports")(serve)


def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on. Default: loopback only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the dashboard: every dyad and indicator in the browser, a JSON API at /api, downloads.

    Reads the warehouse read-only (the server never ingests), or dyadwatch's embedded pack when there
    is no warehouse. Listens on 127.0.0.1 unless --host says otherwise.

    Example: `dyadwatch serve --port 8000`, then open http://127.0.0.1:8000/dyad/CHN/RUS
    """
    import uvicorn

    from dyadwatch.web.app import create_app

    if host not in LOOPBACK:
        typer.secho(
            f"Warning: --host {host} exposes the dashboard to other machines on the network. It has no login; "
            "everyone who can reach the port sees what the store holds. Use the default 127.0.0.1 unless you "
            "mean this.",
            fg="yellow",
            err=True,
        )
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    typer.echo("Preparing the store (seconds with the embedded pack; longer on a full warehouse) ...")
    app = create_app(db, ready=lambda: typer.echo(f"dyadwatch dashboard on {url} (Ctrl+C stops)"))
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
