"""Sign in and out, the browsers a person is signed in on, and their password."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from . import devices
from .forms import LoginForm, PasswordForm, SignOutOthersForm
from .service import LoginRefused, PasswordChangeRefused, authenticate, change_password
from .sessions import (
    current_session,
    end_one_session,
    end_other_sessions,
    seconds_left,
    sessions_of,
    sign_in,
    sign_out,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


def is_safe_next(target: str | None) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if request.method == "GET" and request.args.get("idle"):
        flash("You were signed out because nothing happened for a while. Sign in again to "
              "go on.", "info")
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr or "",
                                known_device=devices.is_known(form.email.data))
        except LoginRefused as refusal:
            db.session.commit()  # the failed attempt counts towards the throttle
            flash(str(refusal), "danger")
            return render_template("auth/login.html", form=form), 200
        sign_in(user, remember=form.remember.data)
        db.session.commit()
        target = request.args.get("next")
        response = redirect(target if is_safe_next(target) else url_for("dashboard.index"),
                            code=303)
        devices.remember(response, user.email)
        return response
    return render_template("auth/login.html", form=form)


@bp.get("/idle-status")
def idle_status():
    """How many seconds the session has left; asking does not count as activity."""
    left = seconds_left(current_user) if current_user.is_authenticated else 0
    return jsonify(remaining=left if left is not None else 3600)


@bp.get("/keep-alive")
@login_required
def keep_alive():
    """"Stay signed in": any request is activity; this one does nothing else."""
    return "", 204


@bp.post("/logout")
@login_required
def logout():
    sign_out(current_user)
    db.session.commit()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/sessions", methods=["GET", "POST"])
@login_required
def sessions():
    """Where this person is signed in; each browser can be signed out from here."""
    form = SignOutOthersForm()
    if form.validate_on_submit():
        ended = end_other_sessions(current_user)
        db.session.commit()
        flash(f"Signed out of {ended} other browser{'s' if ended != 1 else ''}.", "success")
        return redirect(url_for(".sessions"), code=303)
    this = current_session(current_user)
    return render_template("auth/sessions.html", form=form, sessions=sessions_of(current_user),
                           this_id=this.id if this else None)


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    if not end_one_session(current_user, session_id):  # (CSRF is checked before any view)
        abort(404)
    db.session.commit()
    flash("That browser is signed out.", "success")
    return redirect(url_for(".sessions"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.new.data)
        except PasswordChangeRefused as refusal:
            form.current.errors = [*form.current.errors, str(refusal)]
        else:
            ended = end_other_sessions(current_user)
            db.session.commit()
            flash("Your password is changed" + (f"; {ended} other browser"
                  f"{'s were' if ended != 1 else ' was'} signed out." if ended else "."),
                  "success")
            return redirect(url_for(".sessions"), code=303)
    return render_template("auth/password.html", form=form)
