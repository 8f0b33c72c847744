"""Keep secrets, and what patients wrote, out of the logs.

Three secrets travel in URL paths, where request logs print them: the per-account callback
secret (`/webhooks/clickatell/<secret>/status`, logged by werkzeug's and gunicorn's access
lines, and by Flask's "Exception on <path>" line), a provider's calendar feed token
(`/calendar/<token>.ics`, the same access lines) and the Connect token (`/connect/<token>`,
logged by urllib3 at DEBUG). A filter on those loggers rewrites each line with the secret
replaced by `[redacted]` before any handler sees it. A callback's query string (a GET
callback's whole content: the patient's number and text) is redacted the same way, and so
is a patient search's (`/patients/?q=`, and the picker's `/patients/search?q=` at every
keystroke: names, dates of birth, mobiles).

A logged database error would quote values: SQLAlchemy's `[parameters: …]` (the engine hides
them, `hide_parameters`, config.py) and the driver's own message (PostgreSQL's "Failing row
contains (…)"). The same filter writes the traceback of such an error with its message
replaced. Passwords and API tokens travel in bodies and headers, which no logger here prints.
"""

import logging
import re
import traceback

from flask import Flask
from sqlalchemy.exc import StatementError

from . import json_logs

REDACTED = "[redacted]"
_SECRET_IN_PATH = re.compile(r"(/webhooks/clickatell/|/calendar/|/connect/)[^/\s?\"']+")
_PRIVATE_QUERY = re.compile(
    r"((?:/webhooks/clickatell/[^\s?\"']*|/patients/(?:search)?)\?)[^\s\"']*")
HIDDEN_DATABASE_DETAILS = "[details hidden: a database error can quote the values]"

#: Loggers that print request lines (URL paths) of requests made to us or by us, or the
#: tracebacks of failed requests and jobs; the app's own logger is added by `init_app`.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "urllib3.connectionpool",
                   "apscheduler.executors.default")


def redact(text: str) -> str:
    text = _SECRET_IN_PATH.sub(lambda match: match.group(1) + REDACTED, text)
    return _PRIVATE_QUERY.sub(lambda match: match.group(1) + REDACTED, text)


def _is_database_error(error: BaseException) -> bool:
    return isinstance(error, StatementError) or type(error).__module__.split(".")[0] in (
        "psycopg", "sqlite3")


def _hide_database_details(error: BaseException | None, shown, seen: set[int]) -> None:
    """Walk the exception and its traceback's picture of it together (cause, context)."""
    if error is None or shown is None or id(error) in seen:
        return
    seen.add(id(error))
    if _is_database_error(error):
        statement = getattr(error, "statement", None)
        shown._str = (f"[SQL: {statement}] " if statement else "") + HIDDEN_DATABASE_DETAILS
    _hide_database_details(error.__cause__, shown.__cause__, seen)
    _hide_database_details(error.__context__, shown.__context__, seen)


def redacted_traceback(exc_info) -> str:
    """The traceback as logging prints it, with database errors' messages hidden."""
    _, error, _ = exc_info
    shown = traceback.TracebackException(*exc_info)
    _hide_database_details(error, shown, set())
    return redact("".join(shown.format()).rstrip("\n"))


class RedactSecretsInPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redacted_traceback(record.exc_info)
            record.exc_info = None
        return True


def init_app(app: Flask) -> None:
    """Attach the filter to the request loggers and the app's own (once per process:
    loggers are global)."""
    for name in (*REQUEST_LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsInPaths) for f in logger.filters):
            logger.addFilter(RedactSecretsInPaths())
    json_logs.init_app(app, redacted_traceback)
