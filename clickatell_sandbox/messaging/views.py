"""The messaging endpoint: check transport, dispatch the command, answer plain text."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request

from ..codes import MESSAGING_HTTPS_REQUIRED
from ..errors import MessagingError
from ..runtime import current_sandbox, db
from ..storage import utcnow
from .commands import COMMANDS, Command

bp = Blueprint("messaging", __name__, url_prefix="/http")
log = logging.getLogger(__name__)


def _answer(lines: list[str]) -> Response:
    return Response("\n".join(lines), content_type="text/plain; charset=utf-8")


@bp.route("/<command>", methods=["GET", "POST"])
def call(command: str):
    handler = COMMANDS.get(command.lower())
    if handler is None:
        abort(404)
    sandbox = current_sandbox()
    if sandbox.settings.require_https and not request.is_secure:
        return _answer([MessagingError(MESSAGING_HTTPS_REQUIRED).line()])
    session = db()
    context = Command(
        sandbox=sandbox,
        session=session,
        params=request.values,
        ip=request.remote_addr or "",
        now=utcnow(),
    )
    try:
        lines = handler(context)
    except MessagingError as refusal:
        session.commit()
        return _answer([refusal.line()])
    except Exception:
        session.rollback()
        log.exception("messaging command %s failed", command)
        return _answer([MessagingError("901").line()])
    session.commit()
    return _answer(lines)


def internal_error() -> Response:
    """The answer of the `error_code` fault."""
    return _answer([MessagingError("901").line()])
