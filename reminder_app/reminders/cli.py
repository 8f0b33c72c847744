"""`flask reminders send-due [--at ISO-8601]`: one dispatch pass from the command line, for
cron deployments (instead of the in-process scheduler) and for tests."""

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from ..transactions import unit_of_work
from .passes import run_pass

reminders_cli = AppGroup("reminders", help="The reminder engine.")


def parse_instant(_ctx, _param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("give an ISO-8601 instant, e.g. 2026-03-14T13:30:00Z") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give the time zone too, e.g. 2026-03-14T09:30:00-04:00 or …Z")
    return moment.astimezone(UTC)


@reminders_cli.command("send-due")
@click.option("--at", "at", callback=parse_instant, metavar="ISO-8601",
              help="Act as if it were this instant (default: now).")
def send_due(at: datetime | None) -> None:
    """Queue the reminders that are due and send every text that is due."""
    with unit_of_work():  # the command is an edge: whatever the pass left open is committed
        result = run_pass(at)
    click.echo(result.summary())
