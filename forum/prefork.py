"""`forum serve --workers N`: N pre-forked gevent processes sharing one listening socket.

The parent (the supervisor) builds the app, binds the port once and forks N workers; each worker
accepts on the inherited socket and runs its own gevent WSGIServer with HTTP and Socket.IO. The
kernel hands every new connection to one worker, and a WebSocket stays with the worker that
accepted it, so WebSocket clients need no sticky sessions; the workers relay emits through the
message queue (`FORUM_MESSAGE_QUEUE`, required), each under its own Socket.IO host id.
Long-polling clients send several HTTP requests per session, which must reach the same worker:
behind N > 1 they need sticky sessions in the proxy (or connect with WebSocket directly, as
static/js/live.js does).

The supervisor serves nothing itself. It restarts a worker that dies (at most once a second per
slot, so a worker that cannot start does not spin), and on SIGTERM/SIGINT drains: it passes the
signal on, every worker stops accepting and lets its running requests finish (forum/server.py,
`GRACE_SECONDS`), and the supervisor exits once all have, killing what is left after the grace.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import time

from flask import Flask

from . import server as forum_server

log = logging.getLogger("forum.prefork")
RESTART_PAUSE = 1.0  # seconds between two starts of the same worker slot


class Supervisor:
    def __init__(self, app: Flask, host: str, port: int, workers: int):
        self.app, self.host, self.port, self.count = app, host, port, workers
        self.children: dict[int, int] = {}  # pid → slot
        self.started_at: dict[int, float] = {}  # slot → when it was last started
        self.stopping = False

    def run(self) -> None:
        import gevent

        self.listener = forum_server.bind(self.host, self.port)
        self.handlers = [gevent.signal_handler(signal.SIGTERM, self._stop),
                         gevent.signal_handler(signal.SIGINT, self._stop)]
        # greenlets the app started while it was built (e.g. the memory rate-limit store's first timer)
        # finish here, not half-copied into every worker
        gevent.sleep(0.05)
        for slot in range(self.count):
            self._spawn(slot)
        print(f"Smart-City-Forum läuft auf http://{self.host}:{self.port}/ mit {self.count} Prozessen "
              f"(Aufsicht: {os.getpid()})", file=sys.stderr, flush=True)
        while self.children:
            self._reap()
            if not self.stopping:
                for slot in set(range(self.count)) - set(self.children.values()):
                    if time.monotonic() - self.started_at.get(slot, 0) >= RESTART_PAUSE:
                        self._spawn(slot)
            gevent.sleep(0.1)
        self.listener.close()
        log.info("all workers stopped")

    def _spawn(self, slot: int) -> None:
        self.started_at[slot] = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                self._work(slot)
            except BaseException:  # noqa: BLE001 - a worker must never return into the supervisor's loop
                log.exception("worker %s failed", slot)
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.children[pid] = slot
        log.info("worker %s started (pid %s)", slot, pid)

    def _work(self, slot: int) -> None:
        # the supervisor's signal handlers and children were inherited: the worker drains itself
        for handler in self.handlers:
            handler.cancel()
        self.children = {}
        after_fork(self.app, slot)
        server = forum_server.make_server(self.app, self.host, self.port, listener=self.listener)
        metrics = forum_server.metrics_server(self.app, _metrics_listener(self.app, slot))
        print(f"Prozess {slot} (pid {os.getpid()}) bereit", file=sys.stderr, flush=True)
        forum_server.run_worker(self.app, server, [metrics] if metrics else [])

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            slot = self.children.pop(pid, None)
            if slot is not None and not self.stopping:
                log.warning("worker %s (pid %s) ended with status %s; starting it again", slot, pid, status)
                print(f"Prozess {slot} (pid {pid}) beendet ({status}); wird neu gestartet",
                      file=sys.stderr, flush=True)

    def _stop(self) -> None:
        if self.stopping:
            return
        import gevent

        self.stopping = True
        self.listener.close()  # the port closes once every worker has closed its copy too
        print("Beende: keine neuen Verbindungen, laufende Anfragen dürfen fertig werden", file=sys.stderr,
              flush=True)
        for pid in list(self.children):
            _signal(pid, signal.SIGTERM)
        gevent.spawn_later(forum_server.GRACE_SECONDS + 5, self._kill_rest)

    def _kill_rest(self) -> None:
        for pid in list(self.children):
            _signal(pid, signal.SIGKILL)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _metrics_listener(app: Flask, slot: int):
    """Worker `slot` serves its own /metrics on FORUM_METRICS_PORT + slot (one scrape target each)."""
    port = app.config.get("METRICS_PORT")
    if not port:
        return None
    return (app.config.get("METRICS_HOST") or "127.0.0.1", int(port) + slot)


def after_fork(app: Flask, slot: int) -> None:
    """What a fresh worker must not share with its parent: pooled database connections and the
    Socket.IO host id (the queue relays each emit to every host but the sender's)."""
    import uuid

    from .extensions import db, socketio

    app.config["WORKER_SLOT"] = slot
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
    manager = getattr(socketio.server, "manager", None)
    if manager is not None and hasattr(manager, "host_id"):
        manager.host_id = uuid.uuid4().hex
