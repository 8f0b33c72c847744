"""Encryption at rest for the few secrets the app must be able to read back.

The Clickatell password is needed for later Connect calls, so it cannot be hashed; it is
encrypted with Fernet (AES-128-CBC + HMAC). The key comes from `FIELD_ENCRYPTION_KEY`, or
is derived from `SECRET_KEY` when that is unset, so a development setup needs nothing extra.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _fernet() -> Fernet:
    key = current_app.config.get("FIELD_ENCRYPTION_KEY")
    if not key:
        digest = hashlib.sha256(b"field-encryption:" + current_app.config["SECRET_KEY"].encode())
        key = base64.urlsafe_b64encode(digest.digest())
    return Fernet(key)


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("stored secret cannot be decrypted with the current key") from error
