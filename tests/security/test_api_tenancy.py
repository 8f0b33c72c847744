"""Every call of the JSON API, as its OpenAPI document lists them, keeps a token inside its
own practice: practice B's ids are 404 to practice A's token (nothing changes), lists show
only A's records, and B's patient or provider cannot be booked with A's token."""

import re

from reminder_app.api.openapi import DOCUMENT
from reminder_app.extensions import db
from reminder_app.models import AppointmentType, Location
from reminder_app.settings.service import create_api_token
from tests.api.conftest import ApiClient
from tests.factories import make_appointment, make_practice

from .conftest import snapshot

#: The record of practice B each id parameter names.
ID_OF = {"patient_id": "patient", "appointment_id": "appointment", "provider_id": "provider"}
BODIES = {"patch": {"first_name": "Mallory", "notes": "x", "reason": "Forged"},
          "post": {"reason": "Forged"}}


def operations():
    for template, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "patch", "put", "delete"):
                yield template, method, operation


def test_every_id_call_answers_404_for_another_practices_record(app, client):
    owner_a, owner_b = make_practice("Practice A"), make_practice("Practice B")
    make_appointment(owner_a.practice)
    theirs = make_appointment(owner_b.practice)
    records = {"patient": theirs.patient, "appointment": theirs, "provider": theirs.provider}
    api = ApiClient(client, create_api_token(owner_a.practice, "PMS of A")[1])
    before = snapshot()
    checked = []
    for template, method, _ in operations():
        names = re.findall(r"\{(\w+)\}", template)
        if not names:
            continue
        path = template
        for name in names:
            path = path.replace(f"{{{name}}}", str(records[ID_OF[name]].id))
        response = api.open(method.upper(), path, json=BODIES.get(method, {}))
        assert response.status_code == 404, f"{method.upper()} {path}: {response.status_code}"
        checked.append(f"{method.upper()} {template}")
    # the token's last use is the only write a refused call may make
    after = snapshot()
    assert {k: v for k, v in after.items() if k != "api_token"} == \
           {k: v for k, v in before.items() if k != "api_token"}
    assert len(checked) >= 5, checked


def _type_and_site(practice) -> set[int]:
    """An appointment type and a site of the practice: their ids."""
    kind = AppointmentType(practice_id=practice.id, name="Checkup")
    site = Location(practice_id=practice.id, name="North")
    db.session.add_all([kind, site])
    db.session.commit()
    return {kind.id, site.id}


def test_every_list_call_shows_only_the_tokens_practice(app, client):
    owner_a, owner_b = make_practice("Practice A"), make_practice("Practice B")
    _type_and_site(owner_b.practice)
    make_appointment(owner_b.practice)
    mine = make_appointment(owner_a.practice)
    my_types_and_sites = _type_and_site(owner_a.practice)
    api = ApiClient(client, create_api_token(owner_a.practice, "PMS of A")[1])
    lists = [(template, op) for template, method, op in operations()
             if method == "get" and "{" not in template and template != "/openapi.json"]
    assert lists
    for template, _ in lists:
        body = api.get(template).get_json()
        [items] = [value for value in body.values() if isinstance(value, list)]
        assert items, template
        assert all(item["id"] in {mine.id, mine.patient.id, mine.provider.id,
                                  *my_types_and_sites}
                   and item.get("patient_id", mine.patient.id) == mine.patient.id
                   for item in items), f"{template} shows another practice's record"


def test_another_practices_patient_or_provider_cannot_be_booked(app, client):
    owner_a, owner_b = make_practice("Practice A"), make_practice("Practice B")
    mine, theirs = make_appointment(owner_a.practice), make_appointment(owner_b.practice)
    api = ApiClient(client, create_api_token(owner_a.practice, "PMS of A")[1])
    starts = "2030-01-07T10:00:00-05:00"
    for patient, provider in ((theirs.patient, mine.provider), (mine.patient, theirs.provider)):
        response = api.post("/appointments", json={
            "patient_id": patient.id, "provider_id": provider.id, "starts_at": starts})
        assert response.status_code == 422
