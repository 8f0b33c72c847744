"""The OpenAPI document describes the API exactly: the same operations, valid 3.1."""

import re

from jsonschema import Draft202012Validator

from reminder_app.api.openapi import DOCUMENT


def documented_operations() -> set[tuple[str, str]]:
    return {(method.upper(), "/api/v1" + path) for path, item in DOCUMENT["paths"].items()
            for method in item if method in {"get", "post", "patch", "put", "delete"}}


def served_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            operations |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return operations


def test_every_served_api_operation_is_documented_and_nothing_more(app):
    assert served_operations(app) == documented_operations()


def test_the_document_is_served_as_is(app):
    assert app.test_client().get("/api/v1/openapi.json").get_json() == DOCUMENT


def test_every_schema_in_the_document_is_valid_json_schema():
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_path_parameter_is_declared():
    for path, item in DOCUMENT["paths"].items():
        declared = {p["name"] for p in item.get("parameters", [])}
        assert set(re.findall(r"\{(\w+)\}", path)) == declared, path


def test_every_operation_documents_its_errors():
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or path == "/openapi.json":
                continue
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if "requestBody" in operation:
                assert {"400", "422"} <= set(responses), (method, path)
