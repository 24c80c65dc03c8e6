"""A short-lived, per-process cache of the proposal list's content for anonymous visitors.

Anonymous visitors all see the same list for the same query, so for `PROPOSAL_LIST_CACHE_SECONDS`
(default 2; 0 switches it off, and it is off while testing) the rendered list content is reused.
Only the content block is cached — the page around it (navigation, CSRF token, messages) is
rendered per request — and signed-in people always get a fresh list.
"""
from __future__ import annotations

import time

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

MAX_ENTRIES = 512
_entries: dict[str, tuple[float, Markup]] = {}


def _ttl() -> float:
    app = current_app
    return float(app.config.get("PROPOSAL_LIST_CACHE_SECONDS", 0 if app.testing else 2))


def cache_key() -> str | None:
    """The key for this request, or None when its list must not come from the cache."""
    if _ttl() <= 0 or current_user.is_authenticated:
        return None
    return f"{get_locale()}|{request.query_string.decode('latin-1')}"


def get(key: str | None) -> Markup | None:
    """The cached content, or None when this request must render it.

    When an entry has just expired, the first request to see it renders afresh while the
    requests arriving meanwhile keep the old content for one more TTL: without that, every
    request in flight at the moment of expiry rendered the same list at once (seen as
    multi-second stalls under load)."""
    if key is None:
        return None
    hit = _entries.get(key)
    if hit is None:
        return None
    now = time.monotonic()
    if hit[0] >= now:
        return hit[1]
    _entries[key] = (now + _ttl(), hit[1])  # the others' stale copy while this request renders
    return None


def put(key: str | None, body: Markup) -> None:
    if key is None:
        return
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (time.monotonic() + _ttl(), body)


def clear() -> None:
    _entries.clear()
