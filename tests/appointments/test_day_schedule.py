"""The day view's columns (appointments/day_schedule.py): what is drawn where, what is free,
and the stylesheet that places it."""

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from reminder_app.appointments import day_schedule
from reminder_app.appointments.day_schedule import BlockKind
from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, FreedSlot, SlotStatus
from reminder_app.timezones import to_utc
from tests.factories import make_appointment, make_patient, make_practice, make_provider

DAY = date(2026, 6, 1)
S = AppointmentStatus
STYLESHEET = (Path(__file__).resolve().parents[2] / "reminder_app" / "static" / "css"
              / "day-grid.css")


@pytest.fixture
def practice(app):
    return make_practice(timezone="America/New_York").practice


@pytest.fixture
def provider(practice):
    return make_provider(practice, "Dr. Amelia Reyes")


def at(practice, hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return to_utc(day, time(hour, minute), practice.zone)


def book(practice, provider, hour, minute=0, minutes=15, status=S.BOOKED, day=DAY):
    return make_appointment(practice, patient=make_patient(practice), provider=provider,
                            starts_at=at(practice, hour, minute, day), duration_minutes=minutes,
                            status=status)


def build(practice, providers, appointments, now, slots=None, day=DAY, **options):
    return day_schedule.build(day, practice.zone, providers, appointments, slots or {}, now,
                              **options)


def blocks(column, kind):
    return [b for b in column.blocks if b.kind is kind]


def test_the_stylesheet_is_current():
    assert STYLESHEET.read_text() == day_schedule.grid_stylesheet(), (
        "run .venv/bin/python scripts/day_grid_css.py")


def test_an_appointment_spans_its_rows_from_opening(practice, provider):
    visit = book(practice, provider, 9, 30, minutes=45)
    schedule = build(practice, [provider], [visit], now=at(practice, 0))
    assert schedule.hours[0] == (1, "08:00") and schedule.hours[-1] == (109, "17:00")
    assert schedule.rows == 10 * 12
    (drawn,) = blocks(schedule.columns[0], BlockKind.APPOINTMENT)
    assert (drawn.row, drawn.span) == (19, 9)  # 90 minutes after opening, 45 long
    assert "dg-r19 dg-s9 lane-all" in drawn.css


def test_free_time_is_offered_by_the_quarter_from_now_on(practice, provider):
    visit = book(practice, provider, 9, 0, minutes=20)
    schedule = build(practice, [provider], [visit], now=at(practice, 8, 40))
    free = blocks(schedule.columns[0], BlockKind.FREE)
    starts = [f"{b.starts_at.astimezone(practice.zone):%H:%M}" for b in free]
    assert starts[:4] == ["08:45", "09:20", "09:30", "09:45"]  # none past, none while booked
    assert starts[-1] == "17:45" and len(starts) == 1 + 3 + 8 * 4
    assert free[1].ends_at - free[1].starts_at == timedelta(minutes=10)


def test_early_and_late_appointments_widen_the_day(practice, provider):
    early = book(practice, provider, 6, 50)
    late = book(practice, provider, 19, 30, minutes=45)
    schedule = build(practice, [provider], [early, late], now=at(practice, 0))
    assert schedule.hours[0][1] == "06:00" and schedule.hours[-1][1] == "20:00"
    assert schedule.ends_at == at(practice, 21)


def test_a_day_the_clocks_go_back_has_its_25th_hour(practice, provider):
    day = date(2026, 11, 1)  # New York: 01:00–02:00 happens twice
    night = book(practice, provider, 0, 30, day=day)
    schedule = build(practice, [provider], [night], now=at(practice, 0, day=day), day=day)
    labels = [label for _, label in schedule.hours]
    assert labels[:4] == ["00:00", "01:00", "01:00", "02:00"] and labels[-1] == "17:00"
    assert schedule.rows == 19 * 12


def test_a_cancelled_time_ahead_is_free_with_its_slot_and_a_taken_one_is_not(practice,
                                                                             provider):
    freed = book(practice, provider, 10, status=S.CANCELLED_BY_PATIENT)
    taken = book(practice, provider, 11, status=S.CANCELLED_BY_STAFF)
    refill = book(practice, provider, 11)
    past = book(practice, provider, 8, status=S.CANCELLED_BY_PATIENT)
    slot = FreedSlot(practice_id=practice.id, provider_id=provider.id, appointment_id=freed.id,
                     starts_at=freed.starts_at, duration_minutes=15, status=SlotStatus.OFFERING)
    db.session.add(slot)
    db.session.commit()
    schedule = build(practice, [provider], [past, freed, taken, refill],
                     now=at(practice, 9), slots={freed.id: slot})
    column = schedule.columns[0]
    (freed_block,) = blocks(column, BlockKind.FREED)
    assert freed_block.appointment is freed and freed_block.slot is slot
    (past_block,) = blocks(column, BlockKind.CANCELLED)
    assert past_block.appointment is past
    assert [b.appointment for b in blocks(column, BlockKind.APPOINTMENT)] == [refill]
    assert not any(b.appointment is taken for b in column.blocks)  # the list mode shows it
    free_starts = {b.starts_at for b in blocks(column, BlockKind.FREE)}
    assert at(practice, 10) not in free_starts and at(practice, 10, 15) in free_starts


def test_a_double_booking_is_drawn_side_by_side(practice, provider):
    first = book(practice, provider, 9, minutes=30)
    second = book(practice, provider, 9, 15)
    third = book(practice, provider, 9, 30)
    apart = book(practice, provider, 11)
    schedule = build(practice, [provider], [first, second, third, apart], now=at(practice, 0))
    column = schedule.columns[0]
    lanes = {b.appointment.id: b.lane for b in blocks(column, BlockKind.APPOINTMENT)}
    assert column.lanes == 2
    assert lanes == {first.id: 1, second.id: 2, third.id: 0, apart.id: 0}  # 09:30 only touches


def test_columns_are_the_active_providers_and_any_booked_inactive_one(practice, provider):
    retired = make_provider(practice, "Dr. Zed Retired", active=False)
    idle = make_provider(practice, "Dr. Idle Retired", active=False)
    visit = book(practice, retired, 9)
    schedule = build(practice, [provider, retired, idle], [visit], now=at(practice, 0))
    assert [c.provider for c in schedule.columns] == [provider, retired]


def test_the_whole_day_past_offers_no_free_time(practice, provider):
    schedule = build(practice, [provider], [], now=datetime(2027, 1, 1, tzinfo=UTC))
    assert schedule.columns[0].blocks == []


def test_the_appointment_being_moved_leaves_its_own_time_free(practice, provider):
    visit = book(practice, provider, 9, minutes=30)
    still = build(practice, [provider], [visit], now=at(practice, 0))
    moving = build(practice, [provider], [visit], now=at(practice, 0), moving=visit)
    assert at(practice, 9, 15) not in {b.starts_at for b in blocks(still.columns[0],
                                                                   BlockKind.FREE)}
    free = {b.starts_at: b for b in blocks(moving.columns[0], BlockKind.FREE)}
    assert at(practice, 9) in free and at(practice, 9, 15) in free
    (drawn,) = blocks(moving.columns[0], BlockKind.APPOINTMENT)
    order = moving.columns[0].blocks
    assert drawn.appointment is visit
    assert order.index(drawn) < order.index(free[at(practice, 9)])  # drawn under them
