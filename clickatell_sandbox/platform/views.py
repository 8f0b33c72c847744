"""The Platform routes: the One API (`/v1/...`) and the older SMS REST (`/messages`) and HTTP
(`/messages/http/send`) integrations with `/public-client/...`; authenticate by key, call the
service, answer JSON."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, request

from ..runtime import current_sandbox, db
from ..storage import utcnow
from . import codes, service
from .service import PlatformError

bp = Blueprint("platform", __name__)
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


@bp.route("/v1/message", methods=ANY_METHOD)
def send():
    body = request.get_json(silent=True)
    return _run("POST", lambda session, integration: service.send_batch(
        current_sandbox(), session, integration, body))


@bp.route("/v1/message/<message_id>", methods=ANY_METHOD)
def status(message_id: str):
    return _run("GET", lambda session, integration: (
        200, service.status_of(session, integration, message_id, utcnow())))


@bp.route("/v1/balance", methods=ANY_METHOD)
def balance():
    return _run("GET", lambda session, integration: (
        200, service.balance_of(session, integration)))


@bp.route("/v1/<path:unknown>", methods=ANY_METHOD)
def unknown(unknown: str):
    return _refusal(PlatformError(41))


# ------------------------------------------------ the SMS REST and HTTP integrations


def _sms_refusal(error: PlatformError, http_status: int) -> tuple[Response, int]:
    return jsonify(messages=[], **codes.sms_api_error(error.code)), http_status


def _sms_answers(items: list[dict], outcomes: list) -> dict:
    answers = []
    for item, outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, PlatformError):
            answers.append({"apiMessageId": None, "accepted": False,
                            "to": item["to"].removeprefix("+"),
                            **codes.sms_api_error(outcome.code)})
        else:
            answers.append({"apiMessageId": outcome.api_msg_id, "accepted": True,
                            "to": outcome.recipient, "errorCode": None, "error": None,
                            "errorDescription": None})
    return {"messages": answers, "errorCode": None, "error": None, "errorDescription": None}


def _sms_send(key: str | None, items: list[dict], api: str, refusal_status: int):
    session = db()
    try:
        integration = service.authenticate(session, key, (api,))
        outcomes = service.send_items(current_sandbox(), session, integration, items)
    except PlatformError as error:
        session.rollback()
        return _sms_refusal(error, refusal_status)
    return jsonify(_sms_answers(items, outcomes)), 202


@bp.route("/messages", methods=ANY_METHOD)
def rest_send():
    """REST: `{"content", "to": [...], "from", "clientMessageId"}`, 202 even per-recipient."""
    if request.method != "POST":
        return _sms_refusal(PlatformError(42), 405)
    body = request.get_json(silent=True)
    recipients = body.get("to") if isinstance(body, dict) else None
    if not isinstance(recipients, list) or not recipients or len(recipients) > 200:
        return _sms_refusal(PlatformError(21 if not isinstance(body, dict) else 23), 400)
    common = {name: body[name] for name in ("content", "from", "clientMessageId")
              if name in body}
    items = [{"channel": "sms", "to": str(to), **common} for to in dict.fromkeys(recipients)]
    return _sms_send(request.headers.get("Authorization"), items, "rest", 400)


@bp.route("/messages/http/send", methods=ANY_METHOD)
def http_send():
    """HTTP: one recipient per GET; every error comes back with HTTP 200 (§3)."""
    if request.method != "GET":
        return _sms_refusal(PlatformError(42), 200)
    item = {"channel": "sms", "to": request.args.get("to", ""),
            "content": request.args.get("content", "")}
    if request.args.get("from"):
        item["from"] = request.args["from"]
    answer, status = _sms_send(request.args.get("apiKey"), [item], "http", 200)
    return answer, 200 if status == 202 else status


def _public(work):
    session = db()
    try:
        integration = service.authenticate(session, request.headers.get("Authorization"),
                                           ("rest", "http"))
        return jsonify(work(session, integration)), 200
    except PlatformError as error:
        return _sms_refusal(error, 401 if error.code == 1 else 404)


@bp.get("/public-client/balance")
def public_balance():
    return _public(service.balance_of)


@bp.get("/public-client/message/status")
def public_status():
    return _public(lambda session, integration: service.sms_status_of(
        session, integration, request.args.get("messageId", "")))


def internal_error() -> Response:
    """The answer of the `error_code` fault: 503, retry (code 19)."""
    response, status = _refusal(PlatformError(19))
    response.status_code = status
    return response
