"""The production server: one gevent process serving HTTP and Socket.IO over WebSocket."""
from __future__ import annotations

import logging
import signal
import socket

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
    import gevent

    server = make_server(app, host, port)

    def _stop(*_args):
        log.info("stopping")
        gevent.spawn(server.stop, timeout=5)

    gevent.signal_handler(signal.SIGTERM, _stop)
    gevent.signal_handler(signal.SIGINT, _stop)
    print(f"Smart-City-Forum läuft auf http://{host}:{port}/", flush=True)
    server.serve_forever()
