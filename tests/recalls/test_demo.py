"""The demo's recall list (`flask seed-demo`): one recall in each state."""

import pytest

from devtools import demo
from reminder_app.models import RecallStatus
from reminder_app.recalls.service import recall_rows


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def test_the_demo_has_a_recall_in_every_state(app, live_app, sandbox):
    seed = demo.seed_demo()
    rows = {row.recall.patient.first_name: row for row in recall_rows(seed.practice,
                                                                      show="all")}
    assert rows["Grace"].texted == 2 and rows["Grace"].recall.status is RecallStatus.OPEN
    assert rows["Ahmed"].texted == 3 and rows["Ahmed"].overdue
    assert rows["Ahmed"].recall.next_text_at is None  # the practice's three texts are spent
    chloe = rows["Chloe"].recall
    assert (chloe.status, rows["Chloe"].texted) == (RecallStatus.BOOKED, 1)
    assert chloe.booked_appointment.patient.first_name == "Chloe"
    assert rows["Daniel"].texted == 0 and not rows["Daniel"].overdue
    # The annual physicals name the practice's type; the other recalls end with any booking.
    assert {name for name, row in rows.items() if row.recall.appointment_type} == {
        "Daniel", "Harold"}
    assert rows["Daniel"].recall.appointment_type.name == "Annual physical"
    assert rows["Harold"].texted == 0 and rows["Harold"].recall.note.startswith("Not texted")
    assert rows["Tom"].texted == 0 and rows["Tom"].recall.next_text_at is not None
