"""HTTP to Clickatell: timeouts, a size cap, failure mapping, retries for safe calls.

Every failure to get an answer becomes `ProviderUnavailable`; an answer that is not 2xx
(and not 5xx) or is too large becomes `ProtocolError`. Only calls declared idempotent are
repeated. Nothing here logs a request body (it holds passwords) or a full URL (the Connect
URL holds the developer token).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

import requests
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from .errors import ProtocolError, ProviderUnavailable

__all__ = ["DEFAULT_TIMEOUT", "Transport"]

log = logging.getLogger(__name__)

#: (connect, read) seconds. A connect timeout a little over a multiple of 3 s is the
#: conventional choice (TCP retransmission window).
DEFAULT_TIMEOUT = (3.05, 10.0)
DEFAULT_MAX_BYTES = 256 * 1024


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


class Transport:
    """POSTs forms and returns the answer bytes, or raises a ClickatellError."""

    def __init__(
        self,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 2,
        backoff: float = 0.25,
        session: requests.Session | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.timeout = timeout
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
        shown = log_url or url
        attempts = 1 + (self.retries if idempotent else 0)
        for attempt in range(1, attempts + 1):
            try:
                return self._post_once(url, data, action=action, idempotent=idempotent)
            except ProviderUnavailable as exc:
                log.warning(
                    "clickatell %s to %s failed (attempt %d of %d): %s",
                    action, shown, attempt, attempts, exc.reason,
                )
                if attempt == attempts:
                    raise
                self._sleep(self.backoff * (2 ** (attempt - 1)))
        raise AssertionError("unreachable")  # pragma: no cover

    def _post_once(
        self, url: str, data: Mapping[str, str], *, action: str, idempotent: bool
    ) -> bytes:
        # A non-idempotent call that may have reached Clickatell must not be repeated
        # blindly: the caller has to ask what happened first.
        reached = not idempotent
        try:
            response = self.session.post(url, data=dict(data), timeout=self.timeout,
                                         stream=True)
        except requests.Timeout as exc:
            raise ProviderUnavailable(
                action=action,
                maybe_processed=reached and not _never_connected(exc),
                reason=type(exc).__name__,
            ) from None
        except requests.ConnectionError as exc:
            raise ProviderUnavailable(
                action=action,
                maybe_processed=reached and not _never_connected(exc),
                reason=type(exc).__name__ + (
                    " (connection refused)" if _never_connected(exc) else ""
                ),
            ) from None
        except requests.RequestException as exc:
            raise ProviderUnavailable(
                action=action, maybe_processed=reached, reason=type(exc).__name__
            ) from None

        with response:
            status = response.status_code
            if status >= 500 or status == 429:
                raise ProviderUnavailable(
                    action=action,
                    maybe_processed=reached and status != 429,
                    reason=f"HTTP {status}",
                    status=status,
                )
            if not 200 <= status < 300:
                raise ProtocolError(f"unexpected HTTP status {status}", action=action)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise ProtocolError(f"answer larger than {self.max_bytes} bytes",
                                    action=action)
            return self._read_capped(response, action=action, reached=reached)

    def _read_capped(self, response: requests.Response, *, action: str, reached: bool
                     ) -> bytes:
        body = bytearray()
        try:
            for chunk in response.iter_content(chunk_size=16 * 1024):
                body += chunk
                if len(body) > self.max_bytes:
                    raise ProtocolError(f"answer larger than {self.max_bytes} bytes",
                                        action=action)
        except requests.RequestException as exc:  # the answer broke off while reading
            raise ProviderUnavailable(
                action=action, maybe_processed=reached, reason=type(exc).__name__
            ) from None
        return bytes(body)
