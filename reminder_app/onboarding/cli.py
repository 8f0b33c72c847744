"""`flask clickatell check`: try a real Platform account from the command line, for the first
day with real credentials. The key comes from `--key`, `CLICKATELL_API_KEY`, or a hidden
prompt, and is never printed. Exits 1 when something does not work."""

import click
from flask.cli import AppGroup

from ..clickatell import ClickatellError
from ..gateways import platform_client
from ..phones import InvalidPhoneNumber, to_e164
from .connect_existing import in_plain_words

clickatell_cli = AppGroup("clickatell", help="Clickatell accounts.")


def _e164(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return to_e164(value if value.startswith("+") else f"+{value}", "US")
    except InvalidPhoneNumber as error:
        raise click.BadParameter(str(error), param_hint=name) from error


@clickatell_cli.command("check")
@click.option("--key", envvar="CLICKATELL_API_KEY", default=None,
              help="The One API key of the SMS setup (or CLICKATELL_API_KEY; asked if absent).")
@click.option("--number", default=None,
              help="The two-way number linked to the setup, E.164 (+15551234567).")
@click.option("--test-to", "test_to", default=None,
              help="Send a test text to this mobile (E.164), from --number.")
def check(key: str | None, number: str | None, test_to: str | None) -> None:
    """Check a Platform SMS setup: the key, the balance, and (with --test-to) that a text
    from the number goes out, which is the only way the One API tells whether the number is
    linked to the setup."""
    number, test_to = _e164(number, "--number"), _e164(test_to, "--test-to")
    if test_to and not number:
        raise click.UsageError("--test-to needs --number: the text is sent from it.")
    key = key or click.prompt("One API key", hide_input=True)
    with platform_client(key) as client:
        try:
            balance = client.balance()
        except ClickatellError as error:
            click.echo(f"Key: NOT accepted. {in_plain_words(error)}")
            raise SystemExit(1) from None
        click.echo("Key: accepted.")
        click.echo(f"Balance: {balance.amount} {balance.currency or ''}".rstrip())
        if balance.amount <= 0:
            click.echo("  No credit: buy some in the portal before texts can go out.")
        if not test_to:
            click.echo("Number: not checked (add --number and --test-to YOUR_MOBILE: only a "
                       "text sent from it shows it is linked to the setup).")
            return
        try:
            sent = client.send(test_to, "Test message from the appointment reminder app: "
                               "your Clickatell setup works.", sender=number)
        except ClickatellError as error:
            click.echo(f"Test text: NOT sent. {in_plain_words(error)}")
            raise SystemExit(1) from None
        click.echo(f"Number: {number} is linked (the test text was accepted, "
                   f"message id {sent.api_message_id}).")
