"""API: councils, their members and join requests.

A private council is a 404 for outsiders on every route here (`get_visible_council_or_404`).
Who may do what is decided by the predicates in forum.permissions and enforced again in the
services. Moderators of a council may add and remove plain members (role `member`) through
`/members`; appointing moderators is for chair, managing director and admin.
"""
from __future__ import annotations

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import User
from ..councils import membership as members_service
from ..councils import queries, services
from ..councils.models import REQUEST_STATUSES, JoinRequest
from ..councils.visibility import get_visible_council_or_404, visible_councils
from ..errors import Invalid, NotAllowed
from ..extensions import db
from ..permissions import can_manage_members
from . import bp
from .helpers import BadRequest, field, json_body, paginate
from .serializers import council_detail, council_member, council_summary, join_request

COUNCIL_FIELDS = {"name", "description", "visibility", "mandate", "join_policy"}


def _only(data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise Invalid(_("Unbekanntes Feld: %(field)s", field=unknown[0]), "unknown_field")


def _detail(council, status: int = 200):
    body = council_detail(council, moderators=queries.moderators(council),
                          members_by_stakeholder=queries.members_by_stakeholder(council),
                          viewer=queries.viewer(current_user, council))
    return jsonify(body), status


def _managed_council(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    if not can_manage_members(current_user, council):
        raise NotAllowed(_("Nur die Moderation dieses Fachbeirats und die Geschäftsführung sehen das."))
    return council


def _request_of(council, request_id: int) -> JoinRequest:
    join_req = db.session.get(JoinRequest, request_id)
    if join_req is None or join_req.council_id != council.id:
        abort(404)
    return join_req


@bp.get("/councils")
def list_councils():
    archived = request.args.get("archived")
    if archived not in (None, "true", "false"):
        raise BadRequest(_("archived muss 'true' oder 'false' sein."), "invalid_filter")
    flag = None if archived is None else archived == "true"
    return jsonify(paginate(visible_councils(current_user, archived=flag), council_summary))


@bp.post("/councils")
@login_required
def create_council():
    data = json_body()
    _only(data, COUNCIL_FIELDS)
    council = services.found_council(
        current_user,
        name=field(data, "name", max_length=services.NAME_MAX),
        description=field(data, "description", max_length=services.DESCRIPTION_MAX),
        visibility=field(data, "visibility", max_length=10),
        mandate=field(data, "mandate", required=False, default="", max_length=services.MANDATE_MAX),
        join_policy=field(data, "join_policy", required=False, default="open", max_length=10),
    )
    db.session.commit()
    response, status = _detail(council, 201)
    response.headers["Location"] = url_for("api.get_council", slug=council.slug)
    return response, status


@bp.get("/councils/<slug>")
def get_council(slug: str):
    return _detail(get_visible_council_or_404(slug, current_user))


@bp.patch("/councils/<slug>")
@login_required
def update_council(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    data = json_body()
    _only(data, COUNCIL_FIELDS)
    limits = {"name": services.NAME_MAX, "description": services.DESCRIPTION_MAX, "mandate": services.MANDATE_MAX,
              "visibility": 10, "join_policy": 10}
    changes = {key: field(data, key, max_length=limits[key]) for key in data}
    services.update_council(current_user, council, **changes)
    db.session.commit()
    return _detail(council)


@bp.post("/councils/<slug>/archive")
@login_required
def archive_council(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    services.archive_council(current_user, council)
    db.session.commit()
    return _detail(council)


@bp.delete("/councils/<slug>/archive")
@login_required
def restore_council(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    services.restore_council(current_user, council)
    db.session.commit()
    return _detail(council)


@bp.get("/councils/<slug>/members")
@login_required
def list_members(slug: str):
    council = _managed_council(slug)
    return jsonify(paginate(queries.members_select(council), lambda row: council_member(*row), scalars=False))


@bp.post("/councils/<slug>/members")
@login_required
def add_member(slug: str):
    council = _managed_council(slug)
    data = json_body()
    _only(data, {"user_id", "role"})
    user_id = field(data, "user_id", int)
    role = field(data, "role", required=False, default="member", max_length=20)
    person = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if person is None:
        raise Invalid(_("Diese Person gibt es nicht."), "unknown_user")
    membership, created = members_service.appoint(current_user, council, person, role)
    db.session.commit()
    return jsonify(council_member(person, membership)), (201 if created else 200)


@bp.delete("/councils/<slug>/members/<int:user_id>")
@login_required
def delete_member(slug: str, user_id: int):
    council = get_visible_council_or_404(slug, current_user)
    if user_id != current_user.id and not can_manage_members(current_user, council):
        raise NotAllowed(_("Nur die Moderation dieses Fachbeirats und die Geschäftsführung entfernen Mitglieder."))
    person = db.session.get(User, user_id) if user_id < 2**31 else None
    if person is None:
        abort(404)
    members_service.remove_member(current_user, council, person)
    db.session.commit()
    return "", 204


@bp.post("/councils/<slug>/join")
@login_required
def join_council(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    membership = members_service.join(current_user, council)
    db.session.commit()
    return jsonify(council_member(current_user, membership)), 201


@bp.delete("/councils/<slug>/join")
@login_required
def leave_council(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    members_service.leave(current_user, council)
    db.session.commit()
    return "", 204


@bp.get("/councils/<slug>/join-requests")
@login_required
def list_join_requests(slug: str):
    council = _managed_council(slug)
    status = request.args.get("status", "pending")
    if status not in (*REQUEST_STATUSES, "all"):
        raise BadRequest(_("status muss pending, accepted, declined oder all sein."), "invalid_filter")
    return jsonify(paginate(queries.join_requests(council, None if status == "all" else status), join_request))


@bp.post("/councils/<slug>/join-requests")
@login_required
def create_join_request(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    data = json_body() if request.get_data() else {}
    _only(data, {"message"})
    message = field(data, "message", required=False, default="", max_length=members_service.MESSAGE_MAX)
    join_req = members_service.request_to_join(current_user, council, message)
    db.session.commit()
    return jsonify(join_request(join_req)), 201


@bp.post("/councils/<slug>/join-requests/<int:request_id>/decision")
@login_required
def decide_join_request(slug: str, request_id: int):
    council = _managed_council(slug)
    join_req = _request_of(council, request_id)
    data = json_body()
    _only(data, {"decision", "reason"})
    decision = field(data, "decision", max_length=10)
    if decision not in ("accept", "decline"):
        raise Invalid(_("decision muss 'accept' oder 'decline' sein."), "invalid_decision")
    reason = field(data, "reason", required=False, default="", max_length=members_service.MESSAGE_MAX)
    members_service.decide_request(current_user, join_req, accept=decision == "accept", reason=reason)
    db.session.commit()
    return jsonify(join_request(join_req))


@bp.delete("/councils/<slug>/join-requests/<int:request_id>")
@login_required
def withdraw_join_request(slug: str, request_id: int):
    council = get_visible_council_or_404(slug, current_user)
    join_req = _request_of(council, request_id)
    if join_req.user_id != current_user.id and not can_manage_members(current_user, council):
        abort(404)  # someone else's request: not theirs to know about
    members_service.withdraw_request(current_user, join_req)
    db.session.commit()
    return "", 204


# --- OpenAPI ---------------------------------------------------------------------------------

_ERR = {"$ref": "#/components/responses/Error"}
_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
_USER = {"type": "object", "properties": {"id": {"type": "integer", "nullable": True}, "name": {"type": "string"},
                                          "stakeholder": {"type": "string", "nullable": True}}}
_SUMMARY_PROPS = {
    "slug": {"type": "string"}, "name": {"type": "string"}, "mandate": {"type": "string"},
    "visibility": {"type": "string", "enum": ["public", "private"]},
    "join_policy": {"type": "string", "enum": ["open", "request", "appointed"]},
    "archived": {"type": "boolean"}, "members_count": {"type": "integer"},
}
_REQUEST = {"type": "object", "properties": {
    "id": {"type": "integer"}, "council": {"type": "string"}, "user": _USER,
    "status": {"type": "string", "enum": list(REQUEST_STATUSES)}, "message": {"type": "string"},
    "reason": {"type": "string", "nullable": True}, "created_at": {"type": "string", "format": "date-time"},
    "decided_at": {"type": "string", "format": "date-time", "nullable": True},
    "decided_by": {**_USER, "nullable": True}}}
_COUNCIL = {"type": "object", "properties": {
    **_SUMMARY_PROPS, "description": {"type": "string"}, "description_html": {"type": "string"},
    "created_at": {"type": "string", "format": "date-time"},
    "archived_at": {"type": "string", "format": "date-time", "nullable": True},
    "moderators": {"type": "array", "items": _USER},
    "members_by_stakeholder": {"type": "object", "additionalProperties": {"type": "integer"}},
    "viewer": {"type": "object", "properties": {
        "role": {"type": "string", "enum": ["member", "moderator"], "nullable": True},
        "can_join": {"type": "boolean"}, "can_request": {"type": "boolean"}, "can_leave": {"type": "boolean"},
        "join_blocked_because": {"type": "string", "nullable": True},
        "request": {**_REQUEST, "nullable": True}}}}}
_MEMBER = {"type": "object", "properties": {**_USER["properties"], "organisation": {"type": "string", "nullable": True},
                                            "role": {"type": "string", "enum": ["member", "moderator"]},
                                            "joined_at": {"type": "string", "format": "date-time"}}}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _page_of(schema: dict) -> dict:
    return _json({"allOf": [{"$ref": "#/components/schemas/Page"},
                            {"type": "object", "properties": {"items": {"type": "array", "items": schema}}}]})


def _body(properties: dict, required: list[str]) -> dict:
    return {"required": True, **_json({"type": "object", "required": required, "properties": properties,
                                       "additionalProperties": False})}


_COUNCIL_WRITE = {"name": {"type": "string", "minLength": 3, "maxLength": 120},
                  "description": {"type": "string", "maxLength": 20000, "description": "Markdown"},
                  "visibility": {"type": "string", "enum": ["public", "private"]},
                  "mandate": {"type": "string", "maxLength": 300},
                  "join_policy": {"type": "string", "enum": ["open", "request", "appointed"]}}
_PAGING = [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]

def _inline_path_parameters(paths: dict) -> dict:
    """Copy path-level `parameters` into every operation (the spec test reads keys as methods)."""
    for ops in paths.values():
        shared = ops.pop("parameters", [])
        for op in ops.values():
            if shared:
                op["parameters"] = [*shared, *op.get("parameters", [])]
    return paths


PATHS = _inline_path_parameters({
    "/councils": {
        "get": {"summary": "Councils visible to the caller (private ones only for their members and staff)",
                "security": [{"bearer": []}, {}],
                "parameters": [*_PAGING, {"name": "archived", "in": "query",
                                          "schema": {"type": "string", "enum": ["true", "false"]}}],
                "responses": {"200": {"description": "A page of councils", **_page_of(
                    {"type": "object", "properties": _SUMMARY_PROPS})}, "400": _ERR}},
        "post": {"summary": "Found a council (chair, managing director, admin); the slug is made from the name",
                 "requestBody": _body(_COUNCIL_WRITE, ["name", "description", "visibility"]),
                 "responses": {"201": {"description": "The new council", **_json(_COUNCIL)},
                               "400": _ERR, "401": _ERR, "403": _ERR, "409": _ERR, "422": _ERR}},
    },
    "/councils/{slug}": {
        "parameters": [_SLUG],
        "get": {"summary": "A council with members_count, moderators, members_by_stakeholder and the caller's standing",
                "security": [{"bearer": []}, {}],
                "responses": {"200": {"description": "The council", **_json(_COUNCIL)}, "404": _ERR}},
        "patch": {"summary": "Edit a council (chair, managing director, admin; not while archived)",
                  "requestBody": {"required": True, **_json({"type": "object", "properties": _COUNCIL_WRITE,
                                                             "additionalProperties": False})},
                  "responses": {"200": {"description": "The council", **_json(_COUNCIL)},
                                "400": _ERR, "401": _ERR, "403": _ERR, "404": _ERR, "409": _ERR, "422": _ERR}},
    },
    "/councils/{slug}/archive": {
        "parameters": [_SLUG],
        "post": {"summary": "Archive the council: read-only, still visible (chair, managing director, admin)",
                 "responses": {"200": {"description": "The council", **_json(_COUNCIL)},
                               "401": _ERR, "403": _ERR, "404": _ERR, "409": _ERR}},
        "delete": {"summary": "Restore an archived council (chair, managing director, admin)",
                   "responses": {"200": {"description": "The council", **_json(_COUNCIL)},
                                 "401": _ERR, "403": _ERR, "404": _ERR, "409": _ERR}},
    },
    "/councils/{slug}/members": {
        "parameters": [_SLUG],
        "get": {"summary": "Members and roles (moderators of this council, chair, managing director, admin)",
                "parameters": _PAGING,
                "responses": {"200": {"description": "A page of members", **_page_of(_MEMBER)},
                              "401": _ERR, "403": _ERR, "404": _ERR}},
        "post": {"summary": "Appoint a verified forum member or change a role. Chair, managing director, admin: "
                            "any role; moderators of this council: role member only. 201 when added, 200 when "
                            "the role changed or stayed",
                 "requestBody": _body({"user_id": {"type": "integer"},
                                       "role": {"type": "string", "enum": ["member", "moderator"],
                                                "default": "member"}}, ["user_id"]),
                 "responses": {"201": {"description": "Added", **_json(_MEMBER)},
                               "200": {"description": "Role set", **_json(_MEMBER)},
                               "400": _ERR, "401": _ERR, "403": _ERR, "404": _ERR, "409": _ERR, "422": _ERR}},
    },
    "/councils/{slug}/members/{user_id}": {
        "parameters": [_SLUG, {"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "delete": {"summary": "Remove a member (staff: anyone; moderators of this council: members only; "
                              "your own id: leave)",
                   "responses": {"204": {"description": "Removed"}, "401": _ERR, "403": _ERR, "404": _ERR,
                                 "409": _ERR}},
    },
    "/councils/{slug}/join": {
        "parameters": [_SLUG],
        "post": {"summary": "Join an open council (verified members)",
                 "responses": {"201": {"description": "Now a member", **_json(_MEMBER)},
                               "401": _ERR, "403": _ERR, "404": _ERR, "409": _ERR}},
        "delete": {"summary": "Leave the council",
                   "responses": {"204": {"description": "Left"}, "401": _ERR, "404": _ERR, "409": _ERR}},
    },
    "/councils/{slug}/join-requests": {
        "parameters": [_SLUG],
        "get": {"summary": "Join requests (moderators of this council, chair, managing director, admin)",
                "parameters": [*_PAGING, {"name": "status", "in": "query", "schema": {
                    "type": "string", "enum": [*REQUEST_STATUSES, "all"], "default": "pending"}}],
                "responses": {"200": {"description": "A page of requests", **_page_of(_REQUEST)},
                              "400": _ERR, "401": _ERR, "403": _ERR, "404": _ERR}},
        "post": {"summary": "Ask to join a council whose join_policy is request (verified members)",
                 "requestBody": {"required": False, **_json({"type": "object", "additionalProperties": False,
                                                             "properties": {"message": {"type": "string",
                                                                                        "maxLength": 1000}}})},
                 "responses": {"201": {"description": "The request", **_json(_REQUEST)},
                               "400": _ERR, "401": _ERR, "403": _ERR, "404": _ERR, "409": _ERR, "422": _ERR}},
    },
    "/councils/{slug}/join-requests/{request_id}": {
        "parameters": [_SLUG, {"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "delete": {"summary": "Withdraw your own pending request",
                   "responses": {"204": {"description": "Withdrawn"}, "401": _ERR, "403": _ERR, "404": _ERR,
                                 "409": _ERR}},
    },
    "/councils/{slug}/join-requests/{request_id}/decision": {
        "parameters": [_SLUG, {"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "post": {"summary": "Accept or decline (with a reason the person sees) a pending request "
                            "(moderators of this council, chair, managing director, admin)",
                 "requestBody": _body({"decision": {"type": "string", "enum": ["accept", "decline"]},
                                       "reason": {"type": "string", "maxLength": 1000}}, ["decision"]),
                 "responses": {"200": {"description": "The decided request", **_json(_REQUEST)},
                               "400": _ERR, "401": _ERR, "403": _ERR, "404": _ERR, "409": _ERR, "422": _ERR}},
    },
})
