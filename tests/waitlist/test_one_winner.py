"""Exactly one winner: many patients answer YES to one slot in the same instant, through the
webhook, served by two app instances (two connection pools, as two processes have)."""

import threading
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select

from reminder_app import create_app
from reminder_app.extensions import db
from reminder_app.models import (
    Appointment,
    FreedSlot,
    Message,
    MessageKind,
    OfferStatus,
    SlotStatus,
)
from tests.conftest import LiveServer
from tests.waitlist.conftest import free_slot, offers_of, send_offers, waitlisted


@pytest.fixture
def two_servers(app):
    servers = [LiveServer(app)]
    twin = create_app(dict(app.config))
    servers.append(LiveServer(twin))
    yield servers
    for server in servers:
        server.stop()
    with twin.app_context():
        db.engine.dispose()


def test_fifty_concurrent_yeses_make_one_booking_and_49_taken_answers(app, texts, practice,
                                                                      provider, two_servers):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("several processes answering at once is PostgreSQL's case")
    answering = 50
    practice.offer_wave_size = answering
    db.session.commit()
    patients = [waitlisted(practice, provider) for _ in range(answering)]
    slot = free_slot(practice, provider)
    assert len(send_offers()) == answering

    url = texts.url()
    bodies = [texts.params("YES", sender=patient.mobile) for patient in patients]
    start = threading.Barrier(answering)
    statuses = []

    def answer(n: int) -> None:
        start.wait()
        response = requests.post(f"{two_servers[n % 2].url}{url}", data=bodies[n], timeout=60,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(answering)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * answering
    db.session.expire_all()
    booked = db.session.scalars(select(Appointment).where(
        Appointment.starts_at == slot.starts_at, Appointment.reason == "From the waitlist")).all()
    assert len(booked) == 1
    assert db.session.get(FreedSlot, slot.id).status is SlotStatus.FILLED
    statuses_of_offers = sorted(offer.status for offer in offers_of(slot))
    assert statuses_of_offers.count(OfferStatus.ACCEPTED) == 1
    assert statuses_of_offers.count(OfferStatus.TAKEN) == answering - 1
    answers = db.session.scalars(select(Message.body).where(
        Message.kind == MessageKind.AUTO_REPLY)).all()
    assert sum("it is yours" in body for body in answers) == 1
    assert sum("just taken" in body for body in answers) == answering - 1
    assert db.session.scalar(select(func.count(Message.id)).where(
        Message.kind == MessageKind.REPLY)) == answering
    assert booked[0].patient_id in {patient.id for patient in patients}
    assert booked[0].created_at <= datetime.now(UTC)


def test_processes_advancing_the_same_slot_at_once_send_one_wave(app, practice, provider):
    """Every app process runs the `waitlist-offers` job; a due wave still goes out once."""
    from datetime import timedelta

    from reminder_app.waitlist import offers

    if db.engine.dialect.name != "postgresql":
        pytest.skip("several processes advancing at once is PostgreSQL's case")
    for _ in range(9):
        waitlisted(practice, provider)
    now = datetime.now(UTC)
    slot = free_slot(practice, provider, now=now)
    later = now + timedelta(minutes=15)
    apps = [create_app(dict(app.config)) for _ in range(4)]
    start = threading.Barrier(len(apps))
    advanced = []

    def advance(each) -> None:
        with each.app_context():
            start.wait()
            advanced.append(offers.advance(later))
            db.session.remove()
            db.engine.dispose()

    threads = [threading.Thread(target=advance, args=(each,)) for each in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(advanced) == [0, 0, 0, 1]
    waves = [offer.wave for offer in offers_of(slot)]
    assert waves == [1, 1, 1, 2, 2, 2]
