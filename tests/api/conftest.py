"""An API client that checks every answer against the OpenAPI document."""

import re
from datetime import date, datetime

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from reminder_app.api.openapi import DOCUMENT
from reminder_app.api.validation import DOCUMENT_URI, REGISTRY
from reminder_app.settings.service import create_api_token
from tests.factories import make_practice

PREFIX = "/api/v1"
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time_with_offset(value) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("date", raises=ValueError)
def is_date(value) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


def operation_for(method: str, path: str) -> tuple[str, dict]:
    """The documented path template and operation that a concrete URL answers to."""
    path = path.split("?")[0].removeprefix(PREFIX)
    for template, item in DOCUMENT["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return template, item[method.lower()]
    raise AssertionError(f"{method} {path} is not in the OpenAPI document")


def check_against_document(method: str, path: str, response) -> None:
    template, operation = operation_for(method, path)
    status = str(response.status_code)
    assert status in operation["responses"], (
        f"{method} {template} answered {status}, which the document does not list")
    content = operation["responses"][status]["content"]["application/json"]
    assert response.mimetype == "application/json"
    schema = _absolute_refs(content["schema"])
    Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS).validate(
        response.get_json())


def _absolute_refs(schema):
    if isinstance(schema, dict):
        return {key: (DOCUMENT_URI + value if key == "$ref" else _absolute_refs(value))
                for key, value in schema.items()}
    if isinstance(schema, list):
        return [_absolute_refs(item) for item in schema]
    return schema


class ApiClient:
    """Calls /api/v1 with a token; every response is validated against the document."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def open(self, method: str, path: str, *, token: str | None = "default", **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        token = self.token if token == "default" else token
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.open(PREFIX + path, method=method, headers=headers, **kwargs)
        check_against_document(method, PREFIX + path, response)
        return response

    def get(self, path, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.open("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.open("PATCH", path, **kwargs)


@pytest.fixture
def owner(app):
    return make_practice(owner_email="dana@example.com", timezone="America/New_York")


@pytest.fixture
def practice(owner):
    return owner.practice


@pytest.fixture
def api(app, practice):
    _, token = create_api_token(practice, "Test PMS")
    return ApiClient(app.test_client(), token)
