from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..forms import strip


class LoginForm(FlaskForm):
    email = EmailField("E-mail", filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])
    remember = BooleanField("Keep me signed in on this computer")
    submit = SubmitField("Sign in")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=128)])
    new = PasswordField("New password", validators=[
        DataRequired(), Length(min=8, max=128, message="Use 8 to 128 characters.")])
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("new", message="The two new passwords differ.")])
    submit = SubmitField("Change password")


class SignOutOthersForm(FlaskForm):
    """A button with its CSRF token."""

    submit = SubmitField("Sign out")


class CodeForm(FlaskForm):
    code = StringField("Code from your authenticator app, or a recovery code", filters=[strip],
                       validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField("Continue")


class TurnOffTwoFactorForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=128)])
    submit = SubmitField("Turn two-factor sign-in off")
