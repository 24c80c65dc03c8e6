"""A bare python-socketio server (gevent, TCP_NODELAY, WebSocket) with the forum's /live shape:
`join {room}` enters a room, `post {room, body}` fans a `message` out to it. No database, no
checks — the floor the forum's live channel is compared with in bench/live_fanout.py.

    python bench/live_bare_server.py PORT [REDIS_URL]

With REDIS_URL the server relays through python-socketio's RedisManager, as the forum's workers
do: two of them on two ports are the floor for `forum serve --workers 2`.
"""
from gevent import monkey

monkey.patch_all()

import itertools  # noqa: E402
import sys  # noqa: E402

import socketio  # noqa: E402

from forum.server import make_server  # noqa: E402  (the same gevent server + TCP_NODELAY as `forum serve`)

manager = socketio.RedisManager(sys.argv[2]) if len(sys.argv) > 2 else None
sio = socketio.Server(async_mode="gevent", cors_allowed_origins=None, max_http_buffer_size=64 * 1024,
                      client_manager=manager)
ids = itertools.count(1)


@sio.on("join", namespace="/live")
def join(sid, data):
    sio.enter_room(sid, data["room"], namespace="/live")
    return {"ok": True, "messages": []}


@sio.on("post", namespace="/live")
def post(sid, data):
    message = {"id": next(ids), "room": data["room"], "author": {"id": 1, "name": "Bench", "stakeholder": "citizen"},
               "body_html": f"<p>{data['body']}</p>", "created_at": "2026-01-01T00:00:00Z"}
    sio.emit("message", message, to=data["room"], namespace="/live")
    return {"ok": True, "message": message}


if __name__ == "__main__":
    server = make_server(socketio.WSGIApp(sio), "127.0.0.1", int(sys.argv[1]))
    print("bare server ready", flush=True)
    server.serve_forever()
