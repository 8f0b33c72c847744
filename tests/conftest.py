"""Fixtures for the whole suite.

Every test that uses `app` runs once per database: SQLite always, and PostgreSQL too when
`TEST_DATABASE_URL` is set. The schema is built once per database; each test starts from
empty tables, so tests that serve the app on a real port (browser, callbacks) stay isolated.
"""

import os
import re
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.serving import make_server

from reminder_app import create_app
from reminder_app.extensions import db
from tests.factories import DEFAULT_PASSWORD

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = os.environ["TEST_DATABASE_URL"]
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return url


def empty_all_tables() -> None:
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_config(database_url):
    """Settings of the app under test; a test module may override this fixture."""
    return {
        "TESTING": True,
        "SECRET_KEY": "testing-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
    }


@pytest.fixture
def app(app_config):
    from config import TestingConfig

    settings = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    settings.update(app_config)
    app = create_app(settings)
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class FormClient(FlaskClient):
    """A test client that sends the CSRF token with every form, as a browser would.

    `post(..., csrf=False)` leaves it out, to prove that the app refuses such a request.
    """

    def csrf_token(self) -> str:
        page = self.get("/auth/login", follow_redirects=True).get_data(as_text=True)
        match = CSRF_FIELD.search(page)
        assert match, "no page with a CSRF token to read"
        return match.group(1)

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf and "json" not in kwargs:
            data = dict(kwargs.get("data") or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


class BrowserClient(FormClient):
    """A client that is one browser among several: each request runs in an app context of
    its own, as in production, so Flask's `g` (where Flask-Login and Flask-WTF cache the
    user and the CSRF token) and the database session are never shared with another
    client's requests or with the test itself."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def new_browser(app) -> BrowserClient:
    return BrowserClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def client(app):
    app.test_client_class = FormClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD, remember: bool = False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self._client.post("/auth/login", data=data)

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


class LiveServer:
    """A WSGI app served for real on a free local port, in a daemon thread."""

    def __init__(self, wsgi_app):
        self._server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def live_app(app):
    """The app under test on a real port, for the browser and for provider callbacks."""
    server = LiveServer(app)
    app.config["PUBLIC_BASE_URL"] = server.url
    yield server
    server.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium): browser test skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


def pytest_terminal_summary(terminalreporter):
    """Say it plainly when the browser tests did not run (`make test` without Chromium)."""
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if "browser" in getattr(report, "keywords", {})]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} browser tests were SKIPPED: Chromium is not installed at "
            f"{CHROMIUM} (apt-get install chromium).", yellow=True, bold=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, browser):
    """A fresh browser tab; on failure its screenshot is saved under test-artifacts/."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


SANDBOX_TEST_SETTINGS = {
    "SANDBOX_DELIVERY_STEP_SECONDS": 0.01,
    "SANDBOX_TIME_SCALE": 0.0005,
    "SANDBOX_FAULT_TIMEOUT_SECONDS": 4.0,  # longer than the read timeout below
}


@pytest.fixture
def sandbox_settings():
    """Settings of the Clickatell sandbox under test; a test module may override this."""
    return dict(SANDBOX_TEST_SETTINGS)


@pytest.fixture
def sandbox(sandbox_settings):
    """The Clickatell emulator, served for real on a free port; see devtools/sandbox_api.py."""
    from clickatell_sandbox.testing import running_sandbox
    from devtools.sandbox_api import SandboxAPI

    with running_sandbox(sandbox_settings) as server:
        yield SandboxAPI(server.url, server)


@pytest.fixture
def gateway_config(app_config, sandbox):
    """`app_config` pointed at the sandbox; use it as `app_config` in modules that need it."""
    return {
        **app_config,
        "CLICKATELL_CONNECT_URL": f"{sandbox.url}/connect",
        "CLICKATELL_API_URL": sandbox.url,
        "CLICKATELL_PLATFORM_URL": sandbox.url,
        "CLICKATELL_READ_TIMEOUT": 3.0,  # a loaded CI machine can take a second to answer
    }


def pytest_collection_modifyitems(config, items):
    """Browser tests drive pages, not SQL: they run once, on SQLite, to keep CI short."""
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        on_postgres = params.get("database_url") == "postgresql"
        (drop if on_postgres and item.get_closest_marker("browser") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
