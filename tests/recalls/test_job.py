"""The recall pass is the worker's job `recalls`, and `flask recalls send-due --at`."""

from datetime import timedelta

from reminder_app import scheduler
from tests.factories import make_patient
from tests.recalls.conftest import DUE, add_recall, at, recall_texts


def test_the_worker_runs_the_recall_pass_every_recall_check_seconds(app):
    app.config["RECALL_CHECK_SECONDS"] = 120
    job = scheduler.build(app).get_job("recalls")
    assert job.trigger.interval == timedelta(seconds=120)
    assert job.func.__name__ == "send_due"


def test_the_command_runs_one_pass_as_if_at_the_given_instant(practice, runner):
    add_recall(practice, make_patient(practice))
    before = runner.invoke(args=["recalls", "send-due", "--at",
                                 at(DUE, 9).isoformat()])
    assert "recalls: 0 texts queued" in before.output and recall_texts() == []
    result = runner.invoke(args=["recalls", "send-due", "--at",
                                 at(DUE, 10).isoformat().replace("+00:00", "Z")])
    assert result.exit_code == 0, result.output
    assert "recalls: 1 texts queued, 0 waiting, 0 not texted" in result.output
    assert len(recall_texts()) == 1
