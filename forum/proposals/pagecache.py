"""A short-lived, per-process cache of the anonymous proposal list page.

Anonymous visitors all see the same list for the same query and language, so for
`PROPOSAL_LIST_CACHE_SECONDS` (default 2; 0 switches it off, and it is off while testing) the
rendered page is reused. What differs between visitors is put in per request: the CSRF token
(each session has its own; the cached copy holds a mark in its place, `with_token`), and a page
with flashed messages is neither served from nor stored in the cache. Signed-in people always
get a fresh page. Caching the whole page instead of only the list took the layout's rendering
(about half a cached request's CPU) off every hit.
"""
from __future__ import annotations

import time

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

MAX_ENTRIES = 512
TOKEN_MARK = "\x00csrf-token\x00"  # where the visitor's CSRF token goes (never in rendered user text)
_entries: dict[str, tuple[float, str]] = {}


def _ttl() -> float:
    app = current_app
    return float(app.config.get("PROPOSAL_LIST_CACHE_SECONDS", 0 if app.testing else 2))


def cache_key() -> str | None:
    """The key for this request, or None when its list must not come from the cache."""
    if _ttl() <= 0 or current_user.is_authenticated or session.get("_flashes"):
        return None
    return f"{get_locale()}|{request.query_string.decode('latin-1')}"


def get(key: str | None) -> str | None:
    """The cached page (its token still a mark: `with_token`), or None when this request must render it.

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


def put(key: str | None, page: str) -> None:
    """Keep `page`, rendered for this request, with this visitor's CSRF token taken out."""
    if key is None:
        return
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (time.monotonic() + _ttl(), str(page).replace(generate_csrf(), TOKEN_MARK))


def with_token(page: str) -> str:
    """A cached page with this visitor's CSRF token where the mark is."""
    return page.replace(TOKEN_MARK, generate_csrf())


def clear() -> None:
    _entries.clear()
