"""The recall list, adding and changing a recall, closing one, and the practice's pace."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..appointments import visits
from ..appointments.providers import active_providers
from ..forms import ConfirmForm
from ..models import AppointmentType, Patient, Recall
from ..models.recalls import COMMON_REASONS
from ..tenancy import current_actor, current_practice, get_or_404
from ..timezones import today
from ..transactions import rollback, unit_of_work
from ..validation import FieldError
from . import service
from .forms import RecallForm, RecallSettingsForm
from .service import FILTERS, RecallDetails

bp = Blueprint("recalls", __name__, url_prefix="/recalls")

ANY_PROVIDER = ANY_TYPE = 0


@bp.before_request
@login_required
def require_login():
    pass


@bp.get("/")
def index():
    providers = active_providers(current_practice())
    chosen = next((p for p in providers if str(p.id) == request.args.get("provider")), None)
    show = request.args.get("show", "live")
    if show not in FILTERS:
        show = "live"
    patient_id = request.args.get("patient", type=int)
    patient = get_or_404(Patient, patient_id) if patient_id is not None else None
    return render_template("recalls/index.html", filters=FILTERS, show=show,
                           providers=providers, chosen=chosen, patient=patient,
                           rows=service.recall_rows(current_practice(), show=show,
                                                    provider=chosen, patient=patient),
                           action_form=ConfirmForm())


def _types(recall: Recall | None) -> list[AppointmentType]:
    """The practice's types still offered, and the recall's own even if retired since."""
    types = visits.types_of(current_practice(), active_only=True)
    if recall is not None and recall.appointment_type is not None \
            and recall.appointment_type not in types:
        types.append(recall.appointment_type)
    return types


def _form(recall: Recall | None, types: list[AppointmentType]) -> RecallForm:
    form = RecallForm(obj=recall)
    form.provider.choices = [(ANY_PROVIDER, "Any provider")] + [
        (p.id, p.name) for p in active_providers(current_practice())]
    form.appointment_type.choices = [(ANY_TYPE, "Any appointment")] + [
        (t.id, t.name) for t in types]
    if request.method == "GET":
        if recall is None:
            form.patient.data = request.args.get("patient", type=int)
            form.due_on.data = today(current_practice().zone)
        else:
            form.patient.data = recall.patient_id
            form.provider.data = recall.provider_id or ANY_PROVIDER
            form.appointment_type.data = recall.appointment_type_id or ANY_TYPE
    return form


def _details(form: RecallForm, types: list[AppointmentType]) -> RecallDetails:
    provider = next((p for p in active_providers(current_practice())
                     if p.id == form.provider.data), None)
    kind = next((t for t in types if t.id == form.appointment_type.data), None)
    return RecallDetails(reason=form.reason.data, due_on=form.due_on.data, provider=provider,
                         appointment_type=kind)


def _recall_page(recall: Recall | None):
    types = _types(recall)
    form = _form(recall, types)
    if form.validate_on_submit():
        try:
            if recall is None:
                recall = service.add(current_practice(), form.patient.chosen(),
                                     _details(form, types), actor=current_actor())
                done = f"{recall.patient.full_name} is due for {recall.reason}."
            else:
                service.change(recall, current_practice(), _details(form, types))
                done = f"{recall.patient.full_name}'s recall was saved."
        except FieldError as error:
            rollback()
            field = getattr(form, error.field, form.reason)
            field.errors = list(field.errors) + [error.message]
        else:
            flash(done, "success")
            return redirect(url_for(".index"), code=303)
    return render_template("recalls/recall.html", form=form, recall=recall,
                           reasons=COMMON_REASONS, has_types=bool(types))


@bp.route("/new", methods=["GET", "POST"])
@unit_of_work()
def new():
    return _recall_page(None)


@bp.route("/<int:recall_id>/edit", methods=["GET", "POST"])
@unit_of_work()
def edit(recall_id: int):
    recall = get_or_404(Recall, recall_id)
    if not recall.status.is_live:
        flash(f"{recall.patient.full_name}'s recall is {recall.status.value}.", "warning")
        return redirect(url_for(".index"), code=303)
    return _recall_page(recall)


@bp.post("/<int:recall_id>/close")
@unit_of_work()
def close(recall_id: int):
    recall = get_or_404(Recall, recall_id)
    if ConfirmForm().validate_on_submit():
        service.close(recall)
        flash(f"{recall.patient.full_name}'s recall is closed: no more texts.", "success")
    return redirect(url_for(".index"), code=303)


@bp.route("/settings", methods=["GET", "POST"])
@unit_of_work()
def settings():
    """How often, and how many times, a recall is texted; only owners change it."""
    practice = current_practice()
    form = RecallSettingsForm(obj=practice)
    if form.validate_on_submit():
        practice.recall_interval_days = form.recall_interval_days.data
        practice.recall_max_texts = form.recall_max_texts.data
        flash("The recall settings are saved.", "success")
        return redirect(url_for(".settings"), code=303)
    return render_template("recalls/settings.html", form=form)
