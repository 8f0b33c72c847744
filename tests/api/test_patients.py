"""/api/v1/patients: list, search, create, read, update; validation errors by field."""

import pytest

from tests.factories import make_patient

ANA = {"first_name": "Ana", "last_name": "Reyes", "mobile": "(201) 555-0123",
       "date_of_birth": "1980-04-23", "language": "es", "sms_consent": True,
       "notes": "Prefers mornings"}


def test_create_patient_answers_201_with_the_stored_patient(api, practice):
    response = api.post("/patients", json=ANA)
    assert response.status_code == 201
    body = response.get_json()
    patient = body["patient"]
    assert patient["mobile"] == "+12015550123" and patient["date_of_birth"] == "1980-04-23"
    assert patient["language"] == "es" and patient["sms_consent"] is True
    assert body["warnings"] == []
    assert response.headers["Location"].endswith(f"/api/v1/patients/{patient['id']}")


def test_create_patient_warns_about_a_mobile_already_on_file(api, practice):
    make_patient(practice, first_name="Luis", last_name="Reyes", mobile="+12015550123")
    body = api.post("/patients", json=ANA).get_json()
    assert "Luis Reyes already has this mobile number" in body["warnings"][0]


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"first_name": ["This field is required."], "last_name": ["This field is required."],
          "mobile": ["This field is required."]}),
    ({**ANA, "mobile": "555-12"}, {"mobile": [
        "That is not a valid phone number; please check the digits and the country code."]}),
    ({**ANA, "first_name": ""}, {"first_name": ["This field cannot be empty."]}),
    ({**ANA, "language": "fr"}, {"language": ["Must be one of: en, es."]}),
    ({**ANA, "sms_consent": "yes"}, {"sms_consent": ["Must be true or false."]}),
    ({**ANA, "date_of_birth": "23/04/1980"}, {"date_of_birth": [
        "Must be a date like 1984-02-29."]}),
    ({**ANA, "shoe_size": 9}, {"shoe_size": ["Unknown field."]}),
    ({**ANA, "notes": "x" * 2001}, {"notes": ["At most 2000 characters."]}),
])
def test_invalid_patients_are_422_with_messages_by_field(api, body, fields):
    response = api.post("/patients", json=body)
    assert response.status_code == 422
    assert response.get_json() == {"error": "Validation failed.", "fields": fields}


def test_a_body_that_is_not_a_json_object_is_400(api):
    assert api.post("/patients", data="first_name=Ana").status_code == 400
    assert api.post("/patients", json=[ANA]).status_code == 400


def test_list_patients_pages_and_searches(api, practice):
    for name in ["Adams", "Baker", "Reyes"]:
        make_patient(practice, first_name="Pat", last_name=name)
    body = api.get("/patients?limit=2").get_json()
    assert [p["last_name"] for p in body["patients"]] == ["Adams", "Baker"]
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert [p["last_name"] for p in api.get("/patients?limit=2&offset=2").get_json()[
        "patients"]] == ["Reyes"]
    assert [p["last_name"] for p in api.get("/patients?q=rey").get_json()["patients"]] == [
        "Reyes"]


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=many"])
def test_paging_out_of_range_is_a_validation_error(api, query):
    response = api.get(f"/patients?{query}")
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) <= {"limit", "offset"}


def test_get_patient(api, practice):
    patient = make_patient(practice, first_name="Ana")
    body = api.get(f"/patients/{patient.id}").get_json()
    assert body["patient"]["first_name"] == "Ana" and body["patient"]["id"] == patient.id


def test_update_patient_changes_only_the_fields_sent(api, practice):
    patient = make_patient(practice, first_name="Ana", last_name="Reyes", sms_consent=True)
    response = api.patch(f"/patients/{patient.id}", json={"sms_consent": False,
                                                          "mobile": "+1 212 555 0199"})
    body = response.get_json()["patient"]
    assert response.status_code == 200
    assert body["sms_consent"] is False and body["opted_out_at"] is not None
    assert body["mobile"] == "+12125550199" and body["first_name"] == "Ana"


def test_an_invalid_update_is_422_and_changes_nothing(api, practice):
    patient = make_patient(practice, first_name="Ana", mobile="+12015550123")
    response = api.patch(f"/patients/{patient.id}", json={"first_name": "Anabel",
                                                          "mobile": "12"})
    assert response.status_code == 422 and list(response.get_json()["fields"]) == ["mobile"]
    assert api.get(f"/patients/{patient.id}").get_json()["patient"]["first_name"] == "Ana"


def test_an_unknown_patient_is_404(api):
    assert api.get("/patients/999999").status_code == 404
    assert api.patch("/patients/999999", json={}).status_code == 404


def test_consent_given_through_the_api_is_recorded_as_such(api, practice):
    from reminder_app.extensions import db
    from reminder_app.models import ActorKind, ConsentMethod, Patient
    from reminder_app.models.consent import consent_history

    patient_id = api.post("/patients", json=ANA).get_json()["patient"]["id"]
    [record] = consent_history(db.session.get(Patient, patient_id))
    assert (record.given, record.method, record.actor.kind) == (
        True, ConsentMethod.API, ActorKind.API_TOKEN)
    assert record.wording.startswith("Podemos (")  # the request, in the patient's language
