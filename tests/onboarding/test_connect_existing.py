""""I already have a Clickatell account", against the sandbox's Platform: a practice signs up
with the API key and number of its SMS setup, or an owner connects or replaces them; the key
is checked at once, refusals are in plain words, the key is stored encrypted and never shown
or logged, and the checklist shows only the steps of a Platform account."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from reminder_app.extensions import db
from reminder_app.models import (
    ClickatellAccount,
    Generation,
    LoginAttempt,
    Practice,
    ReminderRule,
    Role,
    StaffUser,
)
from reminder_app.models.reminders import JOURNEY_KINDS, RuleKind
from reminder_app.outbox.delivery import apply_delivery_report
from tests.factories import (
    DEFAULT_PASSWORD,
    make_platform_practice,
    make_practice,
    make_ready_practice,
    make_staff,
)

from .conftest import OWNER_MOBILE

NUMBER = "+12015550777"
SIGN_UP = {
    "practice_name": "Lakeside Clinic", "address": "1 Lake Road, Hoboken, NJ", "country": "US",
    "timezone": "America/New_York", "phone": "(201) 555-0100", "first_name": "Lee",
    "surname": "Lake", "email": "lee@example.com", "mobile": "201-555-0142",
    "password": "Secret123", "confirm": "Secret123", "number": "(201) 555-0777",
}


@pytest.fixture
def setup(sandbox):
    """A two-way One API setup in the sandbox, with the number and credit."""
    return sandbox.create_platform_setup(user="lakeside", credits=100, number=NUMBER[1:],
                                         stop_handling=True)


def accounts() -> list[ClickatellAccount]:
    db.session.expire_all()
    return list(db.session.scalars(select(ClickatellAccount)))


def failures() -> int:
    return db.session.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.succeeded.is_(False)))


def test_a_practice_signs_up_with_its_platform_key_and_is_signed_in(client, setup, caplog):
    response = client.post("/signup/existing", data={**SIGN_UP, "api_key": setup["api_key"]})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/onboarding/platform")
    [account] = accounts()
    assert account.generation is Generation.PLATFORM
    assert (account.long_number, account.mobile, account.balance) == (NUMBER, OWNER_MOBILE, 100)
    assert account.api_key == setup["api_key"]
    assert setup["api_key"] not in account.api_key_encrypted  # encrypted at rest
    assert account.username is None and account.password_encrypted is None
    owner = db.session.scalar(select(StaffUser))
    assert (owner.email, owner.role) == ("lee@example.com", Role.OWNER)
    rules = db.session.scalars(select(ReminderRule.minutes_before).where(
        ReminderRule.practice_id == owner.practice_id,
        ReminderRule.kind == RuleKind.BEFORE_VISIT).order_by(ReminderRule.position)).all()
    assert rules == [48 * 60, 2 * 60]  # the default rules, made with the practice
    assert set(db.session.scalars(select(ReminderRule.kind).where(  # and the journey's
        ReminderRule.practice_id == owner.practice_id,
        ReminderRule.kind != RuleKind.BEFORE_VISIT))) == set(JOURNEY_KINDS)

    page = client.get("/onboarding/platform").get_data(as_text=True)  # signed in
    assert f"/webhooks/clickatell/{account.callback_secret}/platform/status" in page
    assert f"/webhooks/clickatell/{account.callback_secret}/platform/inbound" in page
    assert 'data-copy="#status-callback-url"' in page
    assert setup["api_key"] not in page  # never sent back to a browser
    assert setup["api_key"] not in caplog.text


def test_a_key_clickatell_refuses_creates_nothing_and_says_so_in_plain_words(
        client, setup, caplog):
    response = client.post("/signup/existing", data={**SIGN_UP, "api_key": "NotAKey000000000"})
    assert response.status_code == 200
    assert "Clickatell does not accept this API key" in response.get_data(as_text=True)
    assert accounts() == [] and db.session.scalar(select(func.count(Practice.id))) == 0
    assert failures() == 1  # a key guesser is throttled like a password guesser
    assert "NotAKey000000000" not in caplog.text


def test_sign_up_never_signs_anyone_in_to_an_existing_account(client, setup):
    make_practice("Riverside", owner_email="lee@example.com")
    response = client.post("/signup/existing", data={**SIGN_UP, "api_key": setup["api_key"]})
    assert "already signs in here with that e-mail" in response.get_data(as_text=True)
    assert accounts() == [] and failures() == 1
    assert client.get("/onboarding/platform").status_code == 302  # still signed out


def test_sign_up_is_throttled_after_repeated_refusals(app, client, setup):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/signup/existing", data={**SIGN_UP, "api_key": "NotAKey000000000"})
    response = client.post("/signup/existing", data={**SIGN_UP, "api_key": setup["api_key"]})
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert accounts() == []  # not even with the right key


def test_sign_up_without_the_csrf_token_is_refused(client, setup):
    response = client.post("/signup/existing", data={**SIGN_UP, "api_key": setup["api_key"]},
                           csrf=False)
    assert response.status_code == 400
    assert accounts() == []


def test_a_number_another_practice_has_is_refused(client, sandbox, setup):
    make_platform_practice(sandbox, long_number="+12015550888")
    other = sandbox.create_platform_setup(user="other", credits=10, number="12015550999")
    response = client.post("/signup/existing", data={
        **SIGN_UP, "api_key": other["api_key"], "number": "(201) 555-0888"})
    assert "already connected to another practice" in response.get_data(as_text=True)
    assert len(accounts()) == 1


def test_the_checklist_of_a_platform_account_shows_only_what_applies(client, auth, sandbox):
    owner = make_platform_practice(sandbox, owner_email="lee@example.com")
    auth.login("lee@example.com")
    page = client.get("/onboarding").get_data(as_text=True)
    assert "Activate the account from the e-mail" not in page
    assert "Verify your mobile number" not in page
    assert "Callbacks received" in page and "Apply for a two-way number" not in page
    assert "/platform/status" in page
    from reminder_app.onboarding.checklist import steps

    account = owner.practice.clickatell_account
    assert [step.key for step in steps(account) if not step.done] == ["callbacks"]
    # the first status report turns it green
    from reminder_app.clickatell import StatusUpdate, codes

    apply_delivery_report(account, StatusUpdate("x", "a" * 32, None,
                                                codes.one_api_status("QUEUED"),
                                                datetime.now(UTC)))
    db.session.commit()
    assert all(step.done for step in steps(account))


def test_an_owner_replaces_the_key_and_the_new_one_is_used_at_once(client, auth, sandbox,
                                                                  setup):
    owner = make_platform_practice(sandbox, owner_email="lee@example.com")
    account = owner.practice.clickatell_account
    old_key = account.api_key
    auth.login("lee@example.com")
    response = client.post("/onboarding/platform", data={
        "api_key": setup["api_key"], "number": "(201) 555-0777", "mobile": "201-555-0142"})
    assert response.status_code == 303
    db.session.refresh(account)
    assert account.api_key == setup["api_key"] != old_key
    assert account.long_number == NUMBER
    client.post("/onboarding/platform/test-text", data={"mobile": "201-555-0142"})
    [sent] = sandbox.messages(sender=NUMBER[1:])
    assert sent["to"] == OWNER_MOBILE[1:]


def test_a_replacement_key_clickatell_refuses_changes_nothing(client, auth, sandbox):
    owner = make_platform_practice(sandbox, owner_email="lee@example.com")
    account = owner.practice.clickatell_account
    old_key = account.api_key
    auth.login("lee@example.com")
    response = client.post("/onboarding/platform", data={
        "api_key": "NotAKey000000000", "number": account.long_number, "mobile": "201-555-0142"})
    assert "Clickatell does not accept this API key" in response.get_data(as_text=True)
    db.session.refresh(account)
    assert account.api_key == old_key


@pytest.mark.parametrize(("setup_fields", "words"), [
    ({"sandbox": True}, "This SMS setup is a sandbox"),
    ({"credits": 0}, "no credit"),
])
def test_the_test_text_says_what_is_wrong_in_plain_words(client, auth, sandbox, setup_fields,
                                                         words):
    make_platform_practice(sandbox, owner_email="lee@example.com", setup=setup_fields)
    auth.login("lee@example.com")
    response = client.post("/onboarding/platform/test-text", data={"mobile": "201-555-0142"},
                           follow_redirects=True)
    assert words in response.get_data(as_text=True)
    assert sandbox.messages() == []


def test_a_number_not_linked_to_the_setup_holds_the_practice_until_fixed(client, auth,
                                                                        sandbox, setup):
    owner = make_platform_practice(sandbox, owner_email="lee@example.com")
    account = owner.practice.clickatell_account
    auth.login("lee@example.com")
    # the key of one setup, the number of another
    client.post("/onboarding/platform", data={
        "api_key": account.api_key, "number": "(201) 555-0999", "mobile": "201-555-0142"})
    response = client.post("/onboarding/platform/test-text", data={"mobile": "201-555-0142"},
                           follow_redirects=True)
    assert "not linked to the SMS setup" in response.get_data(as_text=True)
    db.session.refresh(account)
    assert account.held_reason is not None and not account.can_send
    client.post("/onboarding/platform", data={
        "api_key": setup["api_key"], "number": "(201) 555-0777", "mobile": "201-555-0142"})
    db.session.refresh(account)
    assert account.held_reason is None and account.can_send


def test_only_owners_see_the_key_page(client, auth, sandbox):
    owner = make_platform_practice(sandbox)
    make_staff(owner.practice, email="sam@example.com")
    auth.login("sam@example.com", DEFAULT_PASSWORD)
    assert client.get("/onboarding/platform").status_code == 403


def test_a_central_practice_cannot_swap_in_a_platform_key(client, auth, sandbox, setup):
    make_ready_practice(sandbox, owner_email="dana@example.com")
    auth.login("dana@example.com")
    response = client.post("/onboarding/platform", data={
        "api_key": setup["api_key"], "number": "(201) 555-0777", "mobile": "201-555-0142"})
    assert "older Central system" in response.get_data(as_text=True)
    assert all(not each.on_platform for each in accounts())


def test_a_balance_read_with_the_stored_key_lifts_clickatells_hold(app, sandbox):
    from reminder_app.onboarding.checklist import refresh_balance

    account = make_platform_practice(sandbox).practice.clickatell_account
    account.held_reason = "Clickatell did not accept the practice's API key."
    db.session.commit()
    assert not account.can_send
    refresh_balance(account)
    assert account.held_reason is None and account.can_send
