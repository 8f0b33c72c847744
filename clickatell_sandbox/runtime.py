"""The objects one running sandbox shares between requests and its background threads."""

from __future__ import annotations

from flask import current_app, g, request
from sqlalchemy.orm import Session

from .config import Settings
from .faults import Faults
from .platform.service import ForcedErrors
from .push import Scheduler
from .storage import Store


class Sandbox:
    """Settings, storage, the background scheduler and the fault switchboard of one app.

    Lives in `app.extensions["sandbox"]`; `shutdown()` stops the background threads and closes
    the database connections (tests call it through `testing.SandboxServer.stop`).
    """

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.scheduler = Scheduler(settings.push_workers)
        self.faults = Faults()
        self.forced_errors = ForcedErrors()

    def start(self) -> None:
        from . import messages, push

        self.scheduler.start()
        push.resume(self)
        messages.resume(self)

    def shutdown(self) -> None:
        self.scheduler.shutdown()
        self.store.dispose()

    def scaled(self, seconds: float) -> float:
        """A retry or scheduling delay of the real service, compressed by SANDBOX_TIME_SCALE."""
        return seconds * self.settings.time_scale


def current_sandbox() -> Sandbox:
    return current_app.extensions["sandbox"]


def db() -> Session:
    """The session of the current request, closed when the request ends."""
    if "sandbox_db" not in g:
        g.sandbox_db = current_sandbox().store.sessions()
    return g.sandbox_db


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("sandbox_db", None)
    if session is not None:
        session.close()


def public_base() -> str:
    """Base of links Clickatell hands out (e-mails, buy and apply pages), ending in '/'."""
    return current_sandbox().settings.public_url or request.host_url
