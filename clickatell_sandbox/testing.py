"""Serve a sandbox over real HTTP for tests: a temp-file database, a free port, a daemon thread.

with running_sandbox({"SANDBOX_DELIVERY_STEP_SECONDS": 0.01}) as sandbox:
    requests.post(f"{sandbox.url}/connect/{token}", data={"XML": ...})
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

from . import create_app
from .runtime import Sandbox


class SandboxServer:
    """A sandbox listening on 127.0.0.1; `stop()` ends the server, the pushers and the temp dir."""

    def __init__(self, config: dict | None = None) -> None:
        self._directory = Path(tempfile.mkdtemp(prefix="clickatell-sandbox-"))
        settings = {"SANDBOX_DATABASE_URL": f"sqlite:///{self._directory / 'sandbox.db'}"}
        settings.update(config or {})
        self.app: Flask = create_app(settings)
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="sandbox-http", daemon=True
        )
        self._thread.start()
        self._stopped = False

    @property
    def sandbox(self) -> Sandbox:
        return self.app.extensions["sandbox"]

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self.sandbox.shutdown()
        shutil.rmtree(self._directory, ignore_errors=True)

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def serve(config: dict | None = None) -> SandboxServer:
    return SandboxServer(config)


@contextmanager
def running_sandbox(config: dict | None = None) -> Iterator[SandboxServer]:
    server = SandboxServer(config)
    try:
        yield server
    finally:
        server.stop()
