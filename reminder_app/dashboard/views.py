"""The page staff land on: today at a glance."""

from flask import Blueprint, render_template
from flask_login import login_required

from ..tenancy import current_practice

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("dashboard/index.html", practice=current_practice())
