"""The 10DLC registration helper: the brand details typed in, the campaign written from the
practice's own texts, downloaded as one document; owners only."""

import pytest

from reminder_app.extensions import db
from reminder_app.reminders import rules
from tests.factories import make_practice, make_staff

BRAND = {"legal_name": "Riverside Family Practice LLC", "ein": "12-3456789",
         "address": "1 River St, Hoboken NJ", "website": "https://riverside.example",
         "privacy_url": "https://riverside.example/privacy"}


@pytest.fixture
def owner(app, auth):
    owner = make_practice("Riverside Family Practice", owner_email="dana@example.com")
    auth.login("dana@example.com")
    return owner


def test_the_document_gathers_brand_campaign_samples_and_keyword_answers(client, owner):
    response = client.post("/settings/10dlc", data=BRAND)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="10dlc-registration.md"')
    document = response.get_data(as_text=True)
    for expected in ("Riverside Family Practice LLC", "12-3456789", "https://riverside.example",
                     "https://riverside.example/privacy", "Account notifications",
                     "May Riverside Family Practice text you appointment reminders",
                     "Reply STOP to opt out.", "Responda STOP para darse de baja.",
                     "- HELP: Riverside Family Practice: reminders for your appointments.",
                     "Msg & data rates may apply"):
        assert expected in document, expected


def test_the_sample_messages_are_the_practices_own_texts(client, owner):
    rule = rules.rules_for(owner.practice)[0]
    rule.template_for("en").body = "Riverside here: {date} at {time}. {opt_out}"
    db.session.commit()
    page = client.get("/settings/10dlc").get_data(as_text=True)
    assert "Riverside here: " in page
    document = client.post("/settings/10dlc", data=BRAND).get_data(as_text=True)
    assert "Riverside here: " in document


@pytest.mark.parametrize(("field", "value", "error"), [
    ("ein", "12345", "Nine digits"), ("website", "not a site", "A web address"),
    ("legal_name", "", "This field is required")])
def test_bad_brand_details_are_refused_on_their_field(client, owner, field, value, error):
    response = client.post("/settings/10dlc", data={**BRAND, field: value})
    assert response.status_code == 200 and "Content-Disposition" not in response.headers
    assert error in response.get_data(as_text=True)


def test_only_owners_see_the_registration_helper(client, auth, owner):
    make_staff(owner.practice, email="sam@example.com")
    auth.logout()
    auth.login("sam@example.com")
    assert client.get("/settings/10dlc").status_code == 403
    assert client.post("/settings/10dlc", data=BRAND).status_code == 403
