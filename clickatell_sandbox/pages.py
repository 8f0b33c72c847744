"""Pages for a person under /sandbox/: what Clickatell knows, the e-mails it sent, and a phone
per number that can read its texts and answer them."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from . import accounts, messages
from .catalog import COUNTRIES_BY_ID, CREDIT_PACKAGES
from .runtime import current_sandbox, db
from .storage import Account, Email, LongNumber, Message, Phone, PushLogEntry, utcnow

bp = Blueprint("pages", __name__, url_prefix="/sandbox")


@bp.get("/")
def index():
    return render_template("pages/index.html", settings=current_sandbox().settings)


@bp.get("/accounts")
def account_list():
    session = db()
    rows = session.scalars(select(Account).order_by(Account.id)).all()
    return render_template(
        "pages/accounts.html", accounts=[accounts.describe(session, row) for row in rows]
    )


@bp.get("/outbox")
def outbox():
    emails = db().scalars(select(Email).order_by(Email.id.desc())).all()
    return render_template("pages/outbox.html", emails=emails)


@bp.get("/pushes")
def push_log():
    entries = db().scalars(select(PushLogEntry).order_by(PushLogEntry.id.desc()).limit(200)).all()
    return render_template("pages/pushes.html", entries=entries)


@bp.get("/activate/<token>")
def activate(token: str):
    """The link of the activation e-mail; lands on `activation_redirect` when one was given."""
    session = db()
    account = accounts.activate_email(session, token, utcnow())
    if account is None:
        abort(404)
    session.commit()
    if account.activation_redirect:
        return redirect(account.activation_redirect, code=302)
    return render_template("pages/activated.html", account=account)


@bp.route("/buy/<token>", methods=["GET", "POST"])
def buy(token: str):
    """The credit-purchase page `buy_credits_url` links to; "Pay" adds the package at once."""
    session = db()
    link = accounts.open_link(session, token, "buy")
    if link is None:
        abort(404)
    account = session.get_one(Account, link.account_id)
    return_url = request.values.get("return_url", "")
    if return_url and not accounts.is_http_url(return_url):
        return_url = ""
    if request.method == "POST":
        amount = request.form.get("package", type=int)
        if amount not in CREDIT_PACKAGES:
            abort(400, description="Choose one of the credit packages.")
        accounts.buy_credits(session, link, amount, utcnow())
        session.commit()
        return render_template(
            "pages/bought.html", account=account, amount=amount, return_url=return_url
        )
    return render_template(
        "pages/buy.html", account=account, packages=CREDIT_PACKAGES, return_url=return_url
    )


@bp.get("/terms")
def terms():
    country = COUNTRIES_BY_ID.get(request.args.get("country_id", type=int) or 0)
    name = country.name if country else "your country"
    if request.args.get("format") == "text":
        text = f"Clickatell Sandbox terms for {name}: this is a test system; nothing is real.\n"
        return text, 200, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("pages/terms.html", country=name)


def _conversation(msisdn: str) -> list[Message]:
    return list(
        db().scalars(
            select(Message)
            .where(
                or_(
                    (Message.direction == "mt") & (Message.recipient == msisdn),
                    (Message.direction == "mo") & (Message.sender == msisdn),
                )
            )
            .order_by(Message.created_at, Message.id)
        )
    )


def _reply_targets(conversation: list[Message], msisdn: str) -> list[str]:
    """The two-way numbers this phone has talked to, newest first."""
    long_numbers = set(db().scalars(select(LongNumber.number)).all())
    seen: list[str] = []
    for message in reversed(conversation):
        other = message.sender if message.recipient == msisdn else message.recipient
        if other in long_numbers and other not in seen:
            seen.append(other)
    return seen


@bp.get("/phones")
def phones():
    session = db()
    long_numbers = set(session.scalars(select(LongNumber.number)).all())
    numbers = set(session.scalars(select(Message.recipient).where(Message.direction == "mt")))
    numbers |= set(session.scalars(select(Message.sender).where(Message.direction == "mo")))
    numbers |= set(session.scalars(select(Phone.msisdn)))
    return render_template("pages/phones.html", phones=sorted(numbers - long_numbers))


@bp.get("/phones/<msisdn>")
def phone(msisdn: str):
    number = messages.normalise_msisdn(msisdn)
    if number is None:
        abort(404)
    conversation = _conversation(number)
    state = db().get(Phone, number)
    return render_template(
        "pages/phone.html",
        msisdn=number,
        conversation=conversation,
        targets=_reply_targets(conversation, number),
        reachable=state is None or state.reachable,
    )


@bp.post("/phones/<msisdn>/reply")
def reply(msisdn: str):
    """Send an SMS from this phone; the sandbox pushes it to the long number's reply URL."""
    number = messages.normalise_msisdn(msisdn)
    if number is None:
        abort(404)
    target = request.form.get("to", "")
    text = request.form.get("text", "")
    if target not in _reply_targets(_conversation(number), number):
        abort(400, description="Reply to a number this phone has talked to.")
    if not text.strip():
        abort(400, description="Type a message first.")
    messages.receive_reply(current_sandbox(), db(), number, target, text)
    return redirect(url_for("pages.phone", msisdn=number), code=303)


@bp.post("/phones/<msisdn>/reachability")
def reachability(msisdn: str):
    number = messages.normalise_msisdn(msisdn)
    if number is None:
        abort(404)
    session = db()
    state = session.get(Phone, number) or Phone(msisdn=number)
    state.reachable = request.form.get("reachable") == "1"
    session.add(state)
    session.commit()
    return redirect(url_for("pages.phone", msisdn=number), code=303)
