"""Command-line commands: `flask seed-demo`, `flask reminders …`."""

import click
from flask import Flask

from . import demo
from .reminders.cli import reminders_cli
from .transactions import unit_of_work


def init_app(app: Flask) -> None:
    app.cli.add_command(reminders_cli)

    @app.cli.command("seed-demo")
    def seed_demo():
        """Seed the demo practice (see reminder_app/demo.py), on an empty database only."""
        try:
            with unit_of_work():
                seed = demo.seed_demo()
        except demo.DemoError as error:
            click.echo(str(error))
            return
        for note in seed.notes:
            click.echo(f"Note: {note}")
        click.echo("")
        click.echo(f"Demo practice created: {seed.practice.name}. Sign in with:")
        click.echo(f"  e-mail:   {seed.owner_email}")
        click.echo(f"  password: {seed.password}")
        click.echo("(This password is shown only once.)")
        click.echo(f"  the app:              {app.config['PUBLIC_BASE_URL']}")
        if demo.phone_pages_url():
            click.echo(f"  the patients' phones: {demo.phone_pages_url()}")
        click.echo("")
