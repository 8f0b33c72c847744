from datetime import UTC, date, datetime, time, timedelta

import pytest

from reminder_app.timezones import to_utc
from tests.factories import make_patient, make_practice, make_provider


@pytest.fixture
def owner(app, auth):
    """A signed-in owner of a New York practice."""
    owner = make_practice(owner_email="dana@example.com", timezone="America/New_York")
    auth.login("dana@example.com")
    return owner


@pytest.fixture
def practice(owner):
    return owner.practice


@pytest.fixture
def patient(practice):
    return make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")


@pytest.fixture
def provider(practice):
    return make_provider(practice, "Dr. Amelia Reyes")


@pytest.fixture
def tomorrow(practice) -> date:
    return datetime.now(UTC).astimezone(practice.zone).date() + timedelta(days=1)


def at(practice, day: date, hour: int, minute: int = 0) -> datetime:
    return to_utc(day, time(hour, minute), practice.zone)
