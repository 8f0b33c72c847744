"""Encryption at rest for the few secrets the app must be able to read back.

The Clickatell password is needed for later Connect calls, so it cannot be hashed; it (and
each two-factor secret) is encrypted with Fernet (AES-128-CBC + HMAC). The keys come from
`FIELD_ENCRYPTION_KEY`, comma-separated and newest first: the newest encrypts, any of them
decrypts, so a key can be rotated without downtime (`flask rotate-field-keys` re-encrypts
every stored secret with the newest, after which the old key can go). In development, with
the setting unset, the key is derived from `SECRET_KEY` so a new setup needs nothing extra;
production refuses to start without a key of its own (config.py).
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

from config import field_keys


def _fernet() -> MultiFernet:
    keys = field_keys(current_app.config.get("FIELD_ENCRYPTION_KEY"))
    if not keys:
        digest = hashlib.sha256(b"field-encryption:" + current_app.config["SECRET_KEY"].encode())
        keys = [base64.urlsafe_b64encode(digest.digest()).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("stored secret cannot be decrypted with the current key") from error


def rotate(token: str) -> str:
    """The same secret, encrypted with the newest key (whichever key encrypted it)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("stored secret cannot be decrypted with the current keys") from error
