"""What the sandbox remembers, in its own SQLite file, apart from any application database.

Plain SQLAlchemy 2.0 with its own metadata: the emulator plays a separate system, so it shares
no models, engine or session with the application under test.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    ForeignKey,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_hex_id() -> str:
    """32 hexadecimal characters, the shape of Clickatell's message, session and captcha ids."""
    return secrets.token_hex(16)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite has no time zones) and always hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}


class Account(Base):
    """A Clickatell customer account, as created by Connect `register` or the test API."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    first_name: Mapped[str] = mapped_column(String(80), default="")
    surname: Mapped[str] = mapped_column(String(80), default="")
    company: Mapped[str] = mapped_column(String(80), default="Personal Use")
    email: Mapped[str] = mapped_column(String(64))
    mobile: Mapped[str] = mapped_column(String(30))
    country_id: Mapped[int]
    account_type_id: Mapped[int] = mapped_column(default=1)
    credit: Mapped[float] = mapped_column(default=0.0)
    activation_token: Mapped[str] = mapped_column(String(64), unique=True)
    activation_redirect: Mapped[str | None] = mapped_column(String(2048))
    email_activated_at: Mapped[datetime | None]
    sms_activated_at: Mapped[datetime | None]
    sms_code: Mapped[str | None] = mapped_column(String(11))
    sms_sends: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def user_number(self) -> int:
        """Clickatell's numeric client id (`Usernumber`), derived from the row id."""
        return 1_000_000 + self.id

    @property
    def email_activated(self) -> bool:
        return self.email_activated_at is not None

    @property
    def sms_activated(self) -> bool:
        return self.sms_activated_at is not None


class Connection(Base):
    """An API connection (`create_connection`): its `api_id` and where delivery reports go."""

    __tablename__ = "connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    api_id: Mapped[int | None] = mapped_column(unique=True)
    connection_type_id: Mapped[int] = mapped_column(default=2)
    description: Mapped[str] = mapped_column(String(200), default="")
    ip_addresses: Mapped[str] = mapped_column(Text, default="")
    dial_prefix: Mapped[str] = mapped_column(String(10), default="")
    callback_url: Mapped[str | None] = mapped_column(String(2048))
    callback_type_id: Mapped[int] = mapped_column(default=0)
    callback_username: Mapped[str | None] = mapped_column(String(64))
    callback_password: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def allowed_ips(self) -> list[str]:
        return [ip.strip() for ip in self.ip_addresses.split(",") if ip.strip()]


class LongNumber(Base):
    """A dedicated two-way number of an account, with the URL its replies are pushed to."""

    __tablename__ = "long_numbers"

    number: Mapped[str] = mapped_column(String(15), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    api_id: Mapped[int | None]
    mo_callback_url: Mapped[str | None] = mapped_column(String(2048))
    mo_method: Mapped[str] = mapped_column(String(4), default="POST")
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class Captcha(Base):
    __tablename__ = "captchas"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_hex_id)
    code: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(10), default="new")  # new, redeemed, failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginFailure(Base):
    """Consecutive failed logins, keyed `user:<name>` or `ip:<address>`, for the lock-outs."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class OneTimeLink(Base):
    """A link Clickatell hands out for a web page (buy credits, apply for a number); used once."""

    __tablename__ = "one_time_links"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class Email(Base):
    """The outbox: every e-mail Clickatell would have sent."""

    __tablename__ = "emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    to: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    activation_url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(Base):
    """One SMS: sent through the API (mt), a system text such as an activation code, or a reply
    from a phone (mo). For mo messages `api_msg_id` holds the moMsgId."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    api_msg_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_hex_id)
    cli_msg_id: Mapped[str | None] = mapped_column(String(32), index=True)
    direction: Mapped[str] = mapped_column(String(2), default="mt")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    api_id: Mapped[int | None]
    sender: Mapped[str] = mapped_column(String(32), default="")
    recipient: Mapped[str] = mapped_column(String(15), index=True)
    text: Mapped[str] = mapped_column(Text)
    unicode: Mapped[bool] = mapped_column(default=False)
    parts: Mapped[int] = mapped_column(default=1)
    charge: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str] = mapped_column(String(3), default="002")
    callback: Mapped[int] = mapped_column(default=0)
    mo_requested: Mapped[bool] = mapped_column(default=False)
    deliver_after: Mapped[datetime | None]
    #: The Platform SMS setup it went through (None: the Central messaging API).
    integration_id: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Integration(Base):
    """A Platform "SMS setup" (integration): its own API key, numbers and two callback URLs."""

    __tablename__ = "integrations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_hex_id)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(100), default="SMS setup")
    api: Mapped[str] = mapped_column(String(10), default="oneapi")  # oneapi, rest, http
    api_key: Mapped[str] = mapped_column(String(64), unique=True)
    two_way: Mapped[bool] = mapped_column(default=False)
    number: Mapped[str | None] = mapped_column(String(15), unique=True)
    sandbox: Mapped[bool] = mapped_column(default=False)  # else production
    stop_handling: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    status_url: Mapped[str | None] = mapped_column(String(2048))
    reply_url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TestPhone(Base):
    """A phone verified on a Platform account: the only numbers its sandbox setups may text."""

    __tablename__ = "test_phones"
    __table_args__ = (UniqueConstraint("account_id", "msisdn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    msisdn: Mapped[str] = mapped_column(String(15))


class OptOut(Base):
    """A phone that texted STOP to a setup with STOP/SUBSCRIBE handling (until it SUBSCRIBEs)."""

    __tablename__ = "opt_outs"
    __table_args__ = (UniqueConstraint("integration_id", "msisdn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[str] = mapped_column(ForeignKey("integrations.id"))
    msisdn: Mapped[str] = mapped_column(String(15))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Phone(Base):
    """Per-handset switches the test API sets; a number without a row is reachable."""

    __tablename__ = "phones"

    msisdn: Mapped[str] = mapped_column(String(15), primary_key=True)
    reachable: Mapped[bool] = mapped_column(default=True)


class MessagingSession(Base):
    """A session of the messaging API's `auth` command."""

    __tablename__ = "messaging_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_hex_id)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    api_id: Mapped[int]
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushJob(Base):
    """A callback to deliver (delivery report or MO), kept until acknowledged or given up."""

    __tablename__ = "push_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # status, mo
    url: Mapped[str] = mapped_column(String(2048))
    method: Mapped[str] = mapped_column(String(4))
    payload: Mapped[str] = mapped_column(Text)  # already percent-encoded, or JSON
    #: None: a form (GET query or POST body); "application/json" for the Platform's pushes.
    content_type: Mapped[str | None] = mapped_column(String(40))
    username: Mapped[str | None] = mapped_column(String(64))
    password: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending, done, failed
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushLogEntry(Base):
    """One HTTP attempt of a push, for the test API and the pages."""

    __tablename__ = "push_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("push_jobs.id"))
    kind: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(String(2048))
    method: Mapped[str] = mapped_column(String(4))
    payload: Mapped[str] = mapped_column(Text)
    attempt: Mapped[int]
    duplicate: Mapped[bool] = mapped_column(default=False)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Store:
    """The engine and session factory of one sandbox; safe to share between threads."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(self.engine, "connect", _tune_sqlite)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        Base.metadata.create_all(self.engine)
        _add_new_columns(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A short session for one piece of work; the caller commits what it wants kept."""
        with self.sessions() as session:
            yield session

    def reset(self) -> None:
        with self.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())

    def dispose(self) -> None:
        self.engine.dispose()


def _add_new_columns(engine: Engine) -> None:
    """A sandbox file from an older version lacks the nullable columns added since: add them,
    so a developer's sandbox keeps its accounts (create_all only creates missing tables)."""
    inspector = inspect(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present and column.nullable:
                    kind = column.type.compile(engine.dialect)
                    conn.execute(
                        text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')
                    )


def _tune_sqlite(dbapi_connection, _record) -> None:
    """WAL lets the pages read while a pusher writes; foreign keys are off by default in SQLite."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
