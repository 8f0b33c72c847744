""""I already have a Clickatell account": the sign-up with a Platform key, and the owner's page
to connect or replace the key, see the callback URLs and send a test text."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.sessions import sign_in
from ..extensions import db
from ..tenancy import current_practice
from ..transactions import commit, rollback
from .connect_existing import (
    ConnectError,
    ExistingAccountSignUp,
    callback_urls,
    connect,
    send_test_text,
    sign_up,
)
from .connect_existing_forms import ExistingAccountSignUpForm, PlatformKeyForm, TestTextForm

bp = Blueprint("connect_existing", __name__)


def _show_error(form, error: ConnectError) -> None:
    field = form._fields.get(error.field or "")
    if field is not None:
        field.errors = [*field.errors, error.message]
    flash(error.message, "danger")


@bp.route("/signup/existing", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("onboarding.index"))
    form = ExistingAccountSignUpForm()
    if form.validate_on_submit():
        try:
            owner = sign_up(ExistingAccountSignUp(
                practice_name=form.practice_name.data, address=form.address.data,
                country=form.country.data, timezone=form.timezone.data, phone=form.phone.e164,
                first_name=form.first_name.data, surname=form.surname.data,
                email=form.email.data, mobile=form.mobile.e164, password=form.password.data,
                api_key=form.api_key.data, number=form.number.e164),
                address=request.remote_addr or "")
        except ConnectError as error:
            commit()  # a refusal that helps a guesser counts towards the throttle
            _show_error(form, error)
        else:
            db.session.flush()  # the owner's id, for the session row
            sign_in(owner)
            commit()
            flash("Welcome! Your practice is connected to your Clickatell account. Paste the "
                  "two callback URLs into your SMS setup, then send yourself a test text.",
                  "success")
            return redirect(url_for(".setup"), code=303)
    return render_template("onboarding/signup_existing.html", form=form)


@bp.route("/onboarding/platform", methods=["GET", "POST"])
@login_required
def setup():
    practice = current_practice()
    account = practice.clickatell_account
    form = PlatformKeyForm(country=practice.country)
    if request.method == "GET" and account is not None:
        form.number.data = form.number.data or account.long_number
        form.mobile.data = form.mobile.data or account.mobile
    if form.validate_on_submit():
        try:
            account = connect(practice, api_key=form.api_key.data, number=form.number.e164,
                              mobile=form.mobile.e164)
        except ConnectError as error:
            rollback()
            _show_error(form, error)
        else:
            commit()
            flash("Clickatell accepted the key." + (
                "" if account.balance and account.balance > 0 else
                " The account has no credit yet: buy some in the portal."), "success")
            return redirect(url_for(".setup"), code=303)
    return render_template(
        "onboarding/connect_existing.html", form=form, account=account,
        test_form=TestTextForm(country=practice.country,
                               mobile=account.mobile if account else None),
        callback_urls=callback_urls(account) if account and account.on_platform else None)


@bp.post("/onboarding/platform/test-text")
@login_required
def test_text():
    practice = current_practice()
    account = practice.clickatell_account
    form = TestTextForm(country=practice.country)
    if account is None or not account.on_platform:
        flash("Connect your Clickatell SMS setup first.", "warning")
    elif not form.validate_on_submit():
        flash(" ".join(form.mobile.errors) or "Please check the mobile number.", "danger")
    else:
        try:
            send_test_text(account, form.mobile.e164)
        except ConnectError as error:
            flash(error.message, "danger")
        else:
            flash(f"A test text is on its way to {form.mobile.e164}.", "success")
        commit()  # the hold it revealed, or lifted
    return redirect(url_for(".setup"), code=303)
