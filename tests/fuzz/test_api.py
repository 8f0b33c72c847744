"""Fuzz the JSON API from its own OpenAPI document (schemathesis): for every operation,
generated requests, valid (positive) and invalid (negative), with a practice's token. No
answer may be a 500, and every answer must be one the document lists, with a body that
matches its schema.

Schemathesis's pytest plugin (`from_fixture`) does not run under pytest 9, so the test
takes each operation's hypothesis strategy from schemathesis's Python API and drives it
itself. FUZZ_EXAMPLES (default 15 per operation and mode) sets the depth; `make fuzz` runs
it deeper."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from reminder_app.api.openapi import DOCUMENT
from reminder_app.settings.service import create_api_token
from tests.factories import make_appointment, make_practice

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
#: Left out, as they test the document's precision rather than the API's safety:
#: "invalid data must be refused" (the API ignores query parameters it does not know, as
#: most do, which schemathesis counts as invalid data accepted), and "schema-valid data must
#: be accepted" (a schema cannot say what a valid mobile number or a bookable time is: the
#: API answers those with its documented 422). Everything else is checked: no 5xx, only
#: documented statuses and content types, bodies matching their schemas, auth required.
LENIENT = [negative_data_rejection, positive_data_acceptance]
OPERATIONS = [(path, method) for path, item in DOCUMENT["paths"].items()
              for method in item if method in ("get", "post", "patch", "put", "delete")]
CASES = [(path, method, mode) for path, method in OPERATIONS
         for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         # with nothing to send (the document itself) there is no invalid request to make
         if mode is GenerationMode.POSITIVE or "{" in path or method != "get"
         or DOCUMENT["paths"][path][method].get("parameters")]


@pytest.fixture
def token(app):
    owner = make_practice("Fuzzed Practice")
    make_appointment(owner.practice)
    return create_api_token(owner.practice, "fuzzer")[1]


@pytest.mark.parametrize(("path", "method", "mode"), CASES, ids=[
    f"{m.upper()} {p} {'valid' if mode is GenerationMode.POSITIVE else 'invalid'}"
    for p, m, mode in CASES])
def test_the_api_never_fails_and_always_answers_as_documented(app, token, path, method,
                                                              mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method.upper()]
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case):
        case.call_and_validate(headers=headers, excluded_checks=LENIENT)

    call()
