"""`flask recalls send-due [--at ISO-8601]`: one recall pass from the command line (cron
deployments, trying a date by hand); the worker's job `recalls` runs the same pass."""

from datetime import datetime

import click
from flask.cli import AppGroup

from ..reminders.cli import parse_instant
from ..transactions import unit_of_work
from .texting import send_due

recalls_cli = AppGroup("recalls", help="Recalls: patients due for a visit.")


@recalls_cli.command("send-due")
@click.option("--at", "at", callback=parse_instant, metavar="ISO-8601",
              help="Act as if it were this instant (default: now).")
def send_due_command(at: datetime | None) -> None:
    """Queue the recall texts that are due (the next dispatch pass sends them)."""
    with unit_of_work():
        result = send_due(at)
    click.echo(result.summary())
