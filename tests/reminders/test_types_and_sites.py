"""Appointment types, rules per type or provider, and sites, as planning sees them: an
appointment gets only the rules that apply to it (the most specific per lead time), timed
on its site's clock, and its texts carry the type's note and the site's name and address."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from reminder_app.appointments import service, visits
from reminder_app.extensions import db
from reminder_app.models import (
    AppointmentType,
    Language,
    Location,
    Reminder,
    ReminderRule,
    ReminderStatus,
)
from reminder_app.reminders import planning, policy, rules, templates
from reminder_app.reminders.practice_rules import rules_that_apply
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_patient, make_practice, make_provider

from .conftest import at, utc

MONDAY = date(2026, 6, 15)
BODIES = {Language.EN: "{practice_name}: see you {date} at {time}. {prep_note} {opt_out}",
          Language.ES: "{practice_name}: cita el {date} a las {time}. {prep_note} {opt_out}"}


def reminders_of(appointment) -> list[Reminder]:
    db.session.expire_all()
    return list(db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == appointment.id).order_by(Reminder.id)))


def pending_minutes(appointment) -> list[int]:
    return sorted(r.rule.minutes_before for r in reminders_of(appointment)
                  if r.status is ReminderStatus.PENDING)


def book(practice, patient, provider, starts_at, now, **visit):
    with unit_of_work():
        return service.book(practice, patient=patient, provider=provider, starts_at=starts_at,
                            now=now, actor=STAFF, **visit)


@pytest.fixture
def phone_call(practice):
    with unit_of_work():
        return visits.add_type(practice, name="Phone consultation", default_duration_minutes=10)


@pytest.fixture
def colonoscopy(practice):
    with unit_of_work():
        return visits.add_type(practice, name="Colonoscopy", default_duration_minutes=45,
                               prep_note="Please fast from midnight.",
                               prep_note_es="Por favor, ayune desde la medianoche.")


def test_a_type_without_the_2_hour_reminder_gets_only_the_48_hour_one(
        practice, patient, provider, phone_call):
    day_before, same_day = rules.rules_for(practice)
    with unit_of_work():
        rules.set_rules_for_type(phone_call, {day_before.id}, now=utc(2026, 6, 1))
    starts = at(practice, MONDAY, 14, 30)
    call = book(practice, patient, provider, starts, now=starts - timedelta(days=7),
                appointment_type=phone_call)
    visit = book(practice, patient, provider, starts + timedelta(hours=1),
                 now=starts - timedelta(days=7))
    assert pending_minutes(call) == [48 * 60]
    assert pending_minutes(visit) == [2 * 60, 48 * 60]  # untyped: every practice-wide rule
    assert not rules.applies_to_type(same_day, phone_call, rules.rules_for(practice))


def test_putting_a_rule_back_for_a_type_plans_it_for_appointments_ahead(
        practice, patient, provider, phone_call):
    day_before, same_day = rules.rules_for(practice)
    starts = at(practice, MONDAY, 14, 30)
    booked_at = starts - timedelta(days=7)
    with unit_of_work():
        rules.set_rules_for_type(phone_call, {day_before.id}, now=booked_at)
    call = book(practice, patient, provider, starts, now=booked_at, appointment_type=phone_call)
    with unit_of_work():
        rules.set_rules_for_type(phone_call, {day_before.id, same_day.id}, now=booked_at)
    assert pending_minutes(call) == [2 * 60, 48 * 60]
    texts = {r.rule.minutes_before: r.rule.template_for(Language.EN).body
             for r in reminders_of(call) if r.status is ReminderStatus.PENDING}
    assert texts[2 * 60] == same_day.template_for(Language.EN).body


def test_a_rule_for_a_provider_takes_the_place_of_the_practice_rule_of_the_same_lead_time(
        practice, patient, provider):
    other = make_provider(practice, "Dr. Omar Said")
    with unit_of_work():
        own = rules.add_rule(practice, minutes_before=48 * 60, enabled=True, bodies=BODIES,
                             provider=provider, now=utc(2026, 6, 1))
    starts = at(practice, MONDAY, 14, 30)
    mine = book(practice, patient, provider, starts, now=starts - timedelta(days=7))
    theirs = book(practice, patient, other, starts, now=starts - timedelta(days=7))
    day_before = rules.rules_for(practice)[0]
    assert {r.rule_id for r in reminders_of(mine)} == {own.id, rules.rules_for(practice)[1].id}
    assert day_before.id in {r.rule_id for r in reminders_of(theirs)}
    assert own.id not in {r.rule_id for r in reminders_of(theirs)}


def test_a_rule_for_a_type_adds_a_reminder_only_its_appointments_get(
        practice, patient, provider, colonoscopy):
    with unit_of_work():
        rules.add_rule(practice, minutes_before=5 * 24 * 60, enabled=True, bodies=BODIES,
                       appointment_type=colonoscopy, now=utc(2026, 6, 1))
    starts = at(practice, MONDAY, 9)
    scope = book(practice, patient, provider, starts, now=starts - timedelta(days=10),
                 appointment_type=colonoscopy)
    visit = book(practice, patient, provider, starts + timedelta(hours=2),
                 now=starts - timedelta(days=10))
    assert pending_minutes(scope) == [2 * 60, 48 * 60, 5 * 24 * 60]
    assert pending_minutes(visit) == [2 * 60, 48 * 60]
    [five_days] = [r for r in reminders_of(scope) if r.rule.minutes_before == 5 * 24 * 60]
    assert five_days.send_at == at(practice, MONDAY - timedelta(days=5), 9)


def test_the_most_specific_rule_wins_type_and_provider_over_type_over_provider(
        practice, patient, provider, colonoscopy):
    with unit_of_work():
        for_provider = rules.add_rule(practice, minutes_before=120, enabled=True,
                                      bodies=BODIES, provider=provider)
        for_type = rules.add_rule(practice, minutes_before=120, enabled=True, bodies=BODIES,
                                  appointment_type=colonoscopy)
        for_both = rules.add_rule(practice, minutes_before=120, enabled=True, bodies=BODIES,
                                  appointment_type=colonoscopy, provider=provider)
    all_rules = rules.rules_for(practice)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 9),
                       now=at(practice, MONDAY - timedelta(days=7), 9),
                       appointment_type=colonoscopy)
    same_day = [r.id for r in rules_that_apply(all_rules, appointment) if r.minutes_before == 120]
    assert same_day == [for_both.id]
    other_provider = make_provider(practice, "Dr. Omar Said")
    appointment.provider = other_provider
    assert [r.id for r in rules_that_apply(all_rules, appointment)
            if r.minutes_before == 120] == [for_type.id]
    appointment.appointment_type = None
    appointment.provider = provider
    assert [r.id for r in rules_that_apply(all_rules, appointment)
            if r.minutes_before == 120] == [for_provider.id]


def test_changing_the_type_withdraws_the_reminders_that_no_longer_apply(
        practice, patient, provider, phone_call):
    day_before, same_day = rules.rules_for(practice)
    starts = at(practice, MONDAY, 14, 30)
    booked_at = starts - timedelta(days=7)
    with unit_of_work():
        rules.set_rules_for_type(phone_call, {day_before.id}, now=booked_at)
    appointment = book(practice, patient, provider, starts, now=booked_at)
    with unit_of_work():
        service.edit(appointment, practice, appointment_type=phone_call, actor=STAFF,
                     now=booked_at + timedelta(hours=1))
    found = {r.rule_id: r for r in reminders_of(appointment)}
    assert (found[same_day.id].status, found[same_day.id].reason) == (
        ReminderStatus.CANCELLED, planning.NOT_FOR_IT)
    assert found[day_before.id].status is ReminderStatus.PENDING


def test_a_site_in_another_zone_times_reminders_and_quiet_hours_on_its_clock(
        practice, patient, provider):
    with unit_of_work():
        denver = visits.add_location(practice, name="Denver", address="1 Main St",
                                     timezone="America/Denver")
    starts = utc(2026, 6, 15, 15)  # 9:00 in Denver, 11:00 in New York
    appointment = book(practice, patient, provider, starts, now=starts - timedelta(days=7),
                       location=denver)
    day_before, same_day = reminders_of(appointment)
    assert day_before.send_at == utc(2026, 6, 13, 15)  # Saturday 9:00 in Denver
    # 2 hours before is 7:00 in Denver, inside quiet hours there (it is 9:00 in New York):
    # 8:00 Denver time is the nearest allowed minute
    assert same_day.send_at == utc(2026, 6, 15, 14)
    assert "quiet hours" in same_day.reason


def test_the_patients_own_zone_still_comes_before_the_sites(practice, provider):
    patient = make_patient(practice, timezone="America/New_York")
    with unit_of_work():
        denver = visits.add_location(practice, name="Denver", timezone="America/Denver")
    starts = utc(2026, 6, 15, 15)
    appointment = book(practice, patient, provider, starts, now=starts - timedelta(days=7),
                       location=denver)
    same_day = reminders_of(appointment)[1]
    assert same_day.send_at == utc(2026, 6, 15, 13)  # 7:00 Denver is 9:00 on the patient's


def test_a_patient_without_consent_gets_nothing_whatever_the_type(
        practice, provider, colonoscopy):
    patient = make_patient(practice, sms_consent=False)
    starts = at(practice, MONDAY, 9)
    appointment = book(practice, patient, provider, starts, now=starts - timedelta(days=7),
                       appointment_type=colonoscopy)
    assert {(r.status, r.reason) for r in reminders_of(appointment)} == {
        (ReminderStatus.SKIPPED, policy.NO_CONSENT)}


@pytest.mark.parametrize("language, expected", [
    (Language.EN, "Harbor Clinic: see you Monday, June 15 at 9:00 AM. Please fast from "
                  "midnight. Reply STOP to opt out."),
    (Language.ES, "Harbor Clinic: cita el lunes 15 de junio a las 09:00. Por favor, ayune desde "
                  "la medianoche. Responda STOP para darse de baja."),
])
def test_the_text_carries_the_types_note_in_the_patients_language(
        practice, provider, colonoscopy, language, expected):
    practice.name = "Harbor Clinic"
    patient = make_patient(practice, language=language)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 9),
                       now=at(practice, MONDAY - timedelta(days=7), 9),
                       appointment_type=colonoscopy)
    text = templates.render(BODIES[language], templates.details_of(appointment, practice))
    assert text == expected


def test_no_note_leaves_no_gap(practice, patient, provider):
    appointment = book(practice, patient, provider, at(practice, MONDAY, 9),
                       now=at(practice, MONDAY - timedelta(days=7), 9))
    text = templates.render(BODIES[Language.EN], templates.details_of(appointment, practice))
    assert "9:00 AM. Reply STOP" in text


def test_the_text_names_the_site_and_its_address_on_its_clock(practice, patient, provider):
    with unit_of_work():
        denver = visits.add_location(practice, name="Riverside Denver",
                                     address="1 Main St, Denver", timezone="America/Denver")
    appointment = book(practice, patient, provider, utc(2026, 6, 15, 15),
                       now=utc(2026, 6, 8, 15), location=denver)
    body = "{location} ({location_address}): {date} at {time}. {opt_out}"
    assert templates.render(body, templates.details_of(appointment, practice)) == (
        "Riverside Denver (1 Main St, Denver): Monday, June 15 at 9:00 AM. "
        "Reply STOP to opt out.")
    without_site = book(practice, patient, provider, utc(2026, 6, 16, 15),
                        now=utc(2026, 6, 8, 15))
    assert templates.render(body, templates.details_of(without_site, practice)).startswith(
        f"{practice.name} ({practice.address}): Tuesday, June 16 at 11:00 AM.")


def test_another_practices_type_or_site_cannot_be_used(practice, patient, provider):
    other = make_practice("Elsewhere").practice
    with unit_of_work():
        foreign_type = visits.add_type(other, name="Checkup", default_duration_minutes=20)
        foreign_site = visits.add_location(other, name="Uptown")
    starts = at(practice, MONDAY, 9)
    with pytest.raises(service.AppointmentError) as refused:
        book(practice, patient, provider, starts, now=starts - timedelta(days=1),
             appointment_type=foreign_type)
    assert refused.value.field == "appointment_type"
    with pytest.raises(service.AppointmentError) as refused:
        book(practice, patient, provider, starts, now=starts - timedelta(days=1),
             location=foreign_site)
    assert refused.value.field == "location"
    with pytest.raises(rules.RuleError):
        rules.add_rule(practice, minutes_before=60, enabled=True, bodies=BODIES,
                       appointment_type=foreign_type)
    db.session.rollback()


@pytest.mark.parametrize("column, model", [("appointment_type_id", AppointmentType),
                                           ("location_id", Location)])
def test_the_database_refuses_another_practices_type_or_site_on_an_appointment(
        practice, patient, provider, column, model):
    other = make_practice("Elsewhere").practice
    foreign = model(practice_id=other.id, name="Theirs")
    db.session.add(foreign)
    db.session.commit()
    appointment = book(practice, patient, provider, at(practice, MONDAY, 9),
                       now=at(practice, MONDAY - timedelta(days=1), 9))
    setattr(appointment, column, foreign.id)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("column", ["appointment_type_id", "provider_id"])
def test_the_database_refuses_a_rule_scoped_to_another_practices_type_or_provider(
        practice, column):
    other = make_practice("Elsewhere").practice
    foreign = (AppointmentType(practice_id=other.id, name="Theirs")
               if column == "appointment_type_id" else make_provider(other, "Dr. Theirs"))
    db.session.add(foreign)
    db.session.commit()
    rule = rules.rules_for(practice)[0]
    db.session.commit()
    setattr(rule, column, foreign.id)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(ReminderRule, rule.id).appointment_type_id is None
