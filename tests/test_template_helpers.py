"""Every status has one look: a label on its enum and a badge class here, for every value."""

import pytest

from reminder_app.models import AppointmentStatus, MessageStatus, ReminderStatus, SlotStatus
from reminder_app.template_helpers import BADGES, badge

SHOWN = [*AppointmentStatus, *ReminderStatus, *MessageStatus, *SlotStatus]


@pytest.mark.parametrize("status", SHOWN, ids=lambda s: f"{type(s).__name__}.{s.name}")
def test_every_shown_status_has_a_label_and_a_badge(status):
    assert status.label and status in BADGES
    assert str(badge(status)) == f'<span class="badge {BADGES[status]}">{status.label}</span>'


def test_a_badge_takes_an_extra_class():
    shown = str(badge(MessageStatus.CANCELLED, "delivery-status"))
    assert shown == '<span class="badge text-bg-secondary delivery-status">Not sent</span>'
