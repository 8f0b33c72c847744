"""Patients: the list with its search, adding and editing."""

from dataclasses import asdict

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from ..arguments import MAX_PAGE, page_number
from ..extensions import db
from ..models import Appointment, ConsentMethod, Language, Patient
from ..models.consent import consent_history
from ..reminders import consent
from ..tenancy import current_actor, current_practice, get_or_404, scoped
from ..transactions import rollback, unit_of_work
from ..validation import FieldError
from . import picker, service
from .forms import PatientForm, SearchForm

bp = Blueprint("patients", __name__, url_prefix="/patients")
PAGE_SIZE = 50


@bp.before_request
@login_required
def require_login():
    pass


@bp.get("/")
def index():
    form = SearchForm(request.args)
    form.validate()
    query = service.search(scoped(Patient), form.q.data).order_by(
        Patient.last_name, Patient.first_name, Patient.id)
    page = db.paginate(query, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    return render_template("patients/index.html", form=form, page=page)


@bp.get("/search")
def search():
    """The patient picker's matches, as JSON: `?q=` what was typed, `?page=` from 1."""
    text = request.args.get("q", "").strip()
    page = request.args.get("page", 1, type=int)
    if len(text) > service.MAX_SEARCH_LENGTH:
        return jsonify(error=f"Type at most {service.MAX_SEARCH_LENGTH} characters."), 400
    if page is None or not 1 <= page <= MAX_PAGE:
        return jsonify(error=f"Choose a page from 1 to {MAX_PAGE}."), 400
    found = picker.find(text, page)
    return jsonify(patients=[asdict(match) for match in found.matches], page=found.page,
                   next_page=found.page + 1 if found.has_more else None)


def _save(form: PatientForm, patient: Patient | None):
    fields = {"first_name": form.first_name.data, "last_name": form.last_name.data,
              "mobile": form.mobile.data, "date_of_birth": form.date_of_birth.data,
              "language": Language(form.language.data), "sms_consent": form.sms_consent.data,
              "notes": form.notes.data, "timezone": form.timezone.data or None,
              "consent_method": ConsentMethod(form.consent_method.data),
              "actor": current_actor()}
    if patient is None:
        return service.create_patient(current_practice(), **fields)
    return service.update_patient(patient, current_practice(), **fields)


@bp.route("/new", methods=["GET", "POST"])
@unit_of_work()
def new():
    form = PatientForm(practice_zone=current_practice().timezone)
    if form.validate_on_submit():
        try:
            patient = _save(form, None)
        except FieldError as error:
            form[error.field].errors.append(error.message)
        else:
            flash(f"{patient.full_name} was added.", "success")
            if warning := service.duplicate_warning(patient):
                flash(warning, "warning")
            return redirect(url_for(".edit", patient_id=patient.id), code=303)
    return render_template("patients/form.html", form=form, patient=None,
                           consent_wording=_wordings(form))


@bp.route("/<int:patient_id>/edit", methods=["GET", "POST"])
@unit_of_work()
def edit(patient_id: int):
    patient = get_or_404(Patient, patient_id)
    form = PatientForm(obj=patient, practice_zone=current_practice().timezone)
    if request.method == "GET":
        form.language.data = patient.language.value
        form.timezone.data = patient.timezone or ""
        form.mobile.data = service.display_mobile(patient.mobile)
    if form.validate_on_submit():
        try:
            _save(form, patient)
        except FieldError as error:
            rollback()
            form[error.field].errors.append(error.message)
        else:
            flash(f"{patient.full_name} was saved.", "success")
            if warning := service.duplicate_warning(patient):
                flash(warning, "warning")
            return redirect(url_for(".edit", patient_id=patient.id), code=303)
    appointments = db.session.scalars(
        scoped(Appointment).where(Appointment.patient_id == patient.id)
        .order_by(Appointment.starts_at.desc()).limit(20)).all()
    return render_template("patients/form.html", form=form, patient=patient,
                           appointments=appointments, waitlist_entry=service.active_entry(patient),
                           duplicate_warning=service.duplicate_warning(patient),
                           consent_wording=_wordings(form),
                           consent_history=consent_history(patient))


def _wordings(form: PatientForm) -> dict[str, str]:
    """The request for consent, to read to the patient, in each language."""
    return {language.label: consent.consent_wording(current_practice(), language.value)
            for language in Language}
