"""The recall figures the dashboard shows (`recall_counts`): due, texted and overdue are the
list's own filters, counted in one query for the practice's own recalls."""

from datetime import timedelta

from sqlalchemy import event

from reminder_app.extensions import db
from reminder_app.models import RecallStatus
from reminder_app.recalls.service import recall_counts, recall_rows
from reminder_app.transactions import unit_of_work
from tests.factories import make_clickatell_account, make_patient, make_practice
from tests.recalls.conftest import ADDED, DUE, add_recall, at


def test_each_count_is_what_its_filter_of_the_list_shows(practice):
    now = at(DUE + timedelta(days=40), 12)
    # Due 40 days ago, texted: due, texted and overdue. Due today, not texted yet: due.
    # Replied 40 days on: overdue only. Due ahead: none. Closed: none.
    late, fresh, replied, ahead, closed = (
        add_recall(practice, make_patient(practice), due_on=day, now=ADDED)
        for day in (DUE, DUE + timedelta(days=40), DUE, DUE + timedelta(days=60), DUE))
    with unit_of_work():
        late.steps = 2
        replied.status = RecallStatus.REPLIED
        closed.status = RecallStatus.CLOSED
    other = make_practice("Harbor View Clinic").practice
    make_clickatell_account(other)
    theirs = add_recall(other, make_patient(other), now=ADDED)
    with unit_of_work():
        theirs.steps = 1

    counts = recall_counts(practice, now)

    assert counts == {"due": 2, "texted": 1, "overdue": 2}
    assert counts == {show: len(recall_rows(practice, show=show, now=now)) for show in counts}
    assert ahead.status is RecallStatus.OPEN and fresh.steps == 0


def test_the_counts_are_one_query(practice):
    add_recall(practice, make_patient(practice), now=ADDED)
    assert practice.zone  # loaded before counting
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        recall_counts(practice, at(DUE, 12))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
