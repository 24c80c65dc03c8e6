"""The production server: gevent processes serving HTTP and Socket.IO over WebSocket.

One process (`forum serve`, the default) or N pre-forked ones sharing one listening socket
(`forum serve --workers N`, forum/prefork.py). WebSockets are simple-websocket's, the package
python-engineio itself uses (gevent-websocket is gone): the WSGI app, not the server, answers the
upgrade, so a refused origin gets its HTTP error before any protocol switch (forum/live/origin.py).
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import sys

from flask import Flask

log = logging.getLogger("forum.server")

GRACE_SECONDS = 5  # SIGTERM: how long running requests (and open sockets) get to finish
MAX_ACCEPT = 4  # connections a worker accepts per turn of its event loop (see make_server)
NEXT_TURN = 1e-6  # a sleep > 0 resumes after the loop's next poll for I/O; sleep(0) may not (forum/yielding.py)


def make_server(app: Flask, host: str, port: int, listener=None):
    """A gevent WSGIServer with TCP_NODELAY on every accepted socket and fair keep-alive.

    gevent's pywsgi writes headers and body separately and leaves Nagle's algorithm on, so
    without TCP_NODELAY each keep-alive response and Socket.IO acknowledgement waits ~40 ms
    for a delayed ACK (see DESIGN.md, "Measured on these machines"). simple-websocket takes a
    dup() of the same socket, which keeps the option.

    Fair keep-alive: before reading a connection's next request the handler yields until the
    event loop's next turn, so a client that always has its next request ready (wrk, a pipelining
    proxy) cannot keep the process to itself while other connections wait. A turn, not `sleep(0)`,
    for the reason forum/yielding.py gives: with `sleep(0)` a busy worker's database replies and new
    connections waited ~50 answered requests (a 400–500 ms p99 on the cached list with 2 workers;
    tests/ops/test_server_turns.py)."""
    from gevent import pywsgi, sleep
    from gevent.pool import Pool

    class NoDelayHandler(pywsgi.WSGIHandler):
        def __init__(self, sock, address, server, rfile=None):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # a UNIX socket has no Nagle to switch off
                pass
            super().__init__(sock, address, server, rfile)
            self._served = 0

        def handle_one_request(self):
            if self._served:
                sleep(NEXT_TURN)  # the other connections and the I/O that is ready first
            self._served += 1
            return super().handle_one_request()

    # an unbounded pool: stop() waits for the handlers in it (without one it would not wait at all)
    server = pywsgi.WSGIServer(listener if listener is not None else (host, port), app, spawn=Pool(),
                               handler_class=NoDelayHandler, log=None, error_log=log)
    if listener is not None:
        # workers sharing one socket: accept a few connections per turn, so a burst of new
        # connections (a proxy's keep-alive pool, wrk) spreads over the workers instead of all
        # going to whichever woke first (gevent's default takes up to 100 at once), yet is not
        # accepted one per turn of a busy worker. wrk's 32 connections, 2 workers, 8 runs each:
        # 1 per turn split them 16/16 to 11/21 (once 2/30) with a p99 of 46-57 ms on the cached
        # list; 4 split them 16/16 to 9/23, p99 29-52 ms; 8 once put all 32 on one worker.
        server.max_accept = MAX_ACCEPT
    return server


def bind(host: str, port: int, backlog: int = 1024):
    """The listening socket the workers share (bound once, before any fork)."""
    from gevent import socket as gsocket

    sock = gsocket.socket(gsocket.AF_INET6 if ":" in host else gsocket.AF_INET, gsocket.SOCK_STREAM)
    sock.setsockopt(gsocket.SOL_SOCKET, gsocket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


def metrics_server(app: Flask, listener=None):
    """The `/metrics` listener of FORUM_METRICS_PORT, or None."""
    from gevent import pywsgi

    from .ops.metrics import wsgi_app as metrics_wsgi_app

    metrics_port = app.config.get("METRICS_PORT")
    if not metrics_port:
        return None
    address = listener if listener is not None else (app.config.get("METRICS_HOST") or "127.0.0.1", int(metrics_port))
    if isinstance(address, tuple):  # the address this process really listens on (worker k: port + k)
        print(f"Metriken auf http://{address[0]}:{address[1]}/metrics", file=sys.stderr, flush=True)
    return pywsgi.WSGIServer(address, metrics_wsgi_app(app), log=None, error_log=log)


def run_worker(app: Flask, server, extra=(), grace: float = GRACE_SECONDS) -> None:
    """Serve until SIGTERM/SIGINT; then stop accepting and give running requests `grace` s to finish."""
    import gevent

    servers = [server, *extra]
    for each in extra:
        each.start()
    halt_mail = None
    # a one-process installation sends its own mail (forum/mail/loop.py); with several workers the
    # first one does (FORUM_MAIL_WORKER=off when a separate `forum mail-worker` runs)
    if app.config.get("MAIL_WORKER", True) and app.config.get("WORKER_SLOT", 0) == 0:
        from .mail.loop import spawn_greenlet

        halt_mail = spawn_greenlet(app)

    def _stop(*_args):
        log.info("stopping (pid %s)", os.getpid())
        for each in servers:
            gevent.spawn(each.stop, timeout=grace)
        if halt_mail is not None:
            gevent.spawn(halt_mail)

    gevent.signal_handler(signal.SIGTERM, _stop)
    gevent.signal_handler(signal.SIGINT, _stop)
    server.serve_forever()


def serve(app: Flask, host: str, port: int, workers: int = 1) -> None:
    """Serve HTTP and Socket.IO on host:port with `workers` processes (forum/prefork.py when > 1).

    Request logs go to stdout as JSON lines, everything else to stderr. With
    `FORUM_METRICS_PORT` set, a second listener serves only `/metrics` (forum/ops/metrics.py).
    Unless `FORUM_MAIL_WORKER=off`, a greenlet sends the outbox's mails (forum/mail/loop.py)."""
    from .ops.requestlog import configure_stdout_logging

    configure_stdout_logging()
    if workers > 1:
        from .prefork import Supervisor

        Supervisor(app, host, port, workers).run()
        return
    server = make_server(app, host, port)
    metrics = metrics_server(app)
    print(f"Smart-City-Forum läuft auf http://{host}:{port}/", file=sys.stderr, flush=True)
    run_worker(app, server, [metrics] if metrics else [])
