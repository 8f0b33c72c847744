"""The day view's "running late" broadcast (issue #19): one text to every patient still to
come today, through the outbox, with a preview of who gets it and who does not and why."""

from flask import Flask

from ..models import MessageKind
from ..outbox.policy import register_check
from .service import check_late_notice


def init_app(app: Flask) -> None:
    register_check(app, MessageKind.LATE_NOTICE, check_late_notice)
