"""ASSUMED: the `two_way_number_url` Connect action and the page its answer links to.

The protocol file marks this action as assumed: a seed article describes a call that returns a
URL where the user applies for a two-way long number, but no public document names it. Everything
about it lives in this module so it can be corrected against the real service in one place: the
action name and parameters (`user`, `password`, optional `country_id`, `return_url`,
`callback_url`), its answer (`apply_url`), the page at /sandbox/numbers/apply/<token>, the pool of
free US numbers and the redirect back (303 to `return_url` with `?number=<digits>`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, abort, redirect, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import accounts
from .catalog import US_COUNTRY_ID, country_id_or_none
from .errors import ConnectError
from .runtime import db
from .storage import Connection, LongNumber, OneTimeLink, utcnow

if TYPE_CHECKING:
    from .connect.actions import Call

ACTION = "two_way_number_url"
# +1 201-555-0100 … 0199: valid NANP numbers (phonenumbers accepts them) reserved for fiction.
NUMBER_POOL = tuple(f"120155501{n:02d}" for n in range(100))
NUMBERS_OFFERED = 5

bp = Blueprint("twoway", __name__, url_prefix="/sandbox/numbers")


def two_way_number_url(call: Call) -> list[dict[str, object]]:
    account = call.login()
    accounts.require_email_activated(account)
    raw_country = call.params.get("country_id")
    if raw_country:
        country_id = country_id_or_none(raw_country)
        if country_id is None:
            raise ConnectError("406")
        if country_id != US_COUNTRY_ID:
            raise ConnectError("101")
    return_url = call.params.get("return_url") or None
    if return_url is not None and not accounts.is_http_url(return_url):
        raise ConnectError("436")
    callback_url = call.params.get("callback_url") or None
    if callback_url is not None and not accounts.is_http_url(callback_url):
        raise ConnectError("423")
    link = accounts.new_link(
        call.session, account, "number", {"return_url": return_url, "callback_url": callback_url}
    )
    return [{"apply_url": f"{call.base_url}sandbox/numbers/apply/{link.token}"}]


def free_numbers(session: Session, limit: int = NUMBERS_OFFERED) -> list[str]:
    taken = set(session.scalars(select(LongNumber.number)).all())
    return [number for number in NUMBER_POOL if number not in taken][:limit]


def assign(session: Session, link: OneTimeLink, number: str, callback_url: str | None) -> None:
    """Give the number to the link's account, linked to its newest API connection."""
    api_id = session.scalar(
        select(Connection.api_id)
        .where(Connection.account_id == link.account_id)
        .order_by(Connection.id.desc())
        .limit(1)
    )
    session.add(
        LongNumber(
            number=number, account_id=link.account_id, api_id=api_id, mo_callback_url=callback_url
        )
    )
    link.used_at = utcnow()


def with_number(url: str, number: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&number={number}" if parts.query else f"number={number}"
    return urlunsplit(parts._replace(query=query))


@bp.route("/apply/<token>", methods=["GET", "POST"])
def apply(token: str):
    session = db()
    link = accounts.open_link(session, token, "number")
    if link is None:
        abort(404)
    offered = free_numbers(session)
    callback_url = link.data.get("callback_url") or ""
    problem = None
    if request.method == "POST":
        number = request.form.get("number", "")
        callback_url = request.form.get("callback_url", "").strip()
        if number not in offered:
            problem = "Choose one of the numbers offered."
        elif callback_url and not accounts.is_http_url(callback_url):
            problem = "The reply callback URL must start with http:// or https://."
        else:
            assign(session, link, number, callback_url or None)
            session.commit()
            return_url = link.data.get("return_url")
            if return_url:
                return redirect(with_number(return_url, number), code=303)
            return render_template("twoway/assigned.html", number=number)
    return render_template(
        "twoway/apply.html", numbers=offered, callback_url=callback_url, problem=problem
    ), (400 if problem else 200)
