"""The scheduled jobs, run only by the worker process (`flask worker`, reminder_app/worker.py).

The jobs only *look* for work in the database (reminders due, accounts awaiting activation);
the rows themselves decide who does it, so any number of workers can run these jobs at once.
Web processes and other `flask` commands never build a scheduler.
Each run is an edge: it owns its transaction (`unit_of_work`), and a job that works in
several steps (a dispatch pass, a wave per freed slot) commits each step itself.
"""

from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from .transactions import unit_of_work

#: (job id, function path, setting that holds its interval in seconds)
JOBS: list[tuple[str, str, str]] = [
    ("onboarding-check", "reminder_app.onboarding.checklist:refresh_pending_activations",
     "ONBOARDING_CHECK_SECONDS"),
    ("dispatch", "reminder_app.reminders.passes:run_pass", "DISPATCH_INTERVAL_SECONDS"),
    ("waitlist-offers", "reminder_app.waitlist.offers:advance", "WAITLIST_CHECK_SECONDS"),
    ("recalls", "reminder_app.recalls.texting:send_due", "RECALL_CHECK_SECONDS"),
]


def in_app_context(app: Flask, function: Callable[[], object],
                   after: Callable[[str], None] | None = None,
                   job_id: str = "") -> Callable[[], None]:
    """The job as an edge: its own app context and unit of work; `after(job_id)` once it
    has finished well (the worker records its passes that way)."""
    def run() -> None:
        with app.app_context():
            try:
                with unit_of_work():
                    function()
            except Exception:
                app.logger.exception("scheduled job %s failed", function.__name__)
                raise
            if after is not None:
                after(job_id)
    run.__name__ = function.__name__
    return run


def resolve(path: str) -> Callable[[], object]:
    module_name, _, attribute = path.partition(":")
    module = __import__(module_name, fromlist=[attribute])
    return getattr(module, attribute)


def build(app: Flask, after: Callable[[str], None] | None = None) -> BackgroundScheduler:
    """A scheduler with every job, not started: the worker starts and stops it."""
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                      "misfire_grace_time": 60})
    for job_id, path, setting in JOBS:
        scheduler.add_job(in_app_context(app, resolve(path), after, job_id), "interval",
                          seconds=app.config[setting], id=job_id, replace_existing=True)
    return scheduler
