"""The mail worker in the Prometheus metrics (forum/ops/metrics.py's registry of the app).

- `forum_mail_sent_total`, `forum_mail_retries_total`, `forum_mail_failed_total`: what this
  process's worker did (the one in `forum serve`, or `forum mail-worker` with FORUM_METRICS_PORT).
- `forum_mail_outbox{state="pending"|"retrying"|"failed"}` and `forum_mail_oldest_pending_seconds`:
  the outbox as the database holds it, read at scrape time, so every process reports it."""
from __future__ import annotations

from flask import Flask, current_app
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily

from ..ops.metrics import ScrapeTimeCollector, metrics_for

EXTENSION = "forum_mail_metrics"


class _OutboxCollector(ScrapeTimeCollector):
    """Scrape-time values: the outbox as the database holds it."""

    def collect(self):
        from ..extensions import db
        from .worker import status

        try:
            with self.app.app_context():
                now = status()
                db.session.remove()
        except Exception:  # noqa: BLE001 - a scrape while the database is away shows no outbox
            return
        outbox = GaugeMetricFamily("forum_mail_outbox", "Mails in the outbox not sent yet, by state.",
                                   labels=["state"])
        for state in ("pending", "retrying", "failed"):
            outbox.add_metric([state], now[state])
        yield outbox
        yield GaugeMetricFamily("forum_mail_oldest_pending_seconds", "Age of the oldest mail still waiting.",
                                value=now["oldest_pending_seconds"])


def init_app(app: Flask) -> None:
    registry = metrics_for(app).registry
    app.extensions[EXTENSION] = {
        "sent": Counter("forum_mail_sent", "Mails handed to the mail server by this process.", registry=registry),
        "retries": Counter("forum_mail_retries", "Mail attempts that failed and wait for another.",
                           registry=registry),
        "failed": Counter("forum_mail_failed", "Mails given up (refused or out of attempts).", registry=registry),
    }
    registry.register(_OutboxCollector(app))


def counted(outcome) -> None:
    counters = current_app.extensions.get(EXTENSION)
    if counters:
        counters["sent"].inc(outcome.sent)
        counters["retries"].inc(outcome.retrying)
        counters["failed"].inc(outcome.failed)
