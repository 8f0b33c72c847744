"""What a reply costs the database (issue 17: the inbound webhook's rate is its statements
and their ORM work): only what the reply needs is read, and the count does not creep back."""

import pytest
from sqlalchemy import event

from reminder_app.extensions import db
from reminder_app.inbound import conversations
from reminder_app.inbound.understanding import Intent
from reminder_app.models import AppointmentStatus
from tests.inbound.conftest import answers, inbound_messages, refreshed

#: Statements of a free-text reply and of a "C" (answered), as measured for
#: docs/performance.md ("Issue 17: the reply handler cut": 14 → 7 and 25 → 12 on
#: PostgreSQL). SQLite sends the two events of a "C" as two INSERTs.
BUDGET = {"postgresql": (7, 12), "sqlite": (7, 13)}


@pytest.fixture
def statements(app):
    """The SQL the app's engine sends (BEGIN and COMMIT are not statements here)."""
    sent: list[str] = []

    def listener(_connection, _cursor, statement, *_):
        sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", listener)
    yield sent
    event.remove(db.engine, "before_cursor_execute", listener)


def reading_words(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM practice_keyword" in s and s.startswith("SELECT")
            and "EXISTS" not in s]


def test_one_of_our_words_alone_is_read_without_the_practice_words(
        texts, practice, appointment, statements):
    conversations.add_keyword(practice, "ven", Intent.CONFIRM)
    db.session.commit()
    statements.clear()
    assert texts.send("C").status_code == 200
    assert reading_words(statements) == []
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED


def test_a_longer_reply_reads_the_practice_words_when_it_has_some(
        texts, practice, appointment, statements):
    conversations.add_keyword(practice, "ven", Intent.CONFIRM)
    db.session.commit()
    statements.clear()
    assert texts.send("Ven please").status_code == 200
    assert len(reading_words(statements)) == 1
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED


def test_without_practice_words_or_offers_neither_is_looked_for(texts, appointment,
                                                                statements):
    assert texts.send("Running 10 minutes late").status_code == 200
    assert reading_words(statements) == []
    assert not [s for s in statements if s.startswith("SELECT offer.")]
    assert len(inbound_messages()) == 1


def send_counted(texts, statements: list[str], text: str) -> int:
    """Send `text` and return how many statements the app sent for it (the form and its URL
    are made first: reading the test's account is not the app's work)."""
    form, secret = texts.params(text), texts.account.callback_secret
    statements.clear()
    assert texts.send_raw(form, secret=secret).status_code == 200
    return len(statements)


def test_a_reply_costs_no_more_statements_than_measured(texts, appointment, statements):
    free_text = send_counted(texts, statements, "Running 10 minutes late")
    confirmation = send_counted(texts, statements, "C")
    free_text_budget, confirmation_budget = BUDGET[db.engine.dialect.name]
    assert free_text <= free_text_budget
    assert confirmation <= confirmation_budget, "\n".join(statements)
    assert len(answers()) == 1
