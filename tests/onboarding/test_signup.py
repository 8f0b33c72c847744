"""Sign-up: one form creates the practice here and its Clickatell account, never half-done."""

import pytest
from sqlalchemy import event, func, select

from reminder_app.extensions import db
from reminder_app.models import (
    ClickatellAccount,
    Language,
    PendingRegistration,
    Practice,
    ReminderRule,
    Role,
    StaffUser,
)
from reminder_app.models.reminders import RuleKind
from reminder_app.reminders.practice_rules import DEFAULT_RULE_MINUTES
from tests.conftest import new_browser
from tests.factories import make_practice
from tests.onboarding.conftest import OWNER_MOBILE, account_of, captcha_id_on


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def nothing_stored() -> bool:
    return count(Practice) == 0 and count(StaffUser) == 0 and count(ClickatellAccount) == 0 \
        and count(PendingRegistration) == 0


def test_a_new_practice_starts_with_the_default_reminder_rules(client, sandbox, signup):
    """Created with the practice, so no page has to write them while showing them."""
    assert signup.submit().status_code == 303
    rules = db.session.scalars(select(ReminderRule).where(
        ReminderRule.kind == RuleKind.BEFORE_VISIT).order_by(ReminderRule.position)).all()
    assert [rule.minutes_before for rule in rules] == list(DEFAULT_RULE_MINUTES)
    assert all(rule.enabled and len(rule.templates) == len(Language) for rule in rules)
    journey = db.session.scalars(select(ReminderRule).where(
        ReminderRule.kind != RuleKind.BEFORE_VISIT)).all()
    assert {rule.kind: rule.enabled for rule in journey} == {  # the journey's, as new
        RuleKind.BOOKED: True, RuleKind.CHANGED: True, RuleKind.CANCELLED: True,
        RuleKind.NO_SHOW: False}


def test_the_form_offers_clickatells_lists_terms_and_captcha(client, sandbox):
    page = client.get("/signup").get_data(as_text=True)
    assert "US Only Account (Small Business)" in page
    assert 'value="9" selected' in page or "selected value=\"9\"" in page
    assert "dedicated US long number" in page
    assert "terms" in page and sandbox.url in page
    assert 'src="data:image/png;base64,' in page
    assert len(captcha_id_on(page)) == 32


def test_sign_up_creates_practice_owner_and_account_and_signs_in(client, sandbox, signup):
    response = signup.submit()
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/onboarding")

    owner = db.session.scalar(select(StaffUser))
    assert owner.email == "dana@example.com" and owner.role == Role.OWNER
    assert owner.check_password("Secret123")
    practice = owner.practice
    assert (practice.name, practice.country, practice.timezone, practice.phone) == (
        "Riverside Family Practice", "US", "America/New_York", "+12015550100")
    account = practice.clickatell_account
    assert account.username == "riverside" and account.account_type == 9
    assert account.mobile == OWNER_MOBILE and account.country_id == 226
    assert account.password == "Secret123"
    assert "Secret123" not in account.password_encrypted
    assert count(PendingRegistration) == 0

    [remote] = sandbox.accounts()
    assert remote["user"] == "riverside"
    [email] = sandbox.emails("dana@example.com")
    assert email["activation_url"]
    assert client.get("/").status_code == 200


def test_local_validation_keeps_input_but_never_the_password(client, sandbox, signup):
    response = signup.submit(mobile="12", password="short", confirm="short", accept_terms=None)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please enter a phone number" in page or "not a valid phone number" in page
    assert "8 to 32 letters and digits" in page
    assert "accept its terms" in page
    assert 'value="Riverside Family Practice"' in page
    assert "short" not in page.split('id="password"')[1][:200]
    assert nothing_stored() and sandbox.accounts() == []


def test_a_username_taken_at_clickatell_is_shown_on_the_username_field(client, sandbox, signup):
    sandbox.create_account(user="riverside", password="Other123", email="x@example.com",
                           mobile="12015550199")
    response = signup.submit()
    page = response.get_data(as_text=True)
    assert "already taken" in page
    field = page.split('id="username"')[1][:600]
    assert "invalid-feedback" in field
    assert nothing_stored()


def test_a_wrong_captcha_gets_its_meaning_and_a_fresh_image(client, sandbox, signup):
    data = signup.form(captcha_code="WRONG1")
    response = client.post("/signup", data=data)
    page = response.get_data(as_text=True)
    assert "characters in the picture" in page.lower() or "captcha" in page.lower()
    assert captcha_id_on(page) != data["captcha_id"]
    assert nothing_stored() and sandbox.accounts() == []


def test_a_captcha_already_used_is_refused(client, sandbox, signup):
    data = signup.form()
    assert client.post("/signup", data=data).status_code == 303
    client.post("/auth/logout")
    again = dict(data, username="riverside2", email="other@example.com")
    page = client.post("/signup", data=again).get_data(as_text=True)
    assert "already" in page.lower() and count(Practice) == 1


def test_an_email_known_to_clickatell_offers_to_create_anyway(client, sandbox, signup):
    sandbox.create_account(user="someoneelse", password="Other123", email="dana@example.com",
                           mobile="12015550199")
    page = signup.submit().get_data(as_text=True)
    assert 'name="force_create"' in page
    assert nothing_stored()
    response = signup.submit(force_create="y")
    assert response.status_code == 303
    assert count(ClickatellAccount) == 1


@pytest.mark.parametrize("code, field, words", [
    ("416", "email", "e-mail"),
    ("417", "mobile", "mobile"),
    ("439", "username", "username"),
    ("402", "captcha_code", "expired"),
    ("403", "captcha_code", "already"),
])
def test_each_clickatell_error_is_shown_in_plain_words_next_to_its_field(
        client, signup, monkeypatch, code, field, words):
    from reminder_app.clickatell import ConnectClient, codes
    from reminder_app.clickatell.errors import ClickatellError

    data = signup.form()

    def refuse(self, registration):
        raise ClickatellError(codes.connect_error_meaning(code), action="register", code=code,
                              field=codes.REGISTER_FIELD_FOR_ERROR.get(code))

    monkeypatch.setattr(ConnectClient, "register", refuse)
    page = client.post("/signup", data=data).get_data(as_text=True)
    beside = page.split(f'id="{field}"')[1][:800]
    assert "invalid-feedback" in beside and words in beside.lower()
    assert nothing_stored()


def test_gateway_unreachable_gives_try_again_and_stores_nothing(app, client, signup):
    data = signup.form()
    app.config["CLICKATELL_CONNECT_URL"] = "http://127.0.0.1:9/connect"
    response = client.post("/signup", data=data)
    assert response.status_code in (200, 503)
    assert "try again" in response.get_data(as_text=True).lower()
    assert nothing_stored()


def test_a_5xx_from_clickatell_gives_try_again_then_the_next_submit_works(
        client, sandbox, signup):
    data = signup.form()
    sandbox.faults(1.0, ["http500"], endpoints=["connect"])
    response = client.post("/signup", data=data)
    sandbox.clear_faults()
    assert "try again" in response.get_data(as_text=True).lower()
    assert count(Practice) == 0 and sandbox.accounts() == []
    assert signup.submit().status_code == 303
    assert count(Practice) == 1 and len(sandbox.accounts()) == 1


def age_pending_registrations() -> None:
    for pending in db.session.scalars(select(PendingRegistration)):
        pending.started_at = pending.started_at.replace(year=pending.started_at.year - 1)
    db.session.commit()


def test_a_timeout_after_clickatell_registered_is_reconciled_on_the_next_submit(
        client, sandbox, signup):
    data = signup.form()
    sandbox.faults(1.0, ["timeout"], endpoints=["connect"])
    page = client.post("/signup", data=data).get_data(as_text=True)
    sandbox.clear_faults()
    assert "try again" in page.lower()
    assert count(Practice) == 0 and count(PendingRegistration) == 1
    assert [a["user"] for a in sandbox.accounts()] == ["riverside"]

    response = signup.submit()
    assert response.status_code == 303
    assert count(Practice) == 1 and count(PendingRegistration) == 0
    assert len(sandbox.accounts()) == 1
    assert account_of("riverside").email_activated_at is None


def test_a_second_click_while_the_first_is_still_registering_is_held_back(
        client, sandbox, signup):
    db.session.add(PendingRegistration(username="riverside", email="dana@example.com"))
    db.session.commit()
    page = signup.submit().get_data(as_text=True)
    assert "still creating this account from your first click" in page
    assert count(Practice) == 0 and sandbox.accounts() == []


def test_a_failed_local_commit_is_reconciled_without_a_second_clickatell_account(
        client, sandbox, signup):
    failures = []

    def fail_once(session, flush_context, instances):
        if not failures and any(isinstance(obj, Practice) for obj in session.new):
            failures.append(1)
            raise RuntimeError("the database went away")

    event.listen(db.session, "before_flush", fail_once)
    page = signup.submit().get_data(as_text=True)
    event.remove(db.session, "before_flush", fail_once)
    assert "Submit the form again" in page
    assert count(Practice) == 0 and count(PendingRegistration) == 1
    assert len(sandbox.accounts()) == 1

    age_pending_registrations()
    assert signup.submit().status_code == 303
    assert count(Practice) == 1 and count(ClickatellAccount) == 1
    assert len(sandbox.accounts()) == 1


def test_submitting_again_after_success_signs_no_one_in_and_creates_nothing(
        client, sandbox, signup):
    """Finding 2: this used to sign in, even while sign-in was locked for the owner."""
    data = signup.form()
    assert client.post("/signup", data=data).status_code == 303
    client.post("/auth/logout")
    page = signup.submit().get_data(as_text=True)
    assert "That username is already taken" in page and "sign in" in page
    assert client.get("/").status_code == 302
    assert count(Practice) == 1 and len(sandbox.accounts()) == 1


def test_sign_up_is_no_way_past_a_locked_sign_in(app, client, sandbox, signup):
    assert signup.submit().status_code == 303
    client.post("/auth/logout")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/auth/login", data={"email": "dana@example.com", "password": "wrong"})
    locked = client.post("/auth/login", data={"email": "dana@example.com",
                                               "password": "Secret123"})
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)
    signup.submit()
    assert client.get("/settings/practice").status_code == 302


def test_only_the_browser_that_started_a_sign_up_can_finish_it(app, client, sandbox, signup):
    data = signup.form()
    sandbox.faults(1.0, ["timeout"], endpoints=["connect"])
    client.post("/signup", data=data)
    sandbox.clear_faults()
    assert count(PendingRegistration) == 1 and count(Practice) == 0

    other = new_browser(app)
    other_signup = type(signup)(other, sandbox)
    page = other_signup.submit().get_data(as_text=True)
    assert "started in another browser" in page
    assert count(Practice) == 0 and count(PendingRegistration) == 1
    assert other.get("/settings/practice").status_code == 302

    assert signup.submit().status_code == 303
    assert count(Practice) == 1 and len(sandbox.accounts()) == 1


def test_refusals_that_help_a_guesser_are_throttled(app, client, sandbox, signup):
    assert signup.submit().status_code == 303
    client.post("/auth/logout")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert "already taken" in signup.submit().get_data(as_text=True)
    page = signup.submit().get_data(as_text=True)
    assert "Too many failed sign-ins" in page and "already taken" not in page


def test_someone_elses_username_here_is_refused_and_nothing_is_made_at_clickatell(
        client, sandbox, signup):
    assert signup.submit().status_code == 303
    client.post("/auth/logout")
    page = signup.submit(email="intruder@example.com", password="Other1234",
                         confirm="Other1234").get_data(as_text=True)
    assert "already taken" in page
    assert count(Practice) == 1 and len(sandbox.accounts()) == 1


def test_an_email_in_use_here_is_not_said_without_a_solved_captcha(client, sandbox, signup):
    """Finding 11: sign-up said an e-mail was in use before any captcha was checked."""
    make_practice("Elsewhere", owner_email="dana@example.com")
    page = signup.submit(captcha_code="WRONG1").get_data(as_text=True)
    assert "characters typed do not match the picture" in page
    assert "with that e-mail address" not in page
    assert "Someone already signs in" not in page


def test_an_email_in_use_here_is_said_behind_the_captcha_and_that_captcha_is_spent(
        client, sandbox, signup):
    """One solved picture buys one answer: Clickatell's test mode leaves a captcha usable,
    so we spend it ourselves."""
    make_practice("Elsewhere", owner_email="dana@example.com")
    data = signup.form()
    page = client.post("/signup", data=data).get_data(as_text=True)
    assert "Someone already signs in here with that e-mail address" in page
    assert sandbox.accounts() == [] and count(Practice) == 1
    again = dict(data, email="someone.else@example.com")
    page = client.post("/signup", data=again).get_data(as_text=True)
    assert "That picture was already used" in page
    assert "Someone already signs in" not in page
    assert sandbox.accounts() == [] and count(Practice) == 1


def test_a_refusal_when_clickatell_cannot_check_the_captcha_says_try_again(
        client, sandbox, signup):
    make_practice("Elsewhere", owner_email="dana@example.com")
    data = signup.form()
    sandbox.faults(1.0, ["http500"], endpoints=["connect"])
    page = client.post("/signup", data=data).get_data(as_text=True)
    sandbox.clear_faults()
    assert "not answering right now" in page and "Someone already signs in" not in page


def test_sign_up_without_csrf_token_is_refused_and_stores_nothing(client, sandbox, signup):
    data = signup.form()
    del data["captcha_id"]
    response = client.post("/signup", data=dict(data, captcha_id="x"), csrf=False)
    assert response.status_code == 400
    assert nothing_stored() and sandbox.accounts() == []


def test_the_clickatell_password_never_reaches_the_logs(client, sandbox, signup, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    signup.submit()
    assert caplog.text and "Secret123" not in caplog.text
