"""The page staff land on: today at a glance."""

from flask import Blueprint, render_template
from flask_login import login_required

from ..onboarding import checklist
from ..tenancy import current_practice

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    practice = current_practice()
    account = practice.clickatell_account
    return render_template(
        "dashboard/index.html", practice=practice, account=account,
        steps=checklist.steps(account) if account else [],
        onboarding_done=checklist.is_ready(account))
