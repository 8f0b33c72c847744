"""Every staff URL that takes a record id answers 404 for another practice's record."""

import pytest

from reminder_app.models import (
    ApiToken,
    Appointment,
    AppointmentType,
    FreedSlot,
    Location,
    Message,
    Patient,
    PracticeKeyword,
    Provider,
    Recall,
    ReminderRule,
    StaffSession,
    StaffUser,
    WaitlistEntry,
)
from tests.factories import (
    make_clickatell_account,
    make_practice,
    make_staff,
    one_record_of_each,
)

#: Which model each URL argument names. A new staff URL with an id must be added here,
#: or `test_every_id_url_is_covered` fails.
ID_ARGUMENTS = {
    "user_id": StaffUser,
    "patient_id": Patient,
    "provider_id": Provider,
    "appointment_id": Appointment,
    "token_id": ApiToken,
    "message_id": Message,
    "keyword_id": PracticeKeyword,
    "rule_id": ReminderRule,
    "entry_id": WaitlistEntry,
    "slot_id": FreedSlot,
    "session_id": StaffSession,
    "type_id": AppointmentType,
    "location_id": Location,
    "recall_id": Recall,
}

PUBLIC_PREFIXES = ("/static", "/healthz", "/webhooks/", "/api/", "/calendar/")


def other_practice_records(app) -> dict:
    """Records of practice B, one per model, that practice A's owner must never reach."""
    owner_b = make_practice("Practice B", owner_email="b@example.com")
    make_clickatell_account(owner_b.practice)
    return one_record_of_each(owner_b.practice)


def staff_id_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PUBLIC_PREFIXES):
            continue
        id_args = [arg for arg in rule.arguments if arg.endswith("_id")]
        if id_args:
            yield rule, id_args


def test_every_id_url_is_covered(app):
    missing = {arg for _, args in staff_id_rules(app) for arg in args} - ID_ARGUMENTS.keys()
    assert not missing, f"add these URL arguments to ID_ARGUMENTS: {missing}"


def test_practice_a_gets_404_for_every_record_of_practice_b(app, client, auth):
    make_practice("Practice A", owner_email="a@example.com")
    records = other_practice_records(app)
    auth.login("a@example.com")
    checked = 0
    for rule, id_args in staff_id_rules(app):
        values = {arg: records[ID_ARGUMENTS[arg]].id for arg in id_args}
        url = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.post(url) if method == "POST" else client.open(url, method=method)
            assert response.status_code == 404, f"{method} {url} gave {response.status_code}"
            checked += 1
    assert checked >= 1
    assert records[StaffUser].id is not None


@pytest.mark.parametrize("path", ["/", "/settings/staff"])
def test_staff_pages_show_only_their_own_practice(app, client, auth, path):
    make_practice("Practice A", owner_email="a@example.com")
    other = make_practice("Practice B", owner_email="b@example.com")
    make_staff(other.practice, email="bstaff@example.com")
    auth.login("a@example.com")
    page = client.get(path).get_data(as_text=True)
    assert "Practice B" not in page and "bstaff@example.com" not in page
