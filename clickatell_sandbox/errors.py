"""The two ways the services say no: a Connect error code or a messaging error code."""

from __future__ import annotations

from .codes import CONNECT_ERRORS, MESSAGING_ERRORS


class ConnectError(Exception):
    """Answered as a Connect error envelope; `value` is the optional context (e.g. {"Email": …})."""

    def __init__(self, code: str, value: dict[str, str] | None = None) -> None:
        super().__init__(f"{code} {CONNECT_ERRORS[code]}")
        self.code = code
        self.value = value


class MessagingError(Exception):
    """Answered as an `ERR: NNN, description` line of the messaging API."""

    def __init__(self, code: str) -> None:
        super().__init__(f"{code} {MESSAGING_ERRORS[code]}")
        self.code = code

    def line(self) -> str:
        return f"ERR: {self.code}, {MESSAGING_ERRORS[self.code]}"
