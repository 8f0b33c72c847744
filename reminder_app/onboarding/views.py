"""Sign-up and the onboarding checklist: a practice never leaves our UI to get its SMS service."""

import hmac
import secrets

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..auth.sessions import sign_in
from ..clickatell import ClickatellError
from ..forms import ConfirmForm
from ..gateways import public_url
from ..tenancy import current_practice
from ..transactions import commit, unit_of_work
from . import checklist
from .connect_existing import callback_urls
from .forms import (
    PRACTICE_COUNTRIES,
    LowBalanceForm,
    NumberForm,
    ResendActivationForm,
    SendSmsCodeForm,
    SignUpForm,
    SmsCodeForm,
)
from .lookups import account_type_help, country_id_for, new_captcha, sign_up_choices
from .signup import SignUp, SignUpError, begin_sign_up, finish_sign_up, unavailable_message

bp = Blueprint("onboarding", __name__)

SIGNUP_PROOF = "signup_proof"
NUMBER_STATE = "number_state"


# ---------------------------------------------------------------- sign-up

@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for(".index"))
    try:
        choices = sign_up_choices()
    except ClickatellError:
        return render_template("onboarding/unavailable.html", message=unavailable_message()), 503
    form = SignUpForm()
    form.clickatell_country.choices = [SelectChoice(cid, name) for cid, name in choices.countries]
    form.account_type.choices = [SelectChoice(tid, name) for tid, name in choices.account_types]
    if request.method == "GET":
        form.account_type.data = 9
        form.clickatell_country.data = country_id_for(choices,
                                                      PRACTICE_COUNTRIES["US"][0])
    offer_force_create = False
    if form.validate_on_submit():
        try:
            owner = run_sign_up(details_from(form))
        except SignUpError as error:
            commit()  # a refusal that helps a guesser counts towards the throttle
            target = form._fields.get(error.field or "")
            if target is not None:
                target.errors = [*target.errors, error.message]
            flash(error.message, "danger")
            offer_force_create = error.offers_force_create
        else:
            session.pop(SIGNUP_PROOF, None)
            sign_in(owner)
            commit()
            flash("Welcome! Your practice and its Clickatell account are created. "
                  "Check your e-mail for the activation link.", "success")
            return redirect(url_for(".index"), code=303)
    try:
        form.captcha_id.data, captcha_image = new_captcha()
    except ClickatellError:
        return render_template("onboarding/unavailable.html", message=unavailable_message()), 503
    form.captcha_code.data = ""
    return render_template(
        "onboarding/signup.html", form=form, captcha_image=captcha_image,
        terms_url=choices.terms_url, offer_force_create=offer_force_create,
        account_type_help=account_type_help(9),
        country_map={code: country_id_for(choices, name)
                     for code, (name, _) in PRACTICE_COUNTRIES.items()},
        zone_map={code: zone for code, (_, zone) in PRACTICE_COUNTRIES.items()})


def run_sign_up(details: SignUp):
    """The sign-up's two steps (see `signup`), each its own transaction: the username's
    reservation is committed before Clickatell is asked to register the account."""
    proof, address = signup_proof(), request.remote_addr or ""
    owner = begin_sign_up(details, proof=proof, address=address)
    if owner is not None:
        return owner  # an account Clickatell made for an earlier submit, adopted
    commit()
    return finish_sign_up(details)


def signup_proof() -> str:
    """A secret of this browser's session that a half-finished sign-up is tied to, so only
    the browser that started it can finish it."""
    return session.setdefault(SIGNUP_PROOF, secrets.token_urlsafe(32))


def details_from(form: SignUpForm) -> SignUp:
    return SignUp(
        practice_name=form.practice_name.data, address=form.address.data,
        country=form.country.data, timezone=form.timezone.data, phone=form.phone.e164,
        first_name=form.first_name.data, surname=form.surname.data, email=form.email.data,
        mobile=form.mobile.e164, username=form.username.data, password=form.password.data,
        clickatell_country=form.clickatell_country.data, account_type=form.account_type.data,
        accept_terms=form.accept_terms.data, captcha_id=form.captcha_id.data,
        captcha_code=form.captcha_code.data, force_create=form.force_create.data)


# ---------------------------------------------------------------- the checklist

def current_account():
    account = current_practice().clickatell_account
    if account is None:
        flash("This practice has no Clickatell account.", "warning")
    return account


@bp.get("/onboarding")
@unit_of_work()
@login_required
def index():
    account = current_account()
    if account is None:
        return redirect(url_for("dashboard.index"))
    if not account.on_platform:
        checklist.refresh_activation(account)
        checklist.refresh_sms_activation(account)
    if account.api_id or account.on_platform:
        try:
            checklist.refresh_balance(account)
        except checklist.OnboardingError as error:
            flash(f"Could not read the balance: {error}", "warning")
    return render_template(
        "onboarding/checklist.html", account=account, steps=checklist.steps(account),
        ready=checklist.is_ready(account), resend_form=ResendActivationForm(),
        send_code_form=SendSmsCodeForm(country=current_practice().country),
        code_form=SmsCodeForm(), action_form=ConfirmForm(),
        callback_urls=callback_urls(account) if account.on_platform else None,
        threshold_form=LowBalanceForm(threshold=account.low_balance_threshold))


@bp.get("/onboarding/activated")
@unit_of_work()
@login_required
def activated():
    """Where Clickatell's activation link lands (its `activation_redirect`)."""
    account = current_account()
    if account is not None and checklist.refresh_activation(account):
        flash("Your Clickatell account is activated.", "success")
    return redirect(url_for(".index"))


def act(action, success: str | None = None):
    """Run one owner action of the checklist and come back to it with its outcome."""
    account = current_account()
    if account is not None:
        try:
            outcome = action(account)
        except checklist.OnboardingError as error:
            flash(str(error), "danger")
        else:
            if success:
                flash(success.format(outcome=outcome), "success")
    return redirect(url_for(".index"), code=303)


@bp.post("/onboarding/activation/resend")
@unit_of_work()
@login_required
def resend_activation():
    form = ResendActivationForm()
    if not form.validate_on_submit():
        flash(" ".join(form.email.errors) or "Please check the e-mail address.", "danger")
        return redirect(url_for(".index"), code=303)
    return act(lambda account: checklist.resend_activation(account, form.email.data or None),
               "We sent the activation e-mail again, to {outcome}.")


@bp.post("/onboarding/mobile/code")
@unit_of_work()
@login_required
def send_sms_code():
    form = SendSmsCodeForm()
    if not form.validate_on_submit():
        flash(" ".join(form.mobile.errors) or "Please check the mobile number.", "danger")
        return redirect(url_for(".index"), code=303)
    return act(lambda account: checklist.send_sms_code(account, form.mobile.e164),
               "Clickatell is texting a code to {outcome}.")


@bp.post("/onboarding/mobile/verify")
@unit_of_work()
@login_required
def verify_sms_code():
    form = SmsCodeForm()
    if not form.validate_on_submit():
        flash("Type the code from the text message.", "danger")
        return redirect(url_for(".index"), code=303)
    return act(lambda account: checklist.verify_sms_code(account, form.code.data),
               "Your mobile number is verified.")


@bp.post("/onboarding/connection")
@unit_of_work()
@login_required
def create_connection():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".index"), code=303)
    return act(checklist.ensure_connection, "The messaging connection is set up ({outcome}).")


@bp.post("/onboarding/number/apply")
@unit_of_work()
@login_required
def apply_for_number():
    account = current_account()
    if account is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for(".index"), code=303)
    state = session[NUMBER_STATE] = secrets.token_urlsafe(24)
    try:
        url = checklist.number_application_url(
            account, public_url(url_for(".number_assigned", state=state)))
    except checklist.OnboardingError as error:
        flash(str(error), "danger")
        return redirect(url_for(".index"), code=303)
    return redirect(url, code=303)


@bp.route("/onboarding/number/assigned", methods=["GET", "POST"])
@unit_of_work()
@login_required
def number_assigned():
    """Where Clickatell's number application page sends the owner back, with the number.

    A link anyone could craft must not change where patients' replies go: the return is
    honoured only with the one-time `state` this browser was given when it left for
    Clickatell, and only a POST (with its CSRF token) from the page shown here stores it."""
    form = NumberForm()
    if request.method == "GET":
        form.number.data = request.args.get("number", "")
        form.state.data = request.args.get("state", "")
    if not valid_number_state(form.state.data):
        flash("That link back from Clickatell is not one this browser asked for, so no "
              "number was saved. Apply for the number again from the checklist.", "danger")
        return redirect(url_for(".index"), code=303)
    if not form.number.data:
        flash("Clickatell has not assigned a number yet. It can take up to 48 hours; "
              "this page will show it once it has.", "info")
        return redirect(url_for(".index"), code=303)
    if request.method == "POST" and form.validate_on_submit():
        session.pop(NUMBER_STATE, None)
        return act(lambda account: checklist.record_number(account, form.number.data),
                   "Your two-way number is {outcome}.")
    return render_template("onboarding/number_assigned.html", form=form)


def valid_number_state(state: str | None) -> bool:
    expected = session.get(NUMBER_STATE)
    return bool(state and expected) and hmac.compare_digest(state, expected)


@bp.post("/onboarding/credits/buy")
@login_required
def buy_credits():
    account = current_account()
    if account is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for(".index"), code=303)
    try:
        url = checklist.buy_credits_url(account)
    except checklist.OnboardingError as error:
        flash(str(error), "danger")
        return redirect(url_for(".index"), code=303)
    return redirect(url, code=303)


@bp.post("/onboarding/credits/threshold")
@unit_of_work()
@login_required
def low_balance_threshold():
    form = LowBalanceForm()
    if not form.validate_on_submit():
        flash("The threshold must be a number of credits, 0 or more.", "danger")
        return redirect(url_for(".index"), code=303)
    return act(lambda account: checklist.set_low_balance_threshold(account, form.threshold.data),
               "Saved.")


@bp.post("/onboarding/test-sms")
@unit_of_work()
@login_required
def send_test_sms():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".index"), code=303)
    return act(checklist.send_test_sms, "A test message is on its way to your mobile.")
