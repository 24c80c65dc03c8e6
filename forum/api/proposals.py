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
from flask_login import current_user

from ..councils.models import Council
from ..councils.visibility import get_visible_council_or_404
from ..errors import Invalid, NotFound
from ..extensions import db
from ..pagination import page_args, paginate
from ..files.schemas import file as serialize_file
from ..files.services import files_for
from ..handlers import allow, anyone, signed_in
from ..permissions import can_view_proposal, can_view_proposal_files, text_hidden
from ..proposals import comments as comment_services
from ..proposals import lifecycle, services, voting
from ..proposals.models import Proposal
from ..proposals.queries import page_of, parse_filters
from ..proposals.schemas import comment as serialize_comment
from ..proposals.schemas import proposal as serialize_proposal
from ..proposals.schemas import revision as serialize_revision
from ..validators import plausible_year
from ..apidoc import (OPTIONAL_AUTH, PAGING, PERSON, STAKEHOLDERS, VOTES, nullable, errors, inline_path_parameters, json_response, line,
                      no_content, obj, path_param, query, ref, text)
from ..apidoc import page_of as page_schema
from ..apidoc import json_body as json_request
from . import bp
from .helpers import field, json_body

PATCH_FIELDS = {"title", "body", "tags", "hide_votes", "status", "response", "voting_ends_at"}


def _proposal(proposal_id: int) -> Proposal:
    """The loader of every route about one proposal: the proposal if the caller may see it, else a 404."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can_view_proposal(current_user, proposal):
        raise NotFound(_("Diesen Vorschlag gibt es nicht."))
    return proposal


def _detail(proposal: Proposal) -> dict:
    data = serialize_proposal(proposal, my_vote=voting.vote_of(proposal, current_user), include_my_vote=True)
    shown = files_for("proposal", [proposal.id])[proposal.id] if can_view_proposal_files(current_user, proposal) else []
    data["files"] = [serialize_file(f) for f in shown]  # a hidden proposal's files go with its text
    return data


def _vote_answer(shown: dict, my_vote: str | None):
    if shown["votes_hidden"]:
        return jsonify(votes_hidden=True, my_vote=my_vote)
    return jsonify(shown["votes"])


def _council_from(data: dict) -> Council | None:
    slug = field(data, "council", str, required=False, max_length=80)
    return get_visible_council_or_404(slug, current_user) if slug else None


def _datetime_from(data: dict, name: str) -> datetime | None:
    raw = field(data, name, str, required=False, max_length=40)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(_("Das Feld '%(name)s' braucht eine Zeit im Format ISO 8601.", name=name),
                      "invalid_field") from exc
    if not plausible_year(value):
        raise Invalid(_("Das Feld '%(name)s' liegt außerhalb des erlaubten Bereichs.", name=name), "invalid_field")
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _tags_from(data: dict):
    if data.get("tags") is None:
        return None
    return field(data, "tags", list, required=False)  # the API takes a list (forms: comma-separated)


@bp.get("/proposals")
@allow(anyone)
def list_proposals():
    filters = parse_filters(request.args, current_user)
    page, per_page = page_args()
    items, total = page_of(filters, current_user, page, per_page)
    return jsonify(items=[serialize_proposal(p) for p in items], page=page, per_page=per_page, total=total)


@bp.post("/proposals")
@allow(signed_in)
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
@allow(anyone, load=_proposal)
def get_proposal(proposal: Proposal):
    return jsonify(_detail(proposal))


@bp.patch("/proposals/<int:proposal_id>")
@allow(signed_in, load=_proposal)  # what may change is the services' to say
def patch_proposal(proposal: Proposal):
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
@allow(signed_in)
def put_vote(proposal_id: int):
    # cast_vote loads, locks and checks the proposal itself: one read, not two.
    choice = field(json_body(), "choice", max_length=10)
    shown = voting.shown_votes(voting.cast_vote(proposal_id, current_user, choice))
    db.session.commit()
    return _vote_answer(shown, choice)


@bp.delete("/proposals/<int:proposal_id>/vote")
@allow(signed_in)
def delete_vote(proposal_id: int):
    shown = voting.shown_votes(voting.withdraw_vote(proposal_id, current_user))
    db.session.commit()
    return _vote_answer(shown, None)


@bp.get("/proposals/<int:proposal_id>/comments")
@allow(anyone, load=_proposal)
def list_comments(proposal: Proposal):
    return jsonify(paginate(comment_services.list_comments(proposal), serialize_comment))


@bp.post("/proposals/<int:proposal_id>/comments")
@allow(signed_in, load=_proposal)
def create_comment(proposal: Proposal):
    data = json_body()
    comment = comment_services.add_comment(proposal, current_user, field(data, "body", max_length=comment_services.COMMENT_MAX),
                                           parent_id=field(data, "parent_id", int, required=False))
    db.session.commit()
    return jsonify(serialize_comment(comment)), 201


@bp.patch("/proposals/<int:proposal_id>/comments/<int:comment_id>")
@allow(signed_in, load=_proposal)
def patch_comment(proposal: Proposal, comment_id: int):
    comment = comment_services.get_comment(proposal, comment_id)
    data = json_body()
    comment = comment_services.edit_comment(comment, current_user, field(data, "body", max_length=comment_services.COMMENT_MAX))
    db.session.commit()
    return jsonify(serialize_comment(comment))


@bp.delete("/proposals/<int:proposal_id>/comments/<int:comment_id>")
@allow(signed_in, load=_proposal)
def delete_comment(proposal: Proposal, comment_id: int):
    comment_services.delete_comment(comment_services.get_comment(proposal, comment_id), current_user)
    db.session.commit()
    return "", 204


_FOLLOWING = {"PUT": services.follow, "DELETE": services.unfollow}


@bp.put("/proposals/<int:proposal_id>/follow", endpoint="follow")
@bp.delete("/proposals/<int:proposal_id>/follow", endpoint="unfollow")
@allow(signed_in, load=_proposal)
def following(proposal: Proposal):
    """Follow (PUT) or unfollow (DELETE)."""
    _FOLLOWING[request.method](proposal, current_user)
    db.session.commit()
    return "", 204


@bp.get("/proposals/<int:proposal_id>/revisions")
@allow(anyone, load=_proposal)
def list_revisions(proposal: Proposal):
    if text_hidden(current_user, proposal, proposal.council):  # earlier versions carry the hidden text
        return jsonify(items=[], hidden=True)
    return jsonify(items=[serialize_revision(r) for r in services.revisions(proposal)])


# --- OpenAPI ---------------------------------------------------------------------------------

_ID = path_param("proposal_id")
_CID = path_param("comment_id")
_TAG = {"type": "string", "pattern": r"^\s*[\w][\w-]{0,39}\s*$",
        "description": "letters, digits, '-' or '_'; stored in lower case"}
_TAGS = {"type": "array", "maxItems": 5, "items": _TAG}
_STATUS = {"type": "string", "enum": list(lifecycle.STATUS_LABELS)}
_VOTES_ANSWER = {"oneOf": [ref("Votes"), obj({
    "votes_hidden": {"type": "boolean", "enum": [True]},
    "my_vote": {"type": "string", "nullable": True, "enum": ["for", "against", "abstain", None]}},
    ["votes_hidden", "my_vote"])]}
_HIDDEN = {"hidden": {"type": "boolean", "description": "hidden by the moderation"},
           "hidden_reason": {"type": "string", "nullable": True,
                             "description": "for the author and the council's moderators only"}}

SCHEMAS = {
    "Proposal": obj({
        "id": {"type": "integer"}, "title": {"type": "string"}, "body_html": {"type": "string"},
        "excerpt": {"type": "string"}, "status": _STATUS,
        "council": {"type": "string", "nullable": True, "description": "council slug; null for forum-wide"},
        "author": ref("Person"),
        "votes": {**nullable(VOTES), "description": "null while counts are hidden"},
        "votes_hidden": {"type": "boolean"}, "hide_votes": {"type": "boolean"},
        "my_vote": {"type": "string", "nullable": True, "enum": ["for", "against", "abstain", None],
                    "description": "the caller's own choice (detail and writes only)"},
        "comments_count": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}},
        "created_at": {"type": "string", "format": "date-time"},
        "published_at": {"type": "string", "format": "date-time", "nullable": True},
        "edited_at": {"type": "string", "format": "date-time", "nullable": True},
        "voting_ends_at": {"type": "string", "format": "date-time", "nullable": True},
        "response": obj({"body_html": {"type": "string"}, "responded_at": {"type": "string", "format": "date-time"},
                         "by": ref("Person")}, nullable=True),
        "url": {"type": "string"},
        "files": {"type": "array", "items": ref("File"),
                  "description": "Its attachments (the detail only; none while its text is hidden from the caller)"},
        **_HIDDEN},
        ["id", "title", "body_html", "status", "council", "author", "votes", "votes_hidden", "comments_count",
         "created_at", "hidden"]),
    "Comment": obj({
        "id": {"type": "integer"}, "proposal_id": {"type": "integer"},
        "parent_id": {"type": "integer", "nullable": True},
        "author": {**nullable(PERSON), "description": "null once deleted"},
        "body_html": {"type": "string"}, "deleted": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
        "edited_at": {"type": "string", "format": "date-time", "nullable": True}, **_HIDDEN},
        ["id", "proposal_id", "parent_id", "author", "body_html", "deleted", "created_at", "hidden"]),
    "Revision": obj({"id": {"type": "integer"}, "title": {"type": "string"}, "body": {"type": "string"},
                     "editor": ref("Person"), "replaced_at": {"type": "string", "format": "date-time"}},
                    ["id", "title", "body", "replaced_at"]),
}

PATHS = inline_path_parameters({
    "/proposals": {
        "get": {
            "summary": "Proposals the caller may see", "security": OPTIONAL_AUTH,
            "description": "Without `status`, drafts and withdrawn proposals are left out; `status=draft` lists "
                           "the caller's own drafts. `q` is a full-text search over title and body.",
            "parameters": [
                *PAGING,
                query("council", {"type": "string", "maxLength": 80}, "council slug (404 if not visible)",
                      code="invalid_filter"),
                query("status", _STATUS, code="invalid_status"),
                query("stakeholder", {"type": "string", "enum": STAKEHOLDERS}, "author's group",
                      code="invalid_stakeholder"),
                query("tag", {"type": "string", "maxLength": 80}, code="invalid_filter"),
                query("q", {"type": "string", "maxLength": 200}, "full-text search", code="invalid_query"),
                query("sort", {"type": "string", "enum": ["newest", "votes", "comments"]}, code="invalid_sort"),
            ],
            "responses": {"200": page_schema(ref("Proposal"), "A page of proposals"), **errors(404)},
        },
        "post": {
            "summary": "Write a proposal (verified members)",
            "requestBody": json_request(obj({
                "title": line(200), "body": text(20000),
                "council": {"type": "string", "nullable": True, "maxLength": 80, "description": "council slug"},
                "draft": {"type": "boolean"}, "tags": _TAGS,
                "hide_votes": {"type": "boolean", "description": "hide counts until voting has closed"}},
                ["title", "body"])),
            "responses": {"201": json_response(ref("Proposal"), "Created (published, or draft)"), **errors(403, 404)},
        },
    },
    "/proposals/{proposal_id}": {
        "parameters": [_ID],
        "get": {"summary": "One proposal (with the caller's own `my_vote`)", "security": OPTIONAL_AUTH,
                "responses": {"200": json_response(ref("Proposal"))}},
        "patch": {
            "summary": "Edit or move along the life cycle",
            "description": "Author: `title`, `body`, `tags`, `hide_votes` while draft or published; `status` "
                           "`published` (from draft) or `withdrawn`. Council moderators / managing director: "
                           "`status` (`voting` with optional `voting_ends_at` in the future, `accepted`, "
                           "`rejected`, `implementing`, `done`) and `response`. A step the life cycle does not "
                           "allow is 409; an end of voting in the past is 422.",
            "requestBody": json_request({**obj({
                "title": line(200), "body": text(20000), "tags": _TAGS, "hide_votes": {"type": "boolean"},
                "status": _STATUS, "response": text(lifecycle.RESPONSE_MAX),
                "voting_ends_at": {"type": "string", "format": "date-time", "maxLength": 40}}, closed=True),
                "minProperties": 1}),
            "x-unprocessable": "a `voting_ends_at` that is not in the future",
            "responses": {"200": json_response(ref("Proposal")), **errors(403, 409)},
        },
    },
    "/proposals/{proposal_id}/vote": {
        "parameters": [_ID],
        "put": {"summary": "Cast or change one's vote while voting is open",
                "requestBody": json_request(obj({"choice": {"type": "string", "enum": ["for", "against", "abstain"]}},
                                             ["choice"])),
                "responses": {"200": json_response(_VOTES_ANSWER, "The new counts (or only one's own choice "
                                                                  "while hidden)"), **errors(403, 409)}},
        "delete": {"summary": "Withdraw one's vote while voting is open",
                   "responses": {"200": json_response(_VOTES_ANSWER), **errors(403, 409)}},
    },
    "/proposals/{proposal_id}/comments": {
        "parameters": [_ID],
        "get": {"summary": "Comments in reading order", "security": OPTIONAL_AUTH, "parameters": PAGING,
                "responses": {"200": page_schema(ref("Comment"), "A page of comments")}},
        "post": {"summary": "Comment, or reply with `parent_id` (one level)",
                 "x-unprocessable": "a `parent_id` that is not a comment on this proposal one may answer",
                 "requestBody": json_request(obj({"body": text(5000), "parent_id": {"type": "integer"}}, ["body"])),
                 "responses": {"201": json_response(ref("Comment"), "Created"), **errors(403, 409)}},
    },
    "/proposals/{proposal_id}/comments/{comment_id}": {
        "parameters": [_ID, _CID],
        "patch": {"summary": "Edit one's comment (for 15 minutes)",
                  "requestBody": json_request(obj({"body": text(5000)}, ["body"])),
                  "responses": {"200": json_response(ref("Comment")), **errors(403, 409)}},
        "delete": {"summary": "Delete one's comment",
                   "responses": {"204": no_content("Deleted"), **errors(403, 409)}},
    },
    "/proposals/{proposal_id}/follow": {
        "parameters": [_ID],
        "put": {"summary": "Follow (notices on status changes and responses)",
                "responses": {"204": no_content("Following"), **errors(403)}},
        "delete": {"summary": "Unfollow", "responses": {"204": no_content("Not following")}},
    },
    "/proposals/{proposal_id}/revisions": {
        "parameters": [_ID],
        "get": {"summary": "Edit history: earlier titles and bodies, newest first", "security": OPTIONAL_AUTH,
                "responses": {"200": json_response(obj({
                    "items": {"type": "array", "items": ref("Revision")},
                    "hidden": {"type": "boolean", "description": "true: hidden by the moderation, no history"}},
                    ["items"]))}},
    },
})
