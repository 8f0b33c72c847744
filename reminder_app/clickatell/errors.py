"""The one exception family the provider boundary raises.

Callers catch `ClickatellError` and look at its attributes: `.code` (Clickatell's three-digit
code, or None when there was no answer), `.meaning` (plain words to show), `.retryable`,
`.field` (the form field it concerns), `.remedy` (what the dispatcher does about it).
`GatewayUnavailable` means no usable answer came back (refused, timed out, 5xx);
`ProtocolError` means an answer came back that we cannot
trust or read. Messages never contain passwords or tokens.

`CallbackError` is separate: it is about what Clickatell sent *us*, and the webhook answers
it with 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .codes import Remedy

__all__ = [
    "CallbackError",
    "ClickatellError",
    "ErrorDetail",
    "ProtocolError",
    "GatewayUnavailable",
]

_SECRET_WORDS = ("password", "secret", "token", "session")


def _without_secrets(values: Mapping[str, str] | None) -> dict[str, str]:
    if not values:
        return {}
    return {
        key: value
        for key, value in values.items()
        if not any(word in key.lower() for word in _SECRET_WORDS)
    }


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One `<Error>`/`<Description>` pair (Connect may answer several at once)."""

    code: str
    meaning: str
    description: str = ""
    field: str | None = None


class ClickatellError(Exception):
    """Clickatell refused a request, or we could not get a usable answer."""

    def __init__(
        self,
        meaning: str,
        *,
        action: str | None = None,
        code: str | None = None,
        description: str = "",
        values: Mapping[str, str] | None = None,
        retryable: bool = False,
        field: str | None = None,
        details: tuple[ErrorDetail, ...] = (),
        remedy: Remedy | None = None,
    ) -> None:
        self.action = action
        self.code = code
        self.meaning = meaning
        #: Clickatell's own wording, for logs (the meaning is what people see).
        self.description = description
        #: Context Clickatell returned with the error, e.g. {"Email": "a@b.example"}.
        self.values = _without_secrets(values)
        self.retryable = retryable
        #: What the dispatcher should do (codes.Remedy); by default retry what may pass
        #: and fail the text otherwise.
        self.remedy = remedy or (Remedy.RETRY_LATER if retryable else Remedy.FAIL_TEXT)
        self.field = field
        #: Every error in the answer, the first being this one's code and meaning.
        self.details = details or (
            (ErrorDetail(code, meaning, description, field),) if code else ()
        )
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"Clickatell {self.action}" if self.action else "Clickatell"
        code = f" error {self.code}" if self.code else ""
        return f"{where}{code}: {self.meaning}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(action={self.action!r}, code={self.code!r}, "
            f"meaning={self.meaning!r}, retryable={self.retryable!r}, field={self.field!r})"
        )

    def __reduce__(self):  # keep pickling (multiprocessing, logging handlers) working
        return (_rebuild, (type(self), self.meaning, self.__dict__))


def _rebuild(cls, meaning, state):
    error = cls.__new__(cls)
    Exception.__init__(error, meaning)
    error.__dict__.update(state)
    return error


class GatewayUnavailable(ClickatellError):
    """No answer: connection refused, timeout, or a 5xx. Worth trying again later.

    `maybe_processed` is True when the request may have reached Clickatell and been acted
    on although we saw no answer (a read timeout or 5xx on a call that is not safe to
    repeat, e.g. sendmsg): ask Clickatell what happened before doing it again.
    """

    def __init__(
        self,
        meaning: str = "Clickatell could not be reached. Try again in a few minutes.",
        *,
        action: str | None = None,
        maybe_processed: bool = False,
        reason: str = "",
        status: int | None = None,
    ) -> None:
        self.maybe_processed = maybe_processed
        #: What went wrong underneath ("ReadTimeout", "HTTP 503"), for logs.
        self.reason = reason
        self.status = status
        super().__init__(meaning, action=action, code=None, retryable=True)

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} ({self.reason})" if self.reason else base


class ProtocolError(ClickatellError):
    """An answer that is malformed, oversized, unsafe or not what the protocol says."""

    def __init__(
        self,
        reason: str,
        *,
        action: str | None = None,
        meaning: str = "Clickatell sent an answer this application cannot read. "
                       "Try again later; if it keeps happening, contact support.",
    ) -> None:
        self.reason = reason
        super().__init__(meaning, action=action, code=None, retryable=False)

    def __str__(self) -> str:
        return f"{super().__str__()} ({self.reason})"


class CallbackError(ValueError):
    """A callback from Clickatell is missing a field or has an invalid one."""

    def __init__(self, field: str, problem: str = "missing") -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"callback field {field!r}: {problem}")
