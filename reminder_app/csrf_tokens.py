"""CSRF tokens end: each lasts `WTF_CSRF_TIME_LIMIT` (8 hours, a working day), and signing in
or out starts a new one, so a token read before sign-in (by someone at the same computer, or
planted in a page) is worth nothing afterwards.

Flask-WTF keeps the secret a token is made from in the session (and the signed token in `g`
for the rest of the request); forgetting both makes the next form get a fresh one.
"""

from flask import Flask, g, session
from flask_login import user_logged_in, user_logged_out


def forget_csrf_secret(app: Flask, **_) -> None:
    name = app.config["WTF_CSRF_FIELD_NAME"]
    session.pop(name, None)
    g.pop(name, None)


def init_app(app: Flask) -> None:
    user_logged_in.connect(forget_csrf_secret, app)
    user_logged_out.connect(forget_csrf_secret, app)
