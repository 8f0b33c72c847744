"""Giving and withdrawing a patient's consent to texts, with its evidence, and the opt-in
confirmation text.

Every change of consent (the patient form, the CSV import, the API, a keyword texted by the
patient) comes here: the patient's flag and its `ConsentRecord` change together
(`models.consent.change_consent`), their reminders are planned again, and the first time a
patient is opted in they get the confirmation CTIA asks for: who texts them, what and how
often, that rates may apply, HELP and STOP. A keyword (START, UNSTOP, YES after STOP) is
answered with the same text by the reply handler (inbound/replies.py).
"""

import logging
from datetime import datetime

from ..models import Actor, ConsentMethod, ConsentRecord, Evidence, MessageKind, Patient, Practice
from ..models.consent import change_consent, had_consent_before
from ..models.reminders import RuleKind
from ..outbox import OutboxError, enqueue
from ..sms_texts import Answer, ConsentText, render
from . import planning
from .journey_defaults import journey_rule
from .practice_rules import rules_for

log = logging.getLogger(__name__)


def reminders_per_visit(practice: Practice) -> int:
    """How many reminders an appointment gets: the practice's rules that are on, and the
    booked notice if it is on (a change, a cancellation, a no-show are not every visit's)."""
    booked = journey_rule(practice.id, RuleKind.BOOKED)
    return max(1, sum(1 for rule in rules_for(practice) if rule.enabled)
               + (1 if booked is not None and booked.enabled else 0))


def consent_wording(practice: Practice, language: str | None) -> str:
    """The request for consent, as staff read it to the patient or a form shows it."""
    return render(ConsentText.REQUEST, practice, language,
                  per_visit=reminders_per_visit(practice))


def opt_in_confirmation(practice: Practice, language: str | None) -> str:
    return render(Answer.OPTED_IN, practice, language, per_visit=reminders_per_visit(practice))


def evidence_from_staff(practice: Practice, patient: Patient, method: ConsentMethod,
                        actor: Actor) -> Evidence:
    """A change recorded by staff, the API or an import: the wording is the practice's
    request for consent in the patient's language, as it stood at that moment."""
    return Evidence(method, consent_wording(practice, patient.language.value), actor)


def give(patient: Patient, practice: Practice, evidence: Evidence, now: datetime, *,
         confirm: bool = True) -> ConsentRecord | None:
    """The patient agreed to texts: recorded, reminders planned, and (with `confirm`) the
    opt-in confirmation queued the first time they are opted in. The caller commits."""
    record = change_consent(patient, True, evidence, now)
    if record is None:
        return None
    planning.replan_for_patient(patient, now)
    if confirm and not had_consent_before(patient, record):
        send_confirmation(practice, patient, dedupe_key=f"opt-in:{patient.id}", now=now)
    return record


def withdraw(patient: Patient, evidence: Evidence, now: datetime) -> ConsentRecord | None:
    """The patient withdrew consent: recorded, and nothing more is planned for them."""
    record = change_consent(patient, False, evidence, now)
    if record is not None:
        planning.replan_for_patient(patient, now)
    return record


def send_confirmation(practice: Practice, patient: Patient, *, dedupe_key: str,
                      now: datetime) -> None:
    """Queue the opt-in confirmation to the patient (once per `dedupe_key`)."""
    try:
        enqueue(practice, to=patient.mobile, kind=MessageKind.AUTO_REPLY, patient=patient,
                body=opt_in_confirmation(practice, patient.language.value),
                dedupe_key=dedupe_key, now=now)
    except OutboxError as error:
        log.warning("no opt-in confirmation to patient %s: %s", patient.id, error)
