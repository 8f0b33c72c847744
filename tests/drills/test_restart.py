"""Restart drill: the app is stopped for an hour (of simulated time) while reminders fall
due; when it starts again, the reminders whose appointment is still ahead go out at once,
those whose appointment has begun meanwhile do not, and nothing goes out twice, however
many passes follow. The passes run as `flask reminders send-due --at …`, as from cron."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import Reminder, ReminderStatus
from reminder_app.reminders.policy import STARTED
from tests.factories import make_ready_practice

from .conftest import no_quiet_hours, scaled, seed_reminders

pytestmark = pytest.mark.slow

MINUTE = timedelta(minutes=1)


@pytest.fixture
def app_config(gateway_config):
    return {**gateway_config, "OUTBOX_CONCURRENCY": 2, "OUTBOX_RATE_PER_SECOND": 0}


def test_reminders_due_while_the_app_was_down_go_out_once_on_restart(app, sandbox, runner):
    per_group = scaled(40, minimum=5)
    stop = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)
    back = stop + timedelta(hours=1)
    practice = make_ready_practice(sandbox, credits=10_000).practice
    no_quiet_hours(practice)
    groups = {
        # sent before the stop
        "before": [(stop - 10 * MINUTE, stop + 3 * timedelta(hours=1))] * per_group,
        # due while stopped, the appointment after the restart: out at the restart
        "during": [(stop + (1 + n % 58) * MINUTE, stop + (121 + n % 58) * MINUTE)
                   for n in range(per_group)],
        # due while stopped, the appointment only minutes after the restart: still out
        "just in time": [(stop + 50 * MINUTE, back + 5 * MINUTE)] * per_group,
        # due and begun while stopped: too late, never sent
        "too late": [(stop + 10 * MINUTE, stop + 30 * MINUTE)] * per_group,
        # due after the restart: out at its own time
        "after": [(back + 10 * MINUTE, back + 130 * MINUTE)] * per_group,
    }
    ids = {}
    for n, (name, slots) in enumerate(groups.items()):
        ids[name] = seed_reminders(practice, slots, mobile_base=2025550000 + 1000 * n)

    def send_due(at: datetime) -> str:
        result = runner.invoke(args=["reminders", "send-due", "--at", at.isoformat()])
        assert result.exit_code == 0, result.output
        return result.output

    for at in (stop - 30 * MINUTE, stop - 15 * MINUTE, stop):  # running: every 15 minutes
        send_due(at)
    assert len(sandbox.messages()) == per_group  # only "before" so far
    # ...stopped for an hour; then it starts again and a pass runs at once:
    output = send_due(back)
    assert f"{2 * per_group} queued, {per_group} skipped" in output, output  # during, just
    assert f"{2 * per_group} sent" in output, output  # in time / too late
    for at in (back + MINUTE, back + 15 * MINUTE, back + 30 * MINUTE, back + 45 * MINUTE):
        send_due(at)

    db.session.expire_all()
    status = {name: Counter(db.session.get(Reminder, i).status for i in group)
              for name, group in ids.items()}
    for name in ("before", "during", "just in time", "after"):
        assert status[name] == {ReminderStatus.SENT: per_group}, (name, status[name])
    assert status["too late"] == {ReminderStatus.SKIPPED: per_group}, status["too late"]
    reasons = {r.reason for r in db.session.scalars(
        select(Reminder).where(Reminder.id.in_(ids["too late"])))}
    assert reasons == {STARTED}

    received = sandbox.messages()
    assert len(received) == 4 * per_group
    assert max(Counter(m["cliMsgId"] for m in received).values()) == 1
    assert max(Counter(m["to"] for m in received).values()) == 1
    too_late = {f"1{2025550000 + 3000 + n}" for n in range(per_group)}
    assert not too_late & {m["to"] for m in received}
