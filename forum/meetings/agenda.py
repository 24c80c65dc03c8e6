"""Agenda services: add, change, remove and reorder TOPs, link proposals.

In a draft, changes are silent; once published, each change becomes a revision ("TOP 3 hinzugefügt: …")
and followers are told. Positions stay 1, 2, … without gaps (unique per meeting in the database).
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import Invalid, NotAllowed
from ..extensions import db
from ..notifications.messages import Joined
from ..permissions import can_edit_meeting, can_view_proposal
from ..proposals.models import Proposal
from .models import MAX_DURATION_MINUTES, AgendaItem, Meeting
from .services import MAX_ITEMS, MAX_TEXT, MAX_TITLE, _clean, record_revision, require_open

MAX_PRESENTER = 200
MAX_LINKS = 20
_UNSET = object()


def _check_duration(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_DURATION_MINUTES:
        raise Invalid(_("Die geplante Dauer muss zwischen 1 und %(n)s Minuten liegen.", n=MAX_DURATION_MINUTES),
                      "invalid_duration")
    return value


def resolve_proposals(proposal_ids, actor) -> list[Proposal]:
    """The proposals with these ids, each one `actor` may see; Invalid naming the first that is missing
    or invisible (the same answer for both, so nothing leaks)."""
    if proposal_ids is None:
        return []
    if not isinstance(proposal_ids, (list, tuple)) or len(proposal_ids) > MAX_LINKS:
        raise Invalid(_("Höchstens %(n)s verknüpfte Vorschläge pro TOP.", n=MAX_LINKS), "invalid_proposals")
    wanted: list[int] = []
    for value in proposal_ids:
        if isinstance(value, bool) or not isinstance(value, int) or not -2**31 <= value < 2**31:
            raise Invalid(_("Vorschläge werden mit ihrer Nummer verknüpft."), "invalid_proposals")
        if value not in wanted:
            wanted.append(value)
    found = {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(wanted)))} if wanted else {}
    for proposal_id in wanted:
        proposal = found.get(proposal_id)
        if proposal is None or not can_view_proposal(actor, proposal):
            raise Invalid(_("Den Vorschlag %(id)s gibt es nicht.", id=proposal_id), "unknown_proposal")
    return [found[pid] for pid in wanted]


def _require_editor(meeting: Meeting, actor) -> None:
    if not can_edit_meeting(actor, meeting):
        raise NotAllowed(_("Du darfst die Tagesordnung dieser Sitzung nicht ändern."))
    require_open(meeting)


def add_item(meeting: Meeting, actor, *, title: str, description: str = "", duration_minutes: int | None = None,
             presenter: str | None = None, proposal_ids=None, position: int | None = None) -> AgendaItem:
    """Append a TOP (or insert it at `position`, shifting the ones after it)."""
    _require_editor(meeting, actor)
    if len(meeting.items) >= MAX_ITEMS:
        raise Invalid(_("Eine Tagesordnung hat höchstens %(n)s TOPs.", n=MAX_ITEMS), "too_many_items")
    item = AgendaItem(
        meeting_id=meeting.id, position=0,
        title=_clean(title, _("einen Titel"), MAX_TITLE, required=True, line=_("Der Titel")),
        description=_clean(description, _("Beschreibung"), MAX_TEXT),
        duration_minutes=_check_duration(duration_minutes),
        presenter=_clean(presenter, _("Vortragende Person"), MAX_PRESENTER, line=_("Die vortragende Person")) or None,
    )
    item.proposals = resolve_proposals(proposal_ids, actor)
    order = list(meeting.items)
    index = len(order) if position is None else max(0, min(int(position) - 1, len(order)))
    order.insert(index, item)
    meeting.items.append(item)
    _renumber(order)
    summary = _l("TOP %(n)s hinzugefügt: %(title)s", n=item.position, title=item.title)
    record_revision(meeting, actor, [summary])
    return item


def update_item(meeting: Meeting, item: AgendaItem, actor, *, title=_UNSET, description=_UNSET,
                duration_minutes=_UNSET, presenter=_UNSET, proposal_ids=_UNSET) -> list:
    """Change a TOP; only the given fields change. Returns the change summaries (lazy texts)."""
    _require_editor(meeting, actor)
    _require_item(meeting, item)
    changed = []
    if title is not _UNSET:
        new = _clean(title, _("einen Titel"), MAX_TITLE, required=True, line=_("Der Titel"))
        if new != item.title:
            item.title = new
            changed.append("title")
    if description is not _UNSET:
        new = _clean(description, _("Beschreibung"), MAX_TEXT)
        if new != (item.description or ""):
            item.description = new
            changed.append("description")
    if duration_minutes is not _UNSET:
        new = _check_duration(duration_minutes)
        if new != item.duration_minutes:
            item.duration_minutes = new
            changed.append("duration")
    if presenter is not _UNSET:
        new = _clean(presenter, _("Vortragende Person"), MAX_PRESENTER, line=_("Die vortragende Person")) or None
        if new != item.presenter:
            item.presenter = new
            changed.append("presenter")
    if proposal_ids is not _UNSET:
        new_links = resolve_proposals(proposal_ids, actor)
        # Links to proposals the actor cannot see stay: an editor can only change what they can see.
        hidden = [p for p in item.proposals if not can_view_proposal(actor, p)]
        if {p.id for p in new_links} | {p.id for p in hidden} != {p.id for p in item.proposals}:
            item.proposals = hidden + new_links
            changed.append("proposals")
    summaries = []
    if changed:
        labels = {"title": _l("Titel"), "description": _l("Beschreibung"), "duration": _l("geplante Dauer"),
                  "presenter": _l("Vortrag"), "proposals": _l("verknüpfte Vorschläge")}
        summaries.append(_l("TOP %(n)s geändert (%(what)s): %(title)s", n=item.position,
                            what=Joined([labels[key] for key in changed], ", "), title=item.title))
    record_revision(meeting, actor, summaries)
    return summaries


def remove_item(meeting: Meeting, item: AgendaItem, actor) -> None:
    """Remove a TOP; the ones after it move up."""
    _require_editor(meeting, actor)
    _require_item(meeting, item)
    summary = _l("TOP %(n)s entfernt: %(title)s", n=item.position, title=item.title)
    if meeting.current_item_id == item.id:
        meeting.current_item_id = meeting.current_item_started_at = None
        db.session.flush()
    remaining = [i for i in meeting.items if i.id != item.id]
    meeting.items.remove(item)
    db.session.flush()
    _renumber(remaining)
    record_revision(meeting, actor, [summary])


def move_item(meeting: Meeting, item: AgendaItem, actor, position: int) -> None:
    """Move a TOP to `position` (1-based, clamped)."""
    _require_item(meeting, item)
    order = [i for i in meeting.items if i.id != item.id]
    index = max(0, min(int(position) - 1, len(order)))
    order.insert(index, item)
    reorder_items(meeting, actor, [i.id for i in order])


def reorder_items(meeting: Meeting, actor, item_ids) -> None:
    """Put the TOPs in the order of `item_ids`, which must name each item exactly once."""
    _require_editor(meeting, actor)
    items = {item.id: item for item in meeting.items}
    if (not isinstance(item_ids, (list, tuple)) or len(item_ids) != len(items)
            or any(isinstance(i, bool) or not isinstance(i, int) for i in item_ids) or set(item_ids) != set(items)):
        raise Invalid(_("Die neue Reihenfolge muss jeden TOP genau einmal nennen."), "invalid_order")
    old = [item.id for item in meeting.items]
    if list(item_ids) == old:
        return
    order = [items[i] for i in item_ids]
    _renumber(order)
    moves = [_l("„%(title)s“ ist jetzt TOP %(n)s", title=item.title, n=item.position)
             for index, item in enumerate(order) if old.index(item.id) != index]
    summary = _l("Tagesordnung neu geordnet: %(moves)s", moves=Joined(moves, ", "))
    record_revision(meeting, actor, [summary])


def _require_item(meeting: Meeting, item: AgendaItem | None) -> None:
    if item is None or item.meeting_id != meeting.id:
        raise Invalid(_("Diesen TOP gibt es in dieser Sitzung nicht."), "unknown_item")


def _renumber(order: list[AgendaItem]) -> None:
    """Positions 1…n in `order`. Two steps through negative numbers, so the unique (meeting, position)
    constraint never sees two items on one number in between."""
    for index, item in enumerate(order):
        item.position = -(index + 1)
    db.session.flush()
    for index, item in enumerate(order):
        item.position = index + 1
    db.session.flush()
    meeting = order[0].meeting if order else None
    if meeting is not None:
        db.session.expire(meeting, ["items"])
