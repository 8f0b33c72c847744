"""Background jobs: one APScheduler per app process, each job safe to run in several at once.

The jobs only *look* for work in the database (reminders due, accounts awaiting activation);
the rows themselves decide who does it, so any number of processes can run this scheduler.
Each run is an edge: it owns its transaction (`unit_of_work`), and a job that works in
several steps (a dispatch pass, a wave per freed slot) commits each step itself.
"""

import atexit
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
]


def in_app_context(app: Flask, function: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            try:
                with unit_of_work():
                    function()
            except Exception:
                app.logger.exception("scheduled job %s failed", function.__name__)
                raise
    run.__name__ = function.__name__
    return run


def resolve(path: str) -> Callable[[], object]:
    module_name, _, attribute = path.partition(":")
    module = __import__(module_name, fromlist=[attribute])
    return getattr(module, attribute)


def init_app(app: Flask) -> BackgroundScheduler | None:
    if not app.config.get("SCHEDULER_ENABLED"):
        return None
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                      "misfire_grace_time": 60})
    for job_id, path, setting in JOBS:
        scheduler.add_job(in_app_context(app, resolve(path)), "interval",
                          seconds=app.config[setting], id=job_id, replace_existing=True)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    atexit.register(lambda: scheduler.shutdown(wait=False) if scheduler.running else None)
    return scheduler
