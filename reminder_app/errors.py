"""Friendly error pages for people, JSON errors for API and webhook callers."""

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .transactions import rollback

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in to see this page.",
    403: "Your role at this practice does not allow that. An owner can change roles under "
         "Settings, Staff.",
    404: "We could not find that page.",
    405: "That action is not allowed here.",
    413: "That is more than we accept in one request.",
    429: "Too many attempts. Please wait a little and try again.",
    500: "Something went wrong on our side. The team has been told; please try again.",
}


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/webhooks/")) or request.accept_mimetypes.best == (
        "application/json"
    )


def render_error(code: int, message: str | None = None):
    message = message or MESSAGES.get(code, "Something went wrong.")
    if wants_json():
        return jsonify({"error": message}), code
    return render_template("errors/error.html", code=code, message=message), code


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "This form has expired or was not sent from our site. "
                                 "Please go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(500)
    def server_error(error):
        rollback()
        return render_error(500)
