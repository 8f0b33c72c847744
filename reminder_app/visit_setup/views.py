"""Settings pages for the practice's appointment types and sites. Everyone may look; only
owners change them (`permissions.MANAGE_CHANGES`). Views parse, call `visits` (or, for the
reminders a type gets, `reminders.rules`), and render or redirect."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..appointments import visits
from ..appointments.forms import AppointmentTypeForm, LocationForm
from ..models import AppointmentType, Location
from ..reminders import rules as reminder_rules
from ..tenancy import current_practice, get_or_404
from ..transactions import rollback, unit_of_work
from ..validation import FieldError

bp = Blueprint("visits", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def require_login():
    pass


def _show_error(form, error: FieldError) -> None:
    form[error.field if error.field in form else "name"].errors.append(error.message)


def _type_details(form: AppointmentTypeForm) -> dict:
    return {"name": form.name.data,
            "default_duration_minutes": form.default_duration_minutes.data,
            "prep_note": form.prep_note.data or "", "prep_note_es": form.prep_note_es.data or ""}


@bp.route("/appointment-types", methods=["GET", "POST"])
@unit_of_work()
def types():
    practice = current_practice()
    form = AppointmentTypeForm()
    if form.validate_on_submit():
        try:
            added = visits.add_type(practice, **_type_details(form))
        except FieldError as error:
            rollback()
            _show_error(form, error)
        else:
            flash(f"“{added.name}” can now be chosen when booking.", "success")
            return redirect(url_for(".edit_type", type_id=added.id), code=303)
    return render_template("visit_setup/types.html", form=form,
                           types=visits.types_of(practice))


def _general_rules(practice) -> list:
    return [rule for rule in reminder_rules.rules_for(practice)
            if not rule.is_scoped and rule.enabled]


@bp.route("/appointment-types/<int:type_id>", methods=["GET", "POST"])
@unit_of_work()
def edit_type(type_id: int):
    record = get_or_404(AppointmentType, type_id)
    practice = current_practice()
    form = AppointmentTypeForm(obj=record)
    general = _general_rules(practice)
    if form.validate_on_submit():
        chosen = {int(value) for value in request.form.getlist("rule") if value.isdigit()}
        try:
            visits.change_type(record, practice, **_type_details(form), active=form.active.data)
            reminder_rules.set_rules_for_type(record, chosen & {rule.id for rule in general})
        except FieldError as error:
            rollback()
            _show_error(form, error)
        else:
            flash(f"Saved “{record.name}”.", "success")
            return redirect(url_for(".types"), code=303)
    rules = reminder_rules.rules_for(practice)
    applying = {rule.id for rule in general
                if reminder_rules.applies_to_type(rule, record, rules)}
    own_rules = [rule for rule in rules if rule.appointment_type_id == record.id]
    return render_template("visit_setup/type.html", form=form, record=record,
                           general_rules=general, applying=applying, own_rules=own_rules)


def _location_details(form: LocationForm) -> dict:
    return {"name": form.name.data, "address": form.address.data or "",
            "phone": form.phone.e164 or "", "timezone": form.timezone.data or None}


@bp.route("/sites", methods=["GET", "POST"])
@unit_of_work()
def locations():
    practice = current_practice()
    form = LocationForm(practice_zone=practice.timezone, country=practice.country)
    if form.validate_on_submit():
        try:
            added = visits.add_location(practice, **_location_details(form))
        except FieldError as error:
            rollback()
            _show_error(form, error)
        else:
            flash(f"{added.name} can now be chosen when booking.", "success")
            return redirect(url_for(".locations"), code=303)
    return render_template("visit_setup/locations.html", form=form,
                           locations=visits.locations_of(practice))


@bp.route("/sites/<int:location_id>", methods=["GET", "POST"])
@unit_of_work()
def edit_location(location_id: int):
    record = get_or_404(Location, location_id)
    practice = current_practice()
    form = LocationForm(obj=record, practice_zone=practice.timezone, country=practice.country)
    if request.method == "GET":
        form.timezone.data = record.timezone or ""
    if form.validate_on_submit():
        try:
            visits.change_location(record, practice, **_location_details(form),
                                   active=form.active.data)
        except FieldError as error:
            rollback()
            _show_error(form, error)
        else:
            flash(f"Saved {record.name}.", "success")
            return redirect(url_for(".locations"), code=303)
    return render_template("visit_setup/location.html", form=form, record=record)
