"""The registry of live room kinds and how to resolve them (core: any area may register a kind;
the live channel in forum/live/ serves the rooms).

A room name is `<kind>:<key>` (`proposal:12`, `council:mobilitaet`, `meeting:3`). Each feature
registers a resolver for its kind; the resolver loads the object from the database *now* and
answers a `Room` that says who may read and post. Unknown or invisible rooms resolve to None,
so an outsider cannot tell a private room from a missing one.

Registering a kind (the meetings feature does this in forum/meetings/live.py)::

    from forum.rooms import Room, register_room_kind, room_name
    from forum.permissions import is_verified_member

    def _meeting_room(key: str, user) -> Room | None:
        if not key.isdigit():
            return None
        meeting = db.session.get(Meeting, int(key))
        if meeting is None or not can_view_meeting(user, meeting):
            return None               # missing and invisible look the same
        return Room(
            name=room_name("meeting", meeting.id),
            obj=meeting,
            council=meeting.council,  # its moderators hide messages; None = managing director/admin only
            can_read=lambda u: can_view_meeting(u, meeting),
            can_post=lambda u: is_verified_member(u) and can_view_meeting(u, meeting),
            title=meeting.title,      # shown on the room's own page /live/rooms/meeting/<id>
            url=f"/meetings/{meeting.id}",
        )

    register_room_kind("meeting", _meeting_room)

Call `register_room_kind` at import time of a module that `create_app` imports (e.g. from the
feature's blueprint module), so the socket handlers, the no-JS form routes and `live_panel()`
all know the kind. `can_read`/`can_post` are called again on every socket event with the user
reloaded from the database; they must query fresh state, never trust what they captured.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import g

NAMESPACE = "/live"
MAX_ROOM_NAME = 120


@dataclass(frozen=True)
class Room:
    name: str
    obj: Any
    council: Any  # the council whose moderators moderate this room, or None (forum-wide)
    can_read: Callable[[Any], bool]
    can_post: Callable[[Any], bool]
    title: str = ""  # a human name for the room's own page and headings
    url: str | None = None  # the page the room belongs to (where `live_panel` is shown)

    @property
    def kind(self) -> str:
        return self.name.split(":", 1)[0]

    @property
    def key(self) -> str:
        return self.name.split(":", 1)[1]


_resolvers: dict[str, Callable[[str, Any], Room | None]] = {}


def register_room_kind(kind: str, resolver: Callable[[str, Any], Room | None]) -> None:
    """`resolver(key, user)` returns the Room or None when it does not exist or `user` may not see it."""
    _resolvers[kind] = resolver


def resolve_room(name: str, user) -> Room | None:
    """The room `name` as `user` may see it now, or None (unknown, malformed or invisible).

    Within one live event (forum/live/guard.py gives each its own app context and `g.live_rooms`)
    a room is resolved once: the guard's re-check of joined rooms and the handler share the answer."""
    if not isinstance(name, str) or ":" not in name or len(name) > MAX_ROOM_NAME:
        return None
    memo = g.get("live_rooms")
    if memo is None:
        return _resolve(name, user)
    key = (name, getattr(user, "id", None))
    if key not in memo:
        memo[key] = _resolve(name, user)
    return memo[key]


def _resolve(name: str, user) -> Room | None:
    kind, key = name.split(":", 1)
    resolver = _resolvers.get(kind)
    if resolver is None or not key:
        return None
    room = resolver(key, user)
    if room is None or not room.can_read(user):
        return None
    return room


def room_name(kind: str, key: Any) -> str:
    return f"{kind}:{key}"


def user_room(user_id: int) -> str:
    """Every signed-in socket joins its person's room (for facts meant for one person only)."""
    return f"user:{user_id}"


def registered_kinds() -> tuple[str, ...]:
    return tuple(_resolvers)
