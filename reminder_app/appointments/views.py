"""Staff pages for appointments: the day and week views, booking and changing, providers,
CSV import. Views parse, call `service`, and render or redirect."""

import functools
from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy.orm import joinedload

from ..arguments import calendar_day, choice, clock_time
from ..extensions import db
from ..forms import ConfirmForm, provider_choices
from ..models import Appointment, AppointmentType, CancelledBy, Location, Provider
from ..models.types import utcnow
from ..patients import picker
from ..reminders import planning
from ..tenancy import current_actor, current_practice, get_or_404, scoped, site_clock, site_time
from ..timezones import NonexistentLocalTime, day_bounds, days_bounds, local, to_utc, today
from ..transactions import rollback, unit_of_work
from ..validation import FieldError
from . import csv_import, day_schedule, service, visits
from . import providers as provider_service
from .forms import (
    AppointmentForm,
    CancelForm,
    ConfirmImportForm,
    EditAppointmentForm,
    ImportForm,
    MoveForm,
    ProviderForm,
)
from .freed_slots import outcome_for_staff, slots_for

bp = Blueprint("appointments", __name__, url_prefix="/appointments")

#: Which form field shows a service error about each model field.
FORM_FIELDS = {"starts_at": "time", "patient": "patient", "provider": "provider",
               "duration_minutes": "duration_minutes", "reason": "reason",
               "appointment_type": "appointment_type", "location": "location"}


@bp.before_request
@login_required
def require_login():
    pass


def _providers(active_only: bool = False) -> list[Provider]:
    query = scoped(Provider).order_by(Provider.name, Provider.id)
    if active_only:
        query = query.where(Provider.active.is_(True))
    return list(db.session.scalars(query))


def _chosen_provider(providers: list[Provider]) -> Provider | None:
    wanted = request.args.get("provider", type=int)
    if wanted is None:
        return None
    provider = next((p for p in providers if p.id == wanted), None)
    if provider is None:
        abort(404)
    return provider


def _with_people(query):
    return query.options(joinedload(Appointment.patient), joinedload(Appointment.provider))


#: The day view's modes: provider columns with time running down, or the printable list.
DAY_VIEWS = ("columns", "list")


@bp.get("/day")
def day():
    practice = current_practice()
    shown = calendar_day("date", today(practice.zone)) or today(practice.zone)
    mode = choice("view", DAY_VIEWS)
    moving = _moving()
    providers = _providers()
    provider = _chosen_provider(providers)
    sites = visits.locations_of(practice)
    site = _chosen_site(sites)
    start, end = day_bounds(shown, practice.zone)
    query = _with_people(scoped(Appointment)).where(
        Appointment.starts_at >= start, Appointment.starts_at < end
    ).order_by(Appointment.starts_at, Appointment.id)
    if provider is not None:
        query = query.where(Appointment.provider_id == provider.id)
    if site is not None:
        query = query.where(Appointment.location_id == site.id)
    appointments = list(db.session.scalars(query))
    if site is not None and provider is None:
        # The site's columns: its bookable providers, and anyone seeing patients there today.
        there = {a.provider_id for a in appointments}
        providers = [p for p in providers if p.active or p.id in there]
    reminders = planning.reminders_by_appointment([a.id for a in appointments])
    slots = slots_for([a.id for a in appointments])
    now = utcnow()
    overlaps = service.double_booked(appointments)
    schedule = None
    if mode == "columns":
        schedule = day_schedule.build(shown, practice.zone, [provider] if provider else providers,
                                      appointments, slots, now, clashing=overlaps,
                                      moving=moving)
    return render_template(
        "appointments/day.html", day=shown, provider=provider, providers=providers,
        appointments=appointments, overlaps=overlaps, now=now,
        reminders=reminders, slots=slots, mode=mode, schedule=schedule, moving=moving,
        sites=sites if len(sites) > 1 else [], site=site,
        week_start=shown - timedelta(days=shown.weekday()),
        previous_day=shown - timedelta(days=1), next_day=shown + timedelta(days=1),
        today=today(practice.zone), action_form=ConfirmForm())


def _chosen_site(sites: list[Location]) -> Location | None:
    """The site the day view is filtered to (`?location=<id>`), if any."""
    wanted = request.args.get("location", type=int)
    if wanted is None:
        return None
    site = next((s for s in sites if s.id == wanted), None)
    if site is None:
        abort(404)
    return site


def _moving() -> Appointment | None:
    """The appointment being moved (`?moving=<id>`): its free times become "Move here"."""
    moving_id = request.args.get("moving", type=int)
    if moving_id is None:
        return None
    appointment = get_or_404(Appointment, moving_id)
    return appointment if appointment.status.is_open else None


@bp.get("/week")
def week():
    practice = current_practice()
    current = today(practice.zone)
    first = calendar_day("start", current) or current - timedelta(days=current.weekday())
    providers = _providers()
    provider = _chosen_provider(providers) or next(
        (p for p in providers if p.active), providers[0] if providers else None)
    days = [first + timedelta(days=n) for n in range(7)]
    by_day: dict[date, list[Appointment]] = {d: [] for d in days}
    if provider is not None:
        start, end = days_bounds(first, 7, practice.zone)
        for appointment in db.session.scalars(_with_people(scoped(Appointment)).where(
                Appointment.provider_id == provider.id, Appointment.starts_at >= start,
                Appointment.starts_at < end).order_by(Appointment.starts_at, Appointment.id)):
            by_day[local(appointment.starts_at, practice.zone).date()].append(appointment)
    overlaps = service.double_booked([a for day_list in by_day.values() for a in day_list])
    return render_template(
        "appointments/week.html", days=days, by_day=by_day, provider=provider,
        providers=providers, overlaps=overlaps, today=current,
        previous_week=first - timedelta(days=7), next_week=first + timedelta(days=7))


def _starts_at(form, site: Location | None) -> datetime:
    """The form's date and time as an instant, read on the clock of the visit's `site`: 9:00
    at a Denver site of a New York practice is Denver's 9:00."""
    try:
        return to_utc(form.date.data, form.time.data, site_clock(site))
    except NonexistentLocalTime as error:
        raise FieldError("starts_at", str(error)) from error


def _show_error(form, error: FieldError) -> None:
    form[FORM_FIELDS.get(error.field, "time")].errors.append(error.message)


def _day_url(appointment: Appointment, **arguments) -> str:
    shown = local(appointment.starts_at, current_practice().zone).date()
    return url_for(".day", date=shown.isoformat(), **arguments)


def _warn_if_overlapping(appointment: Appointment) -> None:
    if warning := service.overlap_warning(appointment, current_practice().zone):
        flash(warning, "warning")


def _fill_when(form, appointment: Appointment) -> None:
    if request.method == "GET":
        when = local(appointment.starts_at, site_clock(appointment.location))
        form.provider.data = appointment.provider_id
        form.date.data = when.date()
        form.time.data = when.time().replace(second=0, microsecond=0)


def _visit_choices(form, appointment: Appointment | None = None) -> tuple[dict, dict]:
    """The type and site selects' choices: "none", the practice's types and sites still
    offered, and the appointment's own even if retired. Returns both by id, for the view."""
    practice = current_practice()
    types = visits.types_of(practice, active_only=True)
    sites = visits.locations_of(practice, active_only=True)
    if appointment is not None and appointment.appointment_type is not None \
            and appointment.appointment_type not in types:
        types.append(appointment.appointment_type)
    if appointment is not None and appointment.location is not None \
            and appointment.location not in sites:
        sites.append(appointment.location)
    form.appointment_type.choices = [(0, "No particular type")] + [(t.id, t.name) for t in types]
    form.location.choices = [(0, "No particular site")] + [(s.id, _site_label(s)) for s in sites]
    form.appointment_type.render_kw = {"data-durations": ",".join(
        f"{t.id}:{t.default_duration_minutes}" for t in types)}
    return {t.id: t for t in types}, {s.id: s for s in sites}


def _site_label(site: Location) -> str:
    """A site on another clock says so: the time entered for it is read on that clock."""
    if site_clock(site) != current_practice().zone:
        return f"{site.name} (times in {site.timezone})"
    return site.name


def _chosen_visit(form, types: dict[int, AppointmentType], sites: dict[int, Location]
                  ) -> tuple[AppointmentType | None, Location | None]:
    return types.get(form.appointment_type.data or 0), sites.get(form.location.data or 0)


@bp.route("/new", methods=["GET", "POST"])
@unit_of_work()
def new():
    practice = current_practice()
    providers = _providers(active_only=True)
    form = AppointmentForm()
    form.provider.choices = provider_choices(providers)
    types, sites = _visit_choices(form)
    if request.method == "GET":
        form.patient.data = request.args.get("patient", type=int)
        form.provider.data = request.args.get("provider", type=int)
        form.location.data = request.args.get("location", type=int) or (
            next(iter(sites)) if len(sites) == 1 else 0)
        # Booked from a recall: the kind of visit it is due for, at that kind's usual length.
        if (kind := types.get(request.args.get("appointment_type", 0, type=int))) is not None:
            form.appointment_type.data = kind.id
            form.duration_minutes.data = kind.default_duration_minutes
        form.date.data = calendar_day("date", today(current_practice().zone))
        form.time.data = clock_time("time")
    if form.validate_on_submit():
        by_id = {provider.id: provider for provider in providers}
        appointment_type, location = _chosen_visit(form, types, sites)
        try:
            appointment = service.book(
                practice, patient=form.patient.chosen(),
                provider=by_id.get(form.provider.data), starts_at=_starts_at(form, location),
                duration_minutes=form.duration_minutes.data, reason=form.reason.data,
                appointment_type=appointment_type, location=location,
                actor=current_actor())
        except FieldError as error:
            _show_error(form, error)
        else:
            flash(f"Booked {appointment.patient.full_name} with {appointment.provider.name} "
                  f"on {site_time(appointment, '%A %d %B at %H:%M')}.", "success")
            _warn_if_overlapping(appointment)
            return redirect(_day_url(appointment), code=303)
    return render_template("appointments/new.html", form=form,
                           has_patients=picker.has_patients(),
                           providers=providers, types=types, sites=sites)


@bp.get("/<int:appointment_id>")
def show(appointment_id: int):
    appointment = get_or_404(Appointment, appointment_id)
    return render_template("appointments/show.html", appointment=appointment,
                           events=service.history(appointment),
                           reminders=planning.reminders_by_appointment(
                               [appointment.id])[appointment.id],
                           day_url=functools.partial(_day_url, appointment),
                           now=utcnow(), action_form=ConfirmForm())


@bp.route("/<int:appointment_id>/edit", methods=["GET", "POST"])
@unit_of_work()
def edit(appointment_id: int):
    appointment = get_or_404(Appointment, appointment_id)
    providers = _providers(active_only=True)
    form = EditAppointmentForm(obj=appointment)
    form.provider.choices = provider_choices(_with_current(providers, appointment))
    types, sites = _visit_choices(form, appointment)
    _fill_when(form, appointment)
    if request.method == "GET":
        form.appointment_type.data = appointment.appointment_type_id or 0
        form.location.data = appointment.location_id or 0
    if form.validate_on_submit():
        appointment_type, location = _chosen_visit(form, types, sites)
        try:
            site = location if sites else appointment.location
            service.edit(appointment, current_practice(), starts_at=_starts_at(form, site),
                         provider=_provider_by_id(form.provider.data),
                         duration_minutes=form.duration_minutes.data, reason=form.reason.data,
                         appointment_type=appointment_type if types else service.KEEP,
                         location=location if sites else service.KEEP,
                         actor=current_actor())
        except FieldError as error:
            rollback()
            _show_error(form, error)
        except service.StatusChangeRefused as error:
            flash(str(error), "danger")
            return redirect(_day_url(appointment), code=303)
        else:
            flash(f"Saved {appointment.patient.full_name}'s appointment.", "success")
            _warn_if_overlapping(appointment)
            return redirect(_day_url(appointment), code=303)
    return render_template("appointments/edit.html", form=form, appointment=appointment,
                           title="Edit appointment", types=types, sites=sites)


@bp.route("/<int:appointment_id>/move", methods=["GET", "POST"])
@unit_of_work()
def move(appointment_id: int):
    appointment = get_or_404(Appointment, appointment_id)
    form = MoveForm()
    form.provider.choices = provider_choices(
        _with_current(_providers(active_only=True), appointment))
    _fill_when(form, appointment)
    if form.validate_on_submit():
        try:
            service.move(appointment, current_practice(),
                         starts_at=_starts_at(form, appointment.location),
                         provider=_provider_by_id(form.provider.data), actor=current_actor())
        except FieldError as error:
            rollback()
            _show_error(form, error)
        except service.StatusChangeRefused as error:
            flash(str(error), "danger")
            return redirect(_day_url(appointment), code=303)
        else:
            flash(f"Moved {appointment.patient.full_name} to "
                  f"{site_time(appointment, '%A %d %B at %H:%M')}.", "success")
            _warn_if_overlapping(appointment)
            return redirect(_day_url(appointment), code=303)
    return render_template("appointments/edit.html", form=form, appointment=appointment,
                           title="Move appointment")


def _with_current(providers: list[Provider], appointment: Appointment) -> list[Provider]:
    """The active providers, and the appointment's own even if no longer active."""
    if all(p.id != appointment.provider_id for p in providers):
        return [appointment.provider, *providers]
    return providers


def _provider_by_id(provider_id: int) -> Provider:
    provider = db.session.scalar(scoped(Provider).where(Provider.id == provider_id))
    if provider is None:
        raise FieldError("provider", "Please choose one of the practice's providers.")
    return provider


@bp.route("/<int:appointment_id>/cancel", methods=["GET", "POST"])
@unit_of_work()
def cancel(appointment_id: int):
    appointment = get_or_404(Appointment, appointment_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            service.cancel(appointment, by=CancelledBy(form.by.data), actor=current_actor())
        except service.StatusChangeRefused as error:
            flash(str(error), "danger")
        else:
            flash(f"Cancelled {appointment.patient.full_name}'s appointment at "
                  f"{site_time(appointment)}. "
                  f"{outcome_for_staff(appointment)}", "success")
        return redirect(_day_url(appointment), code=303)
    return render_template("appointments/cancel.html", form=form, appointment=appointment)


def _close(appointment_id: int, change, done: str):
    appointment = get_or_404(Appointment, appointment_id)
    if ConfirmForm().validate_on_submit():
        try:
            change(appointment, actor=current_actor())
        except service.StatusChangeRefused as error:
            flash(str(error), "danger")
        else:
            flash(f"{appointment.patient.full_name}'s appointment is marked {done}.", "success")
    return redirect(_day_url(appointment), code=303)


@bp.post("/<int:appointment_id>/complete")
@unit_of_work()
def complete(appointment_id: int):
    return _close(appointment_id, service.mark_completed, "completed")


@bp.post("/<int:appointment_id>/no-show")
@unit_of_work()
def no_show(appointment_id: int):
    return _close(appointment_id, service.mark_no_show, "a no-show")


@bp.route("/providers", methods=["GET", "POST"])
@unit_of_work()
def providers():
    form = ProviderForm()
    if form.validate_on_submit():
        try:
            provider = provider_service.add_provider(current_practice(), form.name.data)
        except FieldError as error:
            form.name.errors.append(error.message)
        else:
            flash(f"{provider.name} can now be booked.", "success")
            return redirect(url_for(".providers"), code=303)
    return render_template("appointments/providers.html", form=form, providers=_providers(),
                           action_form=ConfirmForm())


def _set_bookable(provider_id: int, bookable: bool):
    provider = get_or_404(Provider, provider_id)
    if ConfirmForm().validate_on_submit():
        provider_service.set_bookable(provider, bookable)
        flash(f"{provider.name} {'can be booked again' if bookable else 'can no longer be booked'}"
              ". Existing appointments stay as they are.", "success")
    return redirect(url_for(".providers"), code=303)


@bp.post("/providers/<int:provider_id>/deactivate")
@unit_of_work()
def deactivate_provider(provider_id: int):
    return _set_bookable(provider_id, False)


@bp.post("/providers/<int:provider_id>/activate")
@unit_of_work()
def activate_provider(provider_id: int):
    return _set_bookable(provider_id, True)


@bp.route("/import", methods=["GET", "POST"])
def import_csv():
    form = ImportForm()
    if form.validate_on_submit():
        try:
            text = csv_import.decode(form.file.data.read())
            checked = csv_import.preview(current_practice(), text)
        except csv_import.CsvError as error:
            form.file.errors.append(str(error))
        else:
            return _render_preview(text, checked, form.consent.data)
    return render_template("appointments/import.html", form=form)


def _render_preview(text: str, checked, consent: bool, changed: bool = False):
    confirm = ConfirmImportForm(formdata=None, csv_text=text, consent="y" if consent else "",
                                expected_rows=",".join(map(str, checked.valid_lines)))
    return render_template("appointments/import_preview.html", preview=checked,
                           confirm=confirm, consent=consent, changed=changed)


@bp.post("/import/confirm")
@unit_of_work()
def import_confirm():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash("Please upload the file again.", "danger")
        return redirect(url_for(".import_csv"), code=303)
    practice = current_practice()
    consent = form.consent.data == "y"
    try:
        checked = csv_import.preview(practice, form.csv_text.data)
    except csv_import.CsvError as error:
        flash(str(error), "danger")
        return redirect(url_for(".import_csv"), code=303)
    if ",".join(map(str, checked.valid_lines)) != form.expected_rows.data:
        return _render_preview(form.csv_text.data, checked, consent, changed=True)
    result = csv_import.import_valid_rows(practice, checked, consent=consent,
                                          actor=current_actor())
    return render_template("appointments/import_result.html", result=result)
