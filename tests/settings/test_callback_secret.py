"""Finding 6 (issue 20): an owner replaces the callback secret; the old one works for an
overlap, then is refused; what the app configures at Clickatell follows the new one."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import AuditEntry, ClickatellAccount, Role
from reminder_app.models.types import utcnow
from tests.conftest import new_browser
from tests.factories import (
    DEFAULT_PASSWORD,
    make_clickatell_account,
    make_practice,
    make_staff,
)

DELIVERY_REPORT = {"api_id": "3500001", "apiMsgId": "a" * 32, "cliMsgId": "c1",
                   "timestamp": "1764000000", "to": "12015550123", "from": "12015550199",
                   "status": "004", "charge": "0.3"}


@pytest.fixture
def owner(app):
    owner = make_practice("Riverside", owner_email="dana@example.com")
    make_clickatell_account(owner.practice)
    return owner


def signed_in(app, email="dana@example.com"):
    browser = new_browser(app)
    browser.post("/auth/login", data={"email": email, "password": DEFAULT_PASSWORD})
    return browser


def account_of(owner) -> ClickatellAccount:
    db.session.expire_all()
    return owner.practice.clickatell_account


def report(client, secret: str):
    """A delivery report to the addresses with this secret (unknown message: still 200)."""
    return client.post(f"/webhooks/clickatell/{secret}/status", data=DELIVERY_REPORT,
                       csrf=False)


def test_an_owner_replaces_the_secret_and_both_work_during_the_overlap(app, client, owner):
    old = account_of(owner).callback_secret
    browser = signed_in(app)
    response = browser.post("/settings/clickatell/callback-secret", data={})
    assert response.status_code == 303
    account = account_of(owner)
    new = account.callback_secret
    assert new != old and account.previous_callback_secret == old
    overlap = timedelta(hours=app.config["CALLBACK_SECRET_OVERLAP_HOURS"])
    assert abs(account.previous_secret_until - (utcnow() + overlap)) < timedelta(minutes=1)
    assert report(client, old).status_code == 200
    assert report(client, new).status_code == 200


def test_after_the_overlap_the_old_secret_is_refused(app, client, owner):
    old = account_of(owner).callback_secret
    signed_in(app).post("/settings/clickatell/callback-secret", data={})
    account = account_of(owner)
    account.previous_secret_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert report(client, old).status_code == 403
    assert report(client, account.callback_secret).status_code == 200


def test_the_overlap_is_configurable(app, client, owner):
    app.config["CALLBACK_SECRET_OVERLAP_HOURS"] = 2
    signed_in(app).post("/settings/clickatell/callback-secret", data={})
    until = account_of(owner).previous_secret_until
    assert timedelta(hours=1, minutes=59) < until - utcnow() <= timedelta(hours=2)


def test_replacing_again_ends_the_oldest_secret_at_once(app, client, owner):
    first = account_of(owner).callback_secret
    browser = signed_in(app)
    browser.post("/settings/clickatell/callback-secret", data={})
    second = account_of(owner).callback_secret
    browser.post("/settings/clickatell/callback-secret", data={})
    assert report(client, first).status_code == 403
    assert report(client, second).status_code == 200


def test_the_page_shows_the_new_addresses_and_until_when_the_old_ones_work(app, owner):
    owner.practice.timezone = "America/New_York"
    db.session.commit()
    browser = signed_in(app)
    page = browser.get("/settings/clickatell").get_data(as_text=True)
    assert 'id="old-secret-until"' not in page
    browser.post("/settings/clickatell/callback-secret", data={})
    account = account_of(owner)
    page = browser.get("/settings/clickatell").get_data(as_text=True)
    assert f"/webhooks/clickatell/{account.callback_secret}/status" in page
    assert account.previous_callback_secret not in page
    local = account.previous_secret_until.astimezone(owner.practice.zone)
    assert f"keep working until {local:%d %b %Y %H:%M}" in " ".join(page.split())


@pytest.mark.parametrize("role", [Role.STAFF, Role.READ_ONLY])
def test_only_owners_replace_the_secret(app, owner, role):
    make_staff(owner.practice, email="sam@example.com", role=role)
    old = account_of(owner).callback_secret
    response = signed_in(app, "sam@example.com").post("/settings/clickatell/callback-secret",
                                                       data={})
    assert response.status_code == 403
    assert account_of(owner).callback_secret == old


def test_replacing_the_secret_is_in_the_audit_trail(app, owner):
    signed_in(app).post("/settings/clickatell/callback-secret", data={})
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "Replaced the Clickatell callback secret" in actions


def test_a_replace_without_its_csrf_token_changes_nothing(app, owner):
    old = account_of(owner).callback_secret
    browser = signed_in(app)
    browser.post("/settings/clickatell/callback-secret", data={}, csrf=False)
    assert account_of(owner).callback_secret == old
