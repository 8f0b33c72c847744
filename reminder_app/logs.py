"""Keep secrets out of the logs.

Three secrets travel in URL paths, where request logs print them: the per-account callback
secret (`/webhooks/clickatell/<secret>/status`, logged by werkzeug's and gunicorn's access
lines), a provider's calendar feed token (`/calendar/<token>.ics`, the same access lines) and
the Connect token (`/connect/<token>`, logged by urllib3 at DEBUG). A filter on
those loggers rewrites each line with the secret replaced by `[redacted]` before any
handler sees it. Passwords and API tokens travel in bodies and headers, which no logger
here prints.
"""

import logging
import re

from flask import Flask

REDACTED = "[redacted]"
_SECRET_IN_PATH = re.compile(r"(/webhooks/clickatell/|/calendar/|/connect/)[^/\s?\"']+")

#: Loggers that print request lines (URL paths) of requests made to us or by us.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "urllib3.connectionpool")


def redact(text: str) -> str:
    return _SECRET_IN_PATH.sub(lambda match: match.group(1) + REDACTED, text)


class RedactSecretsInPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def init_app(_app: Flask) -> None:
    """Attach the filter to the request loggers (once per process: loggers are global)."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsInPaths) for f in logger.filters):
            logger.addFilter(RedactSecretsInPaths())
