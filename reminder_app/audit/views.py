"""The audit page and the exports: owners only (`permissions.MANAGE_ALWAYS`)."""

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_login import login_required

from ..models.types import utcnow
from ..tenancy import current_practice
from . import mark_done
from .forms import ExportForm
from .service import EXPORTS, TrailFilter, export_csv, trail

bp = Blueprint("audit", __name__, url_prefix="/settings")

KINDS = {"": "Everything", "change": "Changes in the app", "appointment": "Appointments",
         "consent": "Opt-outs and opt-ins by SMS", "sign-in": "Sign-ins"}


def day_argument(values, name: str, default: date) -> date:
    try:
        value = date.fromisoformat(values.get(name, "") or default.isoformat())
    except ValueError:
        abort(400)
    if abs((value - date.today()).days) > 3660:
        abort(400)
    return value


def chosen_part(values, practice) -> tuple[date, date, str, str]:
    """The filter of the audit page (its query, or the same fields posted with an export):
    from, to (days in the practice's zone; the last 30 by default), kind and person."""
    today = utcnow().astimezone(practice.zone).date()
    start = day_argument(values, "from", today - timedelta(days=30))
    end = day_argument(values, "to", today)
    kind = values.get("kind", "")
    if kind not in KINDS:
        abort(400)
    return start, end, kind, values.get("person", "")[:100]


def trail_filter(start: date, end: date, kind: str, person: str, zone) -> TrailFilter:
    return TrailFilter(since=datetime.combine(start, time(), zone),
                       until=datetime.combine(end + timedelta(days=1), time(), zone),
                       kind=kind, person=person)


@bp.get("/audit")
@login_required
def audit():
    practice = current_practice()
    start, end, kind, person = chosen_part(request.args, practice)
    chosen = trail_filter(start, end, kind, person, practice.zone)
    lines = trail(practice, since=chosen.since, until=chosen.until, person=person, kind=kind)
    return render_template("settings/audit.html", lines=lines, kinds=KINDS, kind=kind,
                           start=start, end=end, person=person, form=ExportForm())


@bp.route("/export", methods=["GET", "POST"])
@login_required
def export():
    """A POST, so that taking the records out is itself in the audit trail. The trail is
    exported as the audit page's filter chose (posted with it), else whole."""
    form = ExportForm()
    if not form.validate_on_submit():
        return render_template("settings/export.html", exports=EXPORTS, form=form)
    what = form.what.data
    practice = current_practice()
    filtered = None
    if what == "audit" and any(name in request.form for name in ("from", "to", "kind",
                                                                   "person")):
        filtered = trail_filter(*chosen_part(request.form, practice), practice.zone)
    mark_done()
    return csv_download(export_csv(practice, what, utcnow(), filtered),
                        f"{what}-{utcnow().date()}.csv")


def csv_download(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
