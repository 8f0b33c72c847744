"""Command-line commands: `flask worker`, `flask rotate-field-keys`, `flask reminders …`,
`flask clickatell check`, and in development `flask seed-demo` (devtools/, which
production never imports)."""

import click
from flask import Flask

from .key_rotation import rotate_stored_secrets
from .models.types import utcnow
from .onboarding.cli import clickatell_cli
from .recalls.cli import recalls_cli
from .reminders.cli import reminders_cli
from .retention import purge_old_texts
from .transactions import unit_of_work
from .worker import Worker

try:
    from devtools import demo
except ImportError:  # a production install without the development tooling
    demo = None


def init_app(app: Flask) -> None:
    app.cli.add_command(reminders_cli)
    app.cli.add_command(clickatell_cli)
    app.cli.add_command(recalls_cli)

    @app.cli.command("worker")
    def worker():
        """Run the scheduled jobs (send reminders, waitlist waves, recalls, activation checks) until
        SIGTERM or Ctrl-C. Web processes never send: run at least one of these."""
        running = Worker(app)
        running.handle_signals()
        click.echo(f"Worker {running.name} running; SIGTERM or Ctrl-C stops it cleanly.")
        running.run()
        click.echo(f"Worker {running.name} stopped.")

    @app.cli.command("rotate-field-keys")
    def rotate_field_keys():
        """Re-encrypt every stored secret with the newest FIELD_ENCRYPTION_KEY (the first)."""
        with unit_of_work():
            result = rotate_stored_secrets()
        click.echo(f"{result.rotated} stored secrets re-encrypted with the newest key.")
        if result.unreadable:
            click.echo(f"{result.unreadable} could not be read with any configured key and were "
                       "left as they were: put the key that encrypted them back in "
                       "FIELD_ENCRYPTION_KEY and run this again.")
            raise SystemExit(1)

    @app.cli.command("purge-old-texts")
    @click.option("--days", type=click.IntRange(min=1), default=None,
                  help="Keep this many days (default: RETENTION_DAYS).")
    def purge_old_texts_command(days: int | None):
        """Remove message bodies and patients' numbers from texts and callbacks older than
        the retention period; the counts the dashboard shows stay as they were."""
        days = days or app.config["RETENTION_DAYS"]
        with unit_of_work():
            purged = purge_old_texts(days, utcnow())
        click.echo(f"Older than {days} days: {purged.texts} texts and {purged.callbacks} "
                   "callbacks emptied of their words and patients' numbers.")

    if demo is not None and app.config.get("DEVELOPMENT_TOOLS"):
        register_demo(app)


def register_demo(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo():
        """Seed the demo practices (see devtools/demo.py), on an empty database only."""
        try:
            with unit_of_work():
                seed = demo.seed_demo()
        except demo.DemoError as error:
            click.echo(str(error))
            return
        for note in seed.notes:
            click.echo(f"Note: {note}")
        for seeded in seed.practices:
            click.echo("")
            click.echo(f"Demo practice created: {seeded.practice.name}, "
                       f"{demo.clickatell_of(seeded.practice)}. Sign in with:")
            click.echo(f"  e-mail:   {seeded.owner_email}")
            click.echo(f"  password: {seeded.password}")
        click.echo("(Each password is shown only once.)")
        click.echo(f"  the app:              {app.config['PUBLIC_BASE_URL']}")
        if demo.phone_pages_url():
            click.echo(f"  the patients' phones: {demo.phone_pages_url()}")
        click.echo("")
