"""Helpers shared by the benchmark scripts (not part of the app)."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SandboxProcess:
    """The Clickatell sandbox in a process of its own (so it does not share our GIL), on a
    free local port, with a throw-away database and no delivery walks or pushes."""

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="bench-sandbox-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        code = (
            "import logging, werkzeug.serving as s\n"
            "from clickatell_sandbox import create_app\n"
            "logging.getLogger('werkzeug').setLevel(logging.ERROR)\n"
            f"app = create_app({{'SANDBOX_DATABASE_URL': 'sqlite:///{self.directory}/sb.db', "
            "'SANDBOX_DELIVERY_STEP_SECONDS': 3600})\n"
            f"s.run_simple('127.0.0.1', {self.port}, app, threaded=True)\n")
        self.process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/sandbox/api/faults", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the sandbox did not start")

    def reset(self) -> None:
        requests.post(f"{self.url}/sandbox/api/reset", timeout=30).raise_for_status()

    def create_account(self, **fields) -> dict:
        response = requests.post(f"{self.url}/sandbox/api/accounts", json=fields, timeout=30)
        response.raise_for_status()
        return response.json()

    def message_count(self) -> int:
        return len(requests.get(f"{self.url}/sandbox/api/messages", timeout=120).json())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def table(rows: list[tuple], headers: tuple) -> str:
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    line = lambda row: "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True))  # noqa: E731
    return "\n".join([line(headers), line(tuple("-" * w for w in widths)),
                      *map(line, rows)])


def quiet_env() -> None:
    os.environ.setdefault("REMINDER_APP_CONFIG", "development")
