"""`/metrics` for Prometheus: what an operator watches to know reminders are leaving.

Every figure is read from the database at each scrape (a collector, not counters kept in
memory), so it is the same whichever web process answers and whichever worker did the work,
and it survives restarts. The endpoint answers only with the bearer token `METRICS_TOKEN`;
without that setting it does not exist (404), so nothing is published by accident.

- `reminder_outbox_texts{status}`: outbound texts waiting (queued) or leaving (sending).
- `reminder_outbox_oldest_due_seconds`: how long the oldest due, unsent text has waited.
- `reminder_send_latency_seconds`: histogram of how long after it was due each text left.
- `reminder_text_outcomes{status,code}`: outbound texts by outcome and Clickatell's code.
- `reminder_callbacks{kind,result}`: Clickatell's callbacks by kind, processed or failed.
- `reminder_worker_last_seen_timestamp_seconds`, `reminder_worker_last_pass_timestamp_seconds`
  and `reminder_workers_running`: the workers' heartbeats (reminder_app/worker.py).

No label carries a patient's number, a text or a secret: statuses, codes and kinds only.
"""

import hmac
from datetime import datetime, timedelta

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import and_, case, func, literal, select

from . import transactions, worker
from .extensions import db
from .models import CallbackRecord, Direction, Message, MessageStatus, WorkerHeartbeat
from .models.types import utcnow

bp = Blueprint("metrics", __name__)

#: Upper bounds of the latency buckets, in seconds (a pass runs every 15 s by default).
LATENCY_BUCKETS = (5, 15, 30, 60, 120, 300, 900, 3600)
WAITING = (MessageStatus.QUEUED, MessageStatus.SENDING)
OUTCOMES = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.FAILED,
            MessageStatus.CANCELLED)


def seconds_between(later, earlier):
    """`later - earlier` in seconds, in SQL, on PostgreSQL and SQLite alike."""
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def _timestamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


class DatabaseCollector(Collector):
    """Each scrape asks the database; nothing is cached between scrapes."""

    def collect(self):
        now = utcnow()
        outbound = Message.direction == Direction.OUTBOUND
        yield self._outbox(outbound)
        yield self._oldest_due(outbound, now)
        yield self._latency(outbound)
        yield self._outcomes(outbound)
        yield self._callbacks()
        yield from self._workers(now)

    def _outbox(self, outbound):
        depth = GaugeMetricFamily("reminder_outbox_texts",
                                  "Outbound texts waiting to leave, by status.",
                                  labels=["status"])
        counts = dict(db.session.execute(
            select(Message.status, func.count()).where(outbound, Message.status.in_(WAITING))
            .group_by(Message.status)).all())
        for status in WAITING:
            depth.add_metric([status.value], counts.get(status, 0))
        return depth

    def _oldest_due(self, outbound, now):
        oldest = db.session.scalar(  # ordered, not MIN(), so the column type reads it
            select(Message.send_after).where(outbound, Message.status.in_(WAITING),
                                             Message.send_after <= now)
            .order_by(Message.send_after).limit(1))
        return GaugeMetricFamily(
            "reminder_outbox_oldest_due_seconds",
            "How long the oldest due text that has not left has waited (0: none waits).",
            value=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)

    def _latency(self, outbound):
        due = func.coalesce(Message.send_after, Message.created_at)
        latency = seconds_between(Message.sent_at, due)
        sent = and_(outbound, Message.sent_at.is_not(None))
        row = db.session.execute(select(
            func.count(), func.coalesce(func.sum(latency), literal(0.0)),
            *[func.coalesce(func.sum(case((latency <= bound, 1), else_=0)), 0)
              for bound in LATENCY_BUCKETS]).where(sent)).one()
        count, total, within = row[0], float(row[1]), row[2:]
        buckets = [(str(float(bound)), n) for bound, n in zip(LATENCY_BUCKETS, within,
                                                              strict=True)]
        return HistogramMetricFamily(
            "reminder_send_latency_seconds",
            "How long after it was due each text left (every text sent).",
            buckets=[*buckets, ("+Inf", count)], sum_value=max(total, 0.0))

    def _outcomes(self, outbound):
        outcomes = GaugeMetricFamily(
            "reminder_text_outcomes", "Outbound texts by outcome and Clickatell's status code.",
            labels=["status", "code"])
        for status, code, count in db.session.execute(
                select(Message.status, Message.status_code, func.count())
                .where(outbound, Message.status.in_(OUTCOMES))
                .group_by(Message.status, Message.status_code)
                .order_by(Message.status, Message.status_code)):
            outcomes.add_metric([status.value, code or ""], count)
        return outcomes

    def _callbacks(self):
        result = case((CallbackRecord.error != "", "failed"),
                      (CallbackRecord.processed_at.is_(None), "pending"), else_="processed")
        callbacks = GaugeMetricFamily(
            "reminder_callbacks", "Clickatell's callbacks received, by kind and result.",
            labels=["kind", "result"])
        for kind, outcome, count in db.session.execute(
                select(CallbackRecord.kind, result, func.count())
                .group_by(CallbackRecord.kind, result).order_by(CallbackRecord.kind, result)):
            callbacks.add_metric([kind.value, outcome], count)
        return callbacks

    def _workers(self, now):
        seen = worker.status(now)
        stale = now - timedelta(minutes=current_app.config["WORKER_STALE_MINUTES"])
        yield GaugeMetricFamily("reminder_worker_last_seen_timestamp_seconds",
                                "When a worker last beat (Unix time; 0: never).",
                                value=_timestamp(seen.last_seen))
        yield GaugeMetricFamily("reminder_worker_last_pass_timestamp_seconds",
                                "When a worker last finished a dispatch pass (Unix time).",
                                value=_timestamp(seen.last_pass))
        yield GaugeMetricFamily("reminder_workers_running",
                                "Workers seen within WORKER_STALE_MINUTES and not stopped.",
                                value=db.session.scalar(select(func.count()).where(
                                    WorkerHeartbeat.beat_at >= stale,
                                    WorkerHeartbeat.stopped_at.is_(None))))


def _authorized() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@bp.get("/metrics")
def metrics():
    if not _authorized():
        return Response("A valid metrics token is required.\n", 401,
                        {"WWW-Authenticate": 'Bearer realm="metrics"'}, mimetype="text/plain")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    body = generate_latest(registry)
    transactions.rollback()  # read only: end the transaction the scrape opened
    return Response(body, content_type=CONTENT_TYPE_LATEST)
