"""Clickatell's reference lists (countries, account types, terms), cached for an hour.

They change rarely, and asking on every page view would make sign-up as slow as
Clickatell's slowest answer.
"""

import base64
import threading
import time
from dataclasses import dataclass

from ..clickatell import codes
from ..gateways import connect_client

CACHE_SECONDS = 3600
_cache: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class SignUpChoices:
    countries: list[tuple[int, str]]
    account_types: list[tuple[int, str]]
    terms_url: str


def _cached(key: str, fetch):
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    value = fetch()
    with _lock:
        _cache[key] = (now, value)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def sign_up_choices() -> SignUpChoices:
    """Raises ClickatellError (GatewayUnavailable included) when Clickatell cannot tell."""
    def fetch():
        with connect_client() as client:
            countries = sorted(((c.id, c.name) for c in client.get_list_country()),
                               key=lambda pair: pair[1])
            types = [(t.id, t.name) for t in client.get_list_account()]
            terms = client.get_list_terms(country_id=0)
        return SignUpChoices(countries, types, terms)
    return _cached("sign-up", fetch)


def country_id_for(choices: SignUpChoices, country_name: str) -> int | None:
    """Clickatell's id for a country named as we name it (its list is the authority)."""
    wanted = country_name.casefold()
    return next((cid for cid, name in choices.countries if name.casefold() == wanted), None)


def account_type_help(account_type: int) -> str:
    info = codes.ACCOUNT_TYPES.get(account_type)
    return info.description if info else ""


def new_captcha() -> tuple[str, str]:
    """A fresh captcha: its id and the image as a data: URL (our CSP allows data: images)."""
    with connect_client() as client:
        captcha = client.get_captcha()
    return captcha.id, "data:image/png;base64," + base64.b64encode(captcha.png).decode()


__all__ = ["SignUpChoices", "clear_cache", "country_id_for", "new_captcha",
           "sign_up_choices"]
