"""The One API routes: authenticate by key, call the service, answer JSON."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, request

from ..runtime import current_sandbox, db
from ..storage import utcnow
from . import service
from .service import PlatformError

bp = Blueprint("platform", __name__, url_prefix="/v1")
log = logging.getLogger(__name__)
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _refusal(error: PlatformError) -> tuple[Response, int]:
    return jsonify(error=error.as_json()), error.http_status


def _run(method: str, work):
    """Method check, key check, the work; a One API error or an internal one is JSON too."""
    session = db()
    try:
        if request.method != method:
            raise PlatformError(42)
        integration = service.authenticate(session, request.headers.get("Authorization"))
        status, body = work(session, integration)
    except PlatformError as error:
        session.rollback()
        return _refusal(error)
    except Exception:
        session.rollback()
        log.exception("One API %s %s failed", request.method, request.path)
        return _refusal(PlatformError(18))
    session.commit()
    return jsonify(body), status


@bp.route("/message", methods=ANY_METHOD)
def send():
    body = request.get_json(silent=True)
    return _run("POST", lambda session, integration: service.send_batch(
        current_sandbox(), session, integration, body))


@bp.route("/message/<message_id>", methods=ANY_METHOD)
def status(message_id: str):
    return _run("GET", lambda session, integration: (
        200, service.status_of(session, integration, message_id, utcnow())))


@bp.route("/balance", methods=ANY_METHOD)
def balance():
    return _run("GET", lambda session, integration: (
        200, service.balance_of(session, integration)))


@bp.route("/<path:unknown>", methods=ANY_METHOD)
def unknown(unknown: str):
    return _refusal(PlatformError(41))


def internal_error() -> Response:
    """The answer of the `error_code` fault: 503, retry (code 19)."""
    response, status = _refusal(PlatformError(19))
    response.status_code = status
    return response
