"""A real local HTTP server for the connector tests (Odoo's, and the plain pytest suite's via
tests/httpfake.py): routes (method, path) → handler, records requests.

    with FakeServer() as srv:
        srv.route("GET", "/topics/1/mentions", {"mentions": []})          # static JSON
        srv.route("GET", "/x", [(429, {"Retry-After": "2"}, "calm"), {"ok": True}])  # sequence
        srv.route("POST", "/y", lambda req: (200, {}, {"echo": req.json()}))
        adapter = Adapter({"base_url": srv.url}, timeout=0.2)

A handler is a callable ``f(request) -> response``, a list consumed one response per call (the
last one repeats), or a response itself.  A response is a body (dict/list → JSON, str, bytes),
``(status, body)`` or ``(status, headers, body)``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Request:
    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query_lists = query
        self.query = {k: v[-1] for k, v in query.items()}
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def form(self):
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8")).items()}

    def __repr__(self):
        return f"<Request {self.method} {self.path} {self.query}>"


def slow(seconds, response=None):
    """A handler that answers only after ``seconds`` (to trigger client timeouts)."""

    def handler(req):
        time.sleep(seconds)
        return response if response is not None else {}

    return handler


class FakeServer:
    def __init__(self):
        self.routes = {}
        self.requests = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep pytest output clean
                pass

            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k: v for k, v in self.headers.items()},
                    body,
                )
                with server._lock:
                    server.requests.append(req)
                status, headers, payload = server._respond(req)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method, path, handler):
        self.routes[(method.upper(), path)] = (
            handler if not isinstance(handler, list) else list(handler)
        )
        return self

    def calls(self, method=None, path=None):
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (path is None or r.path == path)
        ]

    def _respond(self, req):
        handler = self.routes.get((req.method, req.path))
        if handler is None:
            return 404, {"Content-Type": "application/json"}, b'{"error": "no such route"}'
        if isinstance(handler, list):
            with self._lock:
                response = handler.pop(0) if len(handler) > 1 else handler[0]
        elif callable(handler):
            response = handler(req)
        else:
            response = handler
        return self._encode(response)

    @staticmethod
    def _encode(response):
        status, headers = 200, {}
        if isinstance(response, tuple):
            if len(response) == 2:
                status, body = response
            else:
                status, headers, body = response
        else:
            body = response
        headers = dict(headers)
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif isinstance(body, str):
            body = body.encode("utf-8")
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        elif body is None:
            body = b""
        return status, headers, body

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Sleeps(list):
    """An injected ``sleep`` that records the waits instead of sleeping."""

    def __call__(self, seconds):
        self.append(seconds)
