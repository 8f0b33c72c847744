"""/api/v1: patients and appointments for practice-management systems.

Every request but the OpenAPI document carries a practice's API token; the token's practice
becomes the request's practice, and `scoped`/`get_or_404` keep every query inside it.
"""

from datetime import UTC, datetime

from flask import Blueprint, g, jsonify, request, url_for
from sqlalchemy import func, select

from ..appointments import service as appointments
from ..extensions import db
from ..models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    CancelledBy,
    ConsentMethod,
    Location,
    Patient,
    Practice,
    Provider,
    StatusChangeRefused,
)
from ..models.types import utcnow
from ..patients import service as patients
from ..tenancy import MAX_ID, current_actor, current_practice, get_or_404, scoped
from ..transactions import rollback, unit_of_work
from ..validation import FieldError
from .auth import token_for
from .openapi import DOCUMENT
from .validation import parse_date, parse_instant, schema_errors

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: Service field names as the API calls them.
API_FIELDS = {"patient": "patient_id", "provider": "provider_id",
              "appointment_type": "appointment_type_id", "location": "location_id"}
MAX_LIMIT = 200


class ApiError(Exception):
    def __init__(self, status: int, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields


def invalid(fields: dict[str, list[str]]) -> ApiError:
    return ApiError(422, "Validation failed.", fields)


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    body = {"error": error.message}
    if error.fields:
        body["fields"] = error.fields
    response = jsonify(body)
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.errorhandler(FieldError)
def field_error(error: FieldError):
    rollback()
    return api_error(invalid({API_FIELDS.get(error.field, error.field): [error.message]}))


@bp.errorhandler(StatusChangeRefused)
def status_refused(error: StatusChangeRefused):
    rollback()
    return api_error(ApiError(409, str(error)))


@bp.before_request
def authenticate():
    if request.endpoint == "api.openapi":
        return None
    with unit_of_work():  # the token's last use is noted whatever the request does next
        record = token_for(request.headers.get("Authorization"), utcnow())
    if record is None:
        raise ApiError(401, "Send a valid API token as 'Authorization: Bearer <token>'.")
    g.api_practice = db.session.get(Practice, record.practice_id)
    g.api_token = record
    return None


@bp.get("/openapi.json")
def openapi():
    return jsonify(DOCUMENT)


def _body(schema_name: str, required: bool = True) -> dict:
    body = request.get_json(silent=True)
    if body is None and not required and not request.get_data():
        body = {}
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object (Content-Type: application/json).")
    if fields := schema_errors(schema_name, body):
        raise invalid(fields)
    return body


def _whole_number(name: str, default: int) -> int | None:
    """A query argument as an int: its default when absent, None when not a number (or one
    too large for the database to compare with, which no id, limit or offset can be)."""
    text = request.args.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        return None
    return value if abs(value) <= MAX_ID else None


def _paging() -> tuple[int, int]:
    fields = {}
    limit = _whole_number("limit", 50)
    offset = _whole_number("offset", 0)
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        fields["limit"] = [f"Must be a whole number from 1 to {MAX_LIMIT}."]
    if offset is None or offset < 0:
        fields["offset"] = ["Must be a whole number, 0 or more."]
    if fields:
        raise invalid(fields)
    return limit, offset


def _page(query, order, limit: int, offset: int):
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return items, total


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def patient_json(patient: Patient) -> dict:
    return {
        "id": patient.id, "first_name": patient.first_name, "last_name": patient.last_name,
        "mobile": patient.mobile,
        "date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else None,
        "language": patient.language.value, "sms_consent": patient.sms_consent,
        "opted_out_at": iso(patient.opted_out_at), "notes": patient.notes,
        "created_at": iso(patient.created_at),
    }


def appointment_json(appointment: Appointment) -> dict:
    zone = current_practice().zone
    return {
        "id": appointment.id, "patient_id": appointment.patient_id,
        "provider_id": appointment.provider_id, "starts_at": iso(appointment.starts_at),
        "starts_at_local": appointment.starts_at.astimezone(zone).isoformat(),
        "ends_at": iso(appointment.ends_at), "duration_minutes": appointment.duration_minutes,
        "reason": appointment.reason, "status": appointment.status.value,
        "needs_callback": appointment.needs_callback,
        "last_reply_text": appointment.last_reply_text,
        "last_reply_at": iso(appointment.last_reply_at),
        "created_at": iso(appointment.created_at), "updated_at": iso(appointment.updated_at),
        "appointment_type_id": appointment.appointment_type_id,
        "location_id": appointment.location_id,
    }


def _warnings(*messages: str | None) -> list[str]:
    return [message for message in messages if message]


# Patients


@bp.get("/patients")
def list_patients():
    limit, offset = _paging()
    query = patients.search(scoped(Patient), request.args.get("q"))
    items, total = _page(query, (Patient.last_name, Patient.first_name, Patient.id),
                         limit, offset)
    return jsonify({"patients": [patient_json(p) for p in items], "total": total,
                    "limit": limit, "offset": offset})


def _patient_fields(body: dict) -> dict:
    fields = dict(body)
    if "date_of_birth" in fields:
        fields["date_of_birth"] = parse_date(fields["date_of_birth"], "date_of_birth")
    return fields


@bp.post("/patients")
@unit_of_work()
def create_patient():
    patient = patients.create_patient(current_practice(),
                                      **_patient_fields(_body("PatientCreate")),
                                      consent_method=ConsentMethod.API, actor=current_actor())
    response = jsonify({"patient": patient_json(patient),
                        "warnings": _warnings(patients.duplicate_warning(patient))})
    response.status_code = 201
    response.headers["Location"] = url_for(".get_patient", patient_id=patient.id)
    return response


@bp.get("/patients/<int:patient_id>")
def get_patient(patient_id: int):
    return jsonify({"patient": patient_json(get_or_404(Patient, patient_id))})


@bp.patch("/patients/<int:patient_id>")
@unit_of_work()
def update_patient(patient_id: int):
    patient = get_or_404(Patient, patient_id)
    patients.update_patient(patient, current_practice(),
                            **_patient_fields(_body("PatientUpdate")),
                            consent_method=ConsentMethod.API, actor=current_actor())
    return jsonify({"patient": patient_json(patient),
                    "warnings": _warnings(patients.duplicate_warning(patient))})


# Providers


@bp.get("/providers")
def list_providers():
    providers = db.session.scalars(scoped(Provider).order_by(Provider.name, Provider.id))
    return jsonify({"providers": [{"id": p.id, "name": p.name, "active": p.active}
                                  for p in providers]})


@bp.get("/appointment-types")
def list_appointment_types():
    kinds = db.session.scalars(scoped(AppointmentType).order_by(AppointmentType.name,
                                                                AppointmentType.id))
    return jsonify({"appointment_types": [
        {"id": k.id, "name": k.name, "default_duration_minutes": k.default_duration_minutes,
         "active": k.active} for k in kinds]})


@bp.get("/locations")
def list_locations():
    sites = db.session.scalars(scoped(Location).order_by(Location.name, Location.id))
    return jsonify({"locations": [
        {"id": s.id, "name": s.name, "address": s.address, "timezone": s.timezone,
         "active": s.active} for s in sites]})


# Appointments


def _optional_record(model, body: dict, field: str):
    """The record a nullable id field names (None for null), as `_record_or_field_error`."""
    if body.get(field) is None:
        return None
    return _record_or_field_error(model, body[field], field)


def _record_or_field_error(model, record_id: int, field: str):
    """Another practice's id reads exactly like a missing one."""
    record = db.session.scalar(scoped(model).where(model.id == record_id)) \
        if 0 < record_id <= MAX_ID else None
    if record is None:
        raise invalid({field: ["No such record."]})
    return record


@bp.get("/appointments")
def list_appointments():
    limit, offset = _paging()
    query = scoped(Appointment)
    fields = {}
    for name, condition in (("from", lambda m: Appointment.starts_at >= m),
                            ("to", lambda m: Appointment.starts_at < m)):
        if name in request.args:
            try:
                query = query.where(condition(parse_instant(request.args[name], name)))
            except FieldError as error:
                fields[name] = [error.message]
    for name, column in (("patient_id", Appointment.patient_id),
                         ("provider_id", Appointment.provider_id)):
        if name in request.args:
            value = _whole_number(name, 0)
            if value is None:
                fields[name] = ["Must be a whole number."]
            else:
                query = query.where(column == value)
    if "status" in request.args:
        try:
            query = query.where(Appointment.status == AppointmentStatus(request.args["status"]))
        except ValueError:
            fields["status"] = ["Must be one of: " + ", ".join(AppointmentStatus) + "."]
    if fields:
        raise invalid(fields)
    items, total = _page(query, (Appointment.starts_at, Appointment.id), limit, offset)
    return jsonify({"appointments": [appointment_json(a) for a in items], "total": total,
                    "limit": limit, "offset": offset})


@bp.post("/appointments")
@unit_of_work()
def create_appointment():
    body = _body("AppointmentCreate")
    practice = current_practice()
    appointment = appointments.book(
        practice, patient=_record_or_field_error(Patient, body["patient_id"], "patient_id"),
        provider=_record_or_field_error(Provider, body["provider_id"], "provider_id"),
        starts_at=parse_instant(body["starts_at"], "starts_at"),
        duration_minutes=body.get("duration_minutes"), reason=body.get("reason", ""),
        appointment_type=_optional_record(AppointmentType, body, "appointment_type_id"),
        location=_optional_record(Location, body, "location_id"), actor=current_actor())
    response = jsonify({"appointment": appointment_json(appointment), "warnings": _warnings(
        appointments.overlap_warning(appointment, practice.zone))})
    response.status_code = 201
    response.headers["Location"] = url_for(".get_appointment", appointment_id=appointment.id)
    return response


@bp.get("/appointments/<int:appointment_id>")
def get_appointment(appointment_id: int):
    return jsonify({"appointment": appointment_json(get_or_404(Appointment, appointment_id))})


@bp.patch("/appointments/<int:appointment_id>")
@unit_of_work()
def update_appointment(appointment_id: int):
    appointment = get_or_404(Appointment, appointment_id)
    body = _body("AppointmentUpdate")
    practice = current_practice()
    appointments.edit(
        appointment, practice,
        starts_at=parse_instant(body["starts_at"], "starts_at") if "starts_at" in body
        else None,
        provider=_record_or_field_error(Provider, body["provider_id"], "provider_id")
        if "provider_id" in body else None,
        duration_minutes=body.get("duration_minutes"), reason=body.get("reason"),
        appointment_type=_optional_record(AppointmentType, body, "appointment_type_id")
        if "appointment_type_id" in body else appointments.KEEP,
        location=_optional_record(Location, body, "location_id") if "location_id" in body
        else appointments.KEEP,
        actor=current_actor())
    return jsonify({"appointment": appointment_json(appointment), "warnings": _warnings(
        appointments.overlap_warning(appointment, practice.zone))})


@bp.post("/appointments/<int:appointment_id>/cancel")
@unit_of_work()
def cancel_appointment(appointment_id: int):
    appointment = get_or_404(Appointment, appointment_id)
    body = _body("AppointmentCancel", required=False)
    appointments.cancel(appointment, by=CancelledBy(body.get("by", CancelledBy.STAFF)),
                        actor=current_actor())
    return jsonify({"appointment": appointment_json(appointment)})
