"""Lists and choices show only the signed-in practice's patients, providers, appointments."""

from datetime import UTC, datetime

import pytest

from reminder_app.appointments import csv_import
from reminder_app.settings.service import create_api_token
from tests.factories import make_appointment, make_patient, make_practice, make_provider


@pytest.fixture
def practice_b(app):
    owner_b = make_practice("Practice B", owner_email="b@example.com")
    b = owner_b.practice
    today = datetime.now(UTC).astimezone(b.zone)
    make_appointment(b, patient=make_patient(b, first_name="Bella", last_name="Bsecret",
                                                 mobile="+12015550001"),
                     provider=make_provider(b, "Dr. Bprovider"), reason="B's reason",
                     starts_at=today.replace(hour=12, minute=0).astimezone(UTC))
    create_api_token(b, "B's PMS")
    return b


@pytest.mark.parametrize("path", ["/patients/", "/patients/?q=bel", "/appointments/day",
                                  "/appointments/week", "/appointments/new",
                                  "/appointments/providers", "/settings/api-tokens"])
def test_practice_a_pages_never_show_practice_b_records(client, auth, owner, practice_b, path):
    make_provider(owner.practice, "Dr. Amelia Reyes")
    page = client.get(path).get_data(as_text=True)
    for secret in ["Bsecret", "Bprovider", "B's reason", "B's PMS"]:
        assert secret not in page, f"{path} shows {secret}"


def test_the_csv_import_never_matches_another_practices_provider_or_patient(practice,
                                                                           practice_b):
    make_provider(practice, "Dr. Amelia Reyes")
    start = f"{datetime.now(UTC).year + 1}-06-01 09:00"
    text = (f"patient name,mobile,start,provider\n"
            f"Bella Bsecret,+12015550001,{start},Dr. Amelia Reyes\n"
            f"Bella Bsecret,+12015550001,{start},Dr. Bprovider\n")
    mine, theirs = csv_import.preview(practice, text).rows
    assert mine.ok and mine.patient is None  # a new patient of practice A
    assert theirs.errors == ["No provider is called “Dr. Bprovider”; add them under Providers "
                          "first, or correct the name."]
