"""The moderation queue: items with open reports a moderator may decide on, and the items hidden
lately (the place to restore them from), with their reports and items read in a few queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import registry
from ..errors import NotAllowed
from ..extensions import db
from ..permissions import can_moderate_content, can_view_queue, council_roles
from .models import ModerationDecision, Report


@dataclass
class QueueItem:
    kind: str
    item: object
    council: object
    reports_count: int
    first_reported_at: datetime
    hidden: bool
    auto_hidden: bool
    url: str
    excerpt: str
    reasons: list[str] = field(default_factory=list)


def _queue_rows(user, limit: int) -> list:
    """(kind, id, open reports, first report) of the items with open reports `user` moderates."""
    if not can_view_queue(user):
        raise NotAllowed(_("Die Meldungen sieht nur die Moderation."))
    stmt = (select(Report.target_type, Report.target_id, func.count(), func.min(Report.created_at))
            .where(Report.status == "open").group_by(Report.target_type, Report.target_id)
            .order_by(func.min(Report.created_at)).limit(limit))
    if user.acting_role not in ("managing_director", "admin"):
        moderated = [cid for cid, role in council_roles(user).items() if role == "moderator"]
        stmt = stmt.where(Report.council_id.in_(moderated))
    return db.session.execute(stmt).all()


def _hidden_rows(user, limit: int) -> list:
    """(kind, id, last hidden) of the items hidden lately (candidates; filtered in _hidden_items)."""
    if not can_view_queue(user):
        raise NotAllowed(_("Die Meldungen sieht nur die Moderation."))
    return db.session.execute(
        select(ModerationDecision.target_type, ModerationDecision.target_id, func.max(ModerationDecision.created_at))
        .where(ModerationDecision.action.in_(("hide", "auto_hide")))
        .group_by(ModerationDecision.target_type, ModerationDecision.target_id)
        .order_by(func.max(ModerationDecision.created_at).desc()).limit(limit * 2)).all()


def _open_reasons(ids) -> dict[tuple[str, int], list[str]]:
    """{(kind, id): reasons of its open reports, oldest first} for the given target ids (one query)."""
    reasons: dict[tuple[str, int], list[str]] = {}
    if ids:
        for kind, tid, reason in db.session.execute(
            select(Report.target_type, Report.target_id, Report.reason)
            .where(Report.status == "open", Report.target_id.in_(sorted(set(ids)))).order_by(Report.id)
        ):
            reasons.setdefault((kind, tid), []).append(reason)
    return reasons


def _queue_items(user, rows, reasons, loaded) -> list[QueueItem]:
    items = []
    for kind, tid, count, first in rows:
        target = registry.target(kind)
        item = loaded.get((kind, tid)) if target else None
        if item is None or not can_moderate_content(user, target.council_of(item)):
            continue
        hidden = registry.is_hidden(item)
        items.append(QueueItem(kind, item, target.council_of(item), count, first, hidden,
                               hidden and getattr(item, "hidden_by_id", None) is None,
                               target.url_of(item), target.excerpt_of(item), reasons.get((kind, tid), [])))
    return items


def _hidden_items(user, rows, reasons, loaded, limit: int) -> list[QueueItem]:
    items = []
    for kind, tid, when in rows:
        target = registry.target(kind)
        item = loaded.get((kind, tid)) if target else None
        if (item is None or not registry.is_hidden(item) or (kind, tid) in reasons
                or not can_moderate_content(user, target.council_of(item))):
            continue
        items.append(QueueItem(kind, item, target.council_of(item), 0, when, True,
                               getattr(item, "hidden_by_id", None) is None, target.url_of(item), target.excerpt_of(item),
                               [item.hidden_reason] if getattr(item, "hidden_reason", None) else []))
    return items[:limit]


def queue(user, limit: int = 100) -> list[QueueItem]:
    """Items with open reports that `user` moderates, oldest first: their councils' items for
    moderators, every item for the managing director and admins. NotAllowed for anyone else."""
    rows = _queue_rows(user, limit)
    return _queue_items(user, rows, _open_reasons([r[1] for r in rows]),
                        registry.load_items((kind, tid) for kind, tid, *_ in rows))


def hidden_items(user, limit: int = 50) -> list[QueueItem]:
    """Items hidden lately (by hand or automatically) that `user` moderates and that have no open
    reports (those stand in the queue): the place to restore them from."""
    rows = _hidden_rows(user, limit)
    return _hidden_items(user, rows, _open_reasons([r[1] for r in rows]),
                         registry.load_items((kind, tid) for kind, tid, _ in rows), limit)


def queue_page(user, limit: int = 100, hidden_limit: int = 50) -> tuple[list[QueueItem], list[QueueItem]]:
    """The moderation page: (queue, hidden_items) with their reports and items read together."""
    rows, hidden = _queue_rows(user, limit), _hidden_rows(user, hidden_limit)
    reasons = _open_reasons([r[1] for r in rows] + [r[1] for r in hidden])
    loaded = registry.load_items([(kind, tid) for kind, tid, *_ in rows] + [(kind, tid) for kind, tid, _ in hidden])
    return _queue_items(user, rows, reasons, loaded), _hidden_items(user, hidden, reasons, loaded, hidden_limit)
