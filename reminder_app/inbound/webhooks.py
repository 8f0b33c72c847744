"""The two callbacks Clickatell makes to us: inbound texts and delivery reports.

Each view does four things, in this order: authenticate (the account's secret in the URL;
anything else is a 403 and stores nothing), store the callback raw, process it, answer.
A callback Clickatell repeats is recognised by its message id and changes nothing.
"""

from collections.abc import Callable

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..clickatell import CallbackError, parse_delivery_report, parse_inbound
from ..extensions import csrf, db
from ..models import CallbackKind, CallbackRecord, ClickatellAccount
from ..models.types import utcnow

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks/clickatell")
csrf.exempt(bp)

MAX_CALLBACK_BYTES = 64 * 1024
ACKNOWLEDGED = ("OK", 200, {"Content-Type": "text/plain"})


def authenticate(secret: str) -> ClickatellAccount:
    if not secret or len(secret) > 64:
        abort(403)
    account = db.session.scalar(
        select(ClickatellAccount).where(ClickatellAccount.callback_secret == secret))
    if account is None:
        abort(403)
    return account


def raw_callback() -> bytes:
    """The callback's parameters exactly as sent: the form body of a POST, the query string
    of a GET. Read (and cached) before anything parses the form: afterwards the body is gone,
    and the parsed values have lost the bytes of a Latin-1 or UTF-16BE text."""
    body = request.get_data(cache=True)
    return body if body else request.query_string


def store_raw(account: ClickatellAccount, kind: CallbackKind,
              dedupe_key: str | None) -> tuple[CallbackRecord, bool]:
    """Keep the callback as sent; return it and whether it still needs processing."""
    if dedupe_key is not None:
        seen = db.session.scalar(
            select(CallbackRecord).where(CallbackRecord.dedupe_key == dedupe_key))
        if seen is not None:
            return seen, seen.processed_at is None
    # A NUL byte (never in a real callback) is written as \x00: no text column holds one.
    record = CallbackRecord(kind=kind, account_id=account.id, dedupe_key=dedupe_key,
                            method=request.method,
                            payload=raw_callback().decode("latin-1").replace("\x00", "\\x00"))
    try:
        db.session.add(record)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        seen = db.session.scalar(
            select(CallbackRecord).where(CallbackRecord.dedupe_key == dedupe_key))
        return seen, seen.processed_at is None
    return record, True


def receive(secret: str, kind: CallbackKind, dedupe_key: Callable[[], str | None],
            parse: Callable[[], object], process: Callable[[ClickatellAccount, object], None]):
    account = authenticate(secret)
    if (request.content_length or 0) > MAX_CALLBACK_BYTES:
        return jsonify(error="callback too large"), 413
    # Also without a Content-Length (a chunked body): read one byte past the cap, since
    # werkzeug's stream stops quietly at a maximum and would hand back a truncated body.
    request.max_content_length = MAX_CALLBACK_BYTES + 1
    if len(raw_callback()) > MAX_CALLBACK_BYTES:  # before the form is parsed: see raw_callback
        return jsonify(error="callback too large"), 413
    record, pending = store_raw(account, kind, dedupe_key())
    if not pending:
        return ACKNOWLEDGED
    try:
        parsed = parse()
    except CallbackError as error:
        record.error = str(error).replace("\x00", "\\x00")[:300]
        db.session.commit()
        return jsonify(error=str(error)), 400
    process(account, parsed)
    record.processed_at = utcnow()
    db.session.commit()
    return ACKNOWLEDGED


#: Longest identity a key is made of: the column holds 120 characters with its prefix.
MAX_KEY = 100


def key(*parts: str) -> str | None:
    """The callback's identity from these parameters; None if one is missing, or if they
    are longer than any real id or hold a NUL (such a callback is malformed: it is stored
    without a key, then refused by its parser)."""
    values = [request.values.get(part, "").strip() for part in parts]
    joined = ":".join(values)
    if not all(values) or len(joined) > MAX_KEY or "\x00" in joined:
        return None
    return joined


@bp.route("/<secret>/inbound", methods=["GET", "POST"])
def inbound(secret: str):
    """A patient's text to the practice's number (Clickatell's MO callback)."""
    from .replies import handle_inbound

    return receive(
        secret, CallbackKind.INBOUND,
        dedupe_key=lambda: key("moMsgId") and f"mo:{key('moMsgId')}",
        parse=lambda: parse_inbound(request.values, raw_callback()),
        process=handle_inbound)


@bp.route("/<secret>/status", methods=["GET", "POST"])
def delivery_report(secret: str):
    """A change in an outbound text's status (Clickatell's delivery report)."""
    from ..outbox.delivery import apply_delivery_report

    return receive(
        secret, CallbackKind.STATUS,
        dedupe_key=lambda: key("apiMsgId", "status") and f"status:{key('apiMsgId', 'status')}",
        parse=lambda: parse_delivery_report(request.values),
        process=apply_delivery_report)
