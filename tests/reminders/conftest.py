from datetime import UTC, date, datetime, time

import pytest

from reminder_app.timezones import to_utc
from tests.factories import make_patient, make_practice, make_provider


@pytest.fixture
def practice(app):
    """A New York practice with no Clickatell account (planning needs none)."""
    return make_practice(owner_email="dana@example.com", timezone="America/New_York").practice


@pytest.fixture
def patient(practice):
    return make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")


@pytest.fixture
def provider(practice):
    return make_provider(practice, "Dr. Amelia Reyes")


def at(practice, day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time of the practice as UTC."""
    return to_utc(day, time(hour, minute), practice.zone)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
