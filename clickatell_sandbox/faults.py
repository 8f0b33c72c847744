"""Fault injection for the reliability tests, switched on through the test API.

A request to an affected endpoint draws from a `random.Random(seed)`: with probability `rate` it
gets one of the request kinds. `duplicate_callback` is drawn per push from its own stream of the
same seed, so request faults and push duplicates do not shift each other.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, g, request

REQUEST_KINDS = ("timeout", "http500", "error_code", "slow", "drip")
KINDS = (*REQUEST_KINDS, "duplicate_callback")
ENDPOINTS = ("connect", "messaging", "platform")


@dataclass(frozen=True)
class FaultPlan:
    rate: float
    kinds: tuple[str, ...]
    seed: int
    endpoints: tuple[str, ...]


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plan: FaultPlan | None = None
        self._requests = random.Random()
        self._pushes = random.Random()

    def configure(self, plan: FaultPlan) -> None:
        with self._lock:
            self._plan = plan
            self._requests = random.Random(plan.seed)
            self._pushes = random.Random(plan.seed)

    def clear(self) -> None:
        with self._lock:
            self._plan = None

    def describe(self) -> dict | None:
        plan = self._plan
        if plan is None:
            return None
        return {
            "rate": plan.rate,
            "kinds": list(plan.kinds),
            "seed": plan.seed,
            "endpoints": list(plan.endpoints),
        }

    def draw(self, endpoint: str) -> tuple[str, float] | None:
        """The fault for this request, as (kind, delay seconds), or None."""
        with self._lock:
            plan = self._plan
            if plan is None or endpoint not in plan.endpoints:
                return None
            kinds = [kind for kind in plan.kinds if kind in REQUEST_KINDS]
            if not kinds or self._requests.random() >= plan.rate:
                return None
            kind = self._requests.choice(kinds)
            delay = self._requests.uniform(0.3, 1.5) if kind == "slow" else 0.0
            return kind, delay

    def duplicate_push(self) -> bool:
        with self._lock:
            plan = self._plan
            if plan is None or "duplicate_callback" not in plan.kinds:
                return False
            return self._pushes.random() < plan.rate


def parse_plan(data: dict) -> FaultPlan:
    """The JSON body of POST /sandbox/api/faults; raises ValueError with a reason."""
    rate = float(data.get("rate", 1.0))
    if not 0.0 <= rate <= 1.0:
        raise ValueError("rate must be between 0 and 1")
    kinds = tuple(data.get("kinds") or ())
    unknown = [kind for kind in kinds if kind not in KINDS]
    if not kinds or unknown:
        raise ValueError(f"kinds must be a non-empty list of {', '.join(KINDS)}")
    endpoints = tuple(data.get("endpoints") or ENDPOINTS)
    if any(endpoint not in ENDPOINTS for endpoint in endpoints):
        raise ValueError(f"endpoints must be among {', '.join(ENDPOINTS)}")
    return FaultPlan(rate=rate, kinds=kinds, seed=int(data.get("seed", 0)), endpoints=endpoints)


def init_app(app: Flask, faults: Faults, error_answers: dict[str, Callable[[], Response]]) -> None:
    """Hook the faults around the Connect, messaging and One API blueprints.

    `http500` and `error_code` answer before the view runs (nothing happens); `slow` waits, then
    lets the request through; `timeout` lets the request take effect and holds the answer back;
    `drip` lets it take effect and sends the answer one byte at a time, a pause of
    `SANDBOX_DRIP_SECONDS` before each (a read timeout never fires, a total deadline must).
    """
    timeout = app.config["SANDBOX_FAULT_TIMEOUT_SECONDS"]
    drip_pause = float(app.config["SANDBOX_DRIP_SECONDS"])

    @app.before_request
    def inject_fault():
        if request.blueprint not in error_answers:
            return None
        fault = faults.draw(request.blueprint)
        if fault is None:
            return None
        kind, delay = fault
        g.sandbox_fault = kind
        if kind == "http500":
            return Response("Internal Server Error", status=500, mimetype="text/plain")
        if kind == "error_code":
            return error_answers[request.blueprint]()
        if kind == "slow":
            time.sleep(delay)
        return None

    @app.after_request
    def hold_answer(response: Response) -> Response:
        if g.get("sandbox_fault") == "timeout":
            time.sleep(float(timeout))
        if g.get("sandbox_fault") == "drip":
            response.response = _drip(response.get_data(), drip_pause)  # Content-Length kept
        return response


def _drip(body: bytes, pause: float):
    for n in range(len(body)):
        time.sleep(pause)
        yield body[n:n + 1]
