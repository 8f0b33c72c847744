"""A practice's own Clickatell account, created for it by the Connect API at sign-up (legacy
Central) or connected with the API key of a Platform SMS setup it already has, and what stops
it sending (`sending_blocker`)."""

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import crypto
from ..extensions import db
from .practice import Practice
from .types import UTCDateTime, enum_type, utcnow

SMALL_BUSINESS_ACCOUNT = 9


def new_callback_secret() -> str:
    return secrets.token_urlsafe(32)


class Generation(enum.StrEnum):
    """Which Clickatell serves the account: the legacy Central (made here through Connect,
    `api.clickatell.com`) or the Platform (an SMS setup's One API key, made in Clickatell's
    portal). Only `gateways.gateway_for` and the set-up pages look at it."""

    CENTRAL = "central"
    PLATFORM = "platform"


class ClickatellAccount(db.Model):
    """What we know of the practice's Clickatell account, and how far its set-up has come.

    Each step of the onboarding checklist is a timestamp (or an id) that the app fills in when
    Clickatell confirms the step; nothing here is ticked by hand.
    """

    __table_args__ = (
        # What each generation cannot be without: Central its Connect log-in, the Platform
        # its API key. Central-only fields stay empty on a Platform account.
        CheckConstraint(
            "(generation = 'central' AND username IS NOT NULL AND password_encrypted IS NOT NULL"
            " AND email IS NOT NULL AND country_id IS NOT NULL AND api_key_encrypted IS NULL)"
            " OR (generation = 'platform' AND api_key_encrypted IS NOT NULL"
            " AND username IS NULL AND password_encrypted IS NULL)",
            name="credentials_of_generation"),
        # An old callback secret is accepted only until its overlap ends.
        CheckConstraint("(previous_callback_secret IS NULL) = (previous_secret_until IS NULL)",
                        name="previous_secret_has_an_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), unique=True)
    generation: Mapped[Generation] = mapped_column(
        enum_type(Generation), default=Generation.CENTRAL, server_default=Generation.CENTRAL.value)
    username: Mapped[str | None] = mapped_column(String(128), unique=True)
    password_encrypted: Mapped[str | None] = mapped_column(String(512))
    #: The Platform SMS setup's One API key, encrypted like the Central password.
    api_key_encrypted: Mapped[str | None] = mapped_column(String(512))
    email: Mapped[str | None] = mapped_column(String(64))
    #: The practice's own mobile: Clickatell's activation code (Central), the test text.
    mobile: Mapped[str] = mapped_column(String(20))
    country_id: Mapped[int | None]
    account_type: Mapped[int] = mapped_column(default=SMALL_BUSINESS_ACCOUNT)
    callback_secret: Mapped[str] = mapped_column(String(64), unique=True,
                                                 default=new_callback_secret)
    #: The secret before the last rotation, still accepted until `previous_secret_until`:
    #: the time the owner has to give Clickatell the new addresses.
    previous_callback_secret: Mapped[str | None] = mapped_column(String(64), unique=True)
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    api_id: Mapped[str | None] = mapped_column(String(32))
    long_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    number_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    balance: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    balance_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    low_balance_threshold: Mapped[Decimal] = mapped_column(Numeric(12, 4), default=Decimal(20))
    #: When the first status callback arrived: proof that Clickatell reaches us.
    status_callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why Clickatell refuses every text of the practice (a revoked key, an unlinked
    #: number…), in plain words; cleared when the key is replaced or checked again.
    held_reason: Mapped[str | None] = mapped_column(String(300))

    practice: Mapped[Practice] = relationship(
        backref=db.backref("clickatell_account", uselist=False))

    def rotate_callback_secret(self, now: datetime, overlap: timedelta) -> None:
        """A new secret from now on; the current one keeps working for `overlap`. Rotating
        again within an overlap ends the oldest secret at once: two are accepted at most."""
        self.previous_callback_secret = self.callback_secret
        self.previous_secret_until = now + overlap
        self.callback_secret = new_callback_secret()

    def previous_secret_works(self, now: datetime) -> bool:
        return self.previous_secret_until is not None and self.previous_secret_until > now

    @property
    def password(self) -> str:
        if self.password_encrypted is None:
            raise ValueError("a Platform account has no Central password")
        return crypto.decrypt(self.password_encrypted)

    @password.setter
    def password(self, plaintext: str) -> None:
        self.password_encrypted = crypto.encrypt(plaintext)

    @property
    def api_key(self) -> str:
        if self.api_key_encrypted is None:
            raise ValueError("a Central account has no API key")
        return crypto.decrypt(self.api_key_encrypted)

    @api_key.setter
    def api_key(self, plaintext: str) -> None:
        self.api_key_encrypted = crypto.encrypt(plaintext)

    @property
    def on_platform(self) -> bool:
        return self.generation is Generation.PLATFORM

    @property
    def is_active(self) -> bool:
        """Central: the e-mail link was followed. A Platform setup is active when made."""
        return self.on_platform or self.email_activated_at is not None

    @property
    def can_send(self) -> bool:
        return sending_blocker(self) is None

    def __repr__(self) -> str:
        return (f"<ClickatellAccount {self.generation.value} {self.username or ''!r} "
                f"practice={self.practice_id}>")


class BlockerKind(enum.StrEnum):
    """Why an account cannot send: set-up unfinished (no text can even be queued without a
    number), or no credit (texts wait in the outbox until credit returns)."""

    NOT_SET_UP = "not_set_up"
    NO_CREDIT = "no_credit"


@dataclass(frozen=True)
class Blocker:
    kind: BlockerKind
    #: In the words shown to staff (the banner, a held reminder's or text's reason).
    reason: str


#: No credit left, as a balance of 0 says, or Clickatell's 301 at send time.
NO_CREDIT = Blocker(BlockerKind.NO_CREDIT,
                    "Reminders are on hold: the Clickatell account has no credit.")


def sending_blocker(account: ClickatellAccount | None) -> Blocker | None:
    """What stops the practice's texts going out now; None when they can.

    The one rule, used by planning, the dispatcher and the staff banner. Clickatell's own
    refusal of the whole account (`held_reason`) blocks like an unfinished set-up. Credit
    blocks only when it is known to be gone (a balance of 0, read from Clickatell or set by
    its "no credit" answer): an unread balance does not hold texts, Clickatell would say so.
    """
    def not_set_up(reason: str) -> Blocker:
        return Blocker(BlockerKind.NOT_SET_UP, reason)

    if account is None:
        return not_set_up("This practice has no Clickatell account.")
    if not account.is_active:
        return not_set_up("Reminders are on hold until the Clickatell account is activated.")
    if not account.on_platform and not account.api_id:
        return not_set_up("Reminders are on hold until the messaging connection is set up.")
    if not account.long_number:
        return not_set_up("Reminders are on hold until the practice has a two-way number.")
    if account.held_reason:
        return not_set_up(f"Reminders are on hold: {account.held_reason}")
    if account.balance is not None and account.balance <= 0:
        return NO_CREDIT
    return None


class PendingRegistration(db.Model):
    """A sign-up about to be sent to Clickatell, written (and committed) before `register`.

    If Clickatell accepts the registration but our own commit then fails, or the answer never
    arrives, this row is how the next submit knows to reconcile (adopt the account that
    Clickatell already made) instead of registering a second one.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    email: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the `register` call ended with no usable answer; until then it may be running.
    unanswered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Hash of the secret in the starting browser's session: only that browser may resume.
    proof_hash: Mapped[str | None] = mapped_column(String(64))

    def in_flight(self, now: datetime, longest_call: timedelta) -> bool:
        return self.unanswered_at is None and self.started_at > now - longest_call
