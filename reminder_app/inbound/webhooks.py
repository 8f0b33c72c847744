"""The two callbacks Clickatell makes to us: inbound texts and delivery reports, from the
legacy Central (form fields, `/<secret>/inbound`, `/<secret>/status`) and from a Platform
SMS setup (JSON, `/<secret>/platform/inbound`, `/<secret>/platform/status`). Each route
parses with its generation's parser into the gateway's types (`Reply`, `StatusUpdate`);
what follows is the same for both.

Each view does four things, in this order: authenticate (the account's secret in the URL;
anything else is a 403 and stores nothing), store the callback raw, process it, answer.

One transaction, and one commit, per callback: the webhook is the edge that owns it. The raw
callback is written first, with the time it is processed (`processed_at`): both are
committed together. If processing fails, the whole transaction is rolled back and the raw
callback is written again, with the error instead of a processing time, and committed for
Clickatell's retry to process (no SAVEPOINT around the processing: a failure is rare, and
the two statements a savepoint costs every callback are not). No service commits, so
nothing of the processing can outlive that rollback.

A repeated callback is recognised by its key (`key`), unique per account, and changes
nothing; another practice's callback with the same key is not a repeat. A repeat
that arrives while the first delivery is still being processed waits for that request's
commit (the key's unique index makes it wait) and then finds it processed.
"""

import json
from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, abort, after_this_request, current_app, jsonify, request
from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from .. import transactions
from ..clickatell import (
    CallbackError,
    Reply,
    StatusUpdate,
    parse_central_replies,
    parse_central_statuses,
    parse_platform_replies,
    parse_platform_statuses,
)
from ..extensions import csrf, db
from ..models import CallbackKind, CallbackRecord, ClickatellAccount
from ..models.types import UTCDateTime, utcnow
from ..outbox.at_once import send_at_once
from ..outbox.delivery import apply_delivery_report
from . import replies

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks/clickatell")
csrf.exempt(bp)

MAX_CALLBACK_BYTES = 64 * 1024
ACKNOWLEDGED = ("OK", 200, {"Content-Type": "text/plain"})


_ACCOUNT_BY_SECRET = select(ClickatellAccount).where(or_(
    ClickatellAccount.callback_secret == bindparam("secret"),
    and_(ClickatellAccount.previous_callback_secret == bindparam("secret"),
         ClickatellAccount.previous_secret_until > bindparam("now", type_=UTCDateTime))))
_ACCOUNT_WITH_PRACTICE = _ACCOUNT_BY_SECRET.options(joinedload(ClickatellAccount.practice))


def authenticate(secret: str, *, with_practice: bool = False) -> ClickatellAccount:
    """The account whose callback secret this is, or 403: its current secret, or the one
    before it until its overlap ends (an owner replaced it, and Clickatell may not have the
    new addresses yet). One query, on the two secrets' unique indexes. `with_practice` loads
    the account's practice in the same query."""
    if not secret or len(secret) > 64:
        abort(403)
    query = _ACCOUNT_WITH_PRACTICE if with_practice else _ACCOUNT_BY_SECRET
    account = db.session.scalar(query, {"secret": secret, "now": utcnow()})
    if account is None:
        abort(403)
    if with_practice:
        # The practice's side of the one-to-one, which the join does not fill: answering
        # a reply reads the practice's number through it, and would load the account again.
        set_committed_value(account.practice, "clickatell_account", account)
    return account


def raw_callback() -> bytes:
    """The callback's parameters exactly as sent: the form body of a POST, the query string
    of a GET. Read (and cached) before anything parses the form: afterwards the body is gone,
    and the parsed values have lost the bytes of a Latin-1 or UTF-16BE text."""
    body = request.get_data(cache=True)
    return body if body else request.query_string


callbacks = CallbackRecord.__table__


def _param(column):
    """The bound parameter for a callback's column: `c_<column>`."""
    return bindparam(f"c_{column.name}", type_=column.type)


def _store_unless_known(dialect):
    """INSERT … ON CONFLICT (account_id, dedupe_key) DO NOTHING RETURNING id, in this
    dialect."""
    return (dialect.insert(callbacks)
            .values({column.name: _param(column) for column in (
                callbacks.c.account_id, callbacks.c.kind, callbacks.c.dedupe_key,
                callbacks.c.method, callbacks.c.payload, callbacks.c.received_at,
                callbacks.c.processed_at)})
            .on_conflict_do_nothing(index_elements=[callbacks.c.account_id,
                                                    callbacks.c.dedupe_key])
            .returning(callbacks.c.id))


_STORE = {"postgresql": _store_unless_known(postgresql), "sqlite": _store_unless_known(sqlite)}
_SEEN = (select(callbacks.c.id, callbacks.c.processed_at)
         .where(callbacks.c.account_id == _param(callbacks.c.account_id),
                callbacks.c.dedupe_key == _param(callbacks.c.dedupe_key)).with_for_update())
_NOTE = (update(callbacks).where(callbacks.c.id == _param(callbacks.c.id))
         .values(processed_at=_param(callbacks.c.processed_at),
                 error=_param(callbacks.c.error)))


def _payload() -> str:
    """The raw callback as stored. A NUL byte (never in a real callback) is written as
    \\x00: no text column holds one."""
    return raw_callback().decode("latin-1").replace("\x00", "\\x00")


def store_raw(account: ClickatellAccount, kind: CallbackKind, dedupe_key: str | None,
              now: datetime) -> tuple[int, bool]:
    """Keep the callback as sent, processed at `now` (committed with its processing, see
    the module's doc); return its id and whether it is to be processed: a new callback, or
    one stored before whose processing failed."""
    stored = db.session.execute(_STORE[db.session.get_bind().dialect.name], {
        "c_account_id": account.id, "c_kind": kind, "c_dedupe_key": dedupe_key,
        "c_method": request.method, "c_payload": _payload(), "c_received_at": now,
        "c_processed_at": now}).scalar()
    if stored is not None:
        return stored, True
    # Known already; locked until we commit, so two repeats of a callback whose processing
    # failed are not both processed again.
    seen = db.session.execute(_SEEN, {"c_account_id": account.id,
                                      "c_dedupe_key": dedupe_key}).one()
    if seen.processed_at is not None:
        return seen.id, False
    note(seen.id, processed_at=now)
    return seen.id, True


def note(record_id: int, *, processed_at: datetime | None = None, error: str = "") -> None:
    """Write what became of a stored callback: processed (when), or not, and why."""
    db.session.execute(_NOTE, {"c_id": record_id, "c_processed_at": processed_at,
                               "c_error": error.replace("\x00", "\\x00")[:300]})


def process_or_keep_error(process: Callable[[], object], account_id: int,
                          kind: CallbackKind, dedupe_key: str | None) -> None:
    """Run `process` and write what it did. If it fails, everything is rolled back, the raw
    callback is stored again (or, stored before, found again) as not processed, with the
    error, and committed; the error is raised again (a 500: Clickatell tries again, and the
    retry processes the stored callback)."""
    try:
        process()
        db.session.flush()  # a write that fails, fails here: before the commit
    except Exception as error:
        transactions.rollback()
        first_line = (str(error).splitlines() or [""])[0]
        keep_unprocessed(account_id, kind, dedupe_key, f"{type(error).__name__}: {first_line}")
        transactions.commit()
        raise


def keep_unprocessed(account_id: int, kind: CallbackKind, dedupe_key: str | None,
                     error: str) -> None:
    """The raw callback, stored as not processed with `error`, in a new transaction."""
    record_id = db.session.execute(_STORE[db.session.get_bind().dialect.name], {
        "c_account_id": account_id, "c_kind": kind, "c_dedupe_key": dedupe_key,
        "c_method": request.method, "c_payload": _payload(), "c_received_at": utcnow(),
        "c_processed_at": None}).scalar()
    if record_id is None:  # stored before: by an earlier delivery, or by one meanwhile
        seen = db.session.execute(_SEEN, {"c_account_id": account_id,
                                          "c_dedupe_key": dedupe_key}).one()
        if seen.processed_at is not None:
            return  # another delivery processed it meanwhile: nothing is left to retry
        record_id = seen.id
    note(record_id, error=error)


def receive(secret: str, kind: CallbackKind, dedupe_key: Callable[[], str | None],
            parse: Callable[[], object], process: Callable[[ClickatellAccount, object], None],
            *, with_practice: bool = False):
    account = authenticate(secret, with_practice=with_practice)
    if (request.content_length or 0) > MAX_CALLBACK_BYTES:
        return jsonify(error="callback too large"), 413
    # Also without a Content-Length (a chunked body): read one byte past the cap, since
    # werkzeug's stream stops quietly at a maximum and would hand back a truncated body.
    request.max_content_length = MAX_CALLBACK_BYTES + 1
    if len(raw_callback()) > MAX_CALLBACK_BYTES:  # before the form is parsed: see raw_callback
        return jsonify(error="callback too large"), 413

    key_ = dedupe_key()
    record_id, pending = store_raw(account, kind, key_, utcnow())
    if not pending:
        transactions.rollback()  # nothing written; releases the lock on the stored callback
        return ACKNOWLEDGED
    try:
        parsed = parse()
    except CallbackError as error:
        note(record_id, error=str(error))
        transactions.commit()
        return jsonify(error=str(error)), 400
    process_or_keep_error(lambda: process(account, parsed), account.id, kind, key_)
    transactions.commit()
    return ACKNOWLEDGED


#: Longest identity a key is made of: the column holds 120 characters with its prefix.
MAX_KEY = 100


def key(prefix: str, *parts: str) -> str | None:
    """The callback's identity, `prefix:` and these parameters; None if one is missing, or
    if they are longer than any real id or hold a NUL (such a callback is malformed: it is
    stored without a key, then refused by its parser)."""
    return _joined(prefix, [request.values.get(part, "").strip() for part in parts])


def _joined(prefix: str, values: list[str]) -> str | None:
    joined = ":".join(values)
    if not all(values) or len(joined) > MAX_KEY or "\x00" in joined:
        return None
    return f"{prefix}:{joined}"


def event_key(prefix: str, kind: str, *fields: str) -> str | None:
    """A Platform callback's identity: these fields of its one event of `kind` (the first
    field present of each `a|b`); None for anything else (not JSON, several events), which
    is then stored without a key and, if well formed, processed: applying a report or a
    reply twice changes nothing."""
    try:
        envelope = json.loads(raw_callback())
        [event] = envelope["event"][kind]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(event, dict):
        return None
    values = []
    for field in fields:
        found = next((event[name] for name in field.split("|")
                      if event.get(name) not in (None, "")), "")
        values.append(str(found).strip())
    return _joined(prefix, values)


def apply_statuses(account: ClickatellAccount, updates: list[StatusUpdate]) -> None:
    for update_ in updates:
        apply_delivery_report(account, update_)


def receive_replies(secret: str, *, dedupe_key: Callable[[], str | None],
                    parse: Callable[[], list[Reply]]):
    """Patients' texts, from either generation's callback: received like any callback, and
    their automatic answers leave at once, once the response is on its way."""
    handled: list[tuple[int, str]] = []

    def process(account: ClickatellAccount, texts: list[Reply]) -> None:
        practice_id = account.practice_id  # read before: processing may expire the account
        for text in texts:
            replies.handle_inbound(account, text)
            handled.append((practice_id, text.message_id))

    response = receive(secret, CallbackKind.INBOUND, dedupe_key=dedupe_key, parse=parse,
                       process=process, with_practice=True)
    if handled and current_app.config["ANSWERS_AT_ONCE"]:
        answer_at_once(handled)
    return response


def answer_at_once(handled: list[tuple[int, str]]) -> None:
    """After the response has gone (Clickatell is not kept waiting, and the replies'
    transaction is committed), send the answers to these replies (practice id, the reply's
    message id) through the outbox's claim and send path; anything that fails there is left
    to the next dispatcher pass."""
    app = current_app._get_current_object()

    def send() -> None:
        with app.app_context():
            for practice_id, message_id in handled:
                send_at_once(replies.queued_answers(practice_id, message_id))

    @after_this_request
    def on_close(response):
        response.call_on_close(send)
        return response


@bp.route("/<secret>/inbound", methods=["GET", "POST"])
def inbound(secret: str):
    """A patient's text to the practice's number (Clickatell's MO callback)."""
    return receive_replies(
        secret, dedupe_key=lambda: key("mo", "moMsgId"),
        parse=lambda: parse_central_replies(request.values, raw_callback()))


@bp.route("/<secret>/status", methods=["GET", "POST"])
def delivery_report(secret: str):
    """A change in an outbound text's status (Clickatell's delivery report)."""
    return receive(
        secret, CallbackKind.STATUS,
        dedupe_key=lambda: key("status", "apiMsgId", "status"),
        parse=lambda: parse_central_statuses(request.values),
        process=apply_statuses)


@bp.route("/<secret>/platform/inbound", methods=["POST"])
def platform_inbound(secret: str):
    """Patients' texts to the practice's number (a Platform setup's `moText` callback).
    The Platform retries anything but a 2xx: a text for another practice's number is kept
    in the unmatched inbox and answered 200, like Central's."""
    return receive_replies(
        secret, dedupe_key=lambda: event_key("mo", "moText", "messageId"),
        parse=lambda: parse_platform_replies(raw_callback()))


@bp.route("/<secret>/platform/status", methods=["POST"])
def platform_status(secret: str):
    """Changes in outbound texts' status (a Platform setup's `messageStatusUpdate`
    callback). A report of a message that is not this practice's changes nothing and is
    answered 200, so the Platform does not retry it forever."""
    return receive(
        secret, CallbackKind.STATUS,
        dedupe_key=lambda: event_key("status", "messageStatusUpdate", "messageId",
                                     "statusCode|status"),
        parse=lambda: parse_platform_statuses(raw_callback()),
        process=apply_statuses)
