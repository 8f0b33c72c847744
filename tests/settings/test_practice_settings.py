from reminder_app.extensions import db
from reminder_app.models import ClickatellAccount
from tests.factories import make_practice, make_staff


def test_owner_edits_practice_details_and_time_zone(client, auth):
    owner = make_practice("Old Name", owner_email="dana@example.com")
    auth.login("dana@example.com")
    response = client.post("/settings/practice", data={
        "name": "Riverside Family Practice", "address": "1 Main St", "phone": "(201) 555-0100",
        "timezone": "America/Chicago", "country": "US"})
    assert response.status_code == 303
    db.session.refresh(owner.practice)
    assert (owner.practice.name, owner.practice.timezone, owner.practice.phone) == (
        "Riverside Family Practice", "America/Chicago", "+12015550100")


def test_practice_details_are_validated(client, auth):
    owner = make_practice("Old Name", owner_email="dana@example.com")
    auth.login("dana@example.com")
    page = client.post("/settings/practice", data={
        "name": "", "address": "1 Main St", "phone": "12", "timezone": "Mars/Base",
        "country": "US"}).get_data(as_text=True)
    assert "This field is required." in page and "Not a valid choice" in page
    db.session.refresh(owner.practice)
    assert owner.practice.name == "Old Name"


def test_staff_read_practice_settings_but_cannot_change_them(client, auth):
    owner = make_practice("Old Name", owner_email="dana@example.com")
    make_staff(owner.practice, email="sam@example.com")
    auth.login("sam@example.com")
    assert client.get("/settings/practice").status_code == 200
    response = client.post("/settings/practice", data={
        "name": "Hijacked", "address": "x", "phone": "(201) 555-0100",
        "timezone": "America/Chicago", "country": "US"})
    assert response.status_code == 403


def test_the_clickatell_page_shows_the_account_and_its_callback_urls(app, client, auth):
    owner = make_practice("Riverside", owner_email="dana@example.com")
    account = ClickatellAccount(practice=owner.practice, username="riverside",
                                email="dana@example.com", mobile="+12015550142", country_id=226,
                                api_id="3500001", long_number="+12015550123")
    account.password = "Secret123"
    db.session.add(account)
    db.session.commit()
    auth.login("dana@example.com")
    page = client.get("/settings/clickatell").get_data(as_text=True)
    assert "US Only Account (Small Business)" in page and "+12015550123" in page
    base = app.config["PUBLIC_BASE_URL"]
    assert f'value="{base}/webhooks/clickatell/{account.callback_secret}/inbound"' in page
    assert f'value="{base}/webhooks/clickatell/{account.callback_secret}/status"' in page
    assert "Secret123" not in page


def test_only_owners_see_the_callback_secret(app, client, auth):
    """Finding 6: the secret in the callback addresses was shown to every staff role."""
    owner = make_practice("Riverside", owner_email="dana@example.com")
    make_staff(owner.practice, email="sam@example.com")
    account = ClickatellAccount(practice=owner.practice, username="riverside",
                                email="dana@example.com", mobile="+12015550142", country_id=226,
                                api_id="3500001", long_number="+12015550123")
    account.password = "Secret123"
    db.session.add(account)
    db.session.commit()
    auth.login("sam@example.com")
    page = client.get("/settings/clickatell").get_data(as_text=True)
    assert "+12015550123" in page
    assert account.callback_secret not in page
    assert "Only the practice's owners can see these addresses." in page


def test_the_clickatell_page_of_a_platform_account_shows_its_own_callback_urls(app, client,
                                                                              auth):
    from tests.factories import make_platform_account

    owner = make_practice("Lakeside", owner_email="lee@example.com")
    account = make_platform_account(owner.practice, long_number="+12015550777",
                                    api_key="KeyNeverShown0000000000=")
    auth.login("lee@example.com")
    page = client.get("/settings/clickatell").get_data(as_text=True)
    assert "Platform account" in page and "+12015550777" in page
    assert "Username" not in page and "Messaging connection" not in page
    base = app.config["PUBLIC_BASE_URL"]
    assert f'value="{base}/webhooks/clickatell/{account.callback_secret}/platform/status"' in page
    assert "KeyNeverShown0000000000=" not in page
