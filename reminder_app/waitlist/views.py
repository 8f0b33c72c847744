"""The waitlist: each provider's list, putting a patient on it, changing or ending their
entry, and stopping the offers of a freed slot."""

from datetime import time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..appointments.providers import active_providers
from ..extensions import db
from ..forms import ConfirmForm
from ..models import FreedSlot, Priority, SlotStatus, WaitlistEntry
from ..tenancy import current_practice, get_or_404, scoped
from ..transactions import commit, rollback, unit_of_work
from ..urls import safe_next
from ..validation import FieldError
from . import offers, service
from .forms import EntryForm, OfferSettingsForm
from .service import Availability

bp = Blueprint("waitlist", __name__, url_prefix="/waitlist")


@bp.before_request
@login_required
def require_login():
    pass


@bp.get("/")
def index():
    providers = active_providers(current_practice())
    chosen = next((p for p in providers if str(p.id) == request.args.get("provider")), None)
    offering = db.session.scalars(
        scoped(FreedSlot).where(FreedSlot.status == SlotStatus.OFFERING)
        .order_by(FreedSlot.starts_at)).all()
    return render_template("waitlist/index.html", providers=providers, chosen=chosen,
                           entries=service.entries(current_practice(), chosen),
                           offering=offering, action_form=ConfirmForm())


def _form(entry: WaitlistEntry | None) -> EntryForm:
    form = EntryForm(obj=entry)
    form.providers.choices = [(p.id, p.name) for p in active_providers(current_practice())]
    if request.method == "GET":
        if entry is None:
            form.patient.data = request.args.get("patient", type=int)
            form.earliest_time.data, form.latest_time.data = time(8), time(18)
            chosen = request.args.get("provider", type=int)
            form.providers.data = [chosen] if chosen else []
        else:
            form.patient.data = entry.patient_id
            form.providers.data = [p.id for p in entry.providers]
            form.weekdays.data = [day for day in range(7) if entry.weekdays & (1 << day)]
            form.notice_hours.data = entry.notice_minutes // 60
    return form


def _availability(form: EntryForm) -> Availability:
    chosen = set(form.providers.data)
    return Availability(
        providers=[p for p in active_providers(current_practice()) if p.id in chosen],
        weekdays=sum(1 << day for day in form.weekdays.data if 0 <= day < 7) or 0,
        earliest_time=form.earliest_time.data, latest_time=form.latest_time.data,
        available_from=form.available_from.data, notice_minutes=form.notice_hours.data * 60,
        priority=Priority(form.priority.data), note=form.note.data or "")


def _show_error(form: EntryForm, error: FieldError) -> None:
    field = getattr(form, error.field, form.patient)
    field.errors = list(field.errors) + [error.message]


def _entry_page(entry: WaitlistEntry | None):
    """The entry form: a new entry (`entry` None) or a change to one."""
    form = _form(entry)
    if form.validate_on_submit():
        try:
            if entry is None:
                entry = service.add(current_practice(), form.patient.chosen(),
                                    _availability(form))
                done = f"{entry.patient.full_name} is on the waitlist."
            else:
                service.change(entry, current_practice(), _availability(form))
                done = f"{entry.patient.full_name}'s waitlist entry was saved."
        except FieldError as error:
            rollback()
            _show_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for(".index"), code=303)
    return render_template("waitlist/entry.html", form=form, entry=entry)


@bp.route("/new", methods=["GET", "POST"])
@unit_of_work()
def new():
    return _entry_page(None)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@unit_of_work()
def edit(entry_id: int):
    entry = get_or_404(WaitlistEntry, entry_id)
    if not entry.is_active:
        flash(f"{entry.patient.full_name} is no longer on the waitlist.", "warning")
        return redirect(url_for(".index"), code=303)
    return _entry_page(entry)


@bp.post("/<int:entry_id>/remove")
@unit_of_work()
def remove(entry_id: int):
    entry = get_or_404(WaitlistEntry, entry_id)
    if ConfirmForm().validate_on_submit():
        service.remove(entry)
        flash(f"{entry.patient.full_name} is off the waitlist.", "success")
    return redirect(url_for(".index"), code=303)


@bp.post("/slots/<int:slot_id>/stop")
@unit_of_work()
def stop_offering(slot_id: int):
    slot = get_or_404(FreedSlot, slot_id)
    if ConfirmForm().validate_on_submit():
        offers.stop_offering(slot)
        flash("The slot is no longer offered. Patients who answer now are told it is gone.",
              "success")
    return redirect(safe_next(request.form.get("next"), url_for(".index")), code=303)


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """How cancelled slots are offered; only owners change it."""
    practice = current_practice()
    form = OfferSettingsForm(obj=practice)
    if form.validate_on_submit():
        practice.offer_slots = form.offer_slots.data
        practice.offer_notice_minutes = form.offer_notice_minutes.data
        practice.offer_wave_size = form.offer_wave_size.data
        practice.offer_hold_minutes = form.offer_hold_minutes.data
        commit()
        flash("The offer settings are saved.", "success")
        return redirect(url_for(".settings"), code=303)
    return render_template("waitlist/settings.html", form=form)
