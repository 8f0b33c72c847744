"""A tiny real HTTP server that plays back canned answers and records every request.

`stub.answer(path, body, ...)` queues answers for a path (the last one repeats);
`stub.route(path, function)` answers with `function(request) -> Response`;
`stub.hits(path)` lists the parameters (query and form) of each request on that path;
`stub.raw(path)` their raw bodies (POST) or query strings (GET).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Canned:
    body: bytes
    status: int = 200
    delay: float = 0.0
    content_type: str = "text/plain"


class StubServer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._canned: dict[str, list[Canned]] = {}
        self._routes: dict[str, Callable[[Request], Response]] = {}
        self._hits: list[tuple[str, dict[str, str]]] = []
        self._raw: list[tuple[str, bytes]] = []
        self._stopping = threading.Event()
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)
        self._thread.start()

    def answer(self, path: str, *bodies: bytes | Canned, status: int = 200,
               delay: float = 0.0) -> None:
        with self._lock:
            self._canned[path] = [
                body if isinstance(body, Canned) else Canned(body, status, delay)
                for body in bodies
            ]

    def route(self, path: str, function: Callable[[Request], Response]) -> None:
        with self._lock:
            self._routes[path] = function

    def hits(self, path: str | None = None) -> list[dict[str, str]]:
        with self._lock:
            return [form for hit_path, form in self._hits if path in (None, hit_path)]

    def raw(self, path: str) -> list[bytes]:
        """The raw body (POST) or query string (GET) of each request on that path."""
        with self._lock:
            return [raw for hit_path, raw in self._raw if hit_path == path]

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        raw = request.get_data(cache=True) if request.method == "POST" else (
            request.query_string)
        with self._lock:
            self._hits.append((request.path, request.values.to_dict()))
            self._raw.append((request.path, raw))
            route = self._routes.get(request.path)
            queue = self._canned.get(request.path)
            canned = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else None
        if route is not None:
            response = route(request)
        elif canned is not None:
            if canned.delay:
                self._stopping.wait(canned.delay)
            response = Response(canned.body, status=canned.status,
                                content_type=canned.content_type)
        else:
            response = Response(b"no stub for this path", status=404)
        return response(environ, start_response)


def refused_url() -> str:
    """A URL on which nothing listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
