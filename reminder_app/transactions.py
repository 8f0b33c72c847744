"""Where a transaction ends: the one place the app commits.

Services change the session and never commit; the edges (a view, a webhook, a scheduler job,
a CLI command) decide when the work they asked for is one finished unit. That keeps "book an
appointment and plan its reminders and tell the waitlist" one transaction whoever calls it,
lets a webhook keep its raw callback and its processing together, and gives a test one
place to see whether anything was written.

    with unit_of_work():            # in an edge: commits on success, rolls back on error
        appointments.book(...)

    @unit_of_work()                 # the same, around a whole view or job
    def cancel_view(...): ...

A unit of work that ends by an exception rolls back everything it did and raises again; a
view that answers an error page or a form shown again still commits, which writes nothing
when the service refused before changing anything (they check first, then change).
"""

from contextlib import contextmanager

from .extensions import db


@contextmanager
def unit_of_work():
    """Commit what the block did, or roll it all back if it raised."""
    try:
        yield db.session
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def commit() -> None:
    """End the current unit of work now, for an edge that works in several steps (a
    dispatcher pass commits its claim before it calls Clickatell, then its outcomes)."""
    db.session.commit()


def rollback() -> None:
    """Forget what the current unit of work did, for an edge that refuses part way."""
    db.session.rollback()
