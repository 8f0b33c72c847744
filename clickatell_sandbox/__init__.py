"""clickatell_sandbox: a local emulator of Clickatell's Connect API (XML), messaging HTTP API,
the Platform's One API, their callbacks and the patients' phones. Run it with
`flask --app clickatell_sandbox run --port 5001`.
"""

from __future__ import annotations

import os

from flask import Flask, render_template

from . import config, csrf, faults
from .config import Settings
from .runtime import Sandbox, close_db
from .storage import Store

__all__ = ["create_app"]


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    config.load(app.config, test_config)
    register_sandbox(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    app.extensions["sandbox"].start()
    return app


def register_sandbox(app: Flask) -> None:
    url = app.config["SANDBOX_DATABASE_URL"]
    if not url:
        os.makedirs(app.instance_path, exist_ok=True)
        url = f"sqlite:///{os.path.join(app.instance_path, 'sandbox.db')}"
    app.extensions["sandbox"] = Sandbox(Settings.from_config(app.config), Store(url))


def register_blueprints(app: Flask) -> None:
    from . import connect, messaging, pages, testapi, twoway
    from .platform import views as platform

    app.register_blueprint(connect.bp)
    app.register_blueprint(messaging.bp)
    app.register_blueprint(platform.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(twoway.bp)
    app.register_blueprint(testapi.bp)


def register_request_hooks(app: Flask) -> None:
    from .connect.views import internal_error as connect_error
    from .messaging.views import internal_error as messaging_error
    from .platform.views import internal_error as platform_error

    app.teardown_appcontext(close_db)
    csrf.init_app(app, protected_blueprints={"pages", "twoway"})
    faults.init_app(
        app,
        app.extensions["sandbox"].faults,
        error_answers={
            "connect": connect_error,
            "messaging": messaging_error,
            "platform": platform_error,
        },
    )


def register_errorhandlers(app: Flask) -> None:
    def page_error(error):
        return render_template("error.html", error=error), error.code

    for code in (400, 403, 404, 405, 500):
        app.register_error_handler(code, page_error)
