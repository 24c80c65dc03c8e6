"""Running a meeting: go live by moving the current agenda item, end it, publish the minutes.

Each of these queues the `agenda` event (forum/meetings/live.py), so once the caller commits every
client in `meeting:<id>` sees the current item change.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import audit
from ..database import utcnow
from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..notifications.services import notify
from ..permissions import can_run_meeting
from .live import announce_agenda
from .models import AgendaItem, Meeting
from .services import MAX_TEXT, _clean, followers, meeting_path, record_revision

MAX_ORGANISATIONS = 200
MAX_ATTENDANCE = 100_000


def _require_runner(meeting: Meeting, actor) -> None:
    if not can_run_meeting(actor, meeting):
        raise NotAllowed(_("Nur die Geschäftsführung leitet Sitzungen."))


def set_current_item(meeting: Meeting, actor, item: AgendaItem | None) -> AgendaItem:
    """Make `item` the current TOP; a published meeting goes live with it (followers get an in-app notice).
    The room `meeting:<id>` hears it after the commit (`agenda`).
    Conflict for drafts and meetings that are over or cancelled; Invalid for an item of another meeting."""
    _require_runner(meeting, actor)
    if meeting.status not in ("published", "live"):
        raise Conflict(_("Nur eine veröffentlichte Sitzung kann live geschaltet werden."), "not_runnable")
    if item is None or item.meeting_id != meeting.id:
        raise Invalid(_("Diesen TOP gibt es in dieser Sitzung nicht."), "unknown_item")
    now = utcnow()
    went_live = meeting.status == "published"
    if went_live:
        meeting.status, meeting.live_started_at = "live", now
    changed = meeting.current_item_id != item.id
    if changed:
        meeting.current_item_id, meeting.current_item_started_at = item.id, now
        item.started_at = item.started_at or now
    meeting.updated_at = now
    db.session.flush()
    if changed:
        audit(actor, "meeting.current_item", meeting, council=meeting.council_id, item_id=item.id,
              position=item.position)
    if went_live:
        notify(followers(meeting), _l("Die Sitzung hat begonnen: %(title)s", title=meeting.title),
               _l("Jetzt: TOP %(n)s – %(title)s", n=item.position, title=item.title), meeting_path(meeting),
               email=False, category="meetings", kind="meeting.live", exclude=actor, about_council=meeting.council)
    announce_agenda(meeting)
    return item


def advance(meeting: Meeting, actor) -> AgendaItem:
    """Move to the next TOP (the first one when none is current). Conflict after the last."""
    items = list(meeting.items)
    if not items:
        raise Conflict(_("Die Tagesordnung ist leer."), "empty_agenda")
    current = next((i for i, item in enumerate(items) if item.id == meeting.current_item_id), None)
    if current is not None and current + 1 >= len(items):
        raise Conflict(_("Das war der letzte TOP."), "last_item")
    return set_current_item(meeting, actor, items[0 if current is None else current + 1])


def end_meeting(meeting: Meeting, actor) -> None:
    """Published or live → ended; no item is current any more (announced after the commit)."""
    _require_runner(meeting, actor)
    if meeting.status not in ("published", "live"):
        raise Conflict(_("Diese Sitzung läuft nicht."), "not_running")
    _end(meeting)
    db.session.flush()
    audit(actor, "meeting.end", meeting, council=meeting.council_id)
    announce_agenda(meeting)


def _end(meeting: Meeting) -> None:
    now = utcnow()
    meeting.status, meeting.ended_at, meeting.updated_at = "ended", now, now
    meeting.current_item_id = meeting.current_item_started_at = None


def publish_minutes(meeting: Meeting, actor, *, minutes: str, attendance_count: int | None,
                    organisations: list[str] | None = None, outcomes: dict[int, str] | None = None) -> bool:
    """Publish (or correct) the minutes: Markdown text, attendance count and organisations, and the outcome
    per TOP (`outcomes` maps item id → Markdown; items not named keep theirs). A meeting that was still
    published or live ends now (a live one announces it after the commit). Kept as a revision;
    followers are told. Returns True when it ended now."""
    _require_runner(meeting, actor)
    if meeting.status not in ("published", "live", "ended"):
        raise Conflict(_("Für diese Sitzung kann kein Protokoll veröffentlicht werden."), "no_minutes")
    text = _clean(minutes, _("das Protokoll"), MAX_TEXT, required=True)
    if attendance_count is not None and (isinstance(attendance_count, bool) or not isinstance(attendance_count, int)
                                         or not 0 <= attendance_count <= MAX_ATTENDANCE):
        raise Invalid(_("Die Teilnehmendenzahl muss eine ganze Zahl ab 0 sein."), "invalid_attendance")
    names = []
    for name in organisations or []:
        if not isinstance(name, str) or "\x00" in name:
            raise Invalid(_("Organisationen werden als Text angegeben."), "invalid_organisations")
        name = _clean(name, _("Organisation"), 200, line=_("Der Name einer Organisation"))
        if name and name not in names:
            names.append(name)
    if len(names) > MAX_ORGANISATIONS:
        raise Invalid(_("Höchstens %(n)s Organisationen.", n=MAX_ORGANISATIONS), "invalid_organisations")
    items = {item.id: item for item in meeting.items}
    for item_id, outcome in (outcomes or {}).items():
        if item_id not in items:
            raise Invalid(_("Diesen TOP gibt es in dieser Sitzung nicht."), "unknown_item")
        items[item_id].outcome = _clean(outcome, _("Ergebnis"), MAX_TEXT) or None
    was_live = meeting.status == "live"
    ended_now = meeting.status != "ended"
    if ended_now:
        _end(meeting)
    first = meeting.minutes_published_at is None
    meeting.minutes, meeting.attendance_count = text, attendance_count
    meeting.attendance_organisations = "\n".join(names) or None
    meeting.minutes_published_at = meeting.minutes_published_at or utcnow()
    summary = _l("Protokoll veröffentlicht") if first else _l("Protokoll geändert")
    record_revision(meeting, actor, [summary])
    audit(actor, "meeting.minutes", meeting, council=meeting.council_id, first=first)
    if was_live:
        announce_agenda(meeting)  # the meeting ended with its minutes: no TOP is current any more
    return ended_now
