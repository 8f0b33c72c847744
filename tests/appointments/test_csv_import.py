"""CSV import: a preview with every row's errors, then all valid rows or nothing."""

import io
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from reminder_app.appointments import csv_import
from reminder_app.extensions import db
from reminder_app.models import Appointment, Patient
from reminder_app.timezones import to_utc
from tests.factories import STAFF, make_appointment, make_patient, make_provider

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GOOD_AND_BAD = """patient name,mobile,start,provider,reason
Ana Reyes,(201) 555-0123,2026-03-09 09:30,Dr. Amelia Reyes,Check-up
"Okafor, Ben",+1 212 555 0199,2026-03-09 2:30 PM,dr. amelia reyes,
Zoe Adams,555-12,2026-03-09 10:00,Dr. Amelia Reyes,
Luis Reyes,2015550123,2026-03-08 02:30,Dr. Who,
Ana Reyes,(201) 555-0123,2026-03-10 09:30,Dr. Amelia Reyes,Follow-up
"""


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def provider(practice):
    return make_provider(practice, "Dr. Amelia Reyes")


def test_the_preview_checks_every_row_and_saves_nothing(practice, provider):
    checked = csv_import.preview(practice, GOOD_AND_BAD, now=NOW)
    assert [row.line for row in checked.valid] == [2, 3, 6]
    assert [row.line for row in checked.invalid] == [4, 5]
    zoe, luis = checked.invalid
    assert any("not a valid phone number" in e for e in zoe.errors)
    assert any("does not exist" in e for e in luis.errors)
    assert any("No provider is called “Dr. Who”" in e for e in luis.errors)
    ben = checked.rows[1]
    assert (ben.first_name, ben.last_name, ben.mobile) == ("Ben", "Okafor", "+12125550199")
    assert ben.starts_at == to_utc(date(2026, 3, 9), time(14, 30), practice.zone)
    assert count(Appointment) == 0 and count(Patient) == 0


def test_importing_books_the_valid_rows_and_adds_each_new_patient_once(practice, provider):
    checked = csv_import.preview(practice, GOOD_AND_BAD, now=NOW)
    result = csv_import.import_valid_rows(practice, checked, consent=True, now=NOW, actor=STAFF)
    assert [line for line, _ in result.imported] == [2, 3, 6]
    assert sorted(p.full_name for p in result.new_patients) == ["Ana Reyes", "Ben Okafor"]
    assert [row.line for row in result.skipped] == [4, 5]
    assert count(Appointment) == 3 and count(Patient) == 2
    assert all(p.sms_consent for p in result.new_patients)


def test_new_patients_get_no_consent_unless_the_person_says_so(practice, provider):
    checked = csv_import.preview(practice, GOOD_AND_BAD, now=NOW)
    result = csv_import.import_valid_rows(practice, checked, consent=False, now=NOW, actor=STAFF)
    assert not any(p.sms_consent for p in result.new_patients)


def test_an_existing_patient_is_matched_by_name_and_mobile(practice, provider):
    ana = make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    checked = csv_import.preview(practice, GOOD_AND_BAD, now=NOW)
    assert checked.rows[0].patient == ana
    csv_import.import_valid_rows(practice, checked, consent=False, now=NOW, actor=STAFF)
    assert count(Patient) == 2
    assert db.session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.patient_id == ana.id)) == 2


def test_a_row_already_booked_or_repeated_in_the_file_is_an_error(practice, provider):
    ana = make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    make_appointment(practice, patient=ana, provider=provider,
                     starts_at=to_utc(date(2026, 3, 9), time(9, 30), practice.zone))
    text = GOOD_AND_BAD + "Ben Okafor,+12125550199,2026-03-09 14:30,Dr. Amelia Reyes,\n"
    checked = csv_import.preview(practice, text, now=NOW)
    errors = {row.line: row.errors for row in checked.invalid}
    assert errors[2] == ["This appointment is already booked."]
    assert errors[7] == ["Repeats row 3."]


def test_a_row_in_the_past_is_an_error(practice, provider):
    text = "patient name,mobile,start,provider\nAna Reyes,2015550123,2026-02-28 09:00," \
           "Dr. Amelia Reyes\n"
    assert csv_import.preview(practice, text, now=NOW).rows[0].errors == [
        "This time has already passed."]


def test_an_overlap_is_a_warning_not_an_error(practice, provider):
    make_appointment(practice, provider=provider,
                     starts_at=to_utc(date(2026, 3, 9), time(9, 30), practice.zone))
    row = csv_import.preview(practice, GOOD_AND_BAD, now=NOW).rows[0]
    assert row.ok and row.warnings == ["Dr. Amelia Reyes already has an appointment then."]


@pytest.mark.parametrize(("text", "message"), [
    ("", "The file is empty."),
    ("name,mobile\nAna Reyes,2015550123\n", "missing: start, provider"),
    ("patient name,mobile,start,provider\n\n", "no appointments"),
])
def test_a_file_without_the_needed_columns_or_rows_is_refused(practice, text, message):
    with pytest.raises(csv_import.CsvError, match=message):
        csv_import.preview(practice, text, now=NOW)


def test_semicolons_excel_bom_and_column_aliases_are_understood(practice, provider):
    data = ("\ufeffName;Phone;Start time;Doctor;Duration\n"
            "Ana Reyes;2015550123;2026-03-09 09:30;Dr. Amelia Reyes;40\n").encode()
    row = csv_import.preview(practice, csv_import.decode(data), now=NOW).rows[0]
    assert row.ok and row.duration_minutes == 40


def test_a_windows_1252_file_is_read(practice):
    assert "Peña" in csv_import.decode("Peña".encode("cp1252"))


# The pages


def upload(client, text: str, consent: bool = False):
    data = {"file": (io.BytesIO(text.encode()), "appointments.csv")}
    if consent:
        data["consent"] = "y"
    return client.post("/appointments/import", data=data, content_type="multipart/form-data")


def future_file() -> str:
    year = datetime.now(UTC).year + 1
    return GOOD_AND_BAD.replace("2026-", f"{year}-")


def test_uploading_shows_a_preview_with_row_errors(client, provider):
    page = upload(client, future_file()).get_data(as_text=True)
    assert "<strong>3</strong> of 5 rows can be imported" in page
    assert "not a valid phone number" in page and "No provider is called" in page
    assert "Import the 3 valid rows, skip 2" in page and "Import nothing" in page
    assert count(Appointment) == 0


def test_confirming_imports_the_valid_rows_and_says_exactly_what(client, provider):
    upload_page = upload(client, future_file(), consent=True).get_data(as_text=True)
    import re

    fields = dict(re.findall(r'name="(csv_text|consent|expected_rows)"[^>]*value="([^"]*)"',
                             upload_page))
    import html

    fields = {name: html.unescape(value) for name, value in fields.items()}
    assert fields["expected_rows"] == "2,3,6"
    page = client.post("/appointments/import/confirm", data=fields).get_data(as_text=True)
    assert ("Imported 3 appointments and added 2 new patients. Skipped 2 rows with errors: "
            "4, 5.") in page
    assert count(Appointment) == 3 and count(Patient) == 2


def test_the_import_stops_if_the_rows_changed_since_the_preview(client, practice, provider):
    text = future_file()
    page = client.post("/appointments/import/confirm", data={
        "csv_text": text, "consent": "", "expected_rows": "2,3"}).get_data(as_text=True)
    assert "Some rows changed since the preview" in page
    assert count(Appointment) == 0


def test_a_file_that_is_not_csv_is_refused_on_the_upload_form(client, provider):
    response = client.post("/appointments/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"x"), "photo.png")})
    assert "Please choose a .csv file." in response.get_data(as_text=True)
    missing = upload(client, "mobile\n2015550123\n").get_data(as_text=True)
    assert "missing: patient name, start, provider" in missing


def test_confirming_without_a_file_goes_back_to_the_upload(client, provider):
    response = client.post("/appointments/import/confirm", data={})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/appointments/import")


def test_consent_of_imported_patients_is_recorded_as_the_csv_import_by_its_importer(
        practice, provider):
    from reminder_app.models import ConsentMethod
    from reminder_app.models.consent import consent_history

    checked = csv_import.preview(practice, GOOD_AND_BAD, now=NOW)
    result = csv_import.import_valid_rows(practice, checked, consent=True, now=NOW, actor=STAFF)
    for patient in result.new_patients:
        [record] = consent_history(patient)
        assert (record.method, record.actor, record.at) == (ConsentMethod.CSV_IMPORT, STAFF, NOW)
