"""After sign-up: each checklist step, as Clickatell confirms it."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from reminder_app.extensions import db
from reminder_app.onboarding import checklist
from reminder_app.settings.callbacks import replace_callback_secret
from reminder_app.transactions import unit_of_work
from tests.factories import make_practice
from tests.onboarding.conftest import OWNER_MOBILE, account_of, come_back_with_number


def step_states(page: str) -> dict[str, str]:
    import re

    return dict(re.findall(
        r'data-step="(\w+)".*?class="badge [^"]*step-state">([^<]+)<', page, flags=re.S))


@pytest.fixture
def signed_up(client, signup):
    assert signup.submit().status_code == 303
    return account_of("riverside")


def test_the_checklist_shows_registered_and_waits_for_the_e_mail(client, signed_up):
    page = client.get("/onboarding").get_data(as_text=True)
    states = step_states(page)
    assert states["registered"] == "Done" and states["email"] == "To do"
    assert "We sent an e-mail to <strong>dana@example.com</strong>" in page
    dashboard = client.get("/").get_data(as_text=True)
    assert 'id="onboarding-card"' in dashboard
    assert "on hold until the Clickatell account is activated" in dashboard


def test_following_the_e_mail_link_activates_and_creates_the_connection(
        app, client, sandbox, signed_up):
    landing = sandbox.activate("dana@example.com")
    assert landing.status_code == 302
    assert landing.headers["Location"] == f"{app.config['PUBLIC_BASE_URL']}/onboarding/activated"
    assert client.get("/onboarding/activated").status_code == 302

    account = account_of("riverside")
    assert account.email_activated_at is not None
    assert account.api_id
    [remote] = sandbox.accounts()
    [connection] = remote["connections"]
    assert str(connection["api_id"]) == account.api_id
    assert connection["callback_url"].endswith(
        f"/webhooks/clickatell/{account.callback_secret}/status")
    assert step_states(client.get("/onboarding").get_data(as_text=True))["email"] == "Done"


def test_a_connection_made_after_the_secret_was_replaced_reports_to_the_new_one(
        app, sandbox, signed_up):
    """Finding 6: the status URL the app gives Clickatell follows the current secret."""
    replace_callback_secret(signed_up)
    db.session.commit()
    sandbox.activate("dana@example.com")
    checklist.refresh_pending_activations()
    [remote] = sandbox.accounts()
    [connection] = remote["connections"]
    assert connection["callback_url"].endswith(
        f"/webhooks/clickatell/{account_of('riverside').callback_secret}/status")


def test_the_scheduled_check_notices_activation_without_the_page(app, sandbox, signed_up):
    sandbox.activate("dana@example.com")
    with unit_of_work():  # as the scheduler's job wrapper does
        assert checklist.refresh_pending_activations() == 1
    assert account_of("riverside").api_id


def test_resend_goes_to_the_corrected_address_only(client, sandbox, signed_up):
    response = client.post("/onboarding/activation/resend", data={"email": "dana@clinic.example"},
                           follow_redirects=True)
    assert "to dana@clinic.example" in response.get_data(as_text=True)
    assert len(sandbox.emails("dana@clinic.example")) == 1
    assert len(sandbox.emails("dana@example.com")) == 1
    assert account_of("riverside").email == "dana@clinic.example"
    sandbox.activate("dana@clinic.example")
    client.get("/onboarding")
    assert account_of("riverside").is_active


def test_resend_to_the_same_address(client, sandbox, signed_up):
    client.post("/onboarding/activation/resend", data={"email": ""})
    assert len(sandbox.emails("dana@example.com")) == 2


def test_resend_refuses_a_bad_address(client, sandbox, signed_up):
    page = client.post("/onboarding/activation/resend", data={"email": "nope"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Invalid email address" in page
    assert len(sandbox.emails()) == 1


def test_mobile_verification_with_the_texted_code(client, sandbox, signed_up):
    sandbox.activate("dana@example.com")
    client.get("/onboarding")
    page = client.post("/onboarding/mobile/code", follow_redirects=True).get_data(as_text=True)
    assert "texting a code to +12015550142" in page
    wrong = client.post("/onboarding/mobile/verify", data={"code": "000000x"},
                        follow_redirects=True).get_data(as_text=True)
    assert "code" in wrong.lower() and account_of("riverside").sms_activated_at is None
    client.post("/onboarding/mobile/verify", data={"code": sandbox.sms_code(OWNER_MOBILE)})
    assert account_of("riverside").sms_activated_at is not None


def test_the_code_can_go_to_a_corrected_mobile(client, sandbox, signed_up):
    sandbox.activate("dana@example.com")
    client.get("/onboarding")
    client.post("/onboarding/mobile/code", data={"mobile": "(201) 555-0177", "country": "US"})
    assert account_of("riverside").mobile == "+12015550177"
    code = sandbox.sms_code("+12015550177")
    client.post("/onboarding/mobile/verify", data={"code": code})
    assert account_of("riverside").sms_activated_at is not None


def test_too_many_codes_is_said_in_plain_words(client, sandbox, signed_up):
    sandbox.activate("dana@example.com")
    client.get("/onboarding")
    pages = [client.post("/onboarding/mobile/code", follow_redirects=True).get_data(as_text=True)
             for _ in range(7)]
    assert "too many" in pages[-1].lower()


def test_a_code_before_activation_is_refused_in_plain_words(client, sandbox, signed_up):
    page = client.post("/onboarding/mobile/code", follow_redirects=True).get_data(as_text=True)
    assert "activat" in page.lower()
    assert sandbox.messages(OWNER_MOBILE) == []


def test_applying_for_a_number_and_coming_back_with_it(app, client, sandbox, signup):
    account = signup.complete()
    response = client.post("/onboarding/number/apply")
    assert response.status_code == 303
    apply_url = response.headers["Location"]
    assert apply_url.startswith(sandbox.url)

    chosen = sandbox.pick_number(apply_url)
    assert chosen.status_code == 303
    back = urlsplit(chosen.headers["Location"])
    assert back.path == "/onboarding/number/assigned"
    number = parse_qs(back.query)["number"][0]
    come_back_with_number(client, chosen.headers["Location"])

    account = account_of("riverside")
    assert account.long_number == f"+{number}"
    [remote] = sandbox.accounts()
    [assigned] = remote["long_numbers"]
    assert assigned["mo_callback_url"].endswith(
        f"/webhooks/clickatell/{account.callback_secret}/inbound")


def test_a_number_of_another_practice_is_refused(app, client, sandbox, signup):
    signup.complete()
    other = make_practice()
    from reminder_app.models import ClickatellAccount

    taken = ClickatellAccount(practice=other.practice, username="other", email="o@example.com",
                              mobile="+12015550111", country_id=226,
                              long_number="+12015550123")
    taken.password = "Other123"
    db.session.add(taken)
    db.session.commit()
    client.post("/onboarding/number/apply")
    with client.session_transaction() as browser_session:
        state = browser_session["number_state"]
    page = client.post("/onboarding/number/assigned",
                       data={"number": "12015550123", "state": state},
                       follow_redirects=True).get_data(as_text=True)
    assert "belongs to another practice" in page
    assert account_of("riverside").long_number is None


def test_buying_credits_and_seeing_the_balance(client, sandbox, signup):
    signup.complete()
    page = client.get("/onboarding").get_data(as_text=True)
    assert '<strong id="balance">10.00</strong>' in page
    response = client.post("/onboarding/credits/buy")
    assert response.status_code == 303
    assert sandbox.buy_credits(response.headers["Location"], 100).status_code == 200
    page = client.get("/onboarding").get_data(as_text=True)
    assert '<strong id="balance">110.00</strong>' in page
    assert account_of("riverside").balance == Decimal("110")


def test_low_balance_threshold_raises_a_banner(client, sandbox, signup):
    signup.complete()
    client.get("/onboarding")
    client.post("/onboarding/credits/threshold", data={"threshold": "50"})
    account = account_of("riverside")
    assert account.low_balance_threshold == Decimal(50)
    account.long_number = "+12015550123"
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Credit is running low (10 left)" in page


def test_everything_done_then_the_test_sms_reaches_the_phone(client, sandbox, signup):
    signup.complete()
    response = client.post("/onboarding/number/apply")
    chosen = sandbox.pick_number(response.headers["Location"])
    come_back_with_number(client, chosen.headers["Location"])
    page = client.get("/onboarding").get_data(as_text=True)
    assert set(step_states(page).values()) == {"Done"}
    assert "All done: reminders can go out." in page
    assert 'id="onboarding-card"' not in client.get("/").get_data(as_text=True)

    client.post("/onboarding/test-sms")
    account = account_of("riverside")
    [text] = sandbox.messages(OWNER_MOBILE, sender=account.long_number)
    assert "Riverside Family Practice" in text["text"]


def test_gateway_down_during_a_step_says_try_again_and_changes_nothing(
        client, sandbox, signup):
    signup.complete()
    sandbox.faults(1.0, ["http500"])
    page = client.post("/onboarding/number/apply", follow_redirects=True).get_data(as_text=True)
    sandbox.clear_faults()
    assert "not answering right now" in page
    assert account_of("riverside").number_requested_at is None


def test_staff_see_the_checklist_but_only_owners_act(client, auth, sandbox, signed_up):
    from tests.factories import make_staff

    make_staff(signed_up.practice, email="sam@example.com")
    client.post("/auth/logout")
    auth.login("sam@example.com")
    assert client.get("/onboarding").status_code == 200
    assert client.post("/onboarding/activation/resend", data={"email": ""}).status_code == 403
    assert len(sandbox.emails()) == 1


def test_one_practice_never_sees_or_acts_on_anothers_account(client, auth, sandbox, signed_up):
    client.post("/auth/logout")
    make_practice("Other Practice", owner_email="other@example.com")
    auth.login("other@example.com")
    page = client.get("/onboarding", follow_redirects=True).get_data(as_text=True)
    assert "riverside" not in page and "dana@example.com" not in page
    client.post("/onboarding/activation/resend", data={"email": "evil@example.com"})
    client.post("/onboarding/mobile/code")
    assert sandbox.emails("evil@example.com") == [] and sandbox.messages(OWNER_MOBILE) == []
    assert account_of("riverside").email == "dana@example.com"


def test_a_crafted_link_back_from_clickatell_changes_nothing(app, client, sandbox, signup):
    """Finding 4: a cross-site GET used to change the practice's two-way number."""
    signup.complete()
    for query in ("number=12015550999", "number=12015550999&state=guessed"):
        client.get(f"/onboarding/number/assigned?{query}")
        client.post("/onboarding/number/assigned",
                    data={"number": "12015550999", "state": "guessed"})
    assert account_of("riverside").long_number is None


def test_the_return_page_only_shows_the_number_until_it_is_confirmed(client, sandbox, signup):
    signup.complete()
    response = client.post("/onboarding/number/apply")
    chosen = sandbox.pick_number(response.headers["Location"])
    back = urlsplit(chosen.headers["Location"])
    page = client.get(f"{back.path}?{back.query}").get_data(as_text=True)
    assert "Use this number" in page
    assert account_of("riverside").long_number is None
    come_back_with_number(client, chosen.headers["Location"])
    assert account_of("riverside").long_number is not None
