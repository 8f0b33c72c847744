"""`/metrics`: Prometheus reads the outbox, latency, outcomes, callbacks and the workers,
each figure as the database has it, and only with the token."""

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from reminder_app.extensions import db
from reminder_app.models import (
    CallbackKind,
    CallbackRecord,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    WorkerHeartbeat,
)
from tests.factories import make_clickatell_account, make_patient, make_practice

TOKEN = "metrics-token-0123456789"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "METRICS_TOKEN": TOKEN}


def scrape(client, token: str = TOKEN) -> dict:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.data
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def text(practice, patient, status, now, *, due_ago=None, sent_after=None, code=None):
    due = now - due_ago if due_ago is not None else None
    message = Message(
        practice_id=practice.id, patient=patient, direction=Direction.OUTBOUND,
        kind=MessageKind.REMINDER, sender="+12015550199", recipient=patient.mobile,
        body="Your appointment", status=status, send_after=due, status_code=code,
        sent_at=due + sent_after if sent_after is not None else None)
    db.session.add(message)
    return message


@pytest.fixture
def activity(app):
    """A little of everything, at instants relative to now; returns that now."""
    now = datetime.now(UTC)
    practice = make_practice().practice
    account = make_clickatell_account(practice, long_number="+12015550199")
    patient = make_patient(practice)
    text(practice, patient, MessageStatus.QUEUED, now, due_ago=timedelta(minutes=7))
    text(practice, patient, MessageStatus.QUEUED, now, due_ago=timedelta(minutes=2))
    text(practice, patient, MessageStatus.QUEUED, now, due_ago=-timedelta(hours=5))  # not yet due
    text(practice, patient, MessageStatus.SENDING, now, due_ago=timedelta(seconds=30))
    text(practice, patient, MessageStatus.SENT, now, due_ago=timedelta(hours=1),
         sent_after=timedelta(seconds=3))
    text(practice, patient, MessageStatus.DELIVERED, now, due_ago=timedelta(hours=2),
         sent_after=timedelta(seconds=40))
    text(practice, patient, MessageStatus.FAILED, now, due_ago=timedelta(hours=3),
         sent_after=timedelta(minutes=20), code="114")
    text(practice, patient, MessageStatus.CANCELLED, now, due_ago=timedelta(hours=3))
    for kind, processed, error in [(CallbackKind.STATUS, True, ""),
                                   (CallbackKind.STATUS, True, ""),
                                   (CallbackKind.INBOUND, True, "unknown number"),
                                   (CallbackKind.INBOUND, False, "")]:
        db.session.add(CallbackRecord(kind=kind, account_id=account.id, method="POST",
                                      payload="{}", error=error,
                                      processed_at=now if processed else None))
    db.session.add(WorkerHeartbeat(name="a:1:x", started_at=now - timedelta(hours=1),
                                   beat_at=now - timedelta(seconds=5),
                                   last_pass_at=now - timedelta(seconds=12)))
    db.session.add(WorkerHeartbeat(name="b:2:y", started_at=now - timedelta(days=1),
                                   beat_at=now - timedelta(hours=20),
                                   stopped_at=now - timedelta(hours=20)))
    db.session.commit()
    return now


def test_the_figures_are_the_databases(client, activity):
    now = activity
    figures = scrape(client)
    waited = (datetime.now(UTC) - (now - timedelta(minutes=7))).total_seconds()

    assert figures[("reminder_outbox_texts", (("status", "queued"),))] == 3
    assert figures[("reminder_outbox_texts", (("status", "sending"),))] == 1
    assert 7 * 60 <= figures[("reminder_outbox_oldest_due_seconds", ())] <= waited

    latency = {labels[0][1]: value for (name, labels), value in figures.items()
               if name == "reminder_send_latency_seconds_bucket"}
    assert (latency["5.0"], latency["15.0"], latency["60.0"], latency["900.0"],
            latency["3600.0"], latency["+Inf"]) == (1, 1, 2, 2, 3, 3)
    assert figures[("reminder_send_latency_seconds_count", ())] == 3
    assert figures[("reminder_send_latency_seconds_sum", ())] == pytest.approx(1243, abs=1)

    outcomes = {labels: value for (name, labels), value in figures.items()
                if name == "reminder_text_outcomes"}
    assert outcomes == {(("code", ""), ("status", "sent")): 1,
                        (("code", ""), ("status", "delivered")): 1,
                        (("code", "114"), ("status", "failed")): 1,
                        (("code", ""), ("status", "cancelled")): 1}

    callbacks = {labels: value for (name, labels), value in figures.items()
                 if name == "reminder_callbacks"}
    assert callbacks == {(("kind", "status"), ("result", "processed")): 2,
                         (("kind", "inbound"), ("result", "failed")): 1,
                         (("kind", "inbound"), ("result", "pending")): 1}

    assert figures[("reminder_worker_last_seen_timestamp_seconds", ())] == pytest.approx(
        (now - timedelta(seconds=5)).timestamp(), abs=0.01)
    assert figures[("reminder_worker_last_pass_timestamp_seconds", ())] == pytest.approx(
        (now - timedelta(seconds=12)).timestamp(), abs=0.01)
    assert figures[("reminder_workers_running", ())] == 1


def test_the_figures_follow_the_database(client, activity):
    db.session.execute(Message.__table__.update()
                       .where(Message.status == MessageStatus.QUEUED)
                       .values(status=MessageStatus.SENDING))
    db.session.commit()
    figures = scrape(client)
    assert figures[("reminder_outbox_texts", (("status", "queued"),))] == 0
    assert figures[("reminder_outbox_texts", (("status", "sending"),))] == 4


def test_an_empty_database_scrapes_as_zeros(client):
    figures = scrape(client)
    assert figures[("reminder_outbox_oldest_due_seconds", ())] == 0
    assert figures[("reminder_send_latency_seconds_count", ())] == 0
    assert figures[("reminder_worker_last_seen_timestamp_seconds", ())] == 0


def test_no_figures_without_the_token(client, activity):
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guessed"})
    assert wrong.status_code == 401 and b"reminder_" not in wrong.data


def test_no_endpoint_at_all_without_a_configured_token(app, client):
    app.config["METRICS_TOKEN"] = None
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
