"""Responses cached in memory and validated by ETag, both keyed by the store's version.

The store is read-only while the server runs, so a GET of the same URL gives the same bytes
until the store's version changes (a new ingest, a new pack, a new dyadwatch): the ETag is
``version + hash(path and query)``, a matching ``If-None-Match`` gets 304 without any work,
and other repeats are answered from an LRU of finished responses. Only 200 responses are
kept, and none over ``MAX_BODY`` bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

MAX_ENTRIES = 2048
MAX_BODY = 4 * 1024 * 1024
_SKIP = {b"etag", b"cache-control"}


class ResponseCache:
    def __init__(self, app, version: Callable[[], str], max_entries: int = MAX_ENTRIES):
        self.app = app
        self.version = version
        self.max_entries = max_entries
        self.entries: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0
        self.inflight: dict[tuple, asyncio.Event] = {}  # one computation per key at a time (no stampede)

    def etag(self, path: str, query: bytes) -> str:
        h = hashlib.sha1(path.encode() + b"?" + query, usedforsecurity=False).hexdigest()[:16]
        return f'"{self.version()}-{h}"'

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        path, query = scope["path"], scope.get("query_string", b"")
        etag = self.etag(path, query)
        tag_headers = [(b"etag", etag.encode()), (b"cache-control", b"no-cache")]
        inm = dict(scope.get("headers") or []).get(b"if-none-match", b"").decode("latin-1")
        if etag in [t.strip() for t in inm.split(",")]:
            await send({"type": "http.response.start", "status": 304, "headers": tag_headers})
            await send({"type": "http.response.body", "body": b""})
            return
        key = (etag, scope["method"])
        if await self._serve_hit(key, send):
            return
        waiting = self.inflight.get(key)
        if waiting is not None:  # the same view is being computed for another client: wait for it
            await waiting.wait()
            if await self._serve_hit(key, send):
                return
        done = self.inflight[key] = asyncio.Event()
        try:
            await self._compute(scope, receive, send, key, tag_headers)
        finally:
            self.inflight.pop(key, None)
            done.set()

    async def _serve_hit(self, key: tuple, send) -> bool:
        with self.lock:
            hit = self.entries.get(key)
            if hit:
                self.entries.move_to_end(key)
                self.hits += 1
        if hit:
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        return hit is not None

    async def _compute(self, scope, receive, send, key: tuple, tag_headers: list) -> None:
        self.misses += 1
        state: dict = {"status": 0, "headers": [], "body": [], "size": 0}

        async def capture(message):
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                if state["status"] == 200:
                    hs = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _SKIP]
                    message["headers"] = state["headers"] = hs + tag_headers
            elif message["type"] == "http.response.body" and state["status"] == 200:
                state["body"].append(message.get("body", b""))
                state["size"] += len(message.get("body", b""))
                if not message.get("more_body"):
                    body = b"".join(state["body"])
                    if state["size"] <= MAX_BODY:
                        with self.lock:
                            self.entries[key] = (200, state["headers"], body)
                            while len(self.entries) > self.max_entries:
                                self.entries.popitem(last=False)
            await send(message)

        await self.app(scope, receive, capture)
