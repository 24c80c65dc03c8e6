"""Renderers: how an outbox row of each kind becomes a mail, at sending time.

`plain` rows carry their subject and text (account mails, written in the language of the person
who asked). Notifications and digests register their own renderer from their area (they render in
the recipient's language of that moment); core knows none of them."""
from __future__ import annotations

from typing import Callable

from flask import current_app

from .message import Rendered

_renderers: dict[str, Callable] = {}


def register(kind: str, renderer: Callable) -> None:
    """`renderer(rows) -> {row.id: Rendered | None}` for a batch of rows of `kind` (None: not sent,
    e.g. the notification is gone or the person has turned that mail off since)."""
    _renderers[kind] = renderer


def _plain(rows) -> dict:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return {row.id: Rendered(row.subject, row.body, row.language or default) for row in rows}


def render_batch(rows) -> dict:
    """Every row of a batch rendered, one renderer call per kind (so a renderer can load what it
    needs for the whole batch at once). An unknown kind raises KeyError for its rows."""
    by_kind: dict[str, list] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    out: dict = {}
    for kind, batch in by_kind.items():
        renderer = _plain if kind == "plain" else _renderers[kind]
        out.update(renderer(batch))
    return out
