"""The two callbacks Clickatell makes to us: inbound texts and delivery reports.

Each view does four things, in this order: authenticate (the account's secret in the URL;
anything else is a 403 and stores nothing), store the callback raw, process it, answer.

One transaction, and one commit, per callback. The raw callback is written first, with the
time it is processed (`processed_at`): both are committed together. Processing runs inside
a SAVEPOINT: if it fails, only its own work is rolled back, and the raw callback is
committed with the error instead of a processing time, for Clickatell's retry to process.

A repeated callback is recognised by its key (`key`), unique per account, and changes
nothing; another practice's callback with the same key is not a repeat. A repeat
that arrives while the first delivery is still being processed waits for that request's
commit (the key's unique index makes it wait) and then finds it processed.
"""

from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from ..clickatell import CallbackError, parse_delivery_report, parse_inbound
from ..extensions import csrf, db
from ..models import CallbackKind, CallbackRecord, ClickatellAccount
from ..models.types import UTCDateTime, utcnow
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


def store_raw(account: ClickatellAccount, kind: CallbackKind, dedupe_key: str | None,
              now: datetime) -> tuple[int, bool]:
    """Keep the callback as sent, processed at `now` (committed with its processing, see
    the module's doc); return its id and whether it is to be processed: a new callback, or
    one stored before whose processing failed."""
    # A NUL byte (never in a real callback) is written as \x00: no text column holds one.
    payload = raw_callback().decode("latin-1").replace("\x00", "\\x00")
    stored = db.session.execute(_STORE[db.session.get_bind().dialect.name], {
        "c_account_id": account.id, "c_kind": kind, "c_dedupe_key": dedupe_key,
        "c_method": request.method, "c_payload": payload, "c_received_at": now,
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


def process_after_savepoint(process: Callable[[], object], record_id: int,
                            store_again: Callable[[], int]) -> None:
    """Run `process` inside a SAVEPOINT. If it fails, its work is rolled back, the raw
    callback is committed as not processed, with the error, and the error is raised again
    (a 500: Clickatell tries again, and the retry processes the stored callback)."""
    savepoint = db.session.begin_nested()
    try:
        process()
    except Exception as error:
        if savepoint.is_active:
            savepoint.rollback()
        else:
            # Processing ended the transaction itself: it committed part of its work (an
            # appointment service call), or tried to and failed, losing the raw callback.
            db.session.rollback()
            record_id = store_again()
        first_line = (str(error).splitlines() or [""])[0]
        note(record_id, error=f"{type(error).__name__}: {first_line}")
        db.session.commit()
        raise


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

    record_id, pending = store_raw(account, kind, dedupe_key(), utcnow())
    if not pending:
        db.session.rollback()  # nothing written; releases the lock on the stored callback
        return ACKNOWLEDGED
    try:
        parsed = parse()
    except CallbackError as error:
        note(record_id, error=str(error))
        db.session.commit()
        return jsonify(error=str(error)), 400
    process_after_savepoint(lambda: process(account, parsed), record_id,
                            store_again=lambda: store_raw(account, kind, dedupe_key(),
                                                          utcnow())[0])
    db.session.commit()
    return ACKNOWLEDGED


#: Longest identity a key is made of: the column holds 120 characters with its prefix.
MAX_KEY = 100


def key(prefix: str, *parts: str) -> str | None:
    """The callback's identity, `prefix:` and these parameters; None if one is missing, or
    if they are longer than any real id or hold a NUL (such a callback is malformed: it is
    stored without a key, then refused by its parser)."""
    values = [request.values.get(part, "").strip() for part in parts]
    joined = ":".join(values)
    if not all(values) or len(joined) > MAX_KEY or "\x00" in joined:
        return None
    return f"{prefix}:{joined}"


@bp.route("/<secret>/inbound", methods=["GET", "POST"])
def inbound(secret: str):
    """A patient's text to the practice's number (Clickatell's MO callback)."""
    return receive(
        secret, CallbackKind.INBOUND,
        dedupe_key=lambda: key("mo", "moMsgId"),
        parse=lambda: parse_inbound(request.values, raw_callback()),
        process=replies.handle_inbound, with_practice=True)


@bp.route("/<secret>/status", methods=["GET", "POST"])
def delivery_report(secret: str):
    """A change in an outbound text's status (Clickatell's delivery report)."""
    return receive(
        secret, CallbackKind.STATUS,
        dedupe_key=lambda: key("status", "apiMsgId", "status"),
        parse=lambda: parse_delivery_report(request.values),
        process=apply_delivery_report)
