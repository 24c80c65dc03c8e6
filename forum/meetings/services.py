"""Meeting services: create, edit, publish, cancel, delete drafts, follow; revisions and notices.

Plain functions taking models and an explicit actor. They check permissions against the database,
raise DomainErrors (NotAllowed 403, Conflict 409, Invalid 422), flush, and never commit.
Agenda items live in `agenda.py`, the live control and minutes in `running.py`.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select

from ..accounts.models import STAFF_ROLES, User
from ..audit import audit
from ..councils.models import Council, Membership
from ..database import utcnow
from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..files.services import files_for
from ..files.services import forget as forget_files
from ..notifications.messages import Joined, freeze, render
from ..notifications.services import notify, notify_selected
from ..permissions import (can_create_meeting, can_edit_meeting, can_follow_meeting, can_publish_meeting,
                           can_run_meeting)
from ..validators import single_line
from .live import announce_agenda
from .models import AGENDA_OPEN, MAX_SUMMARY, Meeting, MeetingFollow, MeetingRevision

MAX_TITLE = 200
MAX_TEXT = 20_000
MAX_LOCATION = 300
MAX_URL = 500
MAX_ITEMS = 50


def meeting_path(meeting: Meeting) -> str:
    return f"/meetings/{meeting.id}"


def _clean(value: str | None, name: str, max_length: int, *, required: bool = False, line: str | None = None) -> str:
    """Trimmed text; `line` (e.g. "Der Titel") marks a single-line field and names it in the error."""
    if line is not None:
        single_line(value, line)
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise Invalid(_("Bitte gib %(name)s an.", name=name), "missing_field")
    if len(text) > max_length:
        raise Invalid(_("%(name)s ist zu lang (höchstens %(n)s Zeichen).", name=name, n=max_length), "too_long")
    return text


def _check_url(url: str | None) -> str | None:
    single_line(url, _("Der Online-Link"))
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > MAX_URL or any(c.isspace() for c in url):
        raise Invalid(_("Der Online-Link muss eine http- oder https-Adresse sein."), "invalid_url")
    return url


def _check_details(title, starts_at, ends_at, location, online_url, description) -> dict:
    values = {
        "title": _clean(title, _("einen Titel"), MAX_TITLE, required=True, line=_("Der Titel")),
        "location": _clean(location, _("Ort"), MAX_LOCATION, line=_("Der Ort")),
        "online_url": _check_url(online_url),
        "description": _clean(description, _("Beschreibung"), MAX_TEXT),
    }
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise Invalid(_("Bitte gib Beginn und Ende an."), "missing_field")
    if ends_at <= starts_at:
        raise Invalid(_("Das Ende muss nach dem Beginn liegen."), "invalid_times")
    if not values["location"] and not values["online_url"]:
        raise Invalid(_("Bitte gib einen Ort oder einen Online-Link an."), "missing_location")
    values.update(starts_at=starts_at, ends_at=ends_at)
    return values


def create_meeting(actor, *, title: str, starts_at: datetime, ends_at: datetime, location: str = "",
                   online_url: str | None = None, description: str = "", council: Council | None = None) -> Meeting:
    """A draft meeting of the forum (council None) or of `council`. Times are naive UTC.

    NotAllowed unless `actor` may create it (managers; a council's moderators for that council);
    Invalid for bad details."""
    if not can_create_meeting(actor, council):
        raise NotAllowed(_("Du darfst hier keine Sitzung anlegen."))
    if council is not None and council.is_archived:
        raise Conflict(_("Dieser Fachbeirat ist archiviert."), "council_archived")
    values = _check_details(title, starts_at, ends_at, location, online_url, description)
    meeting = Meeting(council_id=council.id if council else None, status="draft", created_by_id=actor.id, **values)
    meeting.council = council
    db.session.add(meeting)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, actor, **changes) -> list:
    """Change title, times, location, online link or description (keys as in `create_meeting`;
    missing keys stay). After publishing, the change is kept as a revision and followers are told.
    Returns the change summaries (lazy texts). Conflict once the meeting is over or cancelled."""
    if not can_edit_meeting(actor, meeting):
        raise NotAllowed(_("Du darfst diese Sitzung nicht bearbeiten."))
    require_open(meeting)
    current = {key: getattr(meeting, key) for key in
               ("title", "starts_at", "ends_at", "location", "online_url", "description")}
    merged = {**current, **{k: v for k, v in changes.items() if k in current}}
    values = _check_details(**merged)
    summaries = _detail_summaries(current, values)
    for key, value in values.items():
        setattr(meeting, key, value)
    record_revision(meeting, actor, summaries)
    return summaries


def _detail_summaries(old: dict, new: dict) -> list:
    """What changed, as lazy texts (times as datetimes: each reader sees them in their language)."""
    out = []
    if new["title"] != old["title"]:
        out.append(_l("Titel geändert von „%(a)s“ auf „%(b)s“", a=old["title"], b=new["title"]))
    if new["starts_at"] != old["starts_at"]:
        out.append(_l("Beginn geändert von %(a)s auf %(b)s", a=old["starts_at"], b=new["starts_at"]))
    if new["ends_at"] != old["ends_at"]:
        out.append(_l("Ende geändert von %(a)s auf %(b)s", a=old["ends_at"], b=new["ends_at"]))
    if new["location"] != (old["location"] or ""):
        out.append(_l("Ort geändert auf „%(b)s“", b=new["location"] or "–"))
    if new["online_url"] != old["online_url"]:
        out.append(_l("Online-Link geändert"))
    if new["description"] != (old["description"] or ""):
        out.append(_l("Beschreibung geändert"))
    return out


def require_open(meeting: Meeting) -> None:
    """Conflict unless the meeting's details and agenda may still change."""
    if meeting.status not in AGENDA_OPEN:
        raise Conflict(_("Diese Sitzung ist beendet oder abgesagt und kann nicht mehr geändert werden."),
                       "meeting_closed")


def record_revision(meeting: Meeting, actor, summaries: list, *, notify_followers: bool = True) -> None:
    """Touch the meeting; once published, keep `summaries` (`lazy_gettext` texts) as one visible
    revision, raise the iCalendar SEQUENCE and tell the followers (not the actor). The revision and
    the notice store what to say, so each reader gets them in their own language."""
    meeting.updated_at = utcnow()
    if meeting.status == "draft" or not summaries:
        db.session.flush()
        return
    summary = Joined(summaries, "; ")
    params = {"summary": freeze(summary)}
    db.session.add(MeetingRevision(meeting_id=meeting.id, actor_id=getattr(actor, "id", None), params=params,
                                   summary=render(params["summary"], "de")[:MAX_SUMMARY]))
    meeting.sequence += 1
    db.session.flush()
    db.session.expire(meeting, ["revisions"])
    if notify_followers:
        notify(followers(meeting), _l("Sitzung geändert: %(title)s", title=meeting.title), summary,
               meeting_path(meeting), category="meetings", kind="meeting.changed", exclude=actor,
               about_council=meeting.council)


def followers(meeting: Meeting) -> list[User]:
    return list(db.session.scalars(
        select(User).join(MeetingFollow, MeetingFollow.user_id == User.id)
        .where(MeetingFollow.meeting_id == meeting.id).order_by(User.id)))


def concerned_ids(meeting: Meeting):
    """The ids of who hears of a published agenda, as a SELECT. A council's meeting (the board
    included): its members and moderators. A forum meeting: the members of every public council,
    the staff (chair, managing director, admin) and the meeting's followers — the forum's active
    participants, not every account."""
    if meeting.council_id is not None:
        return select(Membership.user_id).where(Membership.council_id == meeting.council_id)
    public_members = (select(Membership.user_id).join(Council, Council.id == Membership.council_id)
                      .where(Council.visibility == "public"))
    followed = select(MeetingFollow.user_id).where(MeetingFollow.meeting_id == meeting.id)
    return select(User.id).where(or_(User.id.in_(public_members), User.role.in_(STAFF_ROLES), User.id.in_(followed)))


def publish_meeting(meeting: Meeting, actor) -> int:
    """Draft → published: the agenda becomes visible and the members concerned are notified (in-app and
    by e-mail after commit). Returns how many were notified. Conflict unless a draft; Invalid when
    the agenda is empty."""
    if not can_publish_meeting(actor, meeting):
        raise NotAllowed(_("Nur die Geschäftsführung kann Sitzungen veröffentlichen."))
    if meeting.status != "draft":
        raise Conflict(_("Diese Sitzung ist schon veröffentlicht."), "already_published")
    if not meeting.items:
        raise Invalid(_("Die Tagesordnung ist leer. Lege mindestens einen TOP an."), "empty_agenda")
    now = utcnow()
    meeting.status, meeting.published_at, meeting.updated_at = "published", now, now
    db.session.flush()
    audit(actor, "meeting.publish", meeting, council=meeting.council_id)
    subject = _l("Neue Sitzung: %(title)s", title=meeting.title)
    body = _l("Die Tagesordnung für „%(title)s“ am %(when)s ist veröffentlicht. Folge der Sitzung, "
              "um über Änderungen informiert zu werden.", title=meeting.title, when=meeting.starts_at)
    return notify_selected(concerned_ids(meeting), subject, body, meeting_path(meeting), category="meetings",
                           kind="meeting.published", exclude=actor, about_council=meeting.council)


def cancel_meeting(meeting: Meeting, actor) -> None:
    """Published or live → cancelled; kept as a revision; the members concerned and followers hear of it,
    and the meeting's live room (`agenda`, no TOP current) after the commit."""
    if not can_run_meeting(actor, meeting):
        raise NotAllowed(_("Nur die Geschäftsführung kann Sitzungen absagen."))
    if meeting.status not in ("published", "live"):
        raise Conflict(_("Nur veröffentlichte Sitzungen können abgesagt werden."), "not_cancellable")
    meeting.status, meeting.cancelled_at = "cancelled", utcnow()
    meeting.current_item_id = meeting.current_item_started_at = None
    audit(actor, "meeting.cancel", meeting, council=meeting.council_id)
    summary = _l("Sitzung abgesagt")
    subject = _l("Sitzung abgesagt: %(title)s", title=meeting.title)
    body = _l("Die Sitzung am %(when)s findet nicht statt.", when=meeting.starts_at)
    record_revision(meeting, actor, [summary], notify_followers=False)
    followed = select(MeetingFollow.user_id).where(MeetingFollow.meeting_id == meeting.id)
    notify_selected(concerned_ids(meeting).union(followed), subject, body, meeting_path(meeting),
                    category="meetings", kind="meeting.cancelled", exclude=actor, about_council=meeting.council)
    announce_agenda(meeting)


def delete_draft(meeting: Meeting, actor) -> None:
    """Remove a meeting that was never published. Conflict once published (cancel it instead)."""
    if not can_edit_meeting(actor, meeting):
        raise NotAllowed(_("Du darfst diese Sitzung nicht löschen."))
    if meeting.status != "draft":
        raise Conflict(_("Veröffentlichte Sitzungen werden abgesagt, nicht gelöscht."), "not_a_draft")
    meeting.current_item_id = None
    db.session.flush()
    forget_files(files_for("meeting", [meeting.id])[meeting.id])  # their stored bytes go after the commit
    db.session.delete(meeting)
    db.session.flush()


def is_following(meeting: Meeting, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(MeetingFollow.id).where(
        MeetingFollow.meeting_id == meeting.id, MeetingFollow.user_id == user.id)) is not None


def follow(meeting: Meeting, user) -> bool:
    """Follow a published meeting (idempotent). Returns True when newly following."""
    if not can_follow_meeting(user, meeting):
        raise NotAllowed(_("Du kannst dieser Sitzung nicht folgen."))
    if is_following(meeting, user):
        return False
    db.session.add(MeetingFollow(meeting_id=meeting.id, user_id=user.id))
    meeting.followers_count = Meeting.followers_count + 1
    db.session.flush()
    return True


def unfollow(meeting: Meeting, user) -> bool:
    """Stop following (idempotent). Returns True when a follow was removed."""
    removed = db.session.execute(delete(MeetingFollow).where(
        MeetingFollow.meeting_id == meeting.id, MeetingFollow.user_id == user.id)).rowcount
    if removed:
        meeting.followers_count = Meeting.followers_count - 1
    db.session.flush()
    return bool(removed)
