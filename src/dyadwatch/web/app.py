"""The dashboard application: ``create_app(db)`` returns its ASGI app (FastAPI inside three layers) over one store.

Around the routes sit three small ASGI layers, outermost first: request limits (GET/HEAD
only; oversize query strings and bodies refused before any work), security headers (a strict
Content-Security-Policy: scripts, styles, data and fonts from this server only, no inline
script, no eval), and the response cache (``cache.py``: ETag keyed by the store's version).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.types import Message

from dyadwatch import __version__
from dyadwatch.errors import BadParameterError, DyadwatchError, NoDataError, UnknownCountryError
from dyadwatch.web import vendor
from dyadwatch.web.cache import ResponseCache
from dyadwatch.web.data import WebStore, closest

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
MAX_QUERY = 2048  # bytes of query string: every real permalink is far shorter
MAX_BODY = 0  # the dashboard reads nothing from request bodies


def _web_dir() -> Path:
    return Path(str(resources.files("dyadwatch.web")))


def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_web_dir() / "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    from dyadwatch.web.views import number

    env.filters["number"] = number
    return env


def create_app(db: str | Path | None = None, *, store: WebStore | None = None, warm: bool = True,
               ready: Callable[[], None] | None = None) -> _Limits:  # fmt: skip
    """The dashboard over the warehouse at ``db`` (read-only), or the embedded pack when it does not exist.

    ``warm`` prepares the store before the server listens (see ``_warm``); ``ready`` is called then."""
    from contextlib import asynccontextmanager

    from dyadwatch.web import routes_api, routes_pages

    store = store or WebStore(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm:
            _warm(store)
            await _warm_page(app, "/dyad/CHN/RUS")
        if ready:
            ready()
        yield
        store.close()

    app = FastAPI(
        title="dyadwatch",
        version=__version__,
        description="The relationship between two states, from public data: the JSON API of `dyadwatch serve`. "
        "Every endpoint mirrors a function of the Python API; `format=csv` gives the CLI's CSV.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; /api renders the OpenAPI schema offline
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.env = templates()
    app.include_router(routes_api.router)
    app.include_router(routes_pages.router)
    app.mount("/static", StaticFiles(directory=_web_dir() / "static", follow_symlink=False), name="static")

    @app.get("/vendor/vega-bundle.js", include_in_schema=False)
    def vega_bundle() -> Response:
        return Response(vendor.bundle(), media_type="text/javascript; charset=utf-8")

    _errors(app)
    cached = ResponseCache(app, version=lambda: store.version)
    return _Limits(_SecurityHeaders(cached), fastapi=app, cache=cached)


def _warm(store: WebStore) -> None:
    """Load the JS bundle in the background, and the library and the pack now, so the first page is quick.

    Runs before the server listens: the indicator modules are imported, the pack's tables read and one
    verdict computed, so no reader's first page pays for them.
    """
    vendor.warm()
    pk = store.store.pack
    if store.basis == "pack" and pk is not None:
        for name in pk.manifest["tables"]:
            pk.frame(name)
    try:
        store.year_range()
        store.votes("CHN", "RUS", measure="agreement")
        store.ideal_distance("CHN", "RUS")  # imports the ideal-point module (scipy): about 1 s
        store.trade("CHN", "RUS")
        store.energy_crude("CHN", "RUS")
        store.regimes("CHN", "RUS")
        store.scorecard("CHN", "RUS")
        store.assess("CHN", "RUS")
    except DyadwatchError:
        pass


async def _warm_page(app: FastAPI, path: str) -> None:
    """Render one page in-process, past the response cache, and drop it: the templates compile and every
    section's code path runs once, so the first reader pays for neither (and still gets a fresh page)."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"", "headers": [],
             "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0), "app": app}  # fmt: skip
    try:
        await app(scope, receive, send)
    except Exception:  # a page that fails here fails for the reader too, with its error page: not start-up's job
        logging.getLogger("dyadwatch.web").exception("warming %s failed", path)


def _retarget(request: Request, query: str, iso3: str) -> str:
    """The same view with the unknown state replaced by a match (a dyad page stays a dyad page)."""
    from urllib.parse import quote, urlencode

    path = request.url.path
    parts = path.split("/")
    if query in parts:
        parts[parts.index(query)] = iso3
        qs = request.url.query
        return quote("/".join(parts)) + (f"?{qs}" if qs else "")
    items = [(k, iso3 if v == query else v) for k, v in request.query_params.multi_items()]
    if path.startswith("/api/") or path == "/dyad":
        return f"{path}?{urlencode(items)}"
    return f"/state/{iso3}"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _errors(app: FastAPI) -> None:
    def page(request: Request, status: int, title: str, message: str, **extra) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": message, **extra}, status_code=status)
        html = request.app.state.env.get_template("error.html").render(
            title=title, message=message, status=status, **extra
        )
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(UnknownCountryError)
    async def unknown_state(request: Request, e: UnknownCountryError):
        query = getattr(e, "query", "")
        matches = [{**m, "href": _retarget(request, query, m["iso3"])} for m in (closest(query) if query else [])]
        return page(request, 404, "Unknown state", str(e), query=query, closest=matches)

    @app.exception_handler(BadParameterError)
    async def bad_param(request: Request, e: BadParameterError):
        return page(request, 422, "Bad parameter", str(e), allowed=getattr(e, "allowed", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError):
        msgs = "; ".join(f"{'.'.join(str(x) for x in err['loc'][1:])}: {err['msg']}" for err in e.errors())
        lo, hi = request.app.state.store.year_range()
        return page(request, 422, "Bad parameter", f"{msgs}. Years must be whole numbers from {lo} to {hi}.",
                    allowed=[lo, hi])  # fmt: skip

    @app.exception_handler(NoDataError)
    async def no_data(request: Request, e: NoDataError):
        return page(request, 404, "No data", str(e))

    @app.exception_handler(DyadwatchError)
    async def other(request: Request, e: DyadwatchError):
        return page(request, 400, "Cannot answer", str(e))

    @app.exception_handler(404)
    async def not_found(request: Request, e):
        return page(request, 404, "Not found", f"No page at {request.url.path}.")


class _SecurityHeaders:
    """Adds the CSP and friends to every response."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def add(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, add)


class _Limits:
    """Refuses what a read-only dashboard never needs before any work: other methods, bodies, huge URLs.

    The outermost layer, so ``create_app`` returns it; ``fastapi`` and ``cache`` are the application and the
    response cache inside, for callers and tests that want the store or the cache."""

    def __init__(self, app, *, fastapi: FastAPI, cache: ResponseCache):
        self.app = app
        self.fastapi, self.cache = fastapi, cache

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        if scope["method"] not in ("GET", "HEAD"):
            return await _plain(send, 405, "Only GET and HEAD: the dashboard is read-only.", [(b"allow", b"GET, HEAD")])
        if len(scope.get("query_string", b"")) > MAX_QUERY or len(scope.get("path", "")) > MAX_QUERY:
            return await _plain(send, 414, f"URL too long (more than {MAX_QUERY} bytes).")
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY or b"transfer-encoding" in headers:
            return await _plain(send, 413, "The dashboard takes no request body.")
        await self.app(scope, receive, send)


async def _plain(send, status: int, text: str, extra: list | None = None) -> None:
    body = (text + "\n").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               *_SecurityHeaders.HEADERS, *(extra or [])]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
