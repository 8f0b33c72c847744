"""Practice settings: the staff list (owners only)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Role, StaffUser
from ..tenancy import get_or_404, owner_required, scoped
from .forms import AddStaffForm, ConfirmForm
from .service import StaffError, add_staff, remove_staff

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def require_login():
    pass


@bp.route("/staff", methods=["GET", "POST"])
def staff():
    form = AddStaffForm()
    if request.method == "POST":
        owner_required()
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
                           remove_form=ConfirmForm())


@bp.post("/staff/<int:user_id>/remove")
def remove(user_id: int):
    owner_required()
    user = get_or_404(StaffUser, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            remove_staff(user, acting=current_user)
        except StaffError as error:
            flash(str(error), "danger")
        else:
            flash(f"{user.name} was removed.", "success")
    return redirect(url_for(".staff"), code=303)
