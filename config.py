"""Settings for each environment. Every value can come from the environment or a `.env` file.

The provider URLs default to the embedded sandbox (`clickatell_sandbox/`), so a new developer
gets a working product with no Clickatell account; pointing at the real service is a matter of
setting `CLICKATELL_CONNECT_URL`, `CLICKATELL_API_URL` and `CLICKATELL_CONNECT_TOKEN`.
"""

import os
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")

DEVELOPMENT_SECRET_KEY = "dev-only-secret-key-change-me"
SANDBOX_CONNECT_TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00"


def env(name: str, default=None):
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = env("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = env(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'reminder.db'}"
    )
    #: hide_parameters: an error (or SQL echo) never prints the values, which can be a
    #: patient's text or a secret (reminder_app/logs.py).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    # Signed-in sessions (reminder_app/auth/sessions.py): each ends on the server as well.
    SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
    SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 15)  # 0 = no idle sign-out
    REMEMBER_DAYS = env_int("REMEMBER_DAYS", 14)
    REMEMBER_COOKIE_DURATION = timedelta(days=REMEMBER_DAYS)


    #: Largest request body, in bytes; the CSV import and the webhooks have caps of their
    #: own (reminder_app/limits.py).
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 256 * 1024)

    #: Strict-Transport-Security max-age in seconds; 0 sends none (production turns it on).
    HSTS_SECONDS = 0

    #: A form's CSRF token lasts a working day (and a new one starts at sign-in and out).
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    BOOTSTRAP_SERVE_LOCAL = True

    # Sign-in throttling (reminder_app/auth/service.py), all within one window:
    LOGIN_WINDOW_MINUTES = env_int("LOGIN_WINDOW_MINUTES", 15)
    LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)  # one account from one address
    LOGIN_MAX_ADDRESS_FAILURES = env_int("LOGIN_MAX_ADDRESS_FAILURES", 20)  # any accounts
    LOGIN_MAX_ACCOUNT_FAILURES = env_int("LOGIN_MAX_ACCOUNT_FAILURES", 10)  # unknown browsers
    #: How many reverse proxies in front of the app set X-Forwarded-For (0: trust none).
    PROXY_COUNT = env_int("PROXY_COUNT", 0)

    # The callback secret (reminder_app/settings/callbacks.py, inbound/answer_policy.py):
    #: how long the old secret still works after an owner replaces it.
    CALLBACK_SECRET_OVERLAP_HOURS = env_int("CALLBACK_SECRET_OVERLAP_HOURS", 24)
    #: Automatic answers to a number that is no patient's, in a window of so many hours.
    UNKNOWN_NUMBER_ANSWERS = env_int("UNKNOWN_NUMBER_ANSWERS", 3)
    UNKNOWN_NUMBER_ANSWER_HOURS = env_int("UNKNOWN_NUMBER_ANSWER_HOURS", 24)

    PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")

    CLICKATELL_CONNECT_URL = env("CLICKATELL_CONNECT_URL", "http://127.0.0.1:5001/connect")
    CLICKATELL_API_URL = env("CLICKATELL_API_URL", "http://127.0.0.1:5001")
    CLICKATELL_CONNECT_TOKEN = env("CLICKATELL_CONNECT_TOKEN", SANDBOX_CONNECT_TOKEN)
    CLICKATELL_CONNECT_TIMEOUT = env_float("CLICKATELL_CONNECT_TIMEOUT", 3.05)
    CLICKATELL_READ_TIMEOUT = env_float("CLICKATELL_READ_TIMEOUT", 10.0)
    #: A whole call, retries included, however slowly the answer's bytes trickle in.
    CLICKATELL_TOTAL_TIMEOUT = env_float("CLICKATELL_TOTAL_TIMEOUT", 15.0)

    SCHEDULER_ENABLED = env_bool("SCHEDULER_ENABLED", False)
    ONBOARDING_CHECK_SECONDS = env_int("ONBOARDING_CHECK_SECONDS", 60)

    # The dispatcher (reminder_app/outbox/dispatcher.py)
    DISPATCH_INTERVAL_SECONDS = env_int("DISPATCH_INTERVAL_SECONDS", 15)
    #: How often the next wave of waitlist offers is looked for (holds last minutes).
    WAITLIST_CHECK_SECONDS = env_int("WAITLIST_CHECK_SECONDS", 30)
    OUTBOX_RATE_PER_SECOND = env_float("OUTBOX_RATE_PER_SECOND", 1.0)  # per long number; 0 = off
    OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 6)
    OUTBOX_RETRY_BASE_SECONDS = env_float("OUTBOX_RETRY_BASE_SECONDS", 30)
    OUTBOX_RETRY_MAX_SECONDS = env_float("OUTBOX_RETRY_MAX_SECONDS", 3600)
    OUTBOX_LEASE_SECONDS = env_float("OUTBOX_LEASE_SECONDS", 120)
    OUTBOX_CONCURRENCY = env_int("OUTBOX_CONCURRENCY", 4)
    OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 20)


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = env("TEST_DATABASE_URL", "sqlite://")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing for tests only
    SCHEDULER_ENABLED = False
    OUTBOX_RATE_PER_SECOND = 0.0  # tests that need the limit switch it on
    OUTBOX_CONCURRENCY = 1  # tests that need several senders ask for them


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    #: Browsers then refuse plain HTTP to this host for a year (not its subdomains: the
    #: app often lives on one of a practice group's hosts).
    HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)

    @classmethod
    def check(cls, app) -> None:
        """Refuse to serve real practices with a guessable key."""
        key = app.config.get("SECRET_KEY")
        if not key or key == DEVELOPMENT_SECRET_KEY or len(key) < 24:
            raise RuntimeError(
                "SECRET_KEY must be set to a long random value in production "
                "(python -c 'import secrets; print(secrets.token_hex(32))')."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
