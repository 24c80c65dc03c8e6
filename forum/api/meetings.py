"""API: meetings and their agendas. Reading for anyone who may see a meeting; writing for the managing
director (drafts of a council's meetings also for its moderators). Times are ISO 8601 with an offset;
a time without one is a 422 `missing_offset`. Answers give times in UTC (`Z`)."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..councils.visibility import get_visible_council_or_404
from ..errors import BadRequest, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..files.services import files_for
from ..meetings import agenda, queries, running, services
from ..meetings.models import STATUSES, AgendaItem, Meeting
from ..meetings.schemas import meeting as serialize_meeting
from ..meetings.times import parse_api_datetime
from ..pagination import paginate
from ..permissions import (can_create_meeting, can_edit_meeting, can_follow_meeting, can_publish_meeting,
                           can_run_meeting)
from . import bp
from .helpers import field, json_body

MEETING_FIELDS = {"title", "starts_at", "ends_at", "location", "online_url", "description"}
ITEM_FIELDS = {"title", "description", "duration_minutes", "presenter", "proposal_ids"}


def _only(data: dict, allowed: set[str]) -> dict:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise Invalid(_("Unbekanntes Feld '%(field)s'.", field=unknown[0]), "unknown_field")
    return data


def _respond(meeting: Meeting, status: int = 200, **extra):
    db.session.expire(meeting, ["items"])
    links = queries.linked_proposals(meeting.items, current_user)
    files = files_for("meeting", [meeting.id])[meeting.id]
    return jsonify({**serialize_meeting(meeting, links, revisions=True, files=files), **extra}), status


def _load(meeting_id: int, check=None) -> Meeting:
    meeting = queries.get_visible_meeting(meeting_id, current_user)
    if check is not None and not check(current_user, meeting):
        raise NotAllowed(_("Dafür fehlt dir die Berechtigung."))
    return meeting


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(_("Diesen TOP gibt es nicht."), "item_not_found")
    return item


def _details(data: dict, *, partial: bool) -> dict:
    values = {}
    for name, limit in (("title", 200), ("location", 300), ("online_url", 500), ("description", 20000)):
        required = not partial and name in ("title", "location")
        if name in data or required:
            values[name] = field(data, name, str, required=required, max_length=limit,
                                 default="" if name != "online_url" else None)
    for name in ("starts_at", "ends_at"):
        if name in data or not partial:
            values[name] = parse_api_datetime(field(data, name, str, max_length=40), name)
    return values


def _item_values(data, *, new: bool = True) -> dict:
    """An agenda item's fields from the request; a new item needs its title."""
    if not isinstance(data, dict):
        raise Invalid(_("Jeder TOP ist ein JSON-Objekt."), "invalid_item")
    _only(data, ITEM_FIELDS)
    values = {}
    for name, kind, limit in (("title", str, 200), ("description", str, 20000), ("presenter", str, 200),
                              ("duration_minutes", int, None), ("proposal_ids", list, None)):
        if name in data or (new and name == "title"):
            values[name] = field(data, name, kind, required=name == "title", max_length=limit)
    return values


@bp.get("/meetings")
def list_meetings():
    council = get_visible_council_or_404(request.args["council"][:80], current_user) \
        if request.args.get("council") else None
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        raise BadRequest(_("Unbekannter Status."), "invalid_status")
    upcoming = {"true": True, "false": False, None: None}.get(request.args.get("upcoming"), "bad")
    if upcoming == "bad":
        raise BadRequest(_("upcoming ist true oder false."), "invalid_filter")
    statuses = (status,) if status else ("published", "live", "ended", "cancelled")
    page = paginate(queries.meetings_query(current_user, council=council, statuses=statuses, upcoming=upcoming),
                    lambda m: m)
    links = queries.linked_proposals([item for m in page["items"] for item in m.items], current_user)
    files = files_for("meeting", [m.id for m in page["items"]])
    page["items"] = [serialize_meeting(m, links, files=files[m.id]) for m in page["items"]]
    return jsonify(page)


@bp.get("/meetings/<int:meeting_id>")
def get_meeting(meeting_id: int):
    return _respond(_load(meeting_id))


@bp.post("/meetings")
@login_required
def create_meeting():
    data = _only(json_body(), MEETING_FIELDS | {"council", "items"})
    council = None
    if data.get("council") is not None:
        council = get_visible_council_or_404(field(data, "council", str, max_length=80), current_user)
    if not can_create_meeting(current_user, council):
        raise NotAllowed(_("Du darfst hier keine Sitzung anlegen."))
    items = field(data, "items", list, required=False, default=[])
    if len(items) > services.MAX_ITEMS:
        raise Invalid(_("Höchstens %(max)s TOPs.", max=services.MAX_ITEMS), "too_many_items")
    item_values = [_item_values(item) for item in items]
    meeting = services.create_meeting(current_user, council=council, **_details(data, partial=False))
    for values in item_values:
        agenda.add_item(meeting, current_user, **values)
    db.session.commit()
    return _respond(meeting, 201)


@bp.patch("/meetings/<int:meeting_id>")
@login_required
def update_meeting(meeting_id: int):
    meeting = _load(meeting_id, can_edit_meeting)
    data = _only(json_body(), MEETING_FIELDS)
    services.update_meeting(meeting, current_user, **_details(data, partial=True))
    db.session.commit()
    return _respond(meeting)


@bp.delete("/meetings/<int:meeting_id>")
@login_required
def delete_meeting(meeting_id: int):
    services.delete_draft(_load(meeting_id, can_edit_meeting), current_user)
    db.session.commit()
    return "", 204


@bp.post("/meetings/<int:meeting_id>/publish")
@login_required
def publish_meeting(meeting_id: int):
    meeting = _load(meeting_id, can_publish_meeting)
    notified = services.publish_meeting(meeting, current_user)
    db.session.commit()
    return _respond(meeting, notified=notified)


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel_meeting(meeting_id: int):
    meeting = _load(meeting_id, can_run_meeting)
    services.cancel_meeting(meeting, current_user)
    db.session.commit()
    return _respond(meeting)


@bp.post("/meetings/<int:meeting_id>/end")
@login_required
def end_meeting(meeting_id: int):
    meeting = _load(meeting_id, can_run_meeting)
    running.end_meeting(meeting, current_user)
    db.session.commit()
    return _respond(meeting)


@bp.put("/meetings/<int:meeting_id>/current-item")
@login_required
def set_current_item(meeting_id: int):
    meeting = _load(meeting_id, can_run_meeting)
    item_id = field(_only(json_body(), {"item_id"}), "item_id", int)
    item = db.session.get(AgendaItem, item_id)
    running.set_current_item(meeting, current_user, item)
    db.session.commit()
    return _respond(meeting)


@bp.post("/meetings/<int:meeting_id>/items")
@login_required
def add_item(meeting_id: int):
    meeting = _load(meeting_id, can_edit_meeting)
    data = json_body()
    position = field(data, "position", int, required=False)
    if position is not None and position < 1:
        raise Invalid(_("Die Position eines TOPs beginnt bei 1."), "invalid_field")
    agenda.add_item(meeting, current_user, position=position,
                    **_item_values({k: v for k, v in data.items() if k != "position"}))
    db.session.commit()
    return _respond(meeting, 201)


@bp.patch("/meetings/<int:meeting_id>/items/<int:item_id>")
@login_required
def update_item(meeting_id: int, item_id: int):
    meeting = _load(meeting_id, can_edit_meeting)
    item = _item(meeting, item_id)
    values = _item_values(json_body(), new=False)
    agenda.update_item(meeting, item, current_user, **values)
    db.session.commit()
    return _respond(meeting)


@bp.delete("/meetings/<int:meeting_id>/items/<int:item_id>")
@login_required
def delete_item(meeting_id: int, item_id: int):
    meeting = _load(meeting_id, can_edit_meeting)
    agenda.remove_item(meeting, _item(meeting, item_id), current_user)
    db.session.commit()
    return _respond(meeting)


@bp.put("/meetings/<int:meeting_id>/items/order")
@login_required
def order_items(meeting_id: int):
    meeting = _load(meeting_id, can_edit_meeting)
    item_ids = field(_only(json_body(), {"item_ids"}), "item_ids", list)
    agenda.reorder_items(meeting, current_user, item_ids)
    db.session.commit()
    return _respond(meeting)


@bp.put("/meetings/<int:meeting_id>/minutes")
@login_required
def put_minutes(meeting_id: int):
    meeting = _load(meeting_id, can_run_meeting)
    data = _only(json_body(), {"minutes", "attendance_count", "organisations", "outcomes"})
    outcomes = {}
    for entry in field(data, "outcomes", list, required=False, default=[]):
        if not isinstance(entry, dict):
            raise Invalid(_("Jedes Ergebnis ist ein Objekt {item_id, outcome}."), "invalid_outcome")
        outcomes[field(entry, "item_id", int)] = field(entry, "outcome", str, max_length=20000)
    running.publish_minutes(
        meeting, current_user, minutes=field(data, "minutes", str, max_length=20000),
        attendance_count=field(data, "attendance_count", int, required=False),
        organisations=field(data, "organisations", list, required=False, default=[]), outcomes=outcomes)
    db.session.commit()
    return _respond(meeting)


@bp.put("/meetings/<int:meeting_id>/follow")
@login_required
def follow_meeting(meeting_id: int):
    meeting = _load(meeting_id, can_follow_meeting)
    services.follow(meeting, current_user)
    db.session.commit()
    return jsonify(following=True)


@bp.delete("/meetings/<int:meeting_id>/follow")
@login_required
def unfollow_meeting(meeting_id: int):
    services.unfollow(_load(meeting_id), current_user)
    db.session.commit()
    return jsonify(following=False)


from .meetings_openapi import PATHS, SCHEMAS  # noqa: E402,F401  (documented in its own module: the schemas are long)
