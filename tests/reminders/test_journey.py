"""The appointment's journey: a notice when it is booked, moved or cancelled by the practice,
a follow-up after a no-show, fewer texts once the patient confirmed; each a Reminder row
sent through the outbox like the reminders, once, in the patient's language."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import (
    Actor,
    ActorKind,
    AppointmentStatus,
    CancelledBy,
    Language,
    Message,
    MessageKind,
    MessageStatus,
    Reminder,
    ReminderRule,
    ReminderStatus,
)
from reminder_app.models.events import WAITLIST
from reminder_app.models.reminders import RuleKind, WhenConfirmed
from reminder_app.patients.service import update_patient
from reminder_app.reminders import journey, journey_defaults, planning, policy
from reminder_app.reminders.practice_rules import add_default_rules, rules_for
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_appointment, make_clickatell_account, make_patient

from .conftest import at

MONDAY = date(2026, 6, 15)
PATIENT = Actor(ActorKind.PATIENT, 1, "the patient")


@pytest.fixture
def practice(practice):
    """The planning practice with a number, its journey rules all switched on."""
    make_clickatell_account(practice)
    for rule in journey_defaults.journey_rules_for(practice):
        rule.enabled = True
    db.session.commit()
    return practice


def rule_of(practice, kind: RuleKind) -> ReminderRule:
    return journey_defaults.journey_rule(practice.id, kind)


def notices_of(appointment, kind: RuleKind | None = None) -> list[Reminder]:
    db.session.expire_all()
    query = select(Reminder).where(Reminder.appointment_id == appointment.id,
                                   Reminder.kind != RuleKind.BEFORE_VISIT)
    if kind is not None:
        query = query.where(Reminder.kind == kind)
    return list(db.session.scalars(query.order_by(Reminder.id)))


def texts_to(patient, kind: MessageKind = MessageKind.NOTICE) -> list[Message]:
    return list(db.session.scalars(select(Message).where(
        Message.patient_id == patient.id, Message.kind == kind).order_by(Message.id)))


def book(practice, patient, provider, starts_at, now, actor=STAFF):
    with unit_of_work():
        return service.book(practice, patient=patient, provider=provider, starts_at=starts_at,
                            now=now, actor=actor)


def sent(message: Message) -> None:
    """The dispatcher's part, as the planning tests play it."""
    message.status = MessageStatus.SENT
    db.session.commit()


# ------------------------------------------------------------------------- which rules


def test_a_new_practice_starts_with_the_notices_on_and_the_follow_up_off(app):
    from tests.factories import make_practice

    practice = make_practice().practice
    add_default_rules(practice)  # as sign-up does
    db.session.commit()
    assert {rule.kind: rule.enabled for rule in journey_defaults.journey_rules_for(practice)} \
        == {RuleKind.BOOKED: True, RuleKind.CHANGED: True, RuleKind.CANCELLED: True,
            RuleKind.NO_SHOW: False}
    assert [rule.minutes_before for rule in rules_for(practice)] == [48 * 60, 2 * 60]


def test_a_practice_from_before_gets_its_journey_rules_switched_off(app):
    from tests.factories import make_practice

    practice = make_practice().practice
    rules_for(practice)  # its reminders, as before
    found = journey_defaults.journey_rules_for(practice)
    assert [(rule.kind, rule.enabled) for rule in found] == [
        (kind, False) for kind in (RuleKind.BOOKED, RuleKind.CHANGED, RuleKind.CANCELLED,
                                   RuleKind.NO_SHOW)]
    assert len(journey_defaults.journey_rules_for(practice)) == 4  # not twice


def test_a_switched_off_notice_plans_nothing(practice, patient, provider):
    rule_of(practice, RuleKind.BOOKED).enabled = False
    db.session.commit()
    now = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=3), 10),
                       now)
    assert notices_of(appointment) == []


# ---------------------------------------------------------------------------- booked


@pytest.mark.parametrize(("language", "expected"), [
    (Language.EN, "you are booked for Thursday, June 18 at 10:00 AM. Reply C to confirm, R to "
                  "reschedule. Reply STOP to opt out."),
    (Language.ES, "tiene cita el jueves 18 de junio a las 10:00. Responda C: confirmar, R: "
                  "cambiar. Responda STOP para darse de baja."),
])
def test_booking_texts_the_patient_a_booked_notice_in_their_language_once(
        practice, provider, language, expected):
    patient = make_patient(practice, first_name="Ana", language=language)
    now = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=3), 10),
                       now)
    [notice] = notices_of(appointment)
    assert (notice.kind, notice.status, notice.send_at) == (
        RuleKind.BOOKED, ReminderStatus.PENDING, now)

    planning.queue_due(now)
    planning.queue_due(now + timedelta(minutes=5))
    [text] = texts_to(patient)
    assert text.body == f"{practice.name}: Ana, {expected}"
    assert (text.recipient, text.appointment_id) == (patient.mobile, appointment.id)
    assert notices_of(appointment)[0].status is ReminderStatus.QUEUED


def test_no_booked_notice_for_an_appointment_starting_within_two_hours(
        practice, patient, provider):
    now = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, now + timedelta(minutes=90), now)
    [notice] = notices_of(appointment)
    assert notice.status is ReminderStatus.SKIPPED
    assert notice.reason == journey.TOO_SOON


def test_no_booked_notice_for_a_waitlist_yes_the_offer_answer_told_them(
        practice, patient, provider):
    now = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 15), now,
                       actor=WAITLIST)
    assert [(n.status, n.reason) for n in notices_of(appointment)] == [
        (ReminderStatus.SKIPPED, journey.BY_SMS)]


def test_no_notice_without_consent_or_after_stop(practice, provider):
    without = make_patient(practice, sms_consent=False)
    stopped = make_patient(practice)
    stopped.sms_consent, stopped.opted_out_at = False, at(practice, MONDAY, 8)
    db.session.commit()
    now = at(practice, MONDAY, 9)
    for patient, reason in ((without, policy.NO_CONSENT), (stopped, policy.OPTED_OUT)):
        appointment = book(practice, patient, provider, at(practice, MONDAY, 16), now)
        assert [(n.status, n.reason) for n in notices_of(appointment)] == [
            (ReminderStatus.SKIPPED, reason)]
    planning.queue_due(now + timedelta(hours=1))
    assert texts_to(without) == texts_to(stopped) == []


def give_consent(practice, patient, now) -> None:
    """Staff tick "agrees to texts" on the patient's page."""
    with unit_of_work():
        update_patient(patient, practice, sms_consent=True, now=now)


def withdraw_consent(practice, patient, now) -> None:
    with unit_of_work():
        update_patient(patient, practice, sms_consent=False, now=now)


def test_consent_given_after_booking_plans_the_booked_notice_then_and_only_once(
        practice, provider):
    patient = make_patient(practice, first_name="Ana", sms_consent=False)
    booked_at = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=3), 10),
                       booked_at)
    [skipped] = notices_of(appointment)
    assert (skipped.status, skipped.reason) == (ReminderStatus.SKIPPED, policy.NO_CONSENT)

    later = booked_at + timedelta(hours=1)
    give_consent(practice, patient, later)
    [notice] = notices_of(appointment)
    assert (notice.id, notice.status, notice.send_at) == (
        skipped.id, ReminderStatus.PENDING, later)
    planning.queue_due(later)
    [text] = texts_to(patient)
    assert "you are booked for Thursday, June 18 at 10:00 AM" in text.body

    # consent withdrawn and given again: the notice went out, it is not sent twice
    withdraw_consent(practice, patient, later + timedelta(hours=1))
    give_consent(practice, patient, later + timedelta(hours=2))
    planning.queue_due(later + timedelta(hours=2))
    assert len(notices_of(appointment)) == 1 and len(texts_to(patient)) == 1


def test_consent_given_too_close_to_the_visit_plans_no_booked_notice(practice, provider):
    patient = make_patient(practice, sms_consent=False)
    booked_at = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 12), booked_at)
    give_consent(practice, patient, at(practice, MONDAY, 10, 30))  # 90 minutes ahead: too soon
    assert [(n.status, n.reason) for n in notices_of(appointment)] == [
        (ReminderStatus.SKIPPED, policy.NO_CONSENT)]
    planning.queue_due(at(practice, MONDAY, 10, 31))
    assert texts_to(patient) == []


def test_consent_given_later_does_not_revive_a_notice_skipped_for_another_reason(
        practice, provider):
    patient = make_patient(practice, sms_consent=False)
    booked_at = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=3), 10),
                       booked_at)
    [notice] = notices_of(appointment)
    notice.reason = journey.TOO_SOON  # as if the practice's rule had skipped it
    db.session.commit()
    give_consent(practice, patient, booked_at + timedelta(hours=1))
    assert [(n.status, n.reason) for n in notices_of(appointment)] == [
        (ReminderStatus.SKIPPED, journey.TOO_SOON)]


def test_a_patient_who_stops_before_the_notice_leaves_gets_nothing(practice, patient, provider):
    now = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=2), 9),
                       now)
    patient.sms_consent, patient.opted_out_at = False, now
    db.session.commit()
    planning.queue_due(now + timedelta(minutes=1))
    assert texts_to(patient) == []
    assert [(n.status, n.reason) for n in notices_of(appointment)] == [
        (ReminderStatus.SKIPPED, policy.OPTED_OUT)]


def test_a_booking_late_at_night_is_noticed_when_quiet_hours_end_on_the_patients_clock(
        practice, provider):
    patient = make_patient(practice, timezone="America/Los_Angeles")
    now = at(practice, MONDAY, 22)  # 19:00 in Los Angeles: allowed there
    appointment = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=3), 10),
                       now)
    assert notices_of(appointment)[0].send_at == now

    late = at(practice, MONDAY, 23, 30)  # 20:30 in Los Angeles: quiet
    other = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=4), 10), late)
    [notice] = notices_of(other)
    assert notice.send_at == at(practice, MONDAY + timedelta(days=1), 11)  # 08:00 there
    assert notice.reason == policy.QUIET_WAIT


def test_a_booked_notice_of_an_appointment_cancelled_before_it_left_is_not_sent(
        practice, patient, provider):
    now = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 15), now)
    with unit_of_work():
        service.cancel(appointment, by=CancelledBy.PATIENT, actor=STAFF, now=now)
    planning.queue_due(now + timedelta(minutes=1))
    assert texts_to(patient) == []
    assert [n.status for n in notices_of(appointment)] == [ReminderStatus.CANCELLED]


# --------------------------------------------------------------------------- changed


def _booked_and_told(practice, patient, provider, now):
    appointment = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=3), 10),
                       now)
    planning.queue_due(now)
    sent(texts_to(patient)[0])
    return appointment


@pytest.mark.parametrize(("language", "expected"), [
    (Language.EN, "your appointment is now Friday, June 19 at 2:30 PM. Reply C to confirm, R "
                  "to reschedule. Reply STOP to opt out."),
    (Language.ES, "nueva hora: viernes 19 de junio a las 14:30. Responda C: confirmar, "
                  "R: cambiar. Responda STOP para darse de baja."),
])
def test_a_move_by_the_practice_tells_the_patient_the_new_time(practice, provider, language,
                                                               expected):
    patient = make_patient(practice, first_name="Ana", language=language)
    now = at(practice, MONDAY, 9)
    appointment = _booked_and_told(practice, patient, provider, now)
    later = now + timedelta(hours=1)
    with unit_of_work():
        service.move(appointment, practice, starts_at=at(practice, MONDAY + timedelta(days=4),
                                                         14, 30), actor=STAFF, now=later)
    planning.queue_due(later)
    assert [t.body for t in texts_to(patient)][1:] == [f"{practice.name}: Ana, {expected}"]


def test_two_moves_before_the_notice_left_give_one_notice_of_the_last_time(
        practice, patient, provider):
    now = at(practice, MONDAY, 9)
    appointment = _booked_and_told(practice, patient, provider, now)
    for hours, start in ((1, 11), (2, 12)):
        with unit_of_work():
            service.move(appointment, practice, actor=STAFF, now=now + timedelta(hours=hours),
                         starts_at=at(practice, MONDAY + timedelta(days=3), start))
    [changed] = notices_of(appointment, RuleKind.CHANGED)
    assert changed.appointment_starts_at == at(practice, MONDAY + timedelta(days=3), 12)
    planning.queue_due(now + timedelta(hours=2))
    assert len(texts_to(patient)) == 2 and "12:00 PM" in texts_to(patient)[1].body


def test_a_move_the_patient_made_by_sms_sends_no_notice(practice, patient, provider):
    now = at(practice, MONDAY, 9)
    appointment = _booked_and_told(practice, patient, provider, now)
    with unit_of_work():
        service.move(appointment, practice, actor=PATIENT, now=now,
                     starts_at=at(practice, MONDAY + timedelta(days=3), 11))
    assert notices_of(appointment, RuleKind.CHANGED) == []


def test_a_move_before_the_booked_notice_left_leaves_it_to_say_the_new_time(
        practice, patient, provider):
    now = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=3), 10),
                       now)
    with unit_of_work():
        service.move(appointment, practice, actor=STAFF, now=now,
                     starts_at=at(practice, MONDAY + timedelta(days=3), 11))
    planning.queue_due(now)
    [text] = texts_to(patient)
    assert "booked for Thursday, June 18 at 11:00 AM" in text.body


# ------------------------------------------------------------------------- cancelled


@pytest.mark.parametrize(("language", "expected"), [
    (Language.EN, "your visit on Thursday, June 18 at 10:00 AM is cancelled. To rebook, "
                  "call"),
    (Language.ES, "su cita del jueves 18 de junio, 10:00, se cancela. Otra cita:"),
])
def test_a_cancellation_by_the_practice_tells_the_patient_how_to_book_again_once(
        practice, provider, language, expected):
    patient = make_patient(practice, first_name="Ana", language=language)
    now = at(practice, MONDAY, 9)
    appointment = _booked_and_told(practice, patient, provider, now)
    with unit_of_work():
        service.cancel(appointment, by=CancelledBy.STAFF, actor=STAFF, now=now)
    planning.queue_due(now)
    planning.queue_due(now + timedelta(hours=1))
    [_booked, cancelled] = texts_to(patient)
    assert cancelled.body.startswith(f"{practice.name}: Ana, {expected}")
    assert cancelled.body.endswith(policy_stop_line(language))


def policy_stop_line(language: Language) -> str:
    from reminder_app.reminders.templates import OPT_OUT_LINES

    return OPT_OUT_LINES[language]


def test_a_cancellation_the_patient_asked_for_sends_no_notice(practice, patient, provider):
    now = at(practice, MONDAY, 9)
    by_phone = _booked_and_told(practice, patient, provider, now)
    with unit_of_work():
        service.cancel(by_phone, by=CancelledBy.PATIENT, actor=STAFF, now=now)
    assert notices_of(by_phone, RuleKind.CANCELLED) == []


def test_the_database_holds_a_cancellation_notice_to_once(practice, patient, provider):
    now = at(practice, MONDAY, 9)
    appointment = _booked_and_told(practice, patient, provider, now)
    with unit_of_work():
        service.cancel(appointment, by=CancelledBy.STAFF, actor=STAFF, now=now)
    [first] = notices_of(appointment, RuleKind.CANCELLED)
    db.session.add(Reminder(practice_id=practice.id, appointment_id=appointment.id,
                            rule_id=first.rule_id, kind=RuleKind.CANCELLED, send_at=now,
                            appointment_starts_at=appointment.starts_at,
                            status=ReminderStatus.SKIPPED))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# ------------------------------------------------------------------ confirmed: fewer texts


@pytest.mark.parametrize(("choice", "status", "text"), [
    (WhenConfirmed.SEND, ReminderStatus.QUEUED, "see you Thursday, June 18 at 10:00 AM. Reply C"),
    (WhenConfirmed.SKIP, ReminderStatus.SKIPPED, None),
    (WhenConfirmed.SHORT, ReminderStatus.QUEUED, "see you Thursday, June 18 at 10:00 AM. Reply "
                                                 "STOP to opt out."),
])
def test_once_confirmed_a_rule_sends_as_usual_skips_or_sends_the_short_text(
        practice, patient, provider, choice, status, text):
    day_before, _ = rules_for(practice)
    day_before.when_confirmed = choice
    db.session.commit()
    now = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=3), 10),
                       now)
    with unit_of_work():
        service.confirm(appointment, actor=PATIENT, now=now)
    due = at(practice, MONDAY + timedelta(days=1), 10)
    planning.queue_due(due)
    [reminder] = [r for r in db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == appointment.id, Reminder.rule_id == day_before.id))]
    assert reminder.status is status, reminder.reason
    reminders = texts_to(patient, MessageKind.REMINDER)
    if text is None:
        assert reminders == [] and reminder.reason == journey.CONFIRMED_SKIP
    else:
        [message] = reminders
        if choice is WhenConfirmed.SEND:
            assert message.body.startswith(f"{practice.name}: {patient.first_name}, {text}")
        else:
            assert message.body == f"{practice.name}: {text}"
            assert reminder.reason == journey.CONFIRMED_SHORT


def test_the_short_text_in_spanish(practice, provider):
    day_before, _ = rules_for(practice)
    day_before.when_confirmed = WhenConfirmed.SHORT
    db.session.commit()
    patient = make_patient(practice, language=Language.ES)
    now = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, at(practice, MONDAY + timedelta(days=3), 10),
                       now)
    with unit_of_work():
        service.confirm(appointment, actor=PATIENT, now=now)
    planning.queue_due(at(practice, MONDAY + timedelta(days=1), 10))
    [text] = texts_to(patient, MessageKind.REMINDER)
    assert text.body == (f"{practice.name}: le esperamos el jueves 18 de junio a las 10:00. "
                         "Responda STOP para darse de baja.")


def test_a_rule_sends_as_usual_to_a_patient_who_has_not_confirmed(practice, patient, provider):
    day_before, _ = rules_for(practice)
    day_before.when_confirmed = WhenConfirmed.SKIP
    db.session.commit()
    now = at(practice, MONDAY, 9)
    book(practice, patient, provider, at(practice, MONDAY + timedelta(days=3), 10), now)
    planning.queue_due(at(practice, MONDAY + timedelta(days=1), 10))
    assert len(texts_to(patient, MessageKind.REMINDER)) == 1


# ---------------------------------------------------------------------------- no-show


def _missed(practice, patient, provider, hour=9):
    return make_appointment(practice, patient=patient, provider=provider,
                            starts_at=at(practice, MONDAY, hour))


@pytest.mark.parametrize(("language", "expected"), [
    (Language.EN, "we missed you on Monday, June 15. Reply R for a new time, or call"),
    (Language.ES, "le esperabamos el lunes 15 de junio. R: otra cita, o llame al"),
])
def test_a_no_show_is_followed_up_after_the_delay_once(practice, provider, language, expected):
    patient = make_patient(practice, first_name="Ana", language=language)
    appointment = _missed(practice, patient, provider)
    marked = at(practice, MONDAY, 9, 40)
    with unit_of_work():
        service.mark_no_show(appointment, actor=STAFF, now=marked)
    [follow_up] = notices_of(appointment)
    assert (follow_up.kind, follow_up.send_at) == (RuleKind.NO_SHOW, marked + timedelta(hours=1))

    planning.queue_due(marked + timedelta(minutes=59))
    assert texts_to(patient) == []
    planning.queue_due(marked + timedelta(hours=1))
    [text] = texts_to(patient)
    assert text.body.startswith(f"{practice.name}: Ana, {expected}")

    with unit_of_work():  # corrected to completed, then a no-show again: nothing more
        service.mark_completed(appointment, actor=STAFF, now=marked)
        service.mark_no_show(appointment, actor=STAFF, now=marked)
    assert len(notices_of(appointment)) == 1


def test_a_no_show_marked_in_the_evening_is_followed_up_in_the_morning(
        practice, patient, provider):
    appointment = _missed(practice, patient, provider, hour=18)
    with unit_of_work():
        service.mark_no_show(appointment, actor=STAFF, now=at(practice, MONDAY, 19, 30))
    assert notices_of(appointment)[0].send_at == at(practice, MONDAY + timedelta(days=1), 8)


def test_no_follow_up_once_the_patient_booked_again_or_it_is_no_longer_a_no_show(
        practice, patient, provider):
    booked_again = _missed(practice, patient, provider)
    corrected = _missed(practice, patient, provider, hour=11)
    marked = at(practice, MONDAY, 12)
    with unit_of_work():
        service.mark_no_show(booked_again, actor=STAFF, now=marked)
        service.mark_no_show(corrected, actor=STAFF, now=marked)
        service.mark_completed(corrected, actor=STAFF, now=marked)
    book(practice, patient, provider, at(practice, MONDAY + timedelta(days=2), 10), marked)
    planning.queue_due(marked + timedelta(hours=1))
    assert [(n.status, n.reason) for n in notices_of(booked_again)] == [
        (ReminderStatus.SKIPPED, journey.BOOKED_AGAIN)]
    assert [(n.status, n.reason) for n in notices_of(corrected)] == [
        (ReminderStatus.SKIPPED, journey.NOT_NO_SHOW)]


def test_no_follow_up_without_consent(practice, provider):
    patient = make_patient(practice, sms_consent=False)
    appointment = _missed(practice, patient, provider)
    with unit_of_work():
        service.mark_no_show(appointment, actor=STAFF, now=at(practice, MONDAY, 10))
    planning.queue_due(at(practice, MONDAY, 12))
    assert texts_to(patient) == []
    assert appointment.status is AppointmentStatus.NO_SHOW


def test_notices_do_not_count_against_the_reminder_cap(practice, patient, provider):
    practice.reminders_per_day = 1
    db.session.commit()
    now = at(practice, MONDAY, 9)
    book(practice, patient, provider, now + timedelta(hours=3), now)
    planning.queue_due(now)
    planning.queue_due(now + timedelta(hours=1))  # the 2-hour reminder
    assert len(texts_to(patient)) == 1
    assert len(texts_to(patient, MessageKind.REMINDER)) == 1


# --------------------------------------------------------------------------- the texts


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("kind", [*journey_defaults.DEFAULT_TEXTS, "short"])
def test_each_journey_text_fits_one_gsm7_sms_names_the_practice_and_ends_with_stop(
        kind, language):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from reminder_app.reminders import templates
    from reminder_app.sms_texts import JourneyText, text

    body = (text(JourneyText.CONFIRMED_SHORT, language) if kind == "short"
            else journey_defaults.default_bodies(kind)[language])
    assert "provider" not in templates.placeholders_in(body)  # no doctor on a lock screen
    shown = templates.preview(body, templates.Details(
        patient_first_name="Alejandra", patient_last_name="Reyes",
        practice_name="Riverside Family Practice", practice_phone="(201) 555-0100",
        provider="Dr. Lee", starts_at=datetime(2026, 9, 30, 14, 30, tzinfo=UTC),  # Wednesday
        zone=ZoneInfo("America/New_York"), language=language))
    assert shown.text.startswith("Riverside Family Practice: ")
    assert shown.text.endswith(templates.OPT_OUT_LINES[language])
    assert "CANCEL " not in shown.text.upper().replace("CANCELLED", "").replace("CANCELADA", "")
    assert (shown.encoding, shown.parts) == ("GSM-7", 1), (len(shown.text), shown.text)


def test_the_dashboard_lists_a_notice_that_did_not_go_out_but_not_the_practices_choices(
        practice, provider):
    from reminder_app.dashboard.service import reminder_problems

    without = make_patient(practice, sms_consent=False)
    patient = make_patient(practice)
    now = at(practice, MONDAY, 9)
    book(practice, without, provider, at(practice, MONDAY + timedelta(days=3), 10), now)
    book(practice, patient, provider, now + timedelta(hours=1), now)  # too soon: chosen
    book(practice, patient, provider, at(practice, MONDAY, 16), now, actor=WAITLIST)
    reasons = {problem.reason: problem.count for problem in reminder_problems(practice, now)}
    assert reasons[policy.NO_CONSENT] == 3  # two reminders and the booked notice
    assert journey.TOO_SOON not in reasons and journey.BY_SMS not in reasons
