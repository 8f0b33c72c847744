"""Practice settings: details, the Clickatell account, staff and API tokens.

Everyone can read them; only owners change them.
"""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..audit import mark_done
from ..extensions import db
from ..forms import ConfirmForm
from ..gateways import callback_url
from ..models import ApiToken, Role, StaffUser
from ..models.types import utcnow
from ..onboarding import checklist
from ..tenancy import current_practice, get_or_404, local_time, scoped
from ..transactions import commit, unit_of_work
from . import registration
from .callbacks import old_secret_works_until, replace_callback_secret
from .forms import (
    AddStaffForm,
    ApiTokenForm,
    PracticeForm,
    RegistrationForm,
    TwoFactorPolicyForm,
)
from .service import (
    StaffError,
    add_staff,
    create_api_token,
    remove_staff,
    revoke_api_token,
)

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def require_login():
    pass


@bp.get("/")
def index():
    return redirect(url_for(".practice"))


@bp.route("/practice", methods=["GET", "POST"])
def practice():
    record = current_practice()
    form = PracticeForm(obj=record, country=record.country)
    if form.validate_on_submit():
        record.name = form.name.data
        record.address = form.address.data
        record.phone = form.phone.e164
        record.timezone = form.timezone.data
        commit()
        flash("The practice details are saved.", "success")
        return redirect(url_for(".practice"), code=303)
    return render_template("settings/practice.html", form=form)


@bp.get("/clickatell")
def clickatell():
    account = current_practice().clickatell_account
    # The secret in these addresses lets anyone forge replies and reports (and make the
    # practice answer texts): owners only.
    urls = ({kind: callback_url(account, kind) for kind in ("status", "inbound")}
            if account and current_user.is_owner else {})
    return render_template("settings/clickatell.html", account=account, callback_urls=urls,
                           steps=checklist.steps(account) if account else [],
                           account_type=checklist.account_type_name(account),
                           old_secret_until=old_secret_works_until(account) if urls else None,
                           replace_form=ConfirmForm())


@bp.post("/clickatell/callback-secret")
def replace_callback_secret_view():
    """Owners replace the secret in the callback addresses (the old one works a while)."""
    account = current_practice().clickatell_account
    if account is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        with unit_of_work():
            until = replace_callback_secret(account)
        flash("The callback addresses have a new secret. Give Clickatell the new addresses: "
              f"the old ones work until {local_time(until, '%d %b %Y %H:%M')}.", "success")
    return redirect(url_for(".clickatell"), code=303)


@bp.route("/staff", methods=["GET", "POST"])
@unit_of_work()
def staff():
    form = AddStaffForm()
    if form.validate_on_submit():
        try:
            user = add_staff(current_user.practice, name=form.name.data, email=form.email.data,
                             password=form.password.data, role=Role(form.role.data))
        except StaffError as error:
            form.email.errors.append(str(error))
        else:
            flash(f"{user.name} can now sign in.", "success")
            return redirect(url_for(".staff"), code=303)
    members = db.session.scalars(scoped(StaffUser).order_by(StaffUser.name)).all()
    return render_template("settings/staff.html", form=form, members=members,
                           remove_form=ConfirmForm(),
                           two_factor_form=TwoFactorPolicyForm(
                               require=current_practice().require_two_factor))


@bp.post("/two-factor")
def two_factor_policy():
    """Owners decide whether everyone must sign in with a second factor."""
    form = TwoFactorPolicyForm()
    if form.validate_on_submit():
        current_practice().require_two_factor = form.require.data
        commit()
        flash("Everyone must now sign in with two-factor sign-in; those who have not set it "
              "up are asked to at their next page." if form.require.data
              else "Two-factor sign-in is now each person's choice.", "success")
    return redirect(url_for(".staff"), code=303)


@bp.post("/staff/<int:user_id>/remove")
@unit_of_work()
def remove(user_id: int):
    user = get_or_404(StaffUser, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            remove_staff(user, acting=current_user)
        except StaffError as error:
            flash(str(error), "danger")
        else:
            flash(f"{user.name} was removed.", "success")
    return redirect(url_for(".staff"), code=303)


def _api_tokens_page(form: ApiTokenForm, new_token: str | None = None):
    tokens = db.session.scalars(scoped(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                          ApiToken.created_at.desc())).all()
    response = make_response(render_template("settings/api_tokens.html", form=form,
                                              tokens=tokens, new_token=new_token,
                                              revoke_form=ConfirmForm()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/api-tokens", methods=["GET", "POST"])
@unit_of_work()
def api_tokens():
    """Owners create and revoke tokens. A new token is shown in the answer to the POST itself,
    once: it is never stored, nor put in a cookie to survive a redirect."""
    form = ApiTokenForm()
    if form.validate_on_submit():
        record, token = create_api_token(current_user.practice, form.name.data)
        mark_done()
        flash(f"API token “{record.name}” created. Copy it now: it will not be shown again.",
              "success")
        return _api_tokens_page(ApiTokenForm(formdata=None), new_token=token)
    return _api_tokens_page(form)


@bp.post("/api-tokens/<int:token_id>/revoke")
@unit_of_work()
def revoke_api_token_view(token_id: int):
    record = get_or_404(ApiToken, token_id)
    if ConfirmForm().validate_on_submit():
        revoke_api_token(record)
        flash(f"API token “{record.name}” is revoked; calls with it are refused.", "success")
    return redirect(url_for(".api_tokens"), code=303)


@bp.route("/10dlc", methods=["GET", "POST"])
def registration_helper():
    """What the practice's carrier (10DLC) registration asks for, as one document."""
    practice = current_practice()
    form = RegistrationForm()
    if request.method == "GET":
        form.legal_name.data, form.address.data = practice.name, practice.address
    if form.validate_on_submit():
        brand = registration.Brand(
            legal_name=form.legal_name.data, ein=form.ein.data, address=form.address.data,
            website=form.website.data, privacy_url=form.privacy_url.data)
        response = make_response(registration.document(practice, brand, utcnow()))
        response.headers["Content-Type"] = "text/markdown; charset=utf-8"
        response.headers["Content-Disposition"] = 'attachment; filename="10dlc-registration.md"'
        return response
    return render_template("settings/registration.html", form=form,
                           samples=registration.sample_messages(practice, utcnow()))
