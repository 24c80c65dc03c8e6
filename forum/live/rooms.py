"""Room kinds and how to resolve them.

A room name is `<kind>:<key>` (`proposal:12`, `council:mobilitaet`, `meeting:3`). Each feature
registers a resolver for its kind; the resolver loads the object from the database *now* and
answers a `Room` that says who may read and post. Unknown or invisible rooms resolve to None,
so an outsider cannot tell a private room from a missing one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

NAMESPACE = "/live"


@dataclass(frozen=True)
class Room:
    name: str
    obj: Any
    council: Any  # the council whose moderators moderate this room, or None (forum-wide)
    can_read: Callable[[Any], bool]
    can_post: Callable[[Any], bool]


_resolvers: dict[str, Callable[[str, Any], Room | None]] = {}


def register_room_kind(kind: str, resolver: Callable[[str, Any], Room | None]) -> None:
    """`resolver(key, user)` returns the Room or None when it does not exist or `user` may not see it."""
    _resolvers[kind] = resolver


def resolve_room(name: str, user) -> Room | None:
    if not isinstance(name, str) or ":" not in name or len(name) > 120:
        return None
    kind, key = name.split(":", 1)
    resolver = _resolvers.get(kind)
    if resolver is None or not key:
        return None
    return resolver(key, user)


def room_name(kind: str, key: Any) -> str:
    return f"{kind}:{key}"
