"""Signed-in sessions that the server can end: one row per browser, found by a token.

Flask-Login keeps whatever `StaffUser.get_id()` returns in the session cookie and in the
remember cookie. Here that is a random token naming one `StaffSession` row, so:

- signing out deletes the row, and both cookies of that browser stop working at once;
- "sign out everywhere", a password change and removing a staff member delete the rows of
  the other browsers (or all of them);
- a session lasts at most `SESSION_MAX_HOURS` (or `REMEMBER_DAYS` with "keep me signed in")
  and ends after `SESSION_IDLE_MINUTES` without a request, whatever the cookie says.

The functions here change rows and never commit; the views own the transaction.
"""

from datetime import datetime, timedelta

from flask import current_app, request
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from .. import transactions
from ..extensions import db, login_manager
from ..models import StaffSession, StaffUser
from ..models.staff import hash_token
from ..models.types import utcnow

#: How often a session's last-seen time is written: every request would be a write per page.
TOUCH_EVERY = timedelta(seconds=60)

#: Asking how long is left must not itself count as activity.
NOT_ACTIVITY = frozenset({"auth.idle_status", "static"})


def lifetime(remember: bool) -> timedelta:
    config = current_app.config
    if remember:
        return timedelta(days=config["REMEMBER_DAYS"])
    return timedelta(hours=config["SESSION_MAX_HOURS"])


def idle_limit(remember: bool) -> timedelta | None:
    """A remembered browser is one the person chose to keep signed in, so only the absolute
    lifetime ends it; every other session also ends after a spell without use."""
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    return None if remember or not minutes else timedelta(minutes=minutes)


def start_session(user: StaffUser, *, remember: bool, user_agent: str = "",
                  address: str = "", now: datetime | None = None) -> StaffSession:
    """A new session for this browser; `user.get_id()` then returns its token."""
    now = now or utcnow()
    token = StaffSession.new_token()
    session = StaffSession(user=user, token_hash=hash_token(token), remember=remember,
                           created_at=now, last_seen_at=now, expires_at=now + lifetime(remember),
                           user_agent=(user_agent or "")[:200], address=(address or "")[:45])
    db.session.add(session)
    user.session_token = token
    return session


def find_session(token: str | None, now: datetime | None = None) -> StaffSession | None:
    """The live session this token names, or None; an expired or idle one is deleted."""
    if not token or len(token) > 128:
        return None
    now = now or utcnow()
    session = db.session.scalar(
        select(StaffSession).options(joinedload(StaffSession.user))
        .where(StaffSession.token_hash == hash_token(token)))
    if session is None:
        return None
    idle = idle_limit(session.remember)
    if session.expires_at <= now or (idle is not None and session.last_seen_at + idle <= now):
        db.session.delete(session)
        return None
    touch_every = min(TOUCH_EVERY, idle / 10) if idle is not None else TOUCH_EVERY
    if now - session.last_seen_at >= touch_every and request.endpoint not in NOT_ACTIVITY:
        session.last_seen_at = now
    session.user.session_token = token
    session.user.session_id = session.id
    session.user.session_idle_ends = (session.last_seen_at + idle) if idle else None
    return session


def current_session(user: StaffUser) -> StaffSession | None:
    """The session this request was loaded through (`find_session` already read it)."""
    session_id = getattr(user, "session_id", None)
    return db.session.get(StaffSession, session_id) if session_id is not None else None


def end_session(user: StaffUser) -> None:
    """Sign this browser out: its session row goes, so its cookies open nothing any more."""
    if user.session_token:
        db.session.execute(delete(StaffSession).where(
            StaffSession.token_hash == hash_token(user.session_token)))
        user.session_token = None


def end_other_sessions(user: StaffUser) -> int:
    """Sign out every other browser of this person (after a password change, or on request)."""
    query = delete(StaffSession).where(StaffSession.user_id == user.id)
    if user.session_token:
        query = query.where(StaffSession.token_hash != hash_token(user.session_token))
    return db.session.execute(query).rowcount


def end_one_session(user: StaffUser, session_id: int) -> bool:
    """Sign out one of this person's own browsers, listed on the sessions page."""
    return bool(db.session.execute(delete(StaffSession).where(
        StaffSession.user_id == user.id, StaffSession.id == session_id)).rowcount)


def sessions_of(user: StaffUser) -> list[StaffSession]:
    return list(db.session.scalars(select(StaffSession).where(
        StaffSession.user_id == user.id).order_by(StaffSession.last_seen_at.desc())))


def load_user(token: str) -> StaffUser | None:
    session = find_session(token)
    return session.user if session is not None else None


def settle_session_bookkeeping() -> None:
    """Before each request: load the signed-in user now, and commit the session's own
    bookkeeping (last seen, an expired row deleted) before the view starts its work, so that
    neither waits on, nor rides along with, the view's transaction."""
    current_user._get_current_object()
    if db.session.dirty or db.session.deleted:
        transactions.commit()


def seconds_left(user: StaffUser, now: datetime | None = None) -> int | None:
    """How long this session has before the idle sign-out; None if it has no idle limit."""
    ends = getattr(user, "session_idle_ends", None)
    if ends is None:
        return None
    return max(0, int((ends - (now or utcnow())).total_seconds()))


def idle_template_values() -> dict:
    """Pages of a session with an idle limit warn before it ends (static/js/idle.js)."""
    if not current_user.is_authenticated:
        return {}
    limit = idle_limit(False) if seconds_left(current_user) is not None else None
    return {"idle_seconds": int(limit.total_seconds()) if limit else None}


def init_app(app) -> None:
    login_manager.user_loader(load_user)
    app.before_request(settle_session_bookkeeping)


def sign_in(user: StaffUser, *, remember: bool = False) -> None:
    """Start a server-side session for this browser and put its token in the cookies."""
    start_session(user, remember=remember, user_agent=request.user_agent.string,
                  address=request.remote_addr or "")
    login_user(user, remember=remember)


def sign_out(user: StaffUser) -> None:
    end_session(user)
    logout_user()
