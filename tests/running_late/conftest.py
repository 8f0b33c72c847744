from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminder_app.models import AppointmentStatus, Language
from tests.factories import (
    make_appointment,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_provider,
)
from tests.reminders.conftest import at

#: A Monday in June: no clock change near it.
MONDAY = date(2026, 6, 15)

#: One zone per UTC offset from -10 to +12, so one of them is always at midday.
ZONES = ("Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
         "America/Chicago", "America/New_York", "America/Halifax", "America/Sao_Paulo",
         "Atlantic/South_Georgia", "Atlantic/Cape_Verde", "UTC", "Europe/London",
         "Europe/Berlin", "Europe/Athens", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi",
         "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo", "Australia/Brisbane",
         "Pacific/Noumea", "Pacific/Fiji")


def zone_at_midday() -> str:
    """A zone whose clock reads between 10:00 and 15:00 now: pages that ask the real clock
    then have visits still to come today, outside quiet hours."""
    now = datetime.now(UTC)
    return next(zone for zone in ZONES if 10 <= now.astimezone(ZoneInfo(zone)).hour < 15)


@pytest.fixture
def practice(app):
    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com",
                             timezone="America/New_York").practice
    make_clickatell_account(practice, long_number="+12015550199")
    return practice


@pytest.fixture
def provider(practice):
    return make_provider(practice, "Dr. Amelia Reyes")


@pytest.fixture
def other_provider(practice):
    return make_provider(practice, "Dr. Ben Okafor")


class Day:
    """Monday's visits with Dr. Reyes, as the front desk sees them at 10:00 in New York."""

    def __init__(self, practice, provider, other_provider):
        self.practice = practice
        self.now = at(practice, MONDAY, 10)

        def visit(hour, minute=0, patient=None, who=provider, **status):
            return make_appointment(practice, patient=patient, provider=who,
                                    starts_at=at(practice, MONDAY, hour, minute), **status)

        self.ana = make_patient(practice, first_name="Ana", last_name="Reyes",
                                mobile="+12015550123")
        self.bea = make_patient(practice, first_name="Bea", last_name="Soto",
                                mobile="+12015550124", language=Language.ES)
        self.no_consent = make_patient(practice, first_name="Carl", last_name="Nye",
                                       mobile="+12015550125", sms_consent=False)
        self.opted_out = make_patient(practice, first_name="Dina", last_name="Ott",
                                      mobile="+12015550126")
        self.opted_out.opt_out(self.now - timedelta(days=3))
        self.ana_visit = visit(11, patient=self.ana)
        self.bea_visit = visit(11, 30, patient=self.bea)
        self.no_consent_visit = visit(12, patient=self.no_consent)
        self.opted_out_visit = visit(12, 30, patient=self.opted_out)
        self.started = visit(9, 45)
        self.completed = visit(9, status=AppointmentStatus.COMPLETED)
        self.no_show = visit(8, 30, status=AppointmentStatus.NO_SHOW)
        self.cancelled = visit(14, status=AppointmentStatus.CANCELLED_BY_PATIENT)
        self.reschedule = visit(15, status=AppointmentStatus.RESCHEDULE_REQUESTED)
        self.ana_again = visit(16, patient=self.ana)
        self.tomorrow = make_appointment(practice, provider=provider,
                                         starts_at=at(practice, MONDAY + timedelta(days=1), 11))
        self.others = visit(11, who=other_provider)


@pytest.fixture
def day(practice, provider, other_provider):
    return Day(practice, provider, other_provider)
