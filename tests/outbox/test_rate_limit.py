"""One text per slot per long number, shared through the database by every sender."""

from datetime import datetime

from flask import current_app

from reminder_app.outbox.rate_limit import RateLimiter
from reminder_app.reminders.passes import run_pass

from .conftest import warm_session


class FakeTime:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


def test_senders_in_different_processes_share_one_pace_per_number(app):
    shared = FakeTime()
    first = RateLimiter(1.0, clock=shared.clock, sleep=shared.sleep)
    second = RateLimiter(1.0, clock=shared.clock, sleep=shared.sleep)  # another process
    waits = [first.wait("+14155550001"), second.wait("+14155550001"),
             first.wait("+14155550001"), second.wait("+14155550002")]
    assert waits == [0.0, 1.0, 2.0, 0.0]  # the other number has its own pace


def test_a_slot_left_unused_is_not_saved_up(app):
    time = FakeTime()
    limiter = RateLimiter(2.0, clock=time.clock, sleep=time.sleep)
    limiter.wait("+14155550001")
    time.now += 60  # quiet for a minute: no burst of 120 texts afterwards
    assert [limiter.wait("+14155550001") for _ in range(3)] == [0.0, 0.5, 1.0]


def test_rate_zero_switches_the_limit_off(app):
    assert RateLimiter(0).wait("+14155550001") == 0.0


def test_the_dispatcher_spaces_texts_from_one_number(booking, account, sandbox):
    current_app.config.update(OUTBOX_RATE_PER_SECOND=5.0, OUTBOX_CONCURRENCY=3)
    for _ in range(4):
        booking.appointment()
    warm_session(account)
    run_pass(booking.due)
    created = sorted(datetime.fromisoformat(m["created"].replace("Z", "+00:00"))
                     for m in sandbox.messages())
    assert len(created) == 4
    # 3 intervals of 0.2 s (less a margin for HTTP jitter); unlimited, it takes ~0.05 s
    assert (created[-1] - created[0]).total_seconds() >= 0.45
