"""API: meetings and their agendas. Reading for anyone who may see a meeting; writing for the managing
director (drafts of a council's meetings also for its moderators). Times are ISO 8601 with an offset;
a time without one is a 422 `missing_offset`. Answers give times in UTC (`Z`)."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..councils.visibility import get_visible_council_or_404
from ..errors import BadRequest, Invalid, NotFound
from ..extensions import db
from ..files.services import files_for
from ..handlers import allow, anyone, require, signed_in
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


def _saved(meeting: Meeting, status: int = 200, **extra):
    """Commit the handler's change and answer with the meeting as it is now."""
    db.session.commit()
    return _respond(meeting, status, **extra)


def _respond(meeting: Meeting, status: int = 200, **extra):
    db.session.expire(meeting, ["items"])
    links = queries.linked_proposals(meeting.items, current_user)
    files = files_for("meeting", [meeting.id])[meeting.id]
    return jsonify({**serialize_meeting(meeting, links, revisions=True, files=files), **extra}), status


def _meeting(meeting_id: int) -> Meeting:
    """The loader of every route about one meeting: the meeting if the caller may see it, else a 404."""
    return queries.get_visible_meeting(meeting_id, current_user)


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
@allow(anyone)
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
@allow(anyone, load=_meeting)
def get_meeting(meeting: Meeting):
    return _respond(meeting)


@bp.post("/meetings")
@allow(signed_in)
def create_meeting():
    data = _only(json_body(), MEETING_FIELDS | {"council", "items"})
    council = None
    if data.get("council") is not None:
        council = get_visible_council_or_404(field(data, "council", str, max_length=80), current_user)
    require(can_create_meeting, council)
    items = field(data, "items", list, required=False, default=[])
    if len(items) > services.MAX_ITEMS:
        raise Invalid(_("Höchstens %(max)s TOPs.", max=services.MAX_ITEMS), "too_many_items")
    item_values = [_item_values(item) for item in items]
    meeting = services.create_meeting(current_user, council=council, **_details(data, partial=False))
    for values in item_values:
        agenda.add_item(meeting, current_user, **values)
    return _saved(meeting, 201)


@bp.patch("/meetings/<int:meeting_id>")
@allow(can_edit_meeting, load=_meeting)
def update_meeting(meeting: Meeting):
    services.update_meeting(meeting, current_user, **_details(_only(json_body(), MEETING_FIELDS), partial=True))
    return _saved(meeting)


@bp.delete("/meetings/<int:meeting_id>")
@allow(can_edit_meeting, load=_meeting)
def delete_meeting(meeting: Meeting):
    services.delete_draft(meeting, current_user)
    db.session.commit()
    return "", 204


@bp.post("/meetings/<int:meeting_id>/publish")
@allow(can_publish_meeting, load=_meeting)
def publish_meeting(meeting: Meeting):
    notified = services.publish_meeting(meeting, current_user)
    return _saved(meeting, notified=notified)


_STEPS = {"cancel": services.cancel_meeting, "end": running.end_meeting}


@bp.post("/meetings/<int:meeting_id>/cancel", defaults={"step": "cancel"}, endpoint="cancel_meeting")
@bp.post("/meetings/<int:meeting_id>/end", defaults={"step": "end"}, endpoint="end_meeting")
@allow(can_run_meeting, load=_meeting)
def meeting_step(meeting: Meeting, step: str):
    """Cancel or end a published or live meeting."""
    _STEPS[step](meeting, current_user)
    return _saved(meeting)


@bp.put("/meetings/<int:meeting_id>/current-item")
@allow(can_run_meeting, load=_meeting)
def set_current_item(meeting: Meeting):
    item_id = field(_only(json_body(), {"item_id"}), "item_id", int)
    running.set_current_item(meeting, current_user, db.session.get(AgendaItem, item_id))
    return _saved(meeting)


@bp.post("/meetings/<int:meeting_id>/items")
@allow(can_edit_meeting, load=_meeting)
def add_item(meeting: Meeting):
    data = json_body()
    position = field(data, "position", int, required=False)
    if position is not None and position < 1:
        raise Invalid(_("Die Position eines TOPs beginnt bei 1."), "invalid_field")
    agenda.add_item(meeting, current_user, position=position,
                    **_item_values({k: v for k, v in data.items() if k != "position"}))
    return _saved(meeting, 201)


@bp.patch("/meetings/<int:meeting_id>/items/<int:item_id>")
@allow(can_edit_meeting, load=_meeting)
def update_item(meeting: Meeting, item_id: int):
    item = _item(meeting, item_id)
    agenda.update_item(meeting, item, current_user, **_item_values(json_body(), new=False))
    return _saved(meeting)


@bp.delete("/meetings/<int:meeting_id>/items/<int:item_id>")
@allow(can_edit_meeting, load=_meeting)
def delete_item(meeting: Meeting, item_id: int):
    agenda.remove_item(meeting, _item(meeting, item_id), current_user)
    return _saved(meeting)


@bp.put("/meetings/<int:meeting_id>/items/order")
@allow(can_edit_meeting, load=_meeting)
def order_items(meeting: Meeting):
    agenda.reorder_items(meeting, current_user, field(_only(json_body(), {"item_ids"}), "item_ids", list))
    return _saved(meeting)


@bp.put("/meetings/<int:meeting_id>/minutes")
@allow(can_run_meeting, load=_meeting)
def put_minutes(meeting: Meeting):
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
    return _saved(meeting)


def _following(meeting: Meeting, follow: bool):
    (services.follow if follow else services.unfollow)(meeting, current_user)
    db.session.commit()
    return jsonify(following=follow)


@bp.put("/meetings/<int:meeting_id>/follow")
@allow(can_follow_meeting, load=_meeting)
def follow_meeting(meeting: Meeting):
    return _following(meeting, True)


@bp.delete("/meetings/<int:meeting_id>/follow")
@allow(signed_in, load=_meeting)
def unfollow_meeting(meeting: Meeting):
    return _following(meeting, False)


from .meetings_openapi import PATHS, SCHEMAS  # noqa: E402,F401  (documented in its own module: the schemas are long)
