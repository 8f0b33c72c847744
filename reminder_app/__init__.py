"""reminder-app: appointment reminders for doctors' offices, on Clickatell.

`create_app` tells the whole start-up story: settings, logging, request size limits,
extensions, blueprints, template helpers, error pages, security headers, command-line commands.
"""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, apply_database_options

from .extensions import bootstrap, csrf, db, login_manager, migrate


def create_app(config: str | type | dict | None = None) -> Flask:
    """Build the app from a config name ('development', 'testing', 'production'), a class or
    a dict of overrides on top of development settings."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, config)
    trust_proxies(app)
    configure_logging(app)
    register_request_limits(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    register_send_policy(app)
    register_reactions(app)
    return app


def configure(app: Flask, config) -> None:
    if config is None:
        config = os.environ.get("REMINDER_APP_CONFIG", "development")
    if isinstance(config, str):
        config = CONFIGS[config]
    if isinstance(config, dict):
        app.config.from_object(CONFIGS["development"])
        app.config.update(config)
    else:
        app.config.from_object(config)
        if hasattr(config, "check"):
            config.check(app)
    apply_database_options(app.config)
    os.makedirs(app.instance_path, exist_ok=True)


def trust_proxies(app: Flask) -> None:
    """Read the client's address from X-Forwarded-For only when a deployment says how many
    proxies stand in front of it; otherwise anyone could claim any address (and dodge, or
    aim, the sign-in throttle)."""
    count = app.config.get("PROXY_COUNT", 0)
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def configure_logging(app: Flask) -> None:
    from .logs import init_app

    init_app(app)


def register_request_limits(app: Flask) -> None:
    from .limits import init_app

    init_app(app)


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (registers the tables)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    register_csrf_rotation(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from .audit import init_app as init_audit
    from .auth.sessions import init_app as init_sessions
    from .auth.two_factor import init_app as init_two_factor
    from .permissions import init_app as init_permissions

    init_sessions(app)
    init_two_factor(app)
    init_permissions(app)
    init_audit(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine)


def register_csrf_rotation(app: Flask) -> None:
    from .csrf_tokens import init_app

    init_app(app)


def configure_sqlite(engine) -> None:
    """WAL and a busy timeout let the web app and the worker share one SQLite file."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from .api.views import bp as api_bp
    from .appointments.views import bp as appointments_bp
    from .audit.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .calendars.views import bp as calendars_bp
    from .dashboard.views import bp as dashboard_bp
    from .health import bp as health_bp
    from .inbound.views import bp as conversations_bp
    from .inbound.webhooks import bp as webhooks_bp
    from .metrics import bp as metrics_bp
    from .onboarding.connect_existing_views import bp as connect_existing_bp
    from .onboarding.views import bp as onboarding_bp
    from .patients.views import bp as patients_bp
    from .reminders.views import bp as reminders_bp
    from .running_late.views import bp as running_late_bp
    from .settings.views import bp as settings_bp
    from .waitlist.views import bp as waitlist_bp

    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # token-authenticated, never cookie-authenticated
    app.register_blueprint(appointments_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(calendars_bp)
    app.register_blueprint(conversations_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(onboarding_bp)
    app.register_blueprint(connect_existing_bp)
    app.register_blueprint(patients_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(waitlist_bp)
    app.register_blueprint(running_late_bp)


def register_template_helpers(app: Flask) -> None:
    from .template_helpers import init_app

    init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from .errors import init_app

    init_app(app)


def register_security_headers(app: Flask) -> None:
    from .security import init_app

    init_app(app)


def register_send_policy(app: Flask) -> None:
    """What reminders, offers and running-late texts must satisfy to leave, given to the
    outbox (which cannot import the packages above it)."""
    from .reminders.policy import init_app
    from .running_late import init_app as init_running_late

    init_app(app)
    init_running_late(app)


def register_reactions(app: Flask) -> None:
    """What the waitlist does when an appointment is booked, moved or cancelled, connected to
    the appointments' signals (appointments cannot import the waitlist above them); what the
    inbound package does when Clickatell says a patient opted out (the outbox's signal)."""
    from .inbound.opt_outs import init_app as init_opt_outs
    from .waitlist.offers import init_app

    init_app(app)
    init_opt_outs(app)


def register_commands(app: Flask) -> None:
    from .cli import init_app

    init_app(app)
