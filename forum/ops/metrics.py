"""Prometheus metrics, one registry per app (so per process).

Each `forum serve` process is its own scrape target; Prometheus tells processes apart by its
`instance` label, so no multi-process directory is needed (the processes are independent
servers, possibly on different hosts, not pre-forked workers).

Never public by default. Two ways to expose them, either or both:
- `FORUM_METRICS_PORT`: `forum serve` answers `GET /metrics` on a second listener bound to
  `FORUM_METRICS_HOST` (default 127.0.0.1), serving nothing else.
- `FORUM_METRICS_TOKEN`: `GET /metrics` on the main port answers to
  `Authorization: Bearer <token>`; without the token it is a 404, as when neither is set.
"""
from __future__ import annotations

import hmac
import time

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, GCCollector, Histogram,
                               PlatformCollector, ProcessCollector, generate_latest)
from prometheus_client.core import GaugeMetricFamily

from ..handlers import allow, anyone

EXTENSION = "forum_metrics"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ForumMetrics:
    """The metric objects of one app. Other areas may count their own events with
    `metrics_for(app).registry` (e.g. a Counter registered there)."""

    def __init__(self, app: Flask):
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.requests = Counter("forum_http_requests", "HTTP requests answered, by endpoint and status.",
                                ["method", "endpoint", "status"], registry=self.registry)
        self.duration = Histogram("forum_http_request_duration_seconds", "Time to build an HTTP response.",
                                  ["method", "endpoint"], buckets=BUCKETS, registry=self.registry)
        self.in_flight = Gauge("forum_http_requests_in_flight", "HTTP requests being handled now.",
                               registry=self.registry)
        self.database_errors = Counter("forum_database_errors",
                                       "Requests that failed because the database was unreachable (503).",
                                       registry=self.registry)
        self.ratelimit_storage_errors = Counter(
            "forum_ratelimit_storage_errors",
            "Rate-limit checks that could not reach their storage (fail open or closed, see docs).",
            ["outcome"], registry=self.registry)
        self.started = Gauge("forum_process_start_time_seconds", "When this forum process started (Unix time).",
                             registry=self.registry)
        self.started.set(time.time())
        self.registry.register(_LiveCollector(app))


class ScrapeTimeCollector:
    """A custom collector of values read from `app` when Prometheus scrapes (subclasses: `collect`).
    `describe` answers nothing, so registering it does not collect early."""

    def __init__(self, app: Flask):
        self.app = app

    def describe(self):
        return []


class _LiveCollector(ScrapeTimeCollector):
    """Scrape-time values: connected Socket.IO clients and the database pool."""

    def collect(self):
        from ..extensions import db, socketio

        sockets = GaugeMetricFamily("forum_live_connections", "Engine.IO connections open on this process.")
        server = getattr(socketio, "server", None)
        eio = getattr(server, "eio", None)
        sockets.add_metric([], len(getattr(eio, "sockets", {}) or {}))
        yield sockets
        pool = GaugeMetricFamily("forum_db_pool_checked_out", "Database connections in use.")
        try:
            with self.app.app_context():
                checked_out = db.engine.pool.checkedout()
        except Exception:  # noqa: BLE001 - some pools (SQLite memory) do not count
            checked_out = 0
        pool.add_metric([], checked_out)
        yield pool


def metrics_for(app: Flask) -> ForumMetrics:
    return app.extensions[EXTENSION]


def _before() -> None:
    metrics_for(current_app).in_flight.inc()
    g.metrics_in_flight = True


def _after(response: Response) -> Response:
    metrics = metrics_for(current_app)
    endpoint = request.endpoint or "none"
    metrics.requests.labels(request.method, endpoint, str(response.status_code)).inc()
    started = g.get("request_started")
    if started is not None:
        metrics.duration.labels(request.method, endpoint).observe(time.perf_counter() - started)
    return response


def _teardown(_exc=None) -> None:
    if g.pop("metrics_in_flight", False):
        metrics_for(current_app).in_flight.dec()


def exposition(app: Flask) -> bytes:
    return generate_latest(metrics_for(app).registry)


def _metrics_view():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not (given[:7].lower() == "bearer " and hmac.compare_digest(given[7:].strip().encode(), token.encode())):
        abort(404)  # the endpoint does not admit it exists to strangers
    return Response(exposition(current_app._get_current_object()), mimetype=CONTENT_TYPE_LATEST)


def wsgi_app(app: Flask):
    """A tiny WSGI app serving only `GET /metrics` for `app` (for the separate metrics port)."""

    def serve(environ, start_response):
        if environ.get("PATH_INFO") != "/metrics" or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        body = exposition(app)
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
        return [body]

    return serve


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = ForumMetrics(app)
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_request(_teardown)
    app.add_url_rule("/metrics", "metrics", allow(anyone)(_metrics_view), methods=["GET"])  # the bearer token decides
