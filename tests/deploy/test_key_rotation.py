"""Several field keys: the newest encrypts, any decrypts; `flask rotate-field-keys` moves
every stored secret to the newest so the old key can be dropped."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from reminder_app import crypto
from reminder_app.extensions import db
from reminder_app.models import ClickatellAccount, StaffUser
from tests.factories import make_clickatell_account, make_platform_account, make_practice

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "FIELD_ENCRYPTION_KEY": OLD}


def stored_with_the_old_key():
    """A Central password, a Platform API key and a two-factor secret."""
    owner = make_practice()
    account = make_clickatell_account(owner.practice, password="Secret123")
    make_platform_account(make_practice().practice, api_key="PlatformKeyRotated0000000=")
    owner.totp_secret_encrypted = crypto.encrypt("JBSWY3DPEHPK3PXP")
    db.session.commit()
    return account, owner


def test_the_newest_key_encrypts_and_every_key_decrypts(app):
    old_token = crypto.encrypt("Secret123")
    app.config["FIELD_ENCRYPTION_KEY"] = f"{NEW}, {OLD}"
    assert crypto.decrypt(old_token) == "Secret123"
    new_token = crypto.encrypt("Secret123")
    Fernet(NEW).decrypt(new_token.encode())  # the newest key alone reads it
    app.config["FIELD_ENCRYPTION_KEY"] = NEW
    with pytest.raises(ValueError, match="cannot be decrypted"):
        crypto.decrypt(old_token)


def test_rotate_field_keys_re_encrypts_every_stored_secret(app, runner):
    account, owner = stored_with_the_old_key()
    app.config["FIELD_ENCRYPTION_KEY"] = f"{NEW},{OLD}"

    result = runner.invoke(args=["rotate-field-keys"])

    assert result.exit_code == 0 and "3 stored secrets re-encrypted" in result.output
    app.config["FIELD_ENCRYPTION_KEY"] = NEW  # the old key dropped: everything still reads
    db.session.expire_all()
    assert db.session.get(ClickatellAccount, account.id).password == "Secret123"
    platform = db.session.scalar(select(ClickatellAccount).where(
        ClickatellAccount.api_key_encrypted.is_not(None)))
    assert platform.api_key == "PlatformKeyRotated0000000="
    user = db.session.get(StaffUser, owner.id)
    assert crypto.decrypt(user.totp_secret_encrypted) == "JBSWY3DPEHPK3PXP"


def test_a_secret_no_key_can_read_is_reported_and_left_untouched(app, runner):
    account, _ = stored_with_the_old_key()
    before = account.password_encrypted
    app.config["FIELD_ENCRYPTION_KEY"] = NEW  # the old key dropped too early

    result = runner.invoke(args=["rotate-field-keys"])

    assert result.exit_code == 1 and "3 could not be read" in result.output
    db.session.expire_all()
    assert db.session.get(ClickatellAccount, account.id).password_encrypted == before
