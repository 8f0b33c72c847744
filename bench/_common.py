"""Helpers shared by the benchmark scripts (not part of the app)."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devtools.sandbox_api import SandboxAPI  # noqa: E402


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
        self.api = SandboxAPI(self.url, timeout=120)
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
        self.api.reset()

    def create_account(self, **fields) -> dict:
        return self.api.create_account(**fields)

    def message_count(self) -> int:
        return len(self.api.messages())

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


# ---------------------------------------------------------------- PostgreSQL, machine, memory

def postgres_server() -> str | None:
    """The PostgreSQL server to benchmark on (TEST_DATABASE_URL's, else the local one if it
    answers), as a URL; None if there is none. Only databases of our own are used on it."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2):
            return "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    except Exception:  # no server answers
        return None


@contextlib.contextmanager
def scratch_database(server_url: str, purpose: str):
    """A database of the benchmark's own (`bench_<purpose>_…`), dropped afterwards."""
    from tests.scratch_databases import scratch_database as scratch

    with scratch(server_url, f"bench_{purpose}") as url:
        yield url


def on_each_database(purpose: str, measure, *, no_postgres: bool = False) -> list[tuple]:
    """`measure(database_url)` on a temporary SQLite file, then on a scratch PostgreSQL
    database unless told not to (or none answers): [("SQLite", result), ("PostgreSQL", …)]."""
    results = [("SQLite", measure(f"sqlite:///{tempfile.mkdtemp(prefix=f'bench-{purpose}-')}"
                                  f"/{purpose}.db"))]
    server = None if no_postgres else postgres_server()
    if server:
        with scratch_database(server, purpose) as url:
            results.append(("PostgreSQL", measure(url)))
    return results


def machine() -> str:
    """One line about where the figures were measured."""
    import platform
    import sqlite3

    memory = ""
    with contextlib.suppress(OSError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    server = postgres_server()
    postgres = "no PostgreSQL"
    if server:
        with contextlib.suppress(Exception):
            import psycopg
            from sqlalchemy import make_url

            url = make_url(server).set(drivername="postgresql")
            with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
                postgres = "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0]
    return (f"{os.cpu_count()} CPUs{memory}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {postgres}")


class PeakMemory:
    """Samples this process's resident memory every 20 ms while in the `with` block."""

    def __init__(self) -> None:
        self.start = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _rss() -> int:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._rss())

    def __enter__(self) -> "PeakMemory":
        self.start = self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def mib(self) -> str:
        return f"{self.peak / 2**20:.0f} MiB (+{(self.peak - self.start) / 2**20:.0f})"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# ------------------------------------------------------------------------------- CPU time

_TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used) of a live process, or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            errors="replace")
    except OSError:
        return ""


class CpuMeter:
    """CPU seconds used, per part of the benchmark, between two snapshots (Linux /proc):
    the processes under `server_pid` (gunicorn and its workers), the PostgreSQL backends
    connected to `database`, PostgreSQL's own WAL writer and background processes, this
    process (the load generator), and the whole machine (busy and available)."""

    PARTS = ("app", "PostgreSQL backends", "PostgreSQL WAL/background", "load generator")

    def __init__(self, server_pid: int, database: str) -> None:
        self.server_pid = server_pid
        self.database = database

    def _parts(self) -> dict[str, float]:
        used = dict.fromkeys(self.PARTS, 0.0)
        stats = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit() and (stat := _proc_stat(int(entry.name))) is not None:
                stats[int(entry.name)] = stat
        for pid, (parent, seconds) in stats.items():
            if pid == self.server_pid or parent == self.server_pid:
                used["app"] += seconds
            elif pid == os.getpid():
                used["load generator"] += seconds
            else:
                command = _cmdline(pid)
                if not command.startswith("postgres:"):
                    continue
                if f" {self.database} " in command:
                    used["PostgreSQL backends"] += seconds
                elif any(name in command for name in ("walwriter", "wal writer",
                                                      "checkpointer", "background writer")):
                    used["PostgreSQL WAL/background"] += seconds
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        used["machine busy"] = (sum(fields) - idle) / _TICK
        used["machine total"] = sum(fields) / _TICK
        return used

    def __enter__(self) -> "CpuMeter":
        self.start = self._parts()
        return self

    def __exit__(self, *_exc) -> None:
        end = self._parts()
        self.used = {name: end[name] - self.start[name] for name in end}

    def per_request_ms(self, requests: int) -> dict[str, float]:
        """CPU milliseconds per request of each part, and of everything else on the machine
        ('other': other engineers' work, the kernel's share not charged to a process)."""
        parts = {name: self.used[name] * 1000 / requests for name in self.PARTS}
        parts["other"] = self.used["machine busy"] * 1000 / requests - sum(parts.values())
        return parts

    @property
    def busy(self) -> float:
        """Share of the machine's CPU time that was busy."""
        return self.used["machine busy"] / self.used["machine total"]
