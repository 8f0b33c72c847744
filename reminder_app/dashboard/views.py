"""The page staff land on: today at a glance, and how the last 30 days went."""

from flask import Blueprint, render_template
from flask_login import login_required

from ..models.types import utcnow
from ..onboarding import checklist
from ..recalls import service as recalls
from ..tenancy import current_practice
from ..worker import status as worker_status
from . import chart, service

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    practice = current_practice()
    account = practice.clickatell_account
    now = utcnow()
    period = service.last_days(practice, now)
    return render_template(
        "dashboard/index.html", practice=practice, account=account,
        steps=checklist.steps(account) if account else [],
        onboarding_done=checklist.is_ready(account),
        today=service.appointments_today(practice, now),
        unhandled=service.unhandled_replies(practice),
        problems=service.reminder_problems(practice, now),
        credit=service.credit(practice, now), refills=service.refills(practice, now),
        replies=service.replies_read(practice, now),
        recall_counts=recalls.recall_counts(practice, now), recall_filters=recalls.FILTERS,
        period=period, chart=chart.render(period), day_summary=chart.day_summary,
        problem_days=service.PROBLEM_DAYS, usage_days=service.USAGE_DAYS,
        worker=worker_status(now))
