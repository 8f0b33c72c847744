"""Entry point for gunicorn: `gunicorn 'wsgi:app'`."""

from reminder_app import create_app

app = create_app()
