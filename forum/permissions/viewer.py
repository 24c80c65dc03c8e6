"""The signed-in person's standing, loaded with the person in one query per page request.

Every signed-in page asks the same things about its viewer — which councils they belong to and
in which role, whether they sit on the Smart-City-Board, are an appointed evaluator, how many
notices are unread — from the navigation, the predicates and the templates, often several times
per page. `load_user` (the session loader) reads the person together with all of it in one
statement; the predicates then answer from that instead of a query each.

Only reading requests (GET/HEAD of a page the app dispatches) use it: a POST may change a membership and ask again
in the same request, so there every predicate reads the database afresh, as do socket events and
anything outside a request (the permission vocabulary's "checks never trust cached state" holds:
the standing is never older than the request's own loading of the person).

Areas above this layer add their own columns (`register_column`), so permissions does not import
them: notifications adds the unread count, controlling the evaluator appointment.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask import g, has_request_context, request
from sqlalchemy import select

from ..extensions import db

_columns: dict[str, Callable[[Any], Any]] = {}


def register_column(name: str, factory: Callable[[Any], Any]) -> None:
    """`factory(User.id)` → a scalar SQL expression about that person, loaded with them as `name`."""
    _columns[name] = factory


@dataclass(frozen=True)
class Viewer:
    user_id: int
    roles: dict[int, str]                 # council id → 'member' | 'moderator'
    slugs: frozenset[str]                 # slugs of those councils
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def moderates_any(self) -> bool:
        return "moderator" in self.roles.values()


def load_person(user_id: int):
    """The person with id `user_id` (or None) and, inside a request, their standing remembered for it."""
    from ..accounts.models import User
    from ..councils.models import Council, Membership

    extras = [factory(User.id).label(name) for name, factory in _columns.items()]
    rows = db.session.execute(
        select(User, Membership.council_id, Membership.role, Council.slug, *extras)
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Council, Council.id == Membership.council_id)
        .where(User.id == user_id)
    ).all()
    if not rows:
        return None
    user = rows[0][0]
    if has_request_context():
        mapping = rows[0]._mapping
        viewers = g.setdefault("_forum_viewers", {})
        viewers[user.id] = Viewer(user_id=user.id, roles={r[1]: r[2] for r in rows if r[1] is not None},
                                  slugs=frozenset(r[3] for r in rows if r[3] is not None),
                                  extra={name: mapping[name] for name in _columns})
    return user


def mark_reading_request() -> None:
    """before_request: a GET/HEAD request the app dispatches. Socket events (which carry the
    handshake's GET), test request contexts and code outside a request never pass through here."""
    if request.method in ("GET", "HEAD") and not hasattr(request, "sid"):
        g._forum_reading = True


def reading_page_request() -> bool:
    """Inside a GET/HEAD request for a page (not a write, not a socket event): state read once in
    it may be reused in it."""
    return has_request_context() and g.get("_forum_reading", False)


def standing(user) -> Viewer | None:
    """The standing loaded with `user` in this reading page request, or None (then ask the database)."""
    if not reading_page_request():
        return None
    viewers = g.get("_forum_viewers")
    if not viewers:
        return None
    return viewers.get(getattr(user, "id", None))
