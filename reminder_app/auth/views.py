"""Sign in and out, the browsers a person is signed in on, and their password."""

import time

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from ..audit import mark_done
from ..extensions import db
from ..models import StaffUser
from ..models.types import utcnow
from ..transactions import commit
from ..urls import safe_next
from . import devices, two_factor
from .forms import CodeForm, LoginForm, PasswordForm, SignOutOthersForm, TurnOffTwoFactorForm
from .service import (
    LoginRefused,
    PasswordChangeRefused,
    TooManyAttempts,
    authenticate,
    change_password,
    check_not_throttled,
    record_attempt,
)
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
            commit()  # the failed attempt counts towards the throttle
            flash(str(refusal), "danger")
            return render_template("auth/login.html", form=form), 200
        target = request.args.get("next")
        target = safe_next(target, url_for("dashboard.index"))
        if user.has_two_factor:
            commit()
            session[TWO_FACTOR_PENDING] = {"user": user.id, "remember": form.remember.data,
                                           "at": int(time.time()), "next": target}
            return redirect(url_for(".two_factor_code"), code=303)
        return finish_sign_in(user, remember=form.remember.data, target=target)
    return render_template("auth/login.html", form=form)


def finish_sign_in(user, *, remember: bool, target: str):
    sign_in(user, remember=remember)
    commit()
    response = redirect(target, code=303)
    devices.remember(response, user.email)
    return response


#: The password was right; the second factor is still to come (kept this long).
TWO_FACTOR_PENDING = "two_factor_pending"
TWO_FACTOR_SECONDS = 300
#: A new secret being set up, until a code from it confirms it.
TOTP_SETUP = "totp_setup"


@bp.route("/two-factor", methods=["GET", "POST"])
def two_factor_code():
    pending = session.get(TWO_FACTOR_PENDING)
    user = db.session.get(StaffUser, pending["user"]) if pending else None
    if user is None or time.time() - pending["at"] > TWO_FACTOR_SECONDS:
        session.pop(TWO_FACTOR_PENDING, None)
        flash("Please sign in again.", "info")
        return redirect(url_for(".login"), code=303)
    form = CodeForm()
    if form.validate_on_submit():
        key, address = f"two-factor:{user.email}", request.remote_addr or ""
        try:
            check_not_throttled(key, address, known_device=False, now=utcnow())
        except TooManyAttempts as refusal:
            session.pop(TWO_FACTOR_PENDING, None)
            flash(str(refusal), "danger")
            return redirect(url_for(".login"), code=303)
        if two_factor.verify(user, form.code.data):
            session.pop(TWO_FACTOR_PENDING, None)
            return finish_sign_in(user, remember=pending["remember"], target=pending["next"])
        record_attempt(key, address, False, utcnow())
        commit()
        form.code.errors = [*form.code.errors, "That code is not right, or was used already."]
    return render_template("auth/two_factor.html", form=form)


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Enrol: scan the code, type one code back; only then is it kept."""
    secret = session.setdefault(TOTP_SETUP, two_factor.new_secret())
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enrol(current_user, secret, form.code.data)
        except two_factor.CodeRefused as refusal:
            form.code.errors = [*form.code.errors, str(refusal)]
        else:
            commit()
            session.pop(TOTP_SETUP, None)
            mark_done()
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template("auth/two_factor_setup.html", form=form, secret=secret,
                           qr_code=two_factor.qr_code_data_uri(uri),
                           required=two_factor.must_enrol(current_user))


@bp.post("/two-factor/off")
@login_required
def two_factor_off():
    form = TurnOffTwoFactorForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            flash("Your password is not right; two-factor sign-in stays on.", "danger")
        else:
            try:
                two_factor.turn_off(current_user)
            except two_factor.CodeRefused as refusal:
                flash(str(refusal), "danger")
            else:
                commit()
                flash("Two-factor sign-in is off.", "success")
    return redirect(url_for(".sessions"), code=303)


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
    commit()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/sessions", methods=["GET", "POST"])
@login_required
def sessions():
    """Where this person is signed in; each browser can be signed out from here."""
    form = SignOutOthersForm()
    if form.validate_on_submit():
        ended = end_other_sessions(current_user)
        commit()
        flash(f"Signed out of {ended} other browser{'s' if ended != 1 else ''}.", "success")
        return redirect(url_for(".sessions"), code=303)
    this = current_session(current_user)
    return render_template("auth/sessions.html", form=form, sessions=sessions_of(current_user),
                           this_id=this.id if this else None, off_form=TurnOffTwoFactorForm(),
                           recovery_left=two_factor.recovery_codes_left(current_user))


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    if not end_one_session(current_user, session_id):  # (CSRF is checked before any view)
        abort(404)
    commit()
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
            commit()
            flash("Your password is changed" + (f"; {ended} other browser"
                  f"{'s were' if ended != 1 else ' was'} signed out." if ended else "."),
                  "success")
            return redirect(url_for(".sessions"), code=303)
    return render_template("auth/password.html", form=form)
