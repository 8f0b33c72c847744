"""Every benchmark of `make bench` still runs, at a toy size.

The benches are scripts outside the suite; without this, one can stop working when the
schema or a service changes and nobody notices until the next `make bench` (bench/due_query.py
did, when one pending reminder per appointment and rule became a database invariant).
Figures at this size mean nothing: only that each script runs to its end and prints its table.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

#: (script, arguments at a toy size, a line its output must hold)
BENCHES = [
    ("dispatch.py", ["--count", "40", "--rounds", "2", "--concurrency", "2"],
     "ratio dispatcher / bare loop"),
    ("peak.py", ["--practices", "3", "--per-practice", "3", "--rate", "5", "--timeout", "120"],
     "target: ratio"),
    ("queueing.py", ["--count", "20", "--rounds", "1", "--profile"],
     "statements per reminder"),
    ("claim_cost.py", ["--numbers", "1,10", "--runs", "3"], "numbers"),
    ("due_query.py", ["--rows", "2000"], "target: under 5 ms"),
    ("webhooks.py", ["--requests", "40", "--seconds", "20"], "p99"),
    ("day_view.py", ["--appointments", "20", "--runs", "2"], "median"),
    ("patient_picker.py", ["--patients", "50", "--runs", "2"], "median"),
    ("reply_latency.py", ["--replies", "3"], "median"),
    ("group_day.py", ["--scale", "0.002", "--day-seconds", "40", "--drain-seconds", "40"],
     "duplicates"),
]
#: Benches that run on PostgreSQL only (they take no --no-postgres).
POSTGRES_ONLY = {"group_day.py"}
#: Benches that run on SQLite only (they take no --no-postgres either).
SQLITE_ONLY = {"dispatch.py"}


@pytest.mark.parametrize("script, arguments, expected", BENCHES,
                         ids=[bench[0] for bench in BENCHES])
def test_the_bench_runs_to_its_end(script, arguments, expected):
    environment = dict(os.environ)
    if not environment.get("TEST_DATABASE_URL"):
        if script in POSTGRES_ONLY:
            pytest.skip(f"{script} needs PostgreSQL (TEST_DATABASE_URL)")
        if script not in SQLITE_ONLY:
            arguments = [*arguments, "--no-postgres"]
    result = subprocess.run([sys.executable, str(ROOT / "bench" / script), *arguments],
                            cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert expected in result.stdout, result.stdout[-2000:]
