"""API: reports, the moderation queue and decisions, suspensions, the audit log, and each
person's data rights (export, account deletion)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..accounts.models import User
from ..audit import entries_query
from ..errors import BadRequest, Invalid, NotFound
from ..extensions import db
from ..moderation import privacy, queue, services, suspensions
from ..moderation.schemas import audit_entry, moderation_queue_item
from ..moderation.schemas import report as serialize_report
from ..moderation.schemas import suspension as serialize_suspension
from ..pagination import paginate
from ..validators import plausible_year
from ..handlers import allow, signed_in
from ..permissions import can_read_audit, can_suspend, can_view_queue
from ..apidoc import PAGING, errors, json_response, no_content, obj, page_of, path_param, query, reason, ref
from ..apidoc import json_body as json_request
from . import bp
from .helpers import field, json_body


QUEUE_MAX = 100


@bp.post("/reports")
@allow(signed_in)
def create_report():
    data = json_body()
    kind = field(data, "target", max_length=20)
    item_id = field(data, "id", int)
    reason = field(data, "reason", max_length=1000)
    row = services.report(current_user, kind, item_id, reason)
    db.session.commit()
    return jsonify(serialize_report(row)), 201


@bp.get("/moderation/reports")
@allow(can_view_queue)
def moderation_reports():
    items = queue.queue(current_user, limit=QUEUE_MAX)  # oldest first; the queue is worked down, not paged
    return jsonify({"items": [moderation_queue_item(i) for i in items], "page": 1, "per_page": QUEUE_MAX,
                    "total": len(items)})


_DECISIONS = {"hide": services.hide, "restore": services.restore, "dismiss": services.dismiss}


@bp.post("/moderation/<target>/<int:item_id>/hide", defaults={"action": "hide"}, endpoint="moderation_hide")
@bp.post("/moderation/<target>/<int:item_id>/restore", defaults={"action": "restore"}, endpoint="moderation_restore")
@bp.post("/moderation/<target>/<int:item_id>/dismiss", defaults={"action": "dismiss"}, endpoint="moderation_dismiss")
@allow(signed_in)  # who may decide depends on the item: the services ask
def moderation_decide(target: str, item_id: int, action: str):
    reason = field(json_body(), "reason", max_length=1000)
    item = _DECISIONS[action](current_user, target, item_id, reason)
    db.session.commit()
    return jsonify({"target": target, "id": item.id, "hidden": getattr(item, "hidden_at", None) is not None})


def _person(user_id: int) -> User:
    """After `allow(can_suspend)`, which refuses before the lookup: outsiders learn nothing about ids."""
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound(_("Diese Person gibt es nicht."))
    return person


def _until(value) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise BadRequest(_("'until' muss ein Datum nach ISO 8601 sein."), "invalid_until")
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(23, 59))
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(_("'until' muss ein Datum nach ISO 8601 sein."), "invalid_until") from exc
    if not plausible_year(parsed):  # well-formed but out of range, like a date in the past: 422
        raise Invalid(_("'until' liegt außerhalb des erlaubten Bereichs."), "invalid_until")
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


@bp.post("/users/<int:user_id>/suspension")
@allow(can_suspend)
def suspend_user(user_id: int):
    person = _person(user_id)
    data = json_body()
    until = _until(data.get("until"))
    row = suspensions.suspend(current_user, person, until=until, reason=field(data, "reason", max_length=1000))
    db.session.commit()  # their live sockets close now (the service announced it)
    return jsonify(serialize_suspension(row)), 201


@bp.delete("/users/<int:user_id>/suspension")
@allow(can_suspend)
def lift_suspension(user_id: int):
    person = _person(user_id)
    data = json_body() if request.get_data() else {}  # the body is optional, but JSON when given
    reason = field(data, "reason", required=False, max_length=1000)
    suspensions.lift(current_user, person, reason)
    db.session.commit()
    return "", 204


def _date_arg(name: str) -> datetime | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value[:10]), time())
    except ValueError as exc:
        raise BadRequest(_("'%(name)s' muss ein Datum JJJJ-MM-TT sein.", name=name), "invalid_date") from exc


@bp.get("/audit")
@allow(can_read_audit)
def audit_list():
    actor = request.args.get("actor")
    if actor is not None and not actor.isdigit():
        raise BadRequest(_("'actor' muss eine Nummer sein."), "invalid_actor")
    stmt = entries_query(action=request.args.get("action") or None, actor_id=int(actor) if actor else None,
                         target_type=request.args.get("target_type") or None,
                         date_from=_date_arg("from"), date_to=_date_arg("to"))
    return jsonify(paginate(stmt, audit_entry))


@bp.get("/me/export")
@allow(signed_in)
def export_me():
    response = jsonify(privacy.export_data(current_user))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.delete("/me")
@allow(signed_in)
def delete_me():
    data = json_body()
    password = field(data, "password", max_length=200)
    delete_contributions = field(data, "delete_contributions", bool, required=False, default=False)
    privacy.delete_account(current_user._get_current_object(), password, delete_contributions=delete_contributions)
    db.session.commit()  # their live sockets close now (the service announced it)
    logout_user()
    return "", 204


# --- OpenAPI ---------------------------------------------------------------------------------

_REASON = reason(1000)
_TARGET = {"type": "string", "enum": ["proposal", "comment", "message"]}
_TARGET_PARAMS = [{"name": "target", "in": "path", "required": True, "schema": _TARGET}, path_param("item_id")]
_USER_PARAM = [path_param("user_id")]
_TIME = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "Report": obj({"id": {"type": "integer"}, "target": _TARGET, "target_id": {"type": "integer"},
                   "reason": {"type": "string"}, "status": {"type": "string"}, "created_at": _TIME},
                  ["id", "target", "target_id", "reason", "status", "created_at"]),
    "ModerationItem": obj({
        "target": _TARGET, "id": {"type": "integer"}, "council": {"type": "string", "nullable": True},
        "reports_count": {"type": "integer"}, "reasons": {"type": "array", "items": {"type": "string"}},
        "hidden": {"type": "boolean"}, "auto_hidden": {"type": "boolean"}, "excerpt": {"type": "string"},
        "url": {"type": "string"}, "first_reported_at": {**_TIME, "nullable": True}},
        ["target", "id", "reports_count", "hidden"]),
    "ModerationState": obj({"target": _TARGET, "id": {"type": "integer"}, "hidden": {"type": "boolean"}},
                           ["target", "id", "hidden"]),
    "Suspension": obj({"id": {"type": "integer"}, "user_id": {"type": "integer"},
                       "until": {**_TIME, "nullable": True, "description": "null: for good"},
                       "reason": {"type": "string"}, "created_at": _TIME, "lifted_at": {**_TIME, "nullable": True}},
                      ["id", "user_id", "until", "reason", "created_at"]),
    "AuditEntry": obj({
        "id": {"type": "integer"}, "actor_id": {"type": "integer", "nullable": True}, "action": {"type": "string"},
        "target_type": {"type": "string", "nullable": True}, "target_id": {"type": "integer", "nullable": True},
        "council_id": {"type": "integer", "nullable": True}, "reason": {"type": "string", "nullable": True},
        "details": {"type": "object"}, "created_at": _TIME}, ["id", "action", "created_at"]),
    "Export": obj({"format": {"type": "string"}, "generated_at": _TIME, "account": {"type": "object"}},
                  ["format", "generated_at", "account"]),
}


def _decision_op(summary: str) -> dict:
    return {"summary": summary, "parameters": _TARGET_PARAMS,
            "requestBody": json_request(obj({"reason": _REASON}, ["reason"])),
            "responses": {"200": json_response(ref("ModerationState"), "The item's state"), **errors(403, 409)}}


PATHS = {
    "/reports": {"post": {
        "summary": "Report a proposal, comment or live message (once per person and item)",
        "requestBody": json_request(obj({"target": _TARGET, "id": {"type": "integer"}, "reason": _REASON},
                                        ["target", "id", "reason"])),
        "responses": {"201": json_response(ref("Report"), "The report"), **errors(403, 404, 409)},
    }},
    "/moderation/reports": {"get": {
        "summary": "The moderation queue: items with open reports in the councils the caller moderates, "
                   "oldest first (at most 100, not paged)",
        "responses": {"200": page_of(ref("ModerationItem"), "Queue"), **errors(403)},
    }},
    "/moderation/{target}/{item_id}/hide": {"post": _decision_op("Hide an item with a reason; the author is told")},
    "/moderation/{target}/{item_id}/restore": {"post": _decision_op("Show a hidden item again")},
    "/moderation/{target}/{item_id}/dismiss": {"post": _decision_op("Dismiss the open reports of an item")},
    "/users/{user_id}/suspension": {
        "post": {"summary": "Suspend a person (managing director, admin); their sockets close at once",
                 "parameters": _USER_PARAM,
                 "requestBody": json_request(obj({
                     "until": {**_TIME, "nullable": True, "maxLength": 40,
                               "description": "ISO 8601 (a date: the end of that day); absent or null: for good"},
                     "reason": _REASON}, ["reason"])),
                 "x-unprocessable": "an `until` that is not in the future, or not in the years 1901-2199",
                 "responses": {"201": json_response(ref("Suspension"), "The suspension"), **errors(403)}},
        "delete": {"summary": "Lift the suspension in force", "parameters": _USER_PARAM,
                   "requestBody": json_request(obj({"reason": reason(1000, required=False)}),
                                               required=False),
                   "responses": {"204": no_content("Lifted"), **errors(403, 409)}},
    },
    "/audit": {"get": {
        "summary": "The audit log (managing director, admin), newest first",
        "parameters": [*PAGING, query("action", {"type": "string", "maxLength": 80}),
                       query("actor", {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}, code="invalid_actor"),
                       query("target_type", {"type": "string", "maxLength": 80}),
                       query("from", {"type": "string", "format": "date"}, code="invalid_date"),
                       query("to", {"type": "string", "format": "date"}, code="invalid_date")],
        "responses": {"200": page_of(ref("AuditEntry"), "Entries"), **errors(403)},
    }},
    "/me/export": {"get": {
        "summary": "Every piece of data the signed-in person provided, as JSON",
        "responses": {"200": json_response(ref("Export"), "The export")},
    }},
}
# DELETE /me sits beside GET /me (accounts.py); openapi.build() merges the operations per path.
PATHS["/me"] = {"delete": {
    "summary": "Delete the signed-in person's account and personal data",
    "description": "A wrong password is 403 `wrong_password`; failed password checks are limited per account (429).",
    "requestBody": json_request(obj({
        "password": {"type": "string", "maxLength": 200},
        "delete_contributions": {"type": "boolean", "default": False,
                                 "description": "also delete contributions no one else replied to"}},
        ["password"])),
    "responses": {"204": no_content("Deleted"), **errors(403, 429)},
}}
