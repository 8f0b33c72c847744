"""Calendar files over HTTP. The feed is public: its secret token is the only credential, so
an unknown, revoked or malformed token is a plain 404 that tells nothing. The download and the
feed's on/off switches are staff pages, like the rest of the providers page."""

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_login import login_required

from ..forms import ConfirmForm
from ..models import Appointment, Provider
from ..models.types import utcnow
from ..tenancy import get_or_404
from ..transactions import commit
from . import feeds

bp = Blueprint("calendars", __name__)

ICALENDAR = "text/calendar; charset=utf-8"


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    provider = feeds.provider_for_token(token)
    if provider is None:
        abort(404)
    response = Response(feeds.calendar_for_provider(provider, utcnow()), content_type=ICALENDAR)
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/appointments/<int:appointment_id>.ics")
@login_required
def appointment_file(appointment_id: int):
    appointment = get_or_404(Appointment, appointment_id)
    response = Response(feeds.calendar_for_appointment(appointment, utcnow()),
                        content_type=ICALENDAR)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="appointment-{appointment.id}.ics"')
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _change_feed(provider_id: int, change, done: str):
    provider = get_or_404(Provider, provider_id)
    if ConfirmForm().validate_on_submit():
        change(provider)
        commit()
        flash(done.format(name=provider.name), "success")
    return redirect(url_for("appointments.providers"), code=303)


@bp.post("/appointments/providers/<int:provider_id>/calendar-feed")
@login_required
def new_feed_link(provider_id: int):
    return _change_feed(
        provider_id, Provider.new_calendar_link,
        "{name}'s calendar feed has a new link; any previous link no longer works.")


@bp.post("/appointments/providers/<int:provider_id>/calendar-feed/off")
@login_required
def turn_off_feed(provider_id: int):
    return _change_feed(
        provider_id, Provider.turn_off_calendar_feed,
        "{name}'s calendar feed is off; its link no longer works.")
