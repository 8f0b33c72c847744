"""The patient picker's search endpoint: what it finds, a page at a time, only in the
signed-in person's practice, through an index; and the forms' patient field."""

from datetime import date

import pytest

from reminder_app.extensions import db
from reminder_app.models import Patient
from reminder_app.patients import picker, service
from tests.factories import make_patient, make_practice


@pytest.fixture
def owner(app, auth):
    owner = make_practice(owner_email="dana@example.com")
    auth.login("dana@example.com")
    return owner


def found(client, q: str, page: int = 1) -> dict:
    response = client.get("/patients/search", query_string={"q": q, "page": page})
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def names(answer: dict) -> list[str]:
    return [match["name"] for match in answer["patients"]]


def test_the_search_needs_sign_in(client, app):
    response = client.get("/patients/search?q=ana")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_name_a_date_of_birth_or_a_mobile_finds_the_patient(client, owner):
    ana = make_patient(owner.practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    ana.date_of_birth = date(1980, 3, 14)
    make_patient(owner.practice, first_name="Anabel", last_name="Adams", mobile="+12125550199")
    db.session.commit()

    assert names(found(client, "ana")) == ["Adams, Anabel", "Reyes, Ana"]
    assert names(found(client, "ana rey")) == ["Reyes, Ana"]
    assert names(found(client, "03/14/1980")) == ["Reyes, Ana"]  # a US practice: month first
    assert names(found(client, "1980-03-14")) == ["Reyes, Ana"]
    assert names(found(client, "ana 1980-03-14")) == ["Reyes, Ana"]
    assert names(found(client, "(201) 555")) == ["Reyes, Ana"]
    match = found(client, "reyes")["patients"][0]
    assert match == {"id": ana.id, "name": "Reyes, Ana",
                     "detail": "born 1980-03-14 · +1 201-555-0123"}


def test_a_day_first_date_outside_the_us():
    assert service.typed_birth_date("14/03/1980", "GB") == date(1980, 3, 14)
    assert service.typed_birth_date("14/03/1980", "US") is None  # no 14th month
    assert service.typed_birth_date("1980-02-30") is None


def test_another_practices_patients_are_never_found(client, owner):
    make_patient(make_practice("Elsewhere").practice, first_name="Ana", last_name="Reyes")
    assert found(client, "ana") == {"patients": [], "page": 1, "next_page": None}
    assert found(client, "") == {"patients": [], "page": 1, "next_page": None}


def test_matches_come_a_page_at_a_time(client, owner):
    for n in range(picker.PAGE_SIZE + 2):
        make_patient(owner.practice, first_name=f"Sam{n:02d}", last_name="Lee")
    first = found(client, "lee")
    assert len(first["patients"]) == picker.PAGE_SIZE and first["next_page"] == 2
    second = found(client, "lee", page=2)
    assert names(second) == ["Lee, Sam10", "Lee, Sam11"] and second["next_page"] is None


@pytest.mark.parametrize(("query", "error"), [
    ({"q": "x" * 81}, "Type at most 80 characters."),
    ({"q": "ana", "page": "0"}, "Choose a page from 1 to 100000."),
])
def test_bad_input_is_a_clear_json_error(client, owner, query, error):
    response = client.get("/patients/search", query_string=query)
    assert response.status_code == 400 and response.get_json() == {"error": error}


def _plan(query) -> str:
    compiled = query.compile(db.engine)
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
    else:
        params = tuple(compiled.params[name] for name in compiled.positiontup)
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params)
    return "\n".join(" ".join(str(column) for column in row) for row in rows)


@pytest.mark.parametrize("typed", ["ana", "03/14/1980", "201555"])
def test_the_search_reads_the_practice_through_an_index(app, owner, typed):
    """With sequential scans made a last resort, the plan still finds no other way than an
    index on the practice: the query never reads other practices' rows."""
    from sqlalchemy import select

    from reminder_app.models import Practice

    practice = db.session.get(Practice, owner.practice_id)
    query = service.search(select(Patient).where(Patient.practice_id == practice.id), typed,
                           practice.country).order_by(
        Patient.last_name, Patient.first_name, Patient.id).limit(picker.PAGE_SIZE + 1)
    plan = _plan(query)
    db.session.rollback()
    assert "ix_patient_practice_id" in plan, plan
    assert "Seq Scan" not in plan and "SCAN patient\n" not in f"{plan}\n", plan


def test_the_patients_list_finds_by_date_of_birth_too(client, owner):
    ana = make_patient(owner.practice, first_name="Ana", last_name="Reyes")
    ana.date_of_birth = date(1980, 3, 14)
    make_patient(owner.practice, first_name="Zoe", last_name="Adams")
    db.session.commit()
    page = client.get("/patients/?q=03/14/1980").get_data(as_text=True)
    assert "Reyes, Ana" in page and "Adams" not in page
