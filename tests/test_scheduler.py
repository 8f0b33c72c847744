import time

from reminder_app import create_app, scheduler


def test_no_scheduler_unless_enabled(app):
    assert "scheduler" not in app.extensions


def test_enabled_scheduler_runs_each_job_in_an_app_context(database_url, monkeypatch):
    calls = []

    def job():
        from flask import current_app

        calls.append(current_app.name)

    monkeypatch.setattr(scheduler, "JOBS", [("probe", "tests.test_scheduler:probe", "PROBE")])
    monkeypatch.setitem(globals(), "probe", job)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SCHEDULER_ENABLED": True, "PROBE": 0.05})
    running = app.extensions["scheduler"]
    try:
        assert [j.id for j in running.get_jobs()] == ["probe"]
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        running.shutdown(wait=True)
    assert calls and calls[0] == "reminder_app"
