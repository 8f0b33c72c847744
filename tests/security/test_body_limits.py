"""Bodies are capped by route and checked before anything reads them (issue #20, finding 8):
an oversized body is a 413 (JSON for the API) before the CSRF check or a JSON parse; a URL
with no route reads nothing; a deeply nested JSON body is a 400, never a 500."""

import io
import json

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from reminder_app.appointments.csv_import import MAX_BYTES as CSV_MAX_BYTES
from reminder_app.settings.service import create_api_token
from tests.factories import make_practice


@pytest.fixture
def json_reads(app, monkeypatch):
    """Every JSON body the app parses, recorded."""
    reads = []
    loads = app.json.loads

    def recording(s, **kwargs):
        reads.append(s)
        return loads(s, **kwargs)

    monkeypatch.setattr(app.json, "loads", recording)
    return reads


@pytest.fixture
def api_headers(app):
    owner = make_practice()
    return {"Authorization": f"Bearer {create_api_token(owner.practice, 'PMS')[1]}"}


def csv_upload(content: bytes, filename: str, **fields) -> dict:
    """A multipart body encoded here: for a big one, the test client would spool it to a
    temporary file that it never closes."""
    boundary, body = encode_multipart(MultiDict(
        {**fields, "file": FileStorage(io.BytesIO(content), filename)}))
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def big_json(size: int) -> bytes:
    return json.dumps({"first_name": "x" * size}).encode()


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_body_to_a_url_with_no_route_is_never_parsed(client, json_reads, method):
    response = client.open("/no/such/url", method=method, data=big_json(100_000),
                           content_type="application/json")
    assert response.status_code == 404
    assert json_reads == []


def test_an_api_body_over_the_cap_is_a_json_413_before_it_is_parsed(client, json_reads,
                                                                       api_headers, app):
    response = client.post("/api/v1/patients", headers=api_headers,
                           data=big_json(app.config["MAX_CONTENT_LENGTH"]),
                           content_type="application/json", csrf=False)
    assert response.status_code == 413
    assert json_reads == []
    assert response.get_json()["error"]


def test_an_unauthenticated_api_body_over_the_cap_is_a_413_too(client, json_reads, app):
    response = client.post("/api/v1/patients", data=big_json(app.config["MAX_CONTENT_LENGTH"]),
                           content_type="application/json", csrf=False)
    assert response.status_code == 413
    assert json_reads == []


def test_a_staff_form_over_the_cap_is_a_413_before_the_csrf_check(client, app):
    response = client.post("/auth/login", csrf=False, data={
        "email": "a@example.com", "password": "p" * app.config["MAX_CONTENT_LENGTH"]})
    assert response.status_code == 413


def test_a_file_over_the_csv_imports_cap_is_a_413_before_the_csrf_check(client):
    """(Unauthenticated: the cap comes first, the sign-in check would redirect.)"""
    response = client.post("/appointments/import", csrf=False,
                           **csv_upload(b"a,b\n" * CSV_MAX_BYTES, "huge.csv"))
    assert response.status_code == 413


def test_the_csv_import_takes_a_file_larger_than_the_ordinary_cap(client, auth, app):
    """Its cap is its own: a 600 KB file reaches the import, which explains what is wrong."""
    make_practice(owner_email="dana@example.com")
    auth.login("dana@example.com")
    file = b"a,b\n" * (150 * 1024)
    assert len(file) > app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/appointments/import", csrf=False, **csv_upload(
        file, "big.csv", csrf_token=client.csrf_token()))
    assert response.status_code == 200 and "big.csv" not in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["inbound", "status"])
def test_a_webhook_body_over_its_cap_is_a_413_whatever_the_secret(client, kind):
    response = client.post(f"/webhooks/clickatell/wrong/{kind}", data=b"text=" + b"C" * 70_000,
                           content_type="application/x-www-form-urlencoded", csrf=False)
    assert response.status_code == 413


@pytest.mark.parametrize("depth", [40, 5_000, 20_000])
@pytest.mark.parametrize("url", ["/api/v1/patients", "/api/v1/appointments"])
def test_deeply_nested_json_is_a_400_never_a_500(client, api_headers, url, depth):
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        response = client.post(url, headers=api_headers, data=body,
                               content_type="application/json", csrf=False)
        assert response.status_code == 400, (depth, response.status_code)
        assert response.get_json()["error"]


def test_deep_nesting_is_a_400_on_a_staff_page_too(client):
    depth = 5_000
    response = client.post("/auth/login", data="[" * depth + "]" * depth,
                           content_type="application/json", csrf=False)
    assert response.status_code == 400
