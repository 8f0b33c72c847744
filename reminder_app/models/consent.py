"""A patient's consent to texts with its evidence: how it was given or withdrawn, the wording
the patient saw or heard, who recorded it and when.

`Patient.sms_consent` says whether texts may go now; `ConsentRecord` rows say why, one per
change, never edited or removed (a flush that would raises `AppendOnly`; the migration adds
an UPDATE trigger in the database too). The patient page shows them as the consent history.
Every change goes through `change_consent`, so the flag and its evidence cannot disagree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .constraints import same_practice
from .events import Actor, ActorKind, AppendOnly
from .patients import Patient
from .types import UTCDateTime, enum_type


class ConsentMethod(enum.StrEnum):
    """How consent was given (or withdrawn)."""

    STAFF_PHONE = "staff_phone"
    SIGNED_FORM = "signed_form"
    CSV_IMPORT = "csv_import"
    API = "api"
    KEYWORD = "keyword"
    BEFORE_RECORDS = "before_records"  # given before evidence was kept (the migration)
    GATEWAY = "gateway"  # withdrawn: Clickatell refused a text, the number opted out there

    @property
    def label(self) -> str:
        return METHOD_LABELS[self]


METHOD_LABELS = {
    ConsentMethod.STAFF_PHONE: "Told staff (phone or in person)",
    ConsentMethod.SIGNED_FORM: "Signed form",
    ConsentMethod.CSV_IMPORT: "CSV import",
    ConsentMethod.API: "API",
    ConsentMethod.KEYWORD: "Texted a keyword",
    ConsentMethod.BEFORE_RECORDS: "Recorded before consent evidence was kept",
    ConsentMethod.GATEWAY: "Opted out at Clickatell or the carrier (a text was refused)",
}
#: What staff may choose on the patient form.
STAFF_METHODS = (ConsentMethod.STAFF_PHONE, ConsentMethod.SIGNED_FORM)


@dataclass(frozen=True)
class Evidence:
    """How a change of consent came about: the method, the words the patient saw or heard
    (or texted), and who recorded it."""

    method: ConsentMethod
    wording: str
    actor: Actor


class ConsentRecord(db.Model):
    __table_args__ = (
        Index("ix_consent_record_patient_id_at", "patient_id", "at"),
        same_practice("patient_id", "patient"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    patient_id: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: True: consent given; False: withdrawn.
    given: Mapped[bool] = mapped_column()
    method: Mapped[ConsentMethod] = mapped_column(enum_type(ConsentMethod))
    wording: Mapped[str] = mapped_column(Text)
    actor_kind: Mapped[ActorKind] = mapped_column(enum_type(ActorKind))
    actor_id: Mapped[int | None] = mapped_column()
    actor_label: Mapped[str] = mapped_column(String(200))

    @property
    def actor(self) -> Actor:
        return Actor(self.actor_kind, self.actor_id, self.actor_label)


def change_consent(patient: Patient, given: bool, evidence: Evidence, now: datetime
                   ) -> ConsentRecord | None:
    """Give or withdraw the patient's consent, with its evidence; None (and nothing recorded)
    if it is already so."""
    if given == patient.sms_consent and (given or patient.opted_out_at is not None):
        return None
    if given:
        patient.opt_in(now)
    else:
        patient.opt_out(now)
    record = ConsentRecord(
        practice_id=patient.practice_id, patient_id=patient.id, at=now, given=given,
        method=evidence.method, wording=evidence.wording, actor_kind=evidence.actor.kind,
        actor_id=evidence.actor.id, actor_label=evidence.actor.label[:200])
    db.session.add(record)
    return record


def consent_history(patient: Patient) -> list[ConsentRecord]:
    """The patient's consent records, newest first."""
    return list(db.session.scalars(select(ConsentRecord).where(
        ConsentRecord.patient_id == patient.id).order_by(ConsentRecord.at.desc(),
                                                         ConsentRecord.id.desc())))


def had_consent_before(patient: Patient, record: ConsentRecord) -> bool:
    """Had the patient given consent before this record (to tell a first opt-in)?"""
    return db.session.scalar(select(ConsentRecord.id).where(
        ConsentRecord.patient_id == patient.id, ConsentRecord.given.is_(True),
        ConsentRecord.id != record.id).limit(1)) is not None


@orm_event.listens_for(ConsentRecord, "before_update")
@orm_event.listens_for(ConsentRecord, "before_delete")
def _refuse_changes(mapper, connection, target: ConsentRecord) -> None:
    raise AppendOnly(f"consent record {target.id} is evidence: it cannot be changed or "
                     "removed")
