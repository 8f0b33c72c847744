"""Request ids, and optional JSON logs (`LOG_FORMAT=json`) for a log collector.

Every request gets an id: the reverse proxy's `X-Request-Id` when it sends a well-formed
one (so a line in the proxy's log and ours match), a new one otherwise. The response carries
it back, and each log line written during the request names it.

A JSON line holds the time, level, logger, message, request id and, for an error, the
traceback; never a request body or header. Messages and tracebacks have passed the filters
of reminder_app/logs.py first, so secrets in paths and database values are already gone.
"""

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-Id"
#: What a proxy's id may look like (a UUID, a hex string, …); anything else is replaced.
WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def assign_request_id() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if WELL_FORMED_ID.match(given) else uuid.uuid4().hex


def return_request_id(response):
    if g.get("request_id"):
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, redact_traceback) -> None:
        super().__init__()
        self.redact_traceback = redact_traceback

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info and record.exc_info[1] is not None:
            line["error"] = self.redact_traceback(record.exc_info)
        elif record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def init_app(app: Flask, redact_traceback) -> None:
    app.before_request(assign_request_id)
    app.after_request(return_request_id)
    if app.config.get("LOG_FORMAT") != "json":
        return
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter(redact_traceback))
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
        root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    app.logger.removeHandler(default_handler)  # its lines reach the JSON handler instead
