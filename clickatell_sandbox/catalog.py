"""The fixed lists the Connect API serves: countries, account types, callback and connection types.

Country ids are the sandbox's own (Clickatell's real ids are not public); the account, callback
and connection types are Clickatell's, as in the protocol file.
"""

from __future__ import annotations

from typing import NamedTuple


class Country(NamedTuple):
    id: int
    name: str
    prefix: str


COUNTRIES: tuple[Country, ...] = (
    Country(14, "Australia", "61"),
    Country(22, "Belgium", "32"),
    Country(31, "Brazil", "55"),
    Country(39, "Canada", "1"),
    Country(57, "Denmark", "45"),
    Country(74, "France", "33"),
    Country(81, "Germany", "49"),
    Country(99, "India", "91"),
    Country(103, "Ireland", "353"),
    Country(108, "Italy", "39"),
    Country(115, "Kenya", "254"),
    Country(141, "Mexico", "52"),
    Country(150, "Netherlands", "31"),
    Country(153, "New Zealand", "64"),
    Country(161, "Nigeria", "234"),
    Country(165, "Norway", "47"),
    Country(175, "Portugal", "351"),
    Country(197, "South Africa", "27"),
    Country(199, "Spain", "34"),
    Country(205, "Sweden", "46"),
    Country(224, "United Kingdom", "44"),
    Country(226, "United States", "1"),
)

COUNTRIES_BY_ID: dict[int, Country] = {country.id: country for country in COUNTRIES}

US_COUNTRY_ID = 226

ACCOUNT_TYPES: dict[int, str] = {
    1: "International",
    2: "South Africa Only",
    3: "UK Only",
    4: "US Only (Enterprize)",
    6: "Ireland Only",
    7: "India Only",
    9: "US Only Account (Small Business)",
}

CALLBACK_TYPES: dict[int, str] = {
    0: "HTTP Get",
    1: "HTTP Post",
    2: "XML Post",
    3: "XML Get",
    5: "SOAP Get",
    6: "SOAP Post",
}

# The sandbox pushes reports as query string or form body; XML and SOAP types are accepted and
# stored but pushed like the plain HTTP type with the same verb.
GET_CALLBACK_TYPES = frozenset({0, 3, 5})

CONNECTION_TYPES: dict[int, str] = {
    2: "HTTP API",
    7: "FTP",
    9: "SMTP",
    12: "COM",
    13: "XML",
    14: "SOAP",
}

CREDIT_PACKAGES: tuple[int, ...] = (100, 500, 1000)


def country_id_or_none(raw: str | None) -> int | None:
    """The country id if `raw` names one of the list, else None."""
    if raw is None or not raw.strip().isdigit():
        return None
    value = int(raw)
    return value if value in COUNTRIES_BY_ID else None


def country_for_ip(address: str) -> Country:
    """Terms by IP: the sandbox has no geo database, so private and local addresses are US."""
    return COUNTRIES_BY_ID[US_COUNTRY_ID]
