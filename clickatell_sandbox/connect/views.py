"""The one Connect endpoint: check transport and token, parse, dispatch, answer."""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, request

from ..errors import ConnectError
from ..runtime import current_sandbox, db, public_base
from ..storage import utcnow
from . import envelope
from .actions import ACTIONS, Call

bp = Blueprint("connect", __name__, url_prefix="/connect")
log = logging.getLogger(__name__)


@bp.post("/<token>")
def call(token: str):
    sandbox = current_sandbox()
    if sandbox.settings.require_https and not request.is_secure:
        return envelope.error("009")
    if not hmac.compare_digest(token.encode(), sandbox.settings.connect_token.encode()):
        return envelope.error("005")
    try:
        parsed = envelope.parse(request.form.get("XML", ""))
    except envelope.MalformedRequest:
        return envelope.error("999")
    action = ACTIONS.get(parsed.action)
    if action is None:
        return envelope.error("430")
    session = db()
    context = Call(
        sandbox=sandbox,
        session=session,
        params=parsed.params,
        ip=request.remote_addr or "",
        base_url=public_base(),
        now=utcnow(),
    )
    try:
        records = action(context)
    except ConnectError as refusal:
        session.commit()
        return envelope.error(refusal.code, refusal.value)
    except Exception:
        session.rollback()
        log.exception("Connect action %s failed", parsed.action)
        return envelope.error("999")
    session.commit()
    return envelope.success(parsed.action, records)


def internal_error():
    """The answer of the `error_code` fault."""
    return envelope.error("999")
