"""The audit page and the exports: owners only (`permissions.MANAGE_ALWAYS`)."""

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_login import login_required

from ..models.types import utcnow
from ..tenancy import current_practice
from . import mark_done
from .forms import ExportForm
from .service import EXPORTS, export_csv, trail

bp = Blueprint("audit", __name__, url_prefix="/settings")

KINDS = {"": "Everything", "change": "Changes in the app", "appointment": "Appointments",
         "sign-in": "Sign-ins"}


def day_argument(name: str, default: date) -> date:
    try:
        value = date.fromisoformat(request.args.get(name, "") or default.isoformat())
    except ValueError:
        abort(400)
    if abs((value - date.today()).days) > 3660:
        abort(400)
    return value


@bp.get("/audit")
@login_required
def audit():
    practice = current_practice()
    today = utcnow().astimezone(practice.zone).date()
    start = day_argument("from", today - timedelta(days=30))
    end = day_argument("to", today)
    kind = request.args.get("kind", "")
    if kind not in KINDS:
        abort(400)
    person = request.args.get("person", "")[:100]
    since = datetime.combine(start, time(), practice.zone)
    until = datetime.combine(end + timedelta(days=1), time(), practice.zone)
    lines = trail(practice, since=since, until=until, person=person, kind=kind)
    return render_template("settings/audit.html", lines=lines, kinds=KINDS, kind=kind,
                           start=start, end=end, person=person, form=ExportForm())


@bp.route("/export", methods=["GET", "POST"])
@login_required
def export():
    """A POST, so that taking the records out is itself in the audit trail."""
    form = ExportForm()
    if not form.validate_on_submit():
        return render_template("settings/export.html", exports=EXPORTS, form=form)
    what = form.what.data
    mark_done()
    return csv_download(export_csv(current_practice(), what, utcnow()),
                        f"{what}-{utcnow().date()}.csv")


def csv_download(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
