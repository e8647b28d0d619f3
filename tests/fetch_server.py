"""A local HTTP server for the fetch tests: serves files the tests write and injects faults.

Only 127.0.0.1 is ever used. Each path has a script of responses consumed in
order (the last repeats): ok (with Range support), status codes with headers,
a connection reset mid-body, a truncated body under a correct Content-Length,
a slow response, a redirect. Every request is recorded for assertions.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Step:
    kind: str  # ok | status | reset | truncate | slow | redirect
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    cut: int = 0  # bytes sent before a reset/truncation
    delay: float = 0.0
    location: str = ""
    fn: object = None  # kind "call": fn(query: dict, headers: dict) -> (status, body, headers)


def ok(body: bytes, **headers) -> Step:
    return Step("ok", body, headers=headers)


def status(code: int, body: bytes = b"", **headers) -> Step:
    return Step("status", body, status=code, headers=headers)


class Server:
    def __init__(self):
        self.routes: dict[str, list[Step]] = {}
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # quiet
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                payload = self.rfile.read(length) if length else b""
                server.requests.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": payload}
                )
                path = self.path.split("?", 1)[0]
                script = server.routes.get(path)
                if not script:
                    return self._send(404, b"not found")
                step = script.pop(0) if len(script) > 1 else script[0]
                if step.kind == "call":
                    from urllib.parse import parse_qs, urlsplit

                    query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                    code, body, headers = step.fn(query, dict(self.headers))
                    return self._send(code, body, headers)
                if step.kind == "redirect":
                    return self._send(302, b"", {"Location": step.location})
                if step.kind == "status":
                    return self._send(step.status, step.body, step.headers)
                if step.kind == "slow":
                    time.sleep(step.delay)
                    return self._send(200, step.body, step.headers)
                if step.kind in ("reset", "truncate"):
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(step.body)))
                    self.end_headers()
                    self.wfile.write(step.body[: step.cut])
                    self.wfile.flush()
                    if step.kind == "reset":  # RST instead of FIN, once the client has read what was sent
                        time.sleep(0.3)
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return None
                body, code, headers = step.body, 200, dict(step.headers)
                rng = self.headers.get("Range")
                if rng and rng.startswith("bytes="):
                    start = int(rng[6:].split("-")[0])
                    if start >= len(body):
                        return self._send(416, b"")
                    headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
                    body, code = body[start:], 206
                return self._send(code, body, headers)

            def _send(self, code, body, headers=None):
                self.send_response(code)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = _serve
            do_POST = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def route(self, path: str, *steps: Step) -> str:
        self.routes[path] = list(steps)
        return self.url + path

    def start(self) -> Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def hits(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"].split("?", 1)[0] == path]
