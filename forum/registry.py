"""The registry of hideable things and of each area's personal data: where each content area
plugs into moderation and data protection without those knowing the area.

- `register_target(kind, …)`: a reportable, hideable kind of item (proposal, comment, message).
- `register_export(name, fn)`: `fn(user)` answers that person's data of one area for the export.
- `register_erasure(name, fn)`: `fn(user, delete_contributions)` erases or detaches that
  person's data of one area before the account row is deleted.
- `register_file_owner(kind, …)`: a kind of thing files can be attached to (meeting, proposal), with
  who may see its files and who may add or remove them (forum/files/ asks only here).

Each area registers its own from its `init_app` (e.g. forum/proposals/registrations.py); the
moderation queue and the data-rights services only ever ask here. Registering a name again
replaces the earlier entry, so building several apps in one process is harmless.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .database import utcnow
from .errors import N_
from .extensions import db

HIDDEN_PLACEHOLDER = "Dieser Beitrag wurde von der Moderation ausgeblendet."
HIDDEN_TITLE = N_("Ausgeblendeter Beitrag")  # the API and open data keep it German; pages show _(HIDDEN_TITLE)


@dataclass(frozen=True)
class Target:
    kind: str
    load: Callable[[int], Any]                # the item or None
    council_of: Callable[[Any], Any]          # its Council, or None when forum-wide
    author_of: Callable[[Any], int | None]    # its author's id
    can_view: Callable[[Any, Any], bool]      # (user, item): may `user` see the item at all
    hide: Callable[[Any, str, Any], None]     # (item, reason, actor); actor None = automatic
    restore: Callable[[Any, Any], None]       # (item, actor)
    url_of: Callable[[Any], str]              # a site path showing the item
    excerpt_of: Callable[[Any], str]          # plain text for the moderation queue


@dataclass(frozen=True)
class FileOwner:
    kind: str
    load: Callable[[int], Any]                # the item or None
    can_view: Callable[[Any, Any], bool]      # (user, item): may `user` see the item's files
    can_manage: Callable[[Any, Any], bool]    # (user, item): may `user` add and remove its files
    url_of: Callable[[Any], str]              # the site path of the item's page
    parts_of: Callable[[Any], dict]           # {part id: title}: where a file may be filed (agenda items)
    is_public: Callable[[Any], bool]          # listed in open data


_targets: dict[str, Target] = {}
_file_owners: dict[str, FileOwner] = {}
_exports: dict[str, Callable[[Any], Any]] = {}
_erasures: dict[str, Callable[[Any, bool], None]] = {}


def set_hidden(item, reason: str, actor) -> None:
    """The default hide for models with hidden_at / hidden_reason / hidden_by_id."""
    item.hidden_at = utcnow()
    item.hidden_reason = reason
    item.hidden_by_id = getattr(actor, "id", None)
    db.session.flush()


def clear_hidden(item, actor) -> None:
    item.hidden_at = None
    item.hidden_reason = None
    item.hidden_by_id = None
    db.session.flush()


def register_target(kind: str, *, load, council_of, author_of, can_view, url_of, excerpt_of,
                    hide=set_hidden, restore=clear_hidden) -> None:
    _targets[kind] = Target(kind, load, council_of, author_of, can_view, hide, restore, url_of, excerpt_of)


def target(kind: str) -> Target | None:
    return _targets.get(kind)


def target_kinds() -> tuple[str, ...]:
    return tuple(_targets)


def register_export(name: str, fn: Callable[[Any], Any]) -> None:
    _exports[name] = fn


def exports() -> dict[str, Callable[[Any], Any]]:
    return dict(_exports)


def register_erasure(name: str, fn: Callable[[Any, bool], None]) -> None:
    _erasures[name] = fn


def erasures() -> dict[str, Callable[[Any, bool], None]]:
    return dict(_erasures)


def register_file_owner(kind: str, *, load, can_view, can_manage, url_of, parts_of=lambda item: {},
                        is_public=lambda item: False) -> None:
    _file_owners[kind] = FileOwner(kind, load, can_view, can_manage, url_of, parts_of, is_public)


def file_owner(kind: str) -> FileOwner | None:
    return _file_owners.get(kind)


def is_hidden(item) -> bool:
    return getattr(item, "hidden_at", None) is not None
