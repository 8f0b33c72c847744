"""Command-line commands: `flask seed-demo`, `flask create-practice`, `flask reminders …`."""

import click
from flask import Flask

from .extensions import db
from .models import Practice, Role, StaffUser


def create_practice_with_owner(*, practice_name: str, owner_name: str, email: str,
                               password: str, country: str = "US",
                               timezone: str = "America/New_York", phone: str = "",
                               address: str = "") -> StaffUser:
    practice = Practice(name=practice_name, country=country, timezone=timezone, phone=phone,
                        address=address)
    owner = StaffUser(practice=practice, name=owner_name, email=email.lower(), role=Role.OWNER)
    owner.set_password(password)
    db.session.add_all([practice, owner])
    db.session.commit()
    return owner


def init_app(app: Flask) -> None:
    from .reminders.cli import reminders_cli

    app.cli.add_command(reminders_cli)

    @app.cli.command("seed-demo")
    def seed_demo():
        """Seed the demo practice (see reminder_app/demo.py), on an empty database only."""
        from . import demo

        try:
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
