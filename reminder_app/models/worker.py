"""The worker processes' heartbeats: how the dashboard and the metrics know texts are leaving."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class WorkerHeartbeat(db.Model):
    """One row per worker process (`flask worker`), beaten every few seconds while it runs.

    `last_pass_at` is when its last dispatch pass ended; `stopped_at` is set by a clean
    shutdown. A worker killed outright simply stops beating, which is what the dashboard
    watches for.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # host:pid:random
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_pass_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
