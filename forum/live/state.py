"""Shared live state: presence per room, each person's open sockets, and event rate limits.

With a Redis URL (`FORUM_MESSAGE_QUEUE`, else `FORUM_RATELIMIT_STORAGE_URL`) the state lives in
Redis, so every `forum serve` process sees the same counts; without one it lives in this
process (fine for a single process). Presence entries carry a timestamp that each process
refreshes for its own sockets, so a crashed process's sockets drop out after `PRESENCE_TTL`.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict

from flask import current_app

PREFIX = "forum:live:"
PRESENCE_TTL = 120  # seconds an entry lives without a refresh
REFRESH_EVERY = 40
USER_SIDS_TTL = 24 * 3600


class MemoryState:
    """One process's view; used when no Redis is configured."""

    shared = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._presence: dict[str, set[str]] = defaultdict(set)
        self._users: dict[int, dict[str, str]] = defaultdict(dict)
        self._hits: dict[str, tuple[int, int]] = {}

    def presence_add(self, room: str, sid: str) -> int:
        with self._lock:
            self._presence[room].add(sid)
            return len(self._presence[room])

    def presence_remove(self, room: str, sid: str) -> int:
        with self._lock:
            members = self._presence.get(room)
            if members is None:
                return 0
            members.discard(sid)
            if not members:
                del self._presence[room]
                return 0
            return len(members)

    def presence_count(self, room: str) -> int:
        with self._lock:
            return len(self._presence.get(room, ()))

    def user_add(self, user_id: int, sid: str, via: str) -> None:
        with self._lock:
            self._users[user_id][sid] = via

    def user_remove(self, user_id: int, sid: str) -> None:
        with self._lock:
            sids = self._users.get(user_id)
            if sids is not None:
                sids.pop(sid, None)
                if not sids:
                    del self._users[user_id]

    def user_sids(self, user_id: int) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._users.get(user_id, {}).items())

    def hit(self, key: str, limit: int, window: int) -> bool:
        """Count one event under `key`; False when more than `limit` fell into this `window` seconds."""
        slot = int(time.time() // window)
        with self._lock:
            if len(self._hits) > 50_000:  # forget finished windows now and then
                self._hits = {k: v for k, v in self._hits.items() if v[0] == slot}
            seen_slot, count = self._hits.get(key, (slot, 0))
            count = count + 1 if seen_slot == slot else 1
            self._hits[key] = (slot, count)
            return count <= limit

    def refresh(self) -> None:
        """Nothing to refresh in memory."""


class RedisState:
    """The same operations on Redis: a sorted set per room (score = last refresh), a hash per person."""

    shared = True

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._lock = threading.Lock()
        self._local: dict[str, set[str]] = defaultdict(set)  # this process's sockets, for refresh()

    @staticmethod
    def _room_key(room: str) -> str:
        return f"{PREFIX}presence:{room}"

    def _count(self, pipe, key: str, now: float) -> None:
        pipe.zremrangebyscore(key, "-inf", now - PRESENCE_TTL)
        pipe.zcard(key)

    def presence_add(self, room: str, sid: str) -> int:
        with self._lock:
            self._local[room].add(sid)
        key, now = self._room_key(room), time.time()
        pipe = self.redis.pipeline()
        pipe.zadd(key, {sid: now})
        self._count(pipe, key, now)
        pipe.expire(key, PRESENCE_TTL * 2)
        return int(pipe.execute()[-2])

    def presence_remove(self, room: str, sid: str) -> int:
        with self._lock:
            self._local.get(room, set()).discard(sid)
            if not self._local.get(room):
                self._local.pop(room, None)
        key = self._room_key(room)
        pipe = self.redis.pipeline()
        pipe.zrem(key, sid)
        self._count(pipe, key, time.time())
        return int(pipe.execute()[-1])

    def presence_count(self, room: str) -> int:
        pipe = self.redis.pipeline()
        self._count(pipe, self._room_key(room), time.time())
        return int(pipe.execute()[-1])

    def user_add(self, user_id: int, sid: str, via: str) -> None:
        key = f"{PREFIX}user:{user_id}"
        pipe = self.redis.pipeline()
        pipe.hset(key, sid, via)
        pipe.expire(key, USER_SIDS_TTL)
        pipe.execute()

    def user_remove(self, user_id: int, sid: str) -> None:
        self.redis.hdel(f"{PREFIX}user:{user_id}", sid)

    def user_sids(self, user_id: int) -> list[tuple[str, str]]:
        raw = self.redis.hgetall(f"{PREFIX}user:{user_id}")
        return [(sid.decode(), via.decode()) for sid, via in raw.items()]

    def hit(self, key: str, limit: int, window: int) -> bool:
        slot = int(time.time() // window)
        redis_key = f"{PREFIX}rl:{key}:{slot}"
        pipe = self.redis.pipeline()
        pipe.incr(redis_key)
        pipe.expire(redis_key, window + 1)
        return int(pipe.execute()[0]) <= limit

    def refresh(self) -> None:
        """Renew this process's presence entries (called every REFRESH_EVERY seconds)."""
        with self._lock:
            snapshot = {room: list(sids) for room, sids in self._local.items() if sids}
        if not snapshot:
            return
        now = time.time()
        pipe = self.redis.pipeline()
        for room, sids in snapshot.items():
            key = self._room_key(room)
            pipe.zadd(key, {sid: now for sid in sids})
            pipe.expire(key, PRESENCE_TTL * 2)
        pipe.execute()


def state_url(config) -> str | None:
    for name in ("MESSAGE_QUEUE", "RATELIMIT_STORAGE_URI"):
        url = config.get(name) or ""
        if url.startswith(("redis://", "rediss://", "unix://")):
            return url
    return None


def init_app(app) -> None:
    url = state_url(app.config)
    app.extensions["forum_live_state"] = RedisState(url) if url else MemoryState()


def live_state() -> MemoryState | RedisState:
    return current_app.extensions["forum_live_state"]


def start_refresher(app, socketio) -> None:
    """Start (once per process) the background task that keeps this process's presence fresh."""
    state = app.extensions["forum_live_state"]
    if not state.shared or app.extensions.get("forum_live_refresher"):
        return
    app.extensions["forum_live_refresher"] = True

    def loop():
        import logging

        while True:
            socketio.sleep(REFRESH_EVERY)
            try:
                state.refresh()
            except Exception:  # noqa: BLE001 - Redis may be away for a moment; try again later
                logging.getLogger(__name__).warning("presence refresh failed", exc_info=True)

    socketio.start_background_task(loop)
