"""API: proposals, votes, comments and follows (`/api/v1/proposals…`).

Hidden counts: a proposal with `hide_votes` shows no counts until voting has closed. Its
`votes` is then `null` with `"votes_hidden": true`; the vote endpoints answer
`{"votes_hidden": true, "my_vote": "<choice>"|null}` instead of the `votes` object, so a voter
still sees their own choice and nobody sees counts.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..councils.models import Council
from ..councils.visibility import visible_council_filter
from ..errors import Invalid, NotFound
from ..extensions import db
from ..permissions import can_view_proposal
from ..proposals import comments as comment_services
from ..proposals import lifecycle, services, voting
from ..proposals.models import Proposal
from ..proposals.queries import page_of, parse_filters
from . import bp
from .helpers import field, json_body, page_args, paginate
from .serializers import comment as serialize_comment
from .serializers import revision as serialize_revision
from .serializers import proposal as serialize_proposal

PATCH_FIELDS = {"title", "body", "tags", "hide_votes", "status", "response", "voting_ends_at"}


def _load(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can_view_proposal(current_user, proposal):
        raise NotFound(_("Diesen Vorschlag gibt es nicht."))
    return proposal


def _detail(proposal: Proposal) -> dict:
    return serialize_proposal(proposal, my_vote=voting.vote_of(proposal, current_user), include_my_vote=True)


def _vote_answer(shown: dict, my_vote: str | None):
    if shown["votes_hidden"]:
        return jsonify(votes_hidden=True, my_vote=my_vote)
    return jsonify(shown["votes"])


def _council_from(data: dict) -> Council | None:
    slug = field(data, "council", str, required=False, max_length=80)
    if not slug:
        return None
    council = db.session.scalar(select(Council).where(Council.slug == slug, visible_council_filter(current_user)))
    if council is None:
        raise NotFound(_("Diesen Fachbeirat gibt es nicht."))
    return council


def _datetime_from(data: dict, name: str) -> datetime | None:
    raw = field(data, name, str, required=False, max_length=40)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(_("Das Feld '%(name)s' braucht eine Zeit im Format ISO 8601.", name=name),
                      "invalid_field") from exc
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _tags_from(data: dict):
    if data.get("tags") is None:
        return None
    return field(data, "tags", (list, str), required=False)


@bp.get("/proposals")
def list_proposals():
    filters = parse_filters(request.args, current_user)
    page, per_page = page_args()
    items, total = page_of(filters, current_user, page, per_page)
    return jsonify(items=[serialize_proposal(p) for p in items], page=page, per_page=per_page, total=total)


@bp.post("/proposals")
@login_required
def create_proposal():
    data = json_body()
    proposal = services.create_proposal(
        current_user,
        title=field(data, "title", max_length=services.TITLE_MAX),
        body=field(data, "body", max_length=services.BODY_MAX),
        council=_council_from(data),
        tags=_tags_from(data),
        draft=field(data, "draft", bool, required=False, default=False),
        hide_votes=field(data, "hide_votes", bool, required=False, default=False),
    )
    db.session.commit()
    return jsonify(serialize_proposal(proposal, include_my_vote=True)), 201


@bp.get("/proposals/<int:proposal_id>")
def get_proposal(proposal_id: int):
    return jsonify(_detail(_load(proposal_id)))


@bp.patch("/proposals/<int:proposal_id>")
@login_required
def patch_proposal(proposal_id: int):
    proposal = _load(proposal_id)
    data = json_body()
    unknown = sorted(set(data) - PATCH_FIELDS)
    if unknown:
        raise Invalid(_("Unbekannte Felder: %(fields)s.", fields=', '.join(unknown)), "unknown_field")
    if not set(data) & PATCH_FIELDS:
        raise Invalid(_("Nichts zu ändern."), "missing_field")
    content = {name: data[name] for name in ("title", "body", "tags", "hide_votes") if name in data}
    if content:
        proposal = services.edit_proposal(
            proposal, current_user,
            title=field(data, "title", required=False, max_length=services.TITLE_MAX),
            body=field(data, "body", required=False, max_length=services.BODY_MAX),
            tags=_tags_from(data),
            hide_votes=field(data, "hide_votes", bool, required=False),
        )
    response = field(data, "response", required=False, max_length=lifecycle.RESPONSE_MAX)
    status = field(data, "status", required=False, max_length=20)
    if status is not None and status != proposal.status:
        proposal = lifecycle.change_status(proposal, current_user, status, response=response,
                                           voting_ends_at=_datetime_from(data, "voting_ends_at"))
    elif response is not None:
        proposal = lifecycle.respond(proposal, current_user, response)
    db.session.commit()
    return jsonify(_detail(proposal))


@bp.put("/proposals/<int:proposal_id>/vote")
@login_required
def put_vote(proposal_id: int):
    # cast_vote loads, locks and checks the proposal itself: one read, not two.
    choice = field(json_body(), "choice", max_length=10)
    shown = voting.shown_votes(voting.cast_vote(proposal_id, current_user, choice))
    db.session.commit()
    voting.announce_votes(proposal_id, shown)
    return _vote_answer(shown, choice)


@bp.delete("/proposals/<int:proposal_id>/vote")
@login_required
def delete_vote(proposal_id: int):
    shown = voting.shown_votes(voting.withdraw_vote(proposal_id, current_user))
    db.session.commit()
    voting.announce_votes(proposal_id, shown)
    return _vote_answer(shown, None)


@bp.get("/proposals/<int:proposal_id>/comments")
def list_comments(proposal_id: int):
    return jsonify(paginate(comment_services.list_comments(_load(proposal_id)), serialize_comment))


@bp.post("/proposals/<int:proposal_id>/comments")
@login_required
def create_comment(proposal_id: int):
    proposal = _load(proposal_id)
    data = json_body()
    comment = comment_services.add_comment(proposal, current_user, field(data, "body", max_length=comment_services.COMMENT_MAX),
                                           parent_id=field(data, "parent_id", int, required=False))
    db.session.commit()
    return jsonify(serialize_comment(comment)), 201


@bp.patch("/proposals/<int:proposal_id>/comments/<int:comment_id>")
@login_required
def patch_comment(proposal_id: int, comment_id: int):
    comment = comment_services.get_comment(_load(proposal_id), comment_id)
    data = json_body()
    comment = comment_services.edit_comment(comment, current_user, field(data, "body", max_length=comment_services.COMMENT_MAX))
    db.session.commit()
    return jsonify(serialize_comment(comment))


@bp.delete("/proposals/<int:proposal_id>/comments/<int:comment_id>")
@login_required
def delete_comment(proposal_id: int, comment_id: int):
    comment = comment_services.get_comment(_load(proposal_id), comment_id)
    comment_services.delete_comment(comment, current_user)
    db.session.commit()
    return "", 204


@bp.put("/proposals/<int:proposal_id>/follow")
@login_required
def follow(proposal_id: int):
    services.follow(_load(proposal_id), current_user)
    db.session.commit()
    return "", 204


@bp.delete("/proposals/<int:proposal_id>/follow")
@login_required
def unfollow(proposal_id: int):
    services.unfollow(_load(proposal_id), current_user)
    db.session.commit()
    return "", 204


@bp.get("/proposals/<int:proposal_id>/revisions")
def list_revisions(proposal_id: int):
    from ..moderation.visibility import text_hidden

    proposal = _load(proposal_id)
    if text_hidden(current_user, proposal, proposal.council):  # earlier versions carry the hidden text
        return jsonify(items=[], hidden=True)
    return jsonify(items=[serialize_revision(r) for r in services.revisions(proposal)])


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_ID = {"name": "proposal_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_CID = {"name": "comment_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_ERR = {code: _ref("Error") for code in ("400", "401", "403", "404", "409", "422")}
_COUNTS = {"type": "object", "properties": {c: {"type": "integer"} for c in ("for", "against", "abstain")}}
_VOTES = {"type": "object", "required": ["for", "against", "abstain", "total", "by_stakeholder"], "properties": {
    "for": {"type": "integer"}, "against": {"type": "integer"}, "abstain": {"type": "integer"},
    "total": {"type": "integer"},
    "by_stakeholder": {"type": "object", "required": ["citizen", "business", "research", "culture", "association"],
                       "properties": {s: _COUNTS for s in ("citizen", "business", "research", "culture", "association")}}}}
_AUTHOR = {"type": "object", "properties": {"id": {"type": "integer", "nullable": True}, "name": {"type": "string"},
                                            "stakeholder": {"type": "string", "nullable": True}}}
_PROPOSAL = {"type": "object", "required": ["id", "title", "body_html", "status", "council", "author", "votes",
                                            "votes_hidden", "comments_count", "created_at"], "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "body_html": {"type": "string"},
    "excerpt": {"type": "string"}, "status": {"type": "string", "enum": list(lifecycle.STATUS_LABELS)},
    "council": {"type": "string", "nullable": True, "description": "council slug; null for forum-wide"},
    "author": _AUTHOR, "votes": {**_VOTES, "nullable": True, "description": "null while counts are hidden"},
    "votes_hidden": {"type": "boolean"}, "hide_votes": {"type": "boolean"},
    "my_vote": {"type": "string", "nullable": True, "description": "the caller's own choice (detail and writes only)"},
    "comments_count": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}},
    "created_at": {"type": "string"}, "published_at": {"type": "string", "nullable": True},
    "edited_at": {"type": "string", "nullable": True}, "voting_ends_at": {"type": "string", "nullable": True},
    "response": {"type": "object", "nullable": True, "properties": {
        "body_html": {"type": "string"}, "responded_at": {"type": "string"}, "by": _AUTHOR}},
    "url": {"type": "string"}}}
_COMMENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "proposal_id": {"type": "integer"}, "parent_id": {"type": "integer", "nullable": True},
    "author": {**_AUTHOR, "nullable": True}, "body_html": {"type": "string"}, "deleted": {"type": "boolean"},
    "created_at": {"type": "string"}, "edited_at": {"type": "string", "nullable": True}}}
_VOTES_ANSWER = {"oneOf": [_VOTES, {
    "type": "object", "required": ["votes_hidden", "my_vote"],
    "properties": {"votes_hidden": {"type": "boolean", "enum": [True]},
                   "my_vote": {"type": "string", "nullable": True, "enum": ["for", "against", "abstain", None]}}}]}

PATHS = {
    "/proposals": {
        "get": {
            "summary": "Proposals the caller may see", "security": [],
            "description": "Without `status`, drafts and withdrawn proposals are left out; `status=draft` lists "
                           "the caller's own drafts. `q` is a full-text search over title and body.",
            "parameters": [
                {"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"},
                {"name": "council", "in": "query", "schema": {"type": "string"}, "description": "council slug"},
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": list(lifecycle.STATUS_LABELS)}},
                {"name": "stakeholder", "in": "query", "schema": {"type": "string", "enum": [
                    "citizen", "business", "research", "culture", "association"]}, "description": "author's group"},
                {"name": "tag", "in": "query", "schema": {"type": "string"}},
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["newest", "votes", "comments"]}},
            ],
            "responses": {"200": _json({"allOf": [{"$ref": "#/components/schemas/Page"}, {"type": "object",
                          "properties": {"items": {"type": "array", "items": _PROPOSAL}}}]}), **_ERR},
        },
        "post": {
            "summary": "Write a proposal (verified members)",
            "requestBody": _body({"type": "object", "required": ["title", "body"], "properties": {
                "title": {"type": "string", "maxLength": 200}, "body": {"type": "string", "maxLength": 20000},
                "council": {"type": "string", "nullable": True}, "draft": {"type": "boolean"},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
                "hide_votes": {"type": "boolean", "description": "hide counts until voting has closed"}}}),
            "responses": {"201": _json(_PROPOSAL, "Created (published, or draft)"), **_ERR},
        },
    },
    "/proposals/{proposal_id}": {
        "parameters": [_ID],
        "get": {"summary": "One proposal (with the caller's own `my_vote`)", "security": [],
                "responses": {"200": _json(_PROPOSAL), **_ERR}},
        "patch": {
            "summary": "Edit or move along the life cycle",
            "description": "Author: `title`, `body`, `tags`, `hide_votes` while draft or published; `status` "
                           "`published` (from draft) or `withdrawn`. Council moderators / managing director: "
                           "`status` (`voting` with optional `voting_ends_at`, `accepted`, `rejected`, "
                           "`implementing`, `done`) and `response`. A step the life cycle does not allow is 409.",
            "requestBody": _body({"type": "object", "properties": {
                "title": {"type": "string"}, "body": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}}, "hide_votes": {"type": "boolean"},
                "status": {"type": "string", "enum": list(lifecycle.STATUS_LABELS)},
                "response": {"type": "string"}, "voting_ends_at": {"type": "string", "format": "date-time"}}}),
            "responses": {"200": _json(_PROPOSAL), **_ERR},
        },
    },
    "/proposals/{proposal_id}/vote": {
        "parameters": [_ID],
        "put": {"summary": "Cast or change one's vote while voting is open",
                "requestBody": _body({"type": "object", "required": ["choice"], "properties": {
                    "choice": {"type": "string", "enum": ["for", "against", "abstain"]}}}),
                "responses": {"200": _json(_VOTES_ANSWER, "The new counts (or only one's own choice while hidden)"),
                              **_ERR}},
        "delete": {"summary": "Withdraw one's vote while voting is open",
                   "responses": {"200": _json(_VOTES_ANSWER), **_ERR}},
    },
    "/proposals/{proposal_id}/comments": {
        "parameters": [_ID],
        "get": {"summary": "Comments in reading order", "security": [],
                "parameters": [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}],
                "responses": {"200": _json({"allOf": [{"$ref": "#/components/schemas/Page"}, {"type": "object",
                              "properties": {"items": {"type": "array", "items": _COMMENT}}}]}), **_ERR}},
        "post": {"summary": "Comment, or reply with `parent_id` (one level)",
                 "requestBody": _body({"type": "object", "required": ["body"], "properties": {
                     "body": {"type": "string", "maxLength": 5000}, "parent_id": {"type": "integer"}}}),
                 "responses": {"201": _json(_COMMENT, "Created"), **_ERR}},
    },
    "/proposals/{proposal_id}/comments/{comment_id}": {
        "parameters": [_ID, _CID],
        "patch": {"summary": "Edit one's comment (for 15 minutes)",
                  "requestBody": _body({"type": "object", "required": ["body"], "properties": {
                      "body": {"type": "string"}}}),
                  "responses": {"200": _json(_COMMENT), **_ERR}},
        "delete": {"summary": "Delete one's comment", "responses": {"204": {"description": "Deleted"}, **_ERR}},
    },
    "/proposals/{proposal_id}/follow": {
        "parameters": [_ID],
        "put": {"summary": "Follow (notices on status changes and responses)",
                "responses": {"204": {"description": "Following"}, **_ERR}},
        "delete": {"summary": "Unfollow", "responses": {"204": {"description": "Not following"}, **_ERR}},
    },
    "/proposals/{proposal_id}/revisions": {
        "parameters": [_ID],
        "get": {"summary": "Edit history: earlier titles and bodies, newest first", "security": [],
                "responses": {"200": _json({"type": "object", "properties": {"items": {"type": "array", "items": {
                    "type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"},
                                                     "body": {"type": "string"}, "replaced_at": {"type": "string"}}}}}}),
                              **_ERR}},
    },
}

# Path parameters go on each operation.
for _ops in PATHS.values():
    _params = _ops.pop("parameters", None)
    if _params:
        for _op in _ops.values():
            _op["parameters"] = _params + _op.get("parameters", [])
