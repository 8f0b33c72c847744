"""Request bodies checked against the OpenAPI document's own schemas, with messages for people
and the field names a client sent."""

from datetime import UTC, date, datetime

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from ..validation import FieldError
from .openapi import DOCUMENT

DOCUMENT_URI = "urn:reminder-app:openapi"
REGISTRY = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(DOCUMENT))
TYPE_NAMES = {"string": "text", "integer": "a whole number", "boolean": "true or false",
              "object": "an object", "null": "null", "array": "a list", "number": "a number"}


def validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/components/schemas/{schema_name}"},
                                registry=REGISTRY)


def _message(error) -> str:
    kind, value = error.validator, error.validator_value
    if kind == "type":
        kinds = value if isinstance(value, list) else [value]
        return "Must be " + " or ".join(TYPE_NAMES.get(k, k) for k in kinds) + "."
    if kind == "minLength":
        return "This field cannot be empty." if value == 1 else f"At least {value} characters."
    if kind == "maxLength":
        return f"At most {value} characters."
    if kind == "enum":
        return "Must be one of: " + ", ".join(map(str, value)) + "."
    if kind == "minimum":
        return f"Must be at least {value}."
    if kind == "maximum":
        return f"Must be at most {value}."
    return error.message


def schema_errors(schema_name: str, body) -> dict[str, list[str]]:
    """{field: [messages]} for everything in `body` that the named schema refuses."""
    fields: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        if message not in fields.setdefault(name, []):
            fields[name].append(message)

    if not isinstance(body, dict):
        return {"body": ["Must be a JSON object."]}
    for error in validator(schema_name).iter_errors(body):
        if error.validator == "required":
            for name in error.validator_value:
                if name not in error.instance:
                    add(name, "This field is required.")
        elif error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            for name in error.instance:
                if name not in known:
                    add(name, "Unknown field.")
        else:
            add(str(error.path[0]) if error.path else "body", _message(error))
    return fields


def parse_date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise FieldError(field, "Must be a date like 1984-02-29.") from error


def parse_instant(value: str, field: str) -> datetime:
    """An RFC 3339 date-time that says its offset: never a guess at which clock was meant."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise FieldError(field, "Must be a date and time like 2026-03-09T14:30:00-04:00."
                         ) from error
    if moment.tzinfo is None:
        raise FieldError(field, "Give the UTC offset too, like 2026-03-09T14:30:00-04:00 or "
                                "2026-03-09T18:30:00Z.")
    try:
        moment.astimezone(UTC)  # 9999-12-31T23:00-05:00 is after the last UTC instant
    except OverflowError:
        raise FieldError(field, "That date is out of range.") from None
    return moment
