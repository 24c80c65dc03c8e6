"""A discussing client for the operations tests and the soak benchmark: a python-socketio
client on /live that posts with `client_id`s, retries unacknowledged posts with the same id,
and on every (re)connect joins its room with `since` = the last message id up to which it has
seen everything (CONTRACT.md, live events)."""
from __future__ import annotations

import threading
import time

import socketio

NAMESPACE = "/live"


class Discussant:
    def __init__(self, base: str, token: str, room: str, name: str):
        self.base = base
        self.room = room
        self.name = name
        self.seen: set[int] = set()
        self.acked: dict[str, int] = {}  # client_id -> message id
        self.duplicates_in_joins = 0
        self.joins = 0
        self.first_since: int | None = None
        self.lock = threading.Lock()
        self.joined = threading.Event()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2,
                                      request_timeout=10)
        self.client.on("connect", self._on_connect, namespace=NAMESPACE)
        self.client.on("message", self._on_message, namespace=NAMESPACE)
        self.token = token

    # -- bookkeeping -------------------------------------------------------------------------
    def watermark(self) -> int:
        """The highest id h such that every message id from the first join up to h was seen (ids in
        the test room are consecutive: it is the only room written to)."""
        with self.lock:
            if not self.seen:
                return self.first_since or 0
            h = self.first_since or 0
            while h + 1 in self.seen:
                h += 1
            return h

    def _remember(self, ids) -> None:
        with self.lock:
            self.seen.update(ids)

    def _on_message(self, payload):
        if isinstance(payload, dict) and payload.get("room") == self.room:
            self._remember([payload["id"]])

    def _on_connect(self):
        threading.Thread(target=self.catch_up, daemon=True).start()

    # -- actions -----------------------------------------------------------------------------
    def connect(self) -> None:
        self.client.connect(self.base, namespaces=[NAMESPACE], transports=["websocket"], auth={"token": self.token},
                            wait_timeout=10)

    def catch_up(self) -> None:
        """join {room, since}; page on while the server says there is `more`."""
        since = self.watermark() if self.first_since is not None else None
        while True:
            try:
                answer = self.client.call("join", {"room": self.room, "since": since} if since is not None
                                          else {"room": self.room}, namespace=NAMESPACE, timeout=10)
            except Exception:  # noqa: BLE001 - disconnected again: the next connect catches up
                return
            if not answer or not answer.get("ok"):
                return
            ids = [m["id"] for m in answer.get("messages", [])]
            if len(ids) != len(set(ids)):
                self.duplicates_in_joins += 1
            if self.first_since is None:
                self.first_since = ids[-1] if ids else 0
                ids = []
            self._remember(ids)
            self.joins += 1
            if not answer.get("more") or not ids:
                break
            since = ids[-1]
        self.joined.set()

    def post(self, client_id: str, body: str, deadline: float) -> int | None:
        """Post until acknowledged (same client_id each try) or the deadline passes."""
        while time.monotonic() < deadline:
            try:
                answer = self.client.call("post", {"room": self.room, "body": body, "client_id": client_id},
                                          namespace=NAMESPACE, timeout=5)
            except Exception:  # noqa: BLE001 - not connected / no ack: try again with the same id
                time.sleep(0.3)
                continue
            if answer and answer.get("ok"):
                message_id = answer["message"]["id"]
                with self.lock:
                    self.acked[client_id] = message_id
                    self.seen.add(message_id)
                return message_id
            if answer and answer.get("error", {}).get("code") == "rate_limited":
                time.sleep(1)
                continue
            raise AssertionError(f"{self.name}: post refused: {answer}")
        return None

    def close(self) -> None:
        try:
            self.client.disconnect()
        except Exception:  # noqa: BLE001
            pass
