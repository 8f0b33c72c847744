"""Signed-in sessions live on the server: signing out, removal and a new password end them."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from config import Config
from reminder_app.extensions import db
from reminder_app.models import StaffSession, StaffUser
from reminder_app.models.types import utcnow
from tests.conftest import BrowserClient, new_browser
from tests.factories import DEFAULT_PASSWORD, make_practice, make_staff


@pytest.fixture
def owner(app):
    return make_practice("Riverside", owner_email="dana@example.com")


def new_client(app) -> BrowserClient:
    return new_browser(app)


def sign_in(client, email, password=DEFAULT_PASSWORD, remember=False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value
            for name in ("session", "remember_token") if client.get_cookie(name)}


def replay(app, saved: dict[str, str]) -> BrowserClient:
    """A fresh browser holding only the given cookies, as an attacker who copied them."""
    other = new_client(app)
    for name, value in saved.items():
        other.set_cookie(name, value)
    return other


def signed_in(client) -> bool:
    return client.get("/settings/practice").status_code == 200


def test_a_removed_staff_members_cookies_never_open_the_next_users_practice(app, owner):
    """The outside review's repro: SQLite reused the removed user's id, and the cookies
    carried only that id."""
    member = make_staff(owner.practice, email="sam@example.com")
    removed_id = member.id
    sam = new_client(app)
    sign_in(sam, "sam@example.com", remember=True)
    saved = cookies(sam)
    assert "remember_token" in saved

    dana = new_client(app)
    sign_in(dana, "dana@example.com")
    assert dana.post(f"/settings/staff/{removed_id}/remove").status_code == 303
    db.session.expire_all()
    assert db.session.get(StaffUser, removed_id) is None

    newcomer = make_practice("Newcomer Clinic", owner_email="nina@example.com")
    assert newcomer.id > removed_id  # never the removed member's id again
    for name, value in saved.items():
        attacker = replay(app, {name: value})
        page = attacker.get("/settings/practice")
        assert page.status_code == 302, name
        assert "Newcomer Clinic" not in page.get_data(as_text=True)


def test_ids_of_deleted_rows_are_never_handed_out_again(app, owner):
    member = make_staff(owner.practice)
    old_id = member.id
    db.session.delete(member)
    db.session.commit()
    assert make_staff(owner.practice).id > old_id


def test_signing_out_ends_the_session_and_the_remember_cookie(app, owner):
    browser = new_client(app)
    sign_in(browser, "dana@example.com", remember=True)
    saved = cookies(browser)
    assert browser.post("/auth/logout").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 0
    assert not signed_in(replay(app, {"session": saved["session"]}))
    assert not signed_in(replay(app, {"remember_token": saved["remember_token"]}))


def test_each_browser_gets_its_own_remember_token(app, owner):
    first, second = new_client(app), new_client(app)
    sign_in(first, "dana@example.com", remember=True)
    sign_in(second, "dana@example.com", remember=True)
    assert cookies(first)["remember_token"] != cookies(second)["remember_token"]
    page = first.get("/auth/sessions").get_data(as_text=True)
    assert page.count("Sign out this browser") == 1 and "This browser" in page


def test_one_browser_can_be_signed_out_from_another(app, owner):
    laptop, phone = new_client(app), new_client(app)
    sign_in(laptop, "dana@example.com")
    sign_in(phone, "dana@example.com", remember=True)
    phone_cookies = cookies(phone)
    phone_session = db.session.scalar(select(StaffSession).where(StaffSession.remember))
    laptop.post(f"/auth/sessions/{phone_session.id}/end")
    assert signed_in(laptop)
    assert not signed_in(replay(app, phone_cookies))


def test_nobody_can_end_another_persons_session(app, owner):
    make_staff(owner.practice, email="sam@example.com")
    sam, dana = new_client(app), new_client(app)
    sign_in(sam, "sam@example.com")
    sign_in(dana, "dana@example.com")
    sams = db.session.scalar(select(StaffSession).join(StaffUser).where(
        StaffUser.email == "sam@example.com"))
    dana.post(f"/auth/sessions/{sams.id}/end")
    assert signed_in(sam)


def test_sign_out_everywhere_else_keeps_only_this_browser(app, owner):
    here, there, elsewhere = new_client(app), new_client(app), new_client(app)
    for browser in (here, there, elsewhere):
        sign_in(browser, "dana@example.com", remember=True)
    saved = [cookies(there), cookies(elsewhere)]
    response = here.post("/auth/sessions", follow_redirects=True)
    assert "Signed out of 2 other browsers" in response.get_data(as_text=True)
    assert signed_in(here)
    for jar in saved:
        assert not signed_in(replay(app, jar))


def test_a_new_password_signs_out_the_other_browsers(app, owner):
    here, there = new_client(app), new_client(app)
    sign_in(here, "dana@example.com")
    sign_in(there, "dana@example.com", remember=True)
    response = here.post("/auth/password", data={
        "current": DEFAULT_PASSWORD, "new": "a-new-long-one-9", "confirm": "a-new-long-one-9"},
        follow_redirects=True)
    assert "Your password is changed; 1 other browser was signed out." in \
        response.get_data(as_text=True)
    assert signed_in(here) and not signed_in(there)
    db.session.expire_all()
    assert db.session.get(StaffUser, owner.id).check_password("a-new-long-one-9")


def test_a_wrong_current_password_changes_nothing(app, owner):
    here = new_client(app)
    sign_in(here, "dana@example.com")
    page = here.post("/auth/password", data={
        "current": "not-it", "new": "a-new-long-one-9", "confirm": "a-new-long-one-9"})
    assert "Your current password is not right." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StaffUser, owner.id).check_password(DEFAULT_PASSWORD)


def test_a_session_idle_too_long_is_signed_out(app, owner):
    browser = new_client(app)
    sign_in(browser, "dana@example.com")
    session = db.session.scalar(select(StaffSession))
    session.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    assert not signed_in(browser)
    assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 0


def test_a_remembered_session_ends_on_its_date_whatever_the_cookie_says(app, owner):
    browser = new_client(app)
    sign_in(browser, "dana@example.com", remember=True)
    cookie = browser.get_cookie("remember_token")
    assert cookie.expires - utcnow() <= timedelta(days=app.config["REMEMBER_DAYS"], minutes=1)
    session = db.session.scalar(select(StaffSession))
    session.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert not signed_in(replay(app, {"remember_token": cookie.value}))


def test_use_keeps_a_session_alive_and_records_when(app, owner):
    browser = new_client(app)
    sign_in(browser, "dana@example.com")
    session = db.session.scalar(select(StaffSession))
    session.last_seen_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert signed_in(browser)
    db.session.expire_all()
    assert utcnow() - db.session.scalar(select(StaffSession)).last_seen_at < timedelta(minutes=1)


def test_the_inactivity_sign_out_is_15_minutes_unless_configured(app, owner):
    """HIPAA's automatic log-off: 15 minutes by default, and configurable."""
    assert Config.SESSION_IDLE_MINUTES == 15
    app.config["SESSION_IDLE_MINUTES"] = 30
    browser = new_client(app)
    sign_in(browser, "dana@example.com")
    session = db.session.scalar(select(StaffSession))
    session.last_seen_at = utcnow() - timedelta(minutes=20)
    db.session.commit()
    assert signed_in(browser)  # 20 minutes idle: over the default, within the 30 set
    session = db.session.scalar(select(StaffSession))
    session.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    assert not signed_in(browser)


def test_an_idle_limit_of_zero_turns_the_inactivity_sign_out_off(app, owner):
    app.config["SESSION_IDLE_MINUTES"] = 0
    browser = new_client(app)
    sign_in(browser, "dana@example.com")
    session = db.session.scalar(select(StaffSession))
    session.last_seen_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    assert signed_in(browser)


def test_the_page_is_told_when_the_idle_sign_out_comes(app, owner):
    """The warning before the sign-out (static/js/idle.js) reads the limit from the page."""
    app.config["SESSION_IDLE_MINUTES"] = 25
    browser = new_client(app)
    sign_in(browser, "dana@example.com")
    page = browser.get("/settings/practice").get_data(as_text=True)
    assert 'data-idle-seconds="1500"' in page


def test_keep_me_signed_in_lasts_two_weeks_by_default_not_a_year(app, owner):
    """Finding 7: the remember cookie lasted 365 days."""
    assert Config.REMEMBER_DAYS == 14
    browser = new_client(app)
    sign_in(browser, "dana@example.com", remember=True)
    cookie = browser.get_cookie("remember_token")
    assert cookie.expires - utcnow() <= timedelta(days=14, minutes=1)
    assert db.session.scalar(select(StaffSession.expires_at)) - utcnow() <= timedelta(
        days=14, minutes=1)
