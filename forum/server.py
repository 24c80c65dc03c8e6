"""The production server: one gevent process serving HTTP and Socket.IO over WebSocket."""
from __future__ import annotations

import logging
import signal
import socket
import sys

from flask import Flask

log = logging.getLogger("forum.server")


def make_server(app: Flask, host: str, port: int):
    """A gevent WSGIServer with WebSocket support and TCP_NODELAY on every accepted socket.

    gevent's pywsgi writes headers and body separately and leaves Nagle's algorithm on, so
    without TCP_NODELAY each keep-alive response and Socket.IO acknowledgement waits ~40 ms
    for a delayed ACK (see DESIGN.md, "Measured on these machines")."""
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    class NoDelayHandler(WebSocketHandler):
        def __init__(self, sock, address, server, rfile=None):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # a UNIX socket has no Nagle to switch off
                pass
            super().__init__(sock, address, server, rfile)

    return pywsgi.WSGIServer((host, port), app, handler_class=NoDelayHandler, log=None, error_log=log)


def serve(app: Flask, host: str, port: int) -> None:
    """Serve until SIGTERM/SIGINT; then stop accepting and give running requests 5 s to finish.

    Request logs go to stdout as JSON lines, everything else to stderr. With
    `FORUM_METRICS_PORT` set, a second listener serves only `/metrics` (forum/ops/metrics.py).
    Unless `FORUM_MAIL_WORKER=off`, a greenlet sends the outbox's mails (forum/mail/loop.py)."""
    import gevent
    from gevent import pywsgi

    from .ops.metrics import wsgi_app as metrics_wsgi_app
    from .ops.requestlog import configure_stdout_logging

    configure_stdout_logging()
    server = make_server(app, host, port)
    servers = [server]
    metrics_port = app.config.get("METRICS_PORT")
    if metrics_port:
        metrics_host = app.config.get("METRICS_HOST") or "127.0.0.1"
        metrics_server = pywsgi.WSGIServer((metrics_host, int(metrics_port)), metrics_wsgi_app(app),
                                           log=None, error_log=log)
        metrics_server.start()
        servers.append(metrics_server)
        print(f"Metriken auf http://{metrics_host}:{metrics_port}/metrics", file=sys.stderr, flush=True)

    halt_mail = None
    if app.config.get("MAIL_WORKER", True):  # a one-process installation sends its own mail
        from .mail.loop import spawn_greenlet

        halt_mail = spawn_greenlet(app)

    def _stop(*_args):
        log.info("stopping")
        for each in servers:
            gevent.spawn(each.stop, timeout=5)
        if halt_mail is not None:
            gevent.spawn(halt_mail)

    gevent.signal_handler(signal.SIGTERM, _stop)
    gevent.signal_handler(signal.SIGINT, _stop)
    print(f"Smart-City-Forum läuft auf http://{host}:{port}/", file=sys.stderr, flush=True)
    server.serve_forever()
