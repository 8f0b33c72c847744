"""`/healthz` for load balancers and uptime checks: is the app up, and can it reach its database?"""

from flask import Blueprint, jsonify
from sqlalchemy import text

from .extensions import db
from .transactions import rollback

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # any failure means "not healthy", whatever its kind
        rollback()
        database = f"error: {exc.__class__.__name__}"
    healthy = database == "ok"
    body = {"status": "ok" if healthy else "error", "database": database}
    return jsonify(body), 200 if healthy else 503
