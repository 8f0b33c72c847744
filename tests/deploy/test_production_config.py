"""Production refuses to start with a setting that would hurt a practice, one line each."""

import pytest
from cryptography.fernet import Fernet

from config import ConfigurationError, ProductionConfig, production_problems
from reminder_app import create_app

GOOD = {
    "SECRET_KEY": "k" * 64,
    "CLICKATELL_CONNECT_URL": "https://connect.clickatell.com",
    "CLICKATELL_API_URL": "https://api.clickatell.com",
    "CLICKATELL_CONNECT_TOKEN": "a-token-clickatell-gave-us",
    "PUBLIC_BASE_URL": "https://reminders.riverside.example",
    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://app@db.internal/reminders",
    "WEB_CONCURRENCY": 4,
    "WORKER_PROCESSES": 2,
}


@pytest.fixture
def production(monkeypatch):
    """ProductionConfig with every setting right; a test then gets one wrong."""
    for name, value in GOOD.items():
        monkeypatch.setattr(ProductionConfig, name, value)
    return ProductionConfig


def test_a_right_configuration_starts_with_secure_cookies_and_hsts(production):
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["HSTS_SECONDS"] >= 180 * 24 * 3600


@pytest.mark.parametrize("name, value, says", [
    ("SECRET_KEY", "dev-only-secret-key-change-me", "SECRET_KEY must be set"),
    ("SECRET_KEY", "", "SECRET_KEY must be set"),
    ("CLICKATELL_API_URL", "http://127.0.0.1:5001", "CLICKATELL_API_URL points at the local"),
    ("CLICKATELL_CONNECT_URL", "http://localhost:5001/connect",
     "CLICKATELL_CONNECT_URL points at the local"),
    ("CLICKATELL_API_URL", "http://[::1]:5001", "CLICKATELL_API_URL points at the local"),
    ("CLICKATELL_CONNECT_TOKEN", "c0ffee00c0ffee00c0ffee00c0ffee00", "development token"),
    ("PUBLIC_BASE_URL", "http://reminders.riverside.example", "PUBLIC_BASE_URL must be"),
    ("PUBLIC_BASE_URL", "reminders.riverside.example", "PUBLIC_BASE_URL must be"),
    ("FIELD_ENCRYPTION_KEY", None, "FIELD_ENCRYPTION_KEY must be set"),
    ("FIELD_ENCRYPTION_KEY", "not-a-key", "key 1 is not a Fernet key"),
    ("SQLALCHEMY_DATABASE_URI", "sqlite:////srv/reminders.db", "use PostgreSQL"),
])
def test_each_mistake_is_refused_with_one_clear_line(production, monkeypatch, name, value, says):
    monkeypatch.setattr(ProductionConfig, name, value)
    with pytest.raises(ConfigurationError) as refused:
        create_app("production")
    (line,) = [line for line in str(refused.value).splitlines() if line.startswith("- ")]
    assert says in line


def test_sqlite_is_allowed_for_one_web_process_and_one_worker():
    single = {**GOOD, "SQLALCHEMY_DATABASE_URI": "sqlite:////srv/reminders.db",
              "WEB_CONCURRENCY": 1, "WORKER_PROCESSES": 1}
    assert production_problems(single) == []
    assert len(production_problems({**single, "WEB_CONCURRENCY": 2})) == 1
    assert len(production_problems({**single, "WORKER_PROCESSES": 2})) == 1


def test_every_mistake_is_listed_at_once():
    problems = production_problems({"SQLALCHEMY_DATABASE_URI": "postgresql://x/y"})
    assert len(problems) == 6  # key, two URLs, token, base URL, field key


def test_the_refusal_reaches_the_operator_as_plain_lines(production, monkeypatch):
    monkeypatch.setattr(ProductionConfig, "PUBLIC_BASE_URL", "http://x.example")
    monkeypatch.setattr(ProductionConfig, "FIELD_ENCRYPTION_KEY", None)
    with pytest.raises(ConfigurationError) as refused:
        create_app("production")
    assert str(refused.value).splitlines() == [
        "The production configuration is refused:",
        "- PUBLIC_BASE_URL must be the app's https:// address (it is 'http://x.example'): "
        "Clickatell posts replies there and links in texts point there.",
        "- FIELD_ENCRYPTION_KEY must be set, apart from SECRET_KEY (python -c 'from "
        "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())').",
    ]


def test_production_has_no_demo_command_and_development_has(production, database_url):
    assert "seed-demo" not in create_app("production").cli.commands
    development = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    assert "seed-demo" in development.cli.commands
