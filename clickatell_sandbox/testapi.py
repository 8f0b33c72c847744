"""The JSON test API under /sandbox/api/: look inside the sandbox and steer it from tests.

It has no authentication and no CSRF protection: the sandbox must never face the internet.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import select, update

from . import accounts, messages
from .faults import parse_plan
from .platform import service as platform
from .runtime import current_sandbox, db
from .storage import (
    Account,
    Captcha,
    Email,
    Integration,
    Message,
    MessagingSession,
    Phone,
    PushLogEntry,
)

bp = Blueprint("testapi", __name__, url_prefix="/sandbox/api")

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def _json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="expected a JSON object")
    return data


def _bad_request(reason: str):
    return jsonify(error=reason), 400


def _number_filter(name: str) -> str | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    number = messages.normalise_msisdn(raw)
    if number is None:
        abort(400, description=f"{name} is not a phone number")
    return number


@bp.get("/messages")
def message_list():
    query = select(Message).order_by(Message.created_at, Message.id)
    if (to := _number_filter("to")) is not None:
        query = query.where(Message.recipient == to)
    if (sender := request.args.get("from")) is not None:
        query = query.where(Message.sender == sender.strip().removeprefix("+"))
    return jsonify([messages.as_json(message) for message in db().scalars(query)])


@bp.get("/emails")
def email_list():
    query = select(Email).order_by(Email.id)
    if (to := request.args.get("to")) is not None:
        query = query.where(Email.to == to)
    return jsonify(
        [
            {
                "to": email.to,
                "subject": email.subject,
                "body": email.body,
                "activation_url": email.activation_url,
            }
            for email in db().scalars(query)
        ]
    )


@bp.get("/captchas/<captcha_id>")
def captcha(captcha_id: str):
    found = db().get(Captcha, captcha_id.lower())
    if found is None:
        abort(404)
    return jsonify(captcha_id=found.id, code=found.code, state=found.state)


@bp.get("/accounts")
def account_list():
    session = db()
    rows = session.scalars(select(Account).order_by(Account.id))
    return jsonify([accounts.describe(session, row) for row in rows])


@bp.post("/accounts")
def create_account():
    session = db()
    try:
        created = accounts.create_ready_account(session, current_sandbox().settings, _json_body())
    except (ValueError, TypeError) as problem:
        session.rollback()
        return _bad_request(str(problem))
    session.commit()
    return jsonify(created), 201


@bp.get("/platform/setups")
def setup_list():
    rows = db().scalars(select(Integration).order_by(Integration.created_at))
    return jsonify([platform.describe_setup(row) for row in rows])


@bp.post("/platform/setups")
def create_setup():
    """A Platform SMS setup (One API): its key, numbers and callback URLs."""
    session = db()
    try:
        created = platform.create_setup(session, current_sandbox().settings, _json_body())
    except (ValueError, TypeError) as problem:
        session.rollback()
        return _bad_request(str(problem))
    session.commit()
    return jsonify(created), 201


@bp.post("/platform/setups/<integration_id>/callbacks")
def set_setup_callbacks(integration_id: str):
    """Paste a setup's callback URLs, as its owner does in the portal."""
    session = db()
    try:
        changed = platform.set_callbacks(session, integration_id, _json_body())
    except (ValueError, TypeError) as problem:
        session.rollback()
        return _bad_request(str(problem))
    session.commit()
    return jsonify(changed)


@bp.post("/platform/test-phones")
def add_test_phone():
    data = _json_body()
    session = db()
    try:
        platform.add_test_phone(session, str(data.get("user", "")), str(data.get("msisdn", "")))
    except ValueError as problem:
        session.rollback()
        return _bad_request(str(problem))
    session.commit()
    return "", 204


@bp.post("/platform/errors")
def force_errors():
    """The next One API sends answer these codes (any code of the table can be reached)."""
    data = _json_body()
    try:
        current_sandbox().forced_errors.add(int(data.get("code", 0)), int(data.get("count", 1)))
    except (ValueError, TypeError) as problem:
        return _bad_request(str(problem))
    return "", 204


@bp.post("/inbound")
def inbound():
    """An SMS from a phone to a long number, pushed to the number's reply callback URL."""
    data = _json_body()
    sender = messages.normalise_msisdn(str(data.get("from", "")))
    to = messages.normalise_msisdn(str(data.get("to", "")))
    text = str(data.get("text", ""))
    if sender is None or to is None or not text:
        return _bad_request("from, to (phone numbers) and text are required")
    session = db()
    try:
        message = messages.receive_reply(current_sandbox(), session, sender, to, text)
    except LookupError as problem:
        session.rollback()
        return jsonify(error=str(problem)), 404
    return jsonify(moMsgId=message.api_msg_id), 202


@bp.get("/faults")
def faults_show():
    return jsonify(current_sandbox().faults.describe())


@bp.post("/faults")
def faults_set():
    try:
        plan = parse_plan(_json_body())
    except (ValueError, TypeError) as problem:
        return _bad_request(str(problem))
    current_sandbox().faults.configure(plan)
    return jsonify(current_sandbox().faults.describe())


@bp.delete("/faults")
def faults_clear():
    current_sandbox().faults.clear()
    return "", 204


@bp.post("/phones/<msisdn>")
def phone_settings(msisdn: str):
    number = messages.normalise_msisdn(msisdn)
    data = _json_body()
    if number is None or not isinstance(data.get("reachable"), bool):
        return _bad_request('a phone number and {"reachable": true|false} are required')
    session = db()
    state = session.get(Phone, number) or Phone(msisdn=number)
    state.reachable = data["reachable"]
    session.add(state)
    session.commit()
    return jsonify(msisdn=number, reachable=state.reachable)


@bp.post("/sessions/expire")
def expire_sessions():
    session = db()
    expired = session.execute(update(MessagingSession).values(last_used_at=LONG_AGO))
    session.commit()
    return jsonify(expired=expired.rowcount)


@bp.get("/pushes")
def pushes():
    entries = db().scalars(select(PushLogEntry).order_by(PushLogEntry.id))
    return jsonify(
        [
            {
                "job": entry.job_id,
                "kind": entry.kind,
                "url": entry.url,
                "method": entry.method,
                "payload": entry.payload,
                "attempt": entry.attempt,
                "duplicate": entry.duplicate,
                "status_code": entry.status_code,
                "error": entry.error,
                "time": entry.at.isoformat().replace("+00:00", "Z"),
            }
            for entry in entries
        ]
    )


@bp.get("/sms-codes")
def sms_codes():
    """The SMS activation codes last sent, per account (`to` filters on the mobile number)."""
    query = select(Account).where(Account.sms_code.is_not(None)).order_by(Account.id)
    if (to := _number_filter("to")) is not None:
        query = query.where(Account.mobile == to)
    return jsonify(
        [
            {"user": row.username, "to": row.mobile, "code": row.sms_code}
            for row in db().scalars(query)
        ]
    )


@bp.post("/reset")
def reset():
    sandbox = current_sandbox()
    db().close()
    sandbox.faults.clear()
    sandbox.forced_errors.clear()
    sandbox.store.reset()
    return "", 204


@bp.errorhandler(400)
@bp.errorhandler(404)
def json_error(error):
    return jsonify(error=error.description), error.code
