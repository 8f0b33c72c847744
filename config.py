"""Settings for each environment. Every value can come from the environment or a `.env` file.

The provider URLs default to the embedded sandbox (`clickatell_sandbox/`), so a new developer
gets a working product with no Clickatell account; pointing at the real service is a matter of
setting `CLICKATELL_CONNECT_URL`, `CLICKATELL_API_URL` and `CLICKATELL_CONNECT_TOKEN` (legacy
Central), and `CLICKATELL_PLATFORM_URL` (the Platform's One API).
"""

import os
from datetime import timedelta
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
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
    #: Behind PgBouncer in transaction pooling, a server connection changes hands between
    #: transactions, so psycopg must not prepare statements (`prepare_threshold=None`).
    #: Claims (FOR UPDATE SKIP LOCKED) need nothing else: each is one transaction.
    PGBOUNCER_TRANSACTION_POOLING = env_bool("PGBOUNCER_TRANSACTION_POOLING", False)

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
    #: Fernet keys for the secrets stored encrypted, comma-separated, newest first: the first
    #: encrypts, any of them decrypts (rotation: add a new key in front, run
    #: `flask rotate-field-keys`, then drop the old one). Unset in development: derived
    #: from SECRET_KEY. Production refuses to start without it.
    FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")

    #: How many web processes serve the app (gunicorn reads the same variable), and how many
    #: workers (`flask worker`) run: production refuses SQLite when either is more than one.
    WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 1)
    WORKER_PROCESSES = env_int("WORKER_PROCESSES", 1)

    CLICKATELL_CONNECT_URL = env("CLICKATELL_CONNECT_URL", "http://127.0.0.1:5001/connect")
    CLICKATELL_API_URL = env("CLICKATELL_API_URL", "http://127.0.0.1:5001")
    CLICKATELL_CONNECT_TOKEN = env("CLICKATELL_CONNECT_TOKEN", SANDBOX_CONNECT_TOKEN)
    #: The Platform's One API, for accounts connected with an SMS setup's API key; the real
    #: one is https://platform.clickatell.com.
    CLICKATELL_PLATFORM_URL = env("CLICKATELL_PLATFORM_URL", "http://127.0.0.1:5001")
    CLICKATELL_CONNECT_TIMEOUT = env_float("CLICKATELL_CONNECT_TIMEOUT", 3.05)
    CLICKATELL_READ_TIMEOUT = env_float("CLICKATELL_READ_TIMEOUT", 10.0)
    #: A whole call, retries included, however slowly the answer's bytes trickle in.
    CLICKATELL_TOTAL_TIMEOUT = env_float("CLICKATELL_TOTAL_TIMEOUT", 15.0)

    #: `flask seed-demo` and the other development commands (devtools/), when installed.
    DEVELOPMENT_TOOLS = True

    #: `flask purge-old-texts` removes bodies and patients' numbers from older texts.
    RETENTION_DAYS = env_int("RETENTION_DAYS", 365)

    #: `json`: one JSON object per log line, with the request id (reminder_app/json_logs.py).
    LOG_FORMAT = env("LOG_FORMAT", "text")
    LOG_LEVEL = env("LOG_LEVEL", "INFO")

    #: Bearer token Prometheus sends to /metrics; unset, /metrics does not exist (404).
    METRICS_TOKEN = env("METRICS_TOKEN")

    # The worker process (`flask worker`, reminder_app/worker.py) runs the scheduled jobs.
    WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10)
    #: The dashboard warns that reminders are not being sent after this long without a worker.
    WORKER_STALE_MINUTES = env_int("WORKER_STALE_MINUTES", 3)
    ONBOARDING_CHECK_SECONDS = env_int("ONBOARDING_CHECK_SECONDS", 60)

    # The dispatcher (reminder_app/outbox/dispatcher.py)
    DISPATCH_INTERVAL_SECONDS = env_int("DISPATCH_INTERVAL_SECONDS", 15)
    #: Reminders due within this many seconds are rendered, checked and queued already, to
    #: leave at their minute: at the hour's turn a practice group's senders only send.
    QUEUE_AHEAD_SECONDS = env_float("QUEUE_AHEAD_SECONDS", 30)
    #: How often the next wave of waitlist offers is looked for (holds last minutes).
    WAITLIST_CHECK_SECONDS = env_int("WAITLIST_CHECK_SECONDS", 30)
    #: How often recalls whose next text is due are looked for (they are due by the day).
    RECALL_CHECK_SECONDS = env_int("RECALL_CHECK_SECONDS", 300)
    OUTBOX_RATE_PER_SECOND = env_float("OUTBOX_RATE_PER_SECOND", 1.0)  # per long number; 0 = off
    OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 6)
    OUTBOX_RETRY_BASE_SECONDS = env_float("OUTBOX_RETRY_BASE_SECONDS", 30)
    OUTBOX_RETRY_MAX_SECONDS = env_float("OUTBOX_RETRY_MAX_SECONDS", 3600)
    OUTBOX_LEASE_SECONDS = env_float("OUTBOX_LEASE_SECONDS", 120)
    OUTBOX_CONCURRENCY = env_int("OUTBOX_CONCURRENCY", 4)
    OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 20)
    #: With the rate limit on, a claim takes what each number can send within this many
    #: seconds, its slots reserved (reminder_app/outbox/pacing.py).
    OUTBOX_CLAIM_AHEAD_SECONDS = env_float("OUTBOX_CLAIM_AHEAD_SECONDS", 2)
    #: After a send to the Platform that got no answer, how long the text waits for the
    #: status callback (which carries our id) before it may be sent again: the One API
    #: cannot be asked about a message by our id.
    OUTBOX_CALLBACK_WAIT_SECONDS = env_float("OUTBOX_CALLBACK_WAIT_SECONDS", 600)
    #: The automatic answer to a reply leaves as soon as the webhook has answered, from the
    #: web process, through the outbox (reminder_app/outbox/at_once.py).
    ANSWERS_AT_ONCE = env_bool("ANSWERS_AT_ONCE", True)


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = env("TEST_DATABASE_URL", "sqlite://")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing for tests only
    OUTBOX_RATE_PER_SECOND = 0.0  # tests that need the limit switch it on
    OUTBOX_CONCURRENCY = 1  # tests that need several senders ask for them
    QUEUE_AHEAD_SECONDS = 0.0  # a test's "due" is exact; tests of queueing ahead set it
    ANSWERS_AT_ONCE = False  # tests of it switch it on; the others send with a pass


class ProductionConfig(Config):
    DEVELOPMENT_TOOLS = False  # no `flask seed-demo` (devtools/) on a real practice's data
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    #: Browsers then refuse plain HTTP to this host for a year (not its subdomains: the
    #: app often lives on one of a practice group's hosts).
    HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)

    @classmethod
    def check(cls, app) -> None:
        """Refuse to serve real practices with a setting that would hurt them."""
        problems = production_problems(app.config)
        if problems:
            raise ConfigurationError(
                "The production configuration is refused:\n"
                + "\n".join(f"- {problem}" for problem in problems))


def apply_database_options(config) -> None:
    """Engine options that follow from other settings (called by the app factory)."""
    if config.get("PGBOUNCER_TRANSACTION_POOLING") and (
            config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("postgresql"):
        options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {**options.get("connect_args", {}), "prepare_threshold": None}
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options


class ConfigurationError(RuntimeError):
    """A setting production must not start with; the message has one line per problem."""


LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_local(url: str) -> bool:
    """A URL on this machine (the development sandbox's home), by name or address."""
    host = (urlsplit(url).hostname or "").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def field_keys(value: str | None) -> list[str]:
    return [key.strip() for key in (value or "").split(",") if key.strip()]


def production_problems(config) -> list[str]:
    """Every mistake that must stop production from starting, one plain sentence each."""
    problems = []
    key = config.get("SECRET_KEY")
    if not key or key == DEVELOPMENT_SECRET_KEY or len(key) < 24:
        problems.append(
            "SECRET_KEY must be set to a long random value in production "
            "(python -c 'import secrets; print(secrets.token_hex(32))').")
    for name in ("CLICKATELL_CONNECT_URL", "CLICKATELL_API_URL"):
        if not urlsplit(config.get(name) or "").hostname:
            problems.append(f"{name} must be set to Clickatell's address.")
        elif is_local(config.get(name)):
            problems.append(f"{name} points at the local sandbox ({config.get(name)}); "
                            "set Clickatell's real address.")
    token = config.get("CLICKATELL_CONNECT_TOKEN")
    if not token or token == SANDBOX_CONNECT_TOKEN:
        problems.append("CLICKATELL_CONNECT_TOKEN is the sandbox's development token; set the "
                        "Connect token Clickatell gave you.")
    base = config.get("PUBLIC_BASE_URL") or ""
    if urlsplit(base).scheme != "https" or not urlsplit(base).hostname:
        problems.append(f"PUBLIC_BASE_URL must be the app's https:// address (it is {base!r}): "
                        "Clickatell posts replies there and links in texts point there.")
    keys = field_keys(config.get("FIELD_ENCRYPTION_KEY"))
    if not keys:
        problems.append(
            "FIELD_ENCRYPTION_KEY must be set, apart from SECRET_KEY "
            "(python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())').")
    for n, field_key in enumerate(keys, 1):
        try:
            Fernet(field_key)
        except ValueError:
            problems.append(f"FIELD_ENCRYPTION_KEY: key {n} is not a Fernet key "
                            "(32 url-safe base64-encoded bytes).")
    if (config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("sqlite") and (
            config.get("WEB_CONCURRENCY", 1) > 1 or config.get("WORKER_PROCESSES", 1) > 1):
        problems.append(
            "SQLite serves one web process and one worker on one machine; with "
            f"WEB_CONCURRENCY={config.get('WEB_CONCURRENCY')} and "
            f"WORKER_PROCESSES={config.get('WORKER_PROCESSES')}, use PostgreSQL (DATABASE_URL).")
    return problems


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
