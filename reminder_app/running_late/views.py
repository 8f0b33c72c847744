"""Staff pages of the "running late" broadcast: the form, its preview, the send. Views
parse, call `service`, and render or redirect; sending needs the ACT permission (POST), so
read-only staff can look but not send."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from wtforms import SelectChoice

from ..extensions import db
from ..forms import provider_choices
from ..models import Provider
from ..models.types import utcnow
from ..tenancy import current_actor, current_practice, scoped
from ..transactions import unit_of_work
from . import service
from .forms import EVERYONE, BroadcastForm, SendForm, new_key

bp = Blueprint("running_late", __name__, url_prefix="/running-late")


@bp.before_request
@login_required
def require_login():
    pass


def _providers() -> list[Provider]:
    return list(db.session.scalars(scoped(Provider).order_by(Provider.name, Provider.id)))


def _prepared(form: BroadcastForm) -> dict[int, Provider]:
    providers = {p.id: p for p in _providers()}
    if not current_practice().name_provider:
        form.name_provider.render_kw = {"disabled": True}
        form.name_provider.description = ("The practice's texts do not name providers (an "
                                          "owner can change that with the reminder rules).")
    form.provider.choices = [SelectChoice(EVERYONE, "All providers today"),
                             *[SelectChoice(int(c.value), c.label)
                               for c in provider_choices(providers.values())]]
    return providers


def _broadcast(form: BroadcastForm, providers: dict[int, Provider]) -> service.Broadcast:
    return service.Broadcast(provider=providers.get(form.provider.data),
                             wording=service.Wording(form.wording.data),
                             minutes=form.minutes.data, name_provider=form.name_provider.data)


def _planned(form: BroadcastForm, providers: dict[int, Provider]):
    """The broadcast's plan, or None with the refusal shown next to its field."""
    try:
        return service.plan(current_practice(), _broadcast(form, providers), utcnow(),
                            form.key.data)
    except service.LateError as error:
        (form[error.field] if error.field else form.provider).errors.append(str(error))
        return None


def _preview(form: BroadcastForm, planned, changed: bool = False):
    send_form = SendForm(formdata=None, provider=form.provider.data, wording=form.wording.data,
                         minutes=form.minutes.data, name_provider=form.name_provider.data,
                         key=form.key.data, expected=planned.appointment_ids)
    return render_template("running_late/preview.html", plan=planned, form=send_form,
                           changed=changed)


@bp.get("/")
def new():
    form = BroadcastForm(formdata=None, provider=request.args.get("provider", EVERYONE, type=int),
                         key=new_key())
    _prepared(form)
    return render_template("running_late/form.html", form=form)


@bp.post("/preview")
def preview():
    form = BroadcastForm()
    providers = _prepared(form)
    if form.validate_on_submit() and (planned := _planned(form, providers)) is not None:
        return _preview(form, planned)
    return render_template("running_late/form.html", form=form), 422


@bp.post("/send")
@unit_of_work()
def send():
    form = SendForm()
    providers = _prepared(form)
    if not form.validate_on_submit() or (planned := _planned(form, providers)) is None:
        return render_template("running_late/form.html", form=form), 422
    if planned.appointment_ids != form.expected.data:
        return _preview(form, planned, changed=True)
    sent = service.send(current_practice(), _broadcast(form, providers), form.key.data,
                        current_actor(), utcnow(), planned=planned)
    if sent.queued:
        flash(f"Running-late text queued for {sent.queued} patient(s); each shows in their "
              "conversation.", "success")
    if sent.already:
        flash(f"Already sent to {sent.already} patient(s) by this broadcast: not sent again.",
              "info")
    if not sent.queued and not sent.already:
        flash("No one was texted.", "info")
    return redirect(url_for("appointments.day"), code=303)
