"""Command-line commands: `flask seed-demo`, `flask create-practice`, `flask reminders …`."""

import secrets

import click
from flask import Flask
from sqlalchemy import func, select

from .extensions import db
from .models import Practice, Role, StaffUser

DEMO_OWNER_EMAIL = "owner@demo.example"


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
        """Create a demo practice and its owner, on an empty database only."""
        if db.session.scalar(select(func.count()).select_from(Practice)):
            click.echo("The database already has practices; nothing seeded.")
            return
        password = secrets.token_urlsafe(9)
        create_practice_with_owner(
            practice_name="Riverside Family Practice", owner_name="Dana Rivers",
            email=DEMO_OWNER_EMAIL, password=password, phone="+12015550100",
            address="12 River Road, Hoboken, NJ 07030",
        )
        click.echo("")
        click.echo("Demo practice created. Sign in at the address below with:")
        click.echo(f"  e-mail:   {DEMO_OWNER_EMAIL}")
        click.echo(f"  password: {password}")
        click.echo("(This password is shown only once.)")
        click.echo("")
