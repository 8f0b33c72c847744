"""Claiming: a claim leases at most its batch, the texts due longest first, however the
database chooses to run the statement (found by the crash drill on PostgreSQL, where a claim
of 5 took all 50 texts then due)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text

from reminder_app.extensions import db
from reminder_app.models import Direction, Message, MessageKind, MessageStatus
from reminder_app.outbox.dispatcher import claim_messages
from tests.factories import make_patient, make_practice

NOW = datetime(2026, 6, 15, 16, 30, tzinfo=UTC)
LEASE = timedelta(seconds=8)


def queue_texts(count: int) -> list[int]:
    """`count` due texts, stored in the order they fell due (as the queueing stage stores
    them); their ids, oldest first."""
    practice = make_practice().practice
    patient = make_patient(practice)
    return list(db.session.execute(
        insert(Message).returning(Message.id, sort_by_parameter_order=True), [
            {"practice_id": practice.id, "patient_id": patient.id,
             "direction": Direction.OUTBOUND, "kind": MessageKind.REMINDER,
             "sender": "+12015550199", "recipient": patient.mobile, "body": "Reminder",
             "status": MessageStatus.QUEUED, "send_after": NOW - timedelta(minutes=count - n),
             "attempts": 0} for n in range(count)]).scalars())


def plan_as_a_nested_loop() -> None:
    """What PostgreSQL chooses for a table without fresh statistics (a new or fast-growing
    outbox): the candidates' subquery run again for each row scanned. For this transaction
    only; SQLite has no such settings."""
    if db.engine.dialect.name == "postgresql":
        for setting in ("enable_hashagg", "enable_hashjoin", "enable_mergejoin",
                        "enable_material"):
            db.session.execute(text(f"SET LOCAL {setting} = off"))


def test_a_claim_takes_at_most_its_batch_the_longest_due_first(app):
    ids = queue_texts(50)
    db.session.commit()
    plan_as_a_nested_loop()
    claimed = claim_messages(NOW, "worker-1", limit=5, lease=LEASE)
    assert sorted(claimed) == ids[:5]
    db.session.expire_all()
    leased = db.session.scalars(select(Message.id).where(
        Message.status == MessageStatus.SENDING)).all()
    assert sorted(leased) == ids[:5]


def test_the_next_claim_takes_the_next_batch(app):
    ids = queue_texts(12)
    db.session.commit()
    batches = []
    for worker in ("worker-1", "worker-2", "worker-3"):
        plan_as_a_nested_loop()
        batches.append(sorted(claim_messages(NOW, worker, limit=5, lease=LEASE)))
    assert batches == [ids[:5], ids[5:10], ids[10:]]
