"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Request bodies are validated against these very schemas (see `validation.py`), and the tests
check every response against them, so the document cannot drift from what the API does.
"""

STATUSES = ["booked", "confirmed", "cancelled_by_patient", "cancelled_by_staff",
            "reschedule_requested", "completed", "no_show"]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
DATE_TIME = {"type": "string", "format": "date-time"}

ERRORS = {
    "401": _error("No token, or one that is unknown or revoked."),
}
NOT_FOUND = {"404": _error("No such record in the token's practice.")}
INVALID = {"422": _error("Validation failed: `fields` names each field at fault."),
           "400": _error("The body is not a JSON object.")}
CONFLICT = {"409": _error("The appointment's status does not allow this change.")}


def _id_parameter(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": f"The {what}'s id.",
            "schema": {"type": "integer"}}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


PAGING = [
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
           "How many records to return."),
    _query("offset", {"type": "integer", "minimum": 0, "default": 0},
           "How many records to skip."),
]


def _list_of(item: str, key: str) -> dict:
    return {
        "type": "object",
        "required": [key, "total", "limit", "offset"],
        "additionalProperties": False,
        "properties": {key: {"type": "array", "items": _ref(item)},
                       "total": {"type": "integer", "minimum": 0},
                       "limit": {"type": "integer"}, "offset": {"type": "integer"}},
    }


def _one(item: str, key: str, warnings: bool = False) -> dict:
    properties = {key: _ref(item)}
    if warnings:
        properties["warnings"] = {
            "type": "array", "items": {"type": "string"},
            "description": "Things a person should check; the change was made all the same "
                           "(a mobile shared with another patient, an overlapping booking)."}
    return {"type": "object", "required": list(properties), "additionalProperties": False,
            "properties": properties}


PATIENT_FIELDS = {
    "first_name": {"type": "string", "minLength": 1, "maxLength": 80},
    "last_name": {"type": "string", "minLength": 1, "maxLength": 80},
    "mobile": {"type": "string", "minLength": 1, "maxLength": 40,
               "description": "As typed: national form (the practice's country) or "
                              "international. Stored and returned in E.164."},
    "date_of_birth": {"type": ["string", "null"], "format": "date"},
    "language": {"type": "string", "enum": ["en", "es"]},
    "sms_consent": {"type": "boolean",
                    "description": "Nothing is sent without it; a STOP reply clears it."},
    "notes": {"type": "string", "maxLength": 2000},
}
APPOINTMENT_FIELDS = {
    "patient_id": {"type": "integer"},
    "provider_id": {"type": "integer"},
    "starts_at": {"type": "string", "format": "date-time",
                  "description": "RFC 3339 with its UTC offset, e.g. 2026-03-09T14:30:00-04:00 "
                                 "or 2026-03-09T18:30:00Z. Must be in the future."},
    "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 480,
                         "description": "Left out when booking: the appointment type's usual "
                                        "length, else 15."},
    "reason": {"type": "string", "maxLength": 200},
    "appointment_type_id": {"type": ["integer", "null"],
                            "description": "One of the practice's appointment types "
                                           "(GET /appointment-types), or null."},
    "location_id": {"type": ["integer", "null"],
                    "description": "One of the practice's sites (GET /locations), or null."},
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "reminder-app API",
        "version": "1.0.0",
        "description": "Patients and appointments of one practice, for practice-management "
                       "systems. Authenticate with a practice's API token (created by an owner "
                       "under Settings → API tokens) as `Authorization: Bearer <token>`. A "
                       "token only ever sees its own practice: another practice's record is a "
                       "404. Times are UTC in responses, with `starts_at_local` on the "
                       "practice's clock.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerToken": []}],
    "paths": {
        "/patients": {
            "get": {
                "operationId": "listPatients", "summary": "List or search patients",
                "parameters": [_query("q", {"type": "string"},
                                      "Words that start a first or last name, or digits of "
                                      "the mobile number."), *PAGING],
                "responses": {"200": _json(_list_of("Patient", "patients"),
                                           "Patients by last name."), **INVALID, **ERRORS},
            },
            "post": {
                "operationId": "createPatient", "summary": "Add a patient",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("PatientCreate")}}},
                "responses": {"201": _json(_one("Patient", "patient", warnings=True),
                                           "The patient was added."), **INVALID, **ERRORS},
            },
        },
        "/patients/{patient_id}": {
            "parameters": [_id_parameter("patient_id", "patient")],
            "get": {
                "operationId": "getPatient", "summary": "One patient",
                "responses": {"200": _json(_one("Patient", "patient"), "The patient."),
                              **NOT_FOUND, **ERRORS},
            },
            "patch": {
                "operationId": "updatePatient", "summary": "Change some of a patient's fields",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("PatientUpdate")}}},
                "responses": {"200": _json(_one("Patient", "patient", warnings=True),
                                           "The patient as saved."),
                              **INVALID, **NOT_FOUND, **ERRORS},
            },
        },
        "/providers": {
            "get": {
                "operationId": "listProviders", "summary": "The practice's providers (doctors)",
                "responses": {"200": _json({
                    "type": "object", "required": ["providers"], "additionalProperties": False,
                    "properties": {"providers": {"type": "array", "items": _ref("Provider")}},
                }, "Every provider, active or not."), **ERRORS},
            },
        },
        "/appointment-types": {
            "get": {
                "operationId": "listAppointmentTypes",
                "summary": "The practice's appointment types",
                "responses": {"200": _json({
                    "type": "object", "required": ["appointment_types"],
                    "additionalProperties": False,
                    "properties": {"appointment_types": {"type": "array",
                                                         "items": _ref("AppointmentType")}},
                }, "Every appointment type, offered or not."), **ERRORS},
            },
        },
        "/locations": {
            "get": {
                "operationId": "listLocations", "summary": "The practice's sites",
                "responses": {"200": _json({
                    "type": "object", "required": ["locations"], "additionalProperties": False,
                    "properties": {"locations": {"type": "array", "items": _ref("Location")}},
                }, "Every site, open or not."), **ERRORS},
            },
        },
        "/appointments": {
            "get": {
                "operationId": "listAppointments", "summary": "List appointments by start",
                "parameters": [
                    _query("from", DATE_TIME, "Only appointments starting at or after this."),
                    _query("to", DATE_TIME, "Only appointments starting before this."),
                    _query("patient_id", {"type": "integer"}, "Only this patient's."),
                    _query("provider_id", {"type": "integer"}, "Only this provider's."),
                    _query("status", {"type": "string", "enum": STATUSES}, "Only this status."),
                    *PAGING,
                ],
                "responses": {"200": _json(_list_of("Appointment", "appointments"),
                                           "Appointments by start time."),
                              **INVALID, **ERRORS},
            },
            "post": {
                "operationId": "createAppointment", "summary": "Book an appointment",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("AppointmentCreate")}}},
                "responses": {"201": _json(_one("Appointment", "appointment", warnings=True),
                                           "The appointment was booked."), **INVALID, **ERRORS},
            },
        },
        "/appointments/{appointment_id}": {
            "parameters": [_id_parameter("appointment_id", "appointment")],
            "get": {
                "operationId": "getAppointment", "summary": "One appointment",
                "responses": {"200": _json(_one("Appointment", "appointment"),
                                           "The appointment."), **NOT_FOUND, **ERRORS},
            },
            "patch": {
                "operationId": "updateAppointment",
                "summary": "Change an appointment; a new start or provider is a move, and "
                           "the patient is asked to confirm again",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("AppointmentUpdate")}}},
                "responses": {"200": _json(_one("Appointment", "appointment", warnings=True),
                                           "The appointment as saved."),
                              **INVALID, **NOT_FOUND, **CONFLICT, **ERRORS},
            },
        },
        "/appointments/{appointment_id}/cancel": {
            "parameters": [_id_parameter("appointment_id", "appointment")],
            "post": {
                "operationId": "cancelAppointment", "summary": "Cancel an appointment",
                "requestBody": {"required": False, "content": {
                    "application/json": {"schema": _ref("AppointmentCancel")}}},
                "responses": {"200": _json(_one("Appointment", "appointment"),
                                           "The appointment, cancelled."),
                              **INVALID, **NOT_FOUND, **CONFLICT, **ERRORS},
            },
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApi", "summary": "This document", "security": [],
                "responses": {"200": {"description": "The OpenAPI document.",
                                      "content": {"application/json": {
                                          "schema": {"type": "object"}}}}},
            },
        },
    },
    "components": {
        "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer",
                                            "description": "A practice's API token."}},
        "schemas": {
            "Error": {
                "type": "object", "required": ["error"], "additionalProperties": False,
                "properties": {
                    "error": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {
                        "type": "array", "items": {"type": "string"}, "minItems": 1}},
                },
            },
            "Patient": {
                "type": "object", "additionalProperties": False,
                "required": ["id", "first_name", "last_name", "mobile", "date_of_birth",
                             "language", "sms_consent", "opted_out_at", "notes", "created_at"],
                "properties": {
                    "id": {"type": "integer"},
                    **PATIENT_FIELDS,
                    "mobile": {"type": "string", "pattern": r"^\+[1-9][0-9]{6,14}$",
                               "description": "E.164."},
                    "opted_out_at": NULLABLE_DATE_TIME,
                    "created_at": DATE_TIME,
                },
            },
            "PatientCreate": {
                "type": "object", "additionalProperties": False,
                "required": ["first_name", "last_name", "mobile"],
                "properties": PATIENT_FIELDS,
            },
            "PatientUpdate": {
                "type": "object", "additionalProperties": False, "properties": PATIENT_FIELDS,
            },
            "Provider": {
                "type": "object", "additionalProperties": False,
                "required": ["id", "name", "active"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                               "active": {"type": "boolean"}},
            },
            "AppointmentType": {
                "type": "object", "additionalProperties": False,
                "required": ["id", "name", "default_duration_minutes", "active"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                               "default_duration_minutes": {"type": "integer"},
                               "active": {"type": "boolean"}},
            },
            "Location": {
                "type": "object", "additionalProperties": False,
                "required": ["id", "name", "address", "timezone", "active"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                               "address": {"type": "string"},
                               "timezone": {"type": ["string", "null"],
                                            "description": "Null: the practice's."},
                               "active": {"type": "boolean"}},
            },
            "Appointment": {
                "type": "object", "additionalProperties": False,
                "required": ["id", "patient_id", "provider_id", "starts_at", "starts_at_local",
                             "ends_at", "duration_minutes", "reason", "status",
                             "needs_callback", "last_reply_text", "last_reply_at",
                             "created_at", "updated_at", "appointment_type_id", "location_id"],
                "properties": {
                    "id": {"type": "integer"},
                    **APPOINTMENT_FIELDS,
                    "starts_at": {"type": "string", "format": "date-time",
                                  "description": "UTC."},
                    "starts_at_local": {"type": "string", "format": "date-time",
                                        "description": "On the practice's clock, with its "
                                                       "offset."},
                    "ends_at": {"type": "string", "format": "date-time",
                                "description": "UTC."},
                    "status": {"type": "string", "enum": STATUSES},
                    "needs_callback": {"type": "boolean",
                                       "description": "Staff must call the patient back."},
                    "last_reply_text": {"type": ["string", "null"]},
                    "last_reply_at": NULLABLE_DATE_TIME,
                    "created_at": DATE_TIME,
                    "updated_at": DATE_TIME,
                },
            },
            "AppointmentCreate": {
                "type": "object", "additionalProperties": False,
                "required": ["patient_id", "provider_id", "starts_at"],
                "properties": APPOINTMENT_FIELDS,
            },
            "AppointmentUpdate": {
                "type": "object", "additionalProperties": False,
                "properties": {name: schema for name, schema in APPOINTMENT_FIELDS.items()
                               if name != "patient_id"},
            },
            "AppointmentCancel": {
                "type": "object", "additionalProperties": False,
                "properties": {"by": {"type": "string", "enum": ["patient", "staff"],
                                      "default": "staff",
                                      "description": "Who asked for the cancellation."}},
            },
        },
    },
}
