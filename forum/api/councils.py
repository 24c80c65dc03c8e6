"""API: councils, their members and join requests.

A private council is a 404 for outsiders on every route here (`get_visible_council_or_404`).
Who may do what is decided by the predicates in forum.permissions and enforced again in the
services. Moderators of a council may add and remove plain members (role `member`) through
`/members`; appointing moderators is for chair, managing director and admin.
"""
from __future__ import annotations

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import User
from ..councils import membership as members_service
from ..councils import queries, services
from ..councils.models import REQUEST_STATUSES, JoinRequest
from ..councils.schemas import council_detail, council_member, council_summary, join_request
from ..councils.visibility import get_visible_council_or_404, visible_councils
from ..errors import BadRequest, Invalid
from ..extensions import db
from ..pagination import paginate
from ..handlers import allow, anyone, require, signed_in
from ..permissions import can_archive_council, can_found_council, can_manage_council, can_manage_members
from ..apidoc import (OPTIONAL_AUTH, PAGING, PERSON, errors, inline_path_parameters, json_response, no_content,
                      line, nullable, obj, optional_line, page_of, path_param, query, ref)
from ..apidoc import json_body as json_request
from . import bp
from .helpers import field, json_body

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


def _council(slug: str):
    """The loader of every route about one council: the council if the caller may see it, else a 404."""
    return get_visible_council_or_404(slug, current_user)


def _request_of(council, request_id: int) -> JoinRequest:
    join_req = db.session.get(JoinRequest, request_id)
    if join_req is None or join_req.council_id != council.id:
        abort(404)
    return join_req


@bp.get("/councils")
@allow(anyone)
def list_councils():
    archived = request.args.get("archived")
    if archived not in (None, "true", "false"):
        raise BadRequest(_("archived muss 'true' oder 'false' sein."), "invalid_filter")
    flag = None if archived is None else archived == "true"
    return jsonify(paginate(visible_councils(current_user, archived=flag), council_summary))


@bp.post("/councils")
@allow(can_found_council)
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
@allow(anyone, load=_council)
def get_council(council):
    return _detail(council)


@bp.patch("/councils/<slug>")
@allow(can_manage_council, load=_council)  # the service answers 409 while it is archived
def update_council(council):
    data = json_body()
    _only(data, COUNCIL_FIELDS)
    limits = {"name": services.NAME_MAX, "description": services.DESCRIPTION_MAX, "mandate": services.MANDATE_MAX,
              "visibility": 10, "join_policy": 10}
    changes = {key: field(data, key, max_length=limits[key]) for key in data}
    services.update_council(current_user, council, **changes)
    db.session.commit()
    return _detail(council)


_ARCHIVING = {"POST": services.archive_council, "DELETE": services.restore_council}


@bp.post("/councils/<slug>/archive", endpoint="archive_council")
@bp.delete("/councils/<slug>/archive", endpoint="restore_council")
@allow(can_archive_council, load=_council)
def archiving(council):
    """Archive the council (POST) or restore it (DELETE)."""
    _ARCHIVING[request.method](current_user, council)
    db.session.commit()
    return _detail(council)


@bp.get("/councils/<slug>/members")
@allow(can_manage_members, load=_council)
def list_members(council):
    return jsonify(paginate(queries.members_select(council), lambda row: council_member(*row), scalars=False))


@bp.post("/councils/<slug>/members")
@allow(can_manage_members, load=_council)
def add_member(council):
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
@allow(signed_in, load=_council)
def delete_member(council, user_id: int):
    """Your own id: leave; anyone else's: those who manage the members (asked before the lookup)."""
    if user_id != current_user.id:
        require(can_manage_members, council)
    person = db.session.get(User, user_id) if user_id < 2**31 else None
    if person is None:
        abort(404)
    members_service.remove_member(current_user, council, person)
    db.session.commit()
    return "", 204


@bp.post("/councils/<slug>/join")
@allow(signed_in, load=_council)
def join_council(council):
    membership = members_service.join(current_user, council)
    db.session.commit()
    return jsonify(council_member(current_user, membership)), 201


@bp.delete("/councils/<slug>/join")
@allow(signed_in, load=_council)
def leave_council(council):
    members_service.leave(current_user, council)
    db.session.commit()
    return "", 204


@bp.get("/councils/<slug>/join-requests")
@allow(can_manage_members, load=_council)
def list_join_requests(council):
    status = request.args.get("status", "pending")
    if status not in (*REQUEST_STATUSES, "all"):
        raise BadRequest(_("status muss pending, accepted, declined oder all sein."), "invalid_filter")
    return jsonify(paginate(queries.join_requests(council, None if status == "all" else status), join_request))


@bp.post("/councils/<slug>/join-requests")
@allow(signed_in, load=_council)
def create_join_request(council):
    data = json_body() if request.get_data() else {}
    _only(data, {"message"})
    message = field(data, "message", required=False, default="", max_length=members_service.MESSAGE_MAX)
    join_req = members_service.request_to_join(current_user, council, message)
    db.session.commit()
    return jsonify(join_request(join_req)), 201


@bp.post("/councils/<slug>/join-requests/<int:request_id>/decision")
@allow(can_manage_members, load=_council)
def decide_join_request(council, request_id: int):
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
@allow(signed_in, load=_council)
def withdraw_join_request(council, request_id: int):
    join_req = _request_of(council, request_id)
    if join_req.user_id != current_user.id and not can_manage_members(current_user, council):
        abort(404)  # someone else's request: not theirs to know about
    members_service.withdraw_request(current_user, join_req)
    db.session.commit()
    return "", 204


# --- OpenAPI ---------------------------------------------------------------------------------

_SLUG = path_param("slug", "slug")
_REQUEST_ID = path_param("request_id")
_NAME = line(120, min_length=3, description="One line, 3–120 characters once trimmed")
_SUMMARY_PROPS = {
    "slug": {"type": "string"}, "name": {"type": "string"}, "mandate": {"type": "string"},
    "visibility": {"type": "string", "enum": ["public", "private"]},
    "join_policy": {"type": "string", "enum": ["open", "request", "appointed"]},
    "archived": {"type": "boolean"}, "members_count": {"type": "integer"},
}
_COUNCIL_WRITE = {"name": _NAME,
                  "description": {"type": "string", "maxLength": 20000, "description": "Markdown"},
                  "visibility": {"type": "string", "enum": ["public", "private"]},
                  "mandate": optional_line(300),
                  "join_policy": {"type": "string", "enum": ["open", "request", "appointed"]}}
_MEMBER_ROLE = {"type": "string", "enum": ["member", "moderator"]}

_JOIN_REQUEST = obj({
    "id": {"type": "integer"}, "council": {"type": "string"}, "user": ref("Person"),
    "status": {"type": "string", "enum": list(REQUEST_STATUSES)}, "message": {"type": "string"},
    "reason": {"type": "string", "nullable": True}, "created_at": {"type": "string", "format": "date-time"},
    "decided_at": {"type": "string", "format": "date-time", "nullable": True},
    "decided_by": nullable(PERSON)}, ["id", "council", "user", "status", "created_at"])

SCHEMAS = {
    "CouncilSummary": obj(_SUMMARY_PROPS, list(_SUMMARY_PROPS)),
    "JoinRequest": _JOIN_REQUEST,
    "Council": obj({
        **_SUMMARY_PROPS, "description": {"type": "string"}, "description_html": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "archived_at": {"type": "string", "format": "date-time", "nullable": True},
        "moderators": {"type": "array", "items": ref("Person")},
        "members_by_stakeholder": {"type": "object", "additionalProperties": {"type": "integer"}},
        "viewer": obj({
            "role": {"type": "string", "enum": ["member", "moderator", None], "nullable": True},
            "can_join": {"type": "boolean"}, "can_request": {"type": "boolean"}, "can_leave": {"type": "boolean"},
            "join_blocked_because": {"type": "string", "nullable": True},
            "request": nullable(_JOIN_REQUEST)})},
        [*_SUMMARY_PROPS, "description", "moderators", "viewer"]),
    "Member": obj({**PERSON["properties"], "organisation": {"type": "string", "nullable": True},
                   "role": _MEMBER_ROLE, "joined_at": {"type": "string", "format": "date-time"}},
                  ["id", "name", "stakeholder", "role"]),
}

PATHS = inline_path_parameters({
    "/councils": {
        "get": {"summary": "Councils visible to the caller (private ones only for their members and staff)",
                "security": OPTIONAL_AUTH,
                "parameters": [*PAGING, query("archived", {"type": "string", "enum": ["true", "false"]}, code="invalid_filter")],
                "responses": {"200": page_of(ref("CouncilSummary"), "A page of councils")}},
        "post": {"summary": "Found a council (chair, managing director, admin); the slug is made from the name",
                 "requestBody": json_request(obj(_COUNCIL_WRITE, ["name", "description", "visibility"], closed=True)),
                 "responses": {"201": json_response(ref("Council"), "The new council"), **errors(403, 409)}},
    },
    "/councils/{slug}": {
        "parameters": [_SLUG],
        "get": {"summary": "A council with members_count, moderators, members_by_stakeholder and the caller's standing",
                "security": OPTIONAL_AUTH, "responses": {"200": json_response(ref("Council"), "The council")}},
        "patch": {"summary": "Edit a council (chair, managing director, admin; not while archived)",
                  # Each field given is set: null is refused, not read as "unchanged".
                  "requestBody": json_request(obj({name: {**schema, "nullable": False}
                                                   for name, schema in _COUNCIL_WRITE.items()}, closed=True)),
                  "responses": {"200": json_response(ref("Council"), "The council"), **errors(403, 409)}},
    },
    "/councils/{slug}/archive": {
        "parameters": [_SLUG],
        "post": {"summary": "Archive the council: read-only, still visible (chair, managing director, admin)",
                 "responses": {"200": json_response(ref("Council"), "The council"), **errors(403, 409)}},
        "delete": {"summary": "Restore an archived council (chair, managing director, admin)",
                   "responses": {"200": json_response(ref("Council"), "The council"), **errors(403, 409)}},
    },
    "/councils/{slug}/members": {
        "parameters": [_SLUG],
        "get": {"summary": "Members and roles (moderators of this council, chair, managing director, admin)",
                "parameters": PAGING,
                "responses": {"200": page_of(ref("Member"), "A page of members"), **errors(403)}},
        "post": {"summary": "Appoint a verified forum member or change a role. Chair, managing director, admin: "
                            "any role; moderators of this council: role member only. 201 when added, 200 when "
                            "the role changed or stayed",
                 "x-unprocessable": "a `user_id` of nobody (`unknown_user`)",
                 "requestBody": json_request(obj({"user_id": {"type": "integer"},
                                               "role": {**_MEMBER_ROLE, "default": "member"}},
                                              ["user_id"], closed=True)),
                 "responses": {"201": json_response(ref("Member"), "Added"),
                               "200": json_response(ref("Member"), "Role set"), **errors(403, 409)}},
    },
    "/councils/{slug}/members/{user_id}": {
        "parameters": [_SLUG, path_param("user_id")],
        "delete": {"summary": "Remove a member (staff: anyone; moderators of this council: members only; "
                              "your own id: leave)",
                   "responses": {"204": no_content("Removed"), **errors(403, 409)}},
    },
    "/councils/{slug}/join": {
        "parameters": [_SLUG],
        "post": {"summary": "Join an open council (verified members)",
                 "responses": {"201": json_response(ref("Member"), "Now a member"), **errors(403, 409)}},
        "delete": {"summary": "Leave the council", "responses": {"204": no_content("Left"), **errors(409)}},
    },
    "/councils/{slug}/join-requests": {
        "parameters": [_SLUG],
        "get": {"summary": "Join requests (moderators of this council, chair, managing director, admin)",
                "parameters": [*PAGING, query("status", {"type": "string", "enum": [*REQUEST_STATUSES, "all"],
                                                         "default": "pending"}, code="invalid_filter")],
                "responses": {"200": page_of(ref("JoinRequest"), "A page of requests"), **errors(403)}},
        "post": {"summary": "Ask to join a council whose join_policy is request (verified members)",
                 "requestBody": json_request(obj({"message": {"type": "string", "maxLength": 1000}}, closed=True),
                                          required=False),
                 "responses": {"201": json_response(ref("JoinRequest"), "The request"), **errors(403, 409)}},
    },
    "/councils/{slug}/join-requests/{request_id}": {
        "parameters": [_SLUG, _REQUEST_ID],
        "delete": {"summary": "Withdraw your own pending request",
                   "responses": {"204": no_content("Withdrawn"), **errors(403, 409)}},
    },
    "/councils/{slug}/join-requests/{request_id}/decision": {
        "parameters": [_SLUG, _REQUEST_ID],
        "post": {"summary": "Accept or decline (with a reason the person sees) a pending request "
                            "(moderators of this council, chair, managing director, admin)",
                 "requestBody": json_request(obj({"decision": {"type": "string", "enum": ["accept", "decline"]},
                                               "reason": {"type": "string", "maxLength": 1000}},
                                              ["decision"], closed=True)),
                 "responses": {"200": json_response(ref("JoinRequest"), "The decided request"),
                               **errors(403, 409)}},
    },
})
