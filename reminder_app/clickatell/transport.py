"""HTTP to Clickatell: timeouts, a size cap, failure mapping, retries for safe calls.

Every failure to get an answer becomes `GatewayUnavailable`; an answer that is not 2xx
(and not 5xx) or is too large becomes `ProtocolError`. Only calls declared idempotent are
repeated. Nothing here logs a request body (it holds passwords) or a full URL (the Connect
URL holds the developer token).

Besides the connect and read timeouts (each wait for a byte), a call has an overall
`deadline`, retries included: an answer that trickles a byte at a time never trips a read
timeout, so the body is read as it arrives and the clock is checked after every piece.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NameResolutionError,
    NewConnectionError,
)

from .errors import GatewayUnavailable, ProtocolError

__all__ = ["DEFAULT_DEADLINE", "DEFAULT_TIMEOUT", "Answer", "Transport"]

log = logging.getLogger(__name__)

#: (connect, read) seconds. A connect timeout a little over a multiple of 3 s is the
#: conventional choice (TCP retransmission window).
DEFAULT_TIMEOUT = (3.05, 10.0)
#: Seconds a whole call may take, however the bytes arrive.
DEFAULT_DEADLINE = 15.0
DEFAULT_MAX_BYTES = 256 * 1024
_PIECE = 16 * 1024


def _never_connected(exc: BaseException) -> bool:
    """True if the failure happened before a single byte of the request was sent."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, NewConnectionError | ConnectTimeoutError | NameResolutionError):
            return True
        stack.extend(item.args)
        stack.extend((getattr(item, "reason", None), item.__cause__, item.__context__))
    return False


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer the caller asked to read: its status and its (capped) body."""

    status: int
    body: bytes


class Transport:
    """Sends a request and returns the answer bytes, or raises a ClickatellError."""

    def __init__(
        self,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 2,
        backoff: float = 0.25,
        session: requests.Session | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        deadline: float = DEFAULT_DEADLINE,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        if deadline <= 0:
            raise ValueError("deadline must be > 0")
        self.timeout = timeout
        self.deadline = deadline
        self._clock = clock
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self._sleep = sleep
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()

    def close(self) -> None:
        if self._owns_session:
            self.session.close()

    def post(
        self,
        url: str,
        data: Mapping[str, str],
        *,
        action: str,
        idempotent: bool,
        log_url: str | None = None,
    ) -> bytes:
        """POST `data` as a form to `url`; return the body of a 2xx answer.

        `log_url` is what logs and errors may show instead of `url` (which may hold a
        token). Idempotent calls are repeated up to `retries` times when no answer came.
        """
        return self.request("POST", url, action=action, idempotent=idempotent,
                            data=dict(data), log_url=log_url).body

    def request(
        self,
        method: str,
        url: str,
        *,
        action: str,
        idempotent: bool,
        data: Mapping[str, str] | None = None,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        log_url: str | None = None,
        readable: Collection[int] = (),
    ) -> Answer:
        """Any method, with a form, a JSON body or query parameters; the same failure rules.

        `readable` names the non-2xx statuses whose body the caller reads itself (the One
        API answers 400/401/402/404 with a JSON error); any other is a `ProtocolError`.
        """
        shown = log_url or url
        attempts = 1 + (self.retries if idempotent else 0)
        until = self._clock() + self.deadline
        request = {"data": data, "json": json, "params": params, "headers": headers}
        for attempt in range(1, attempts + 1):
            try:
                return self._once(method, url, request, action=action, idempotent=idempotent,
                                  until=until, readable=readable)
            except GatewayUnavailable as exc:
                log.warning(
                    "clickatell %s to %s failed (attempt %d of %d): %s",
                    action, shown, attempt, attempts, exc.reason,
                )
                pause = self.backoff * (2 ** (attempt - 1))
                if attempt == attempts or self._clock() + pause >= until:
                    raise
                self._sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _timeouts(self, until: float) -> tuple[float, float]:
        """The connect and read timeouts, neither beyond what is left of the deadline."""
        connect, read = self.timeout if isinstance(self.timeout, tuple) else (self.timeout,) * 2
        left = max(until - self._clock(), 0.001)
        return min(connect, left), min(read, left)

    def _once(
        self, method: str, url: str, request: Mapping[str, Any], *, action: str,
        idempotent: bool, until: float, readable: Collection[int],
    ) -> Answer:
        # A non-idempotent call that may have reached Clickatell must not be repeated
        # blindly: the caller has to ask what happened first.
        reached = not idempotent
        try:
            response = self.session.request(method, url, **request,
                                            timeout=self._timeouts(until), stream=True)
        except requests.Timeout as exc:
            raise GatewayUnavailable(
                action=action,
                maybe_processed=reached and not _never_connected(exc),
                reason=type(exc).__name__,
            ) from None
        except requests.ConnectionError as exc:
            raise GatewayUnavailable(
                action=action,
                maybe_processed=reached and not _never_connected(exc),
                reason=type(exc).__name__ + (
                    " (connection refused)" if _never_connected(exc) else ""
                ),
            ) from None
        except requests.RequestException as exc:
            raise GatewayUnavailable(
                action=action, maybe_processed=reached, reason=type(exc).__name__
            ) from None

        with response:
            status = response.status_code
            if status >= 500 or status == 429:
                raise GatewayUnavailable(
                    action=action,
                    maybe_processed=reached and status != 429,
                    reason=f"HTTP {status}",
                    status=status,
                )
            if not 200 <= status < 300 and status not in readable:
                raise ProtocolError(f"unexpected HTTP status {status}", action=action)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise ProtocolError(f"answer larger than {self.max_bytes} bytes",
                                    action=action)
            return Answer(status, self._read_capped(response, action=action, reached=reached,
                                                    until=until))

    def _read_capped(self, response: requests.Response, *, action: str, reached: bool,
                     until: float) -> bytes:
        """The body as it arrives (`read1`: whatever one read brings, not a full piece), with
        the size cap and the deadline checked after each piece."""
        body = bytearray()
        try:
            while chunk := response.raw.read1(_PIECE, decode_content=True):
                body += chunk
                if len(body) > self.max_bytes:
                    raise ProtocolError(f"answer larger than {self.max_bytes} bytes",
                                        action=action)
                if self._clock() > until:
                    raise GatewayUnavailable(
                        action=action, maybe_processed=reached,
                        reason=f"no whole answer within {self.deadline:g} s")
        except (requests.RequestException, HTTPError, OSError) as exc:  # broke off
            raise GatewayUnavailable(
                action=action, maybe_processed=reached, reason=type(exc).__name__
            ) from None
        return bytes(body)
