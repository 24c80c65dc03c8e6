"""API: files on meetings (optionally on one of their agenda items) and on proposals. Reading comes
with the meeting or proposal (`files: [...]`) and at each file's `url`; attaching and removing here."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..apidoc import errors, json_response, obj, path_param, ref
from ..errors import Invalid
from ..extensions import db
from ..files import services
from ..files.routes import upload_view
from ..files.schemas import file as serialize_file
from ..files.storage import ACCEPTED as ACCEPTED_TYPES
from ..handlers import allow
from ..permissions import can_attach_to_meeting, can_attach_to_proposal
from . import bp
from .helpers import INT_MAX

def _meeting(meeting_id: int):
    """The meeting if the caller may see it (and so its files); a 404 otherwise."""
    return services.owner_or_404("meeting", meeting_id, current_user)[1]


def _proposal(proposal_id: int):
    """The proposal if the caller may see it (and so its files); a 404 otherwise."""
    return services.owner_or_404("proposal", proposal_id, current_user)[1]


def _attach(kind: str, owner):
    part = request.form.get("agenda_item_id")
    part_id = int(part) if part is not None and part.isascii() and part.isdigit() and len(part) <= 10 else 0
    if part is not None and (kind != "meeting" or not 1 <= part_id <= INT_MAX):
        raise Invalid(_("agenda_item_id ist die Nummer eines TOPs dieser Sitzung."), "invalid_field")
    row = services.attach(kind, owner, request.files.get("file"), current_user,
                          part_id=part_id if part is not None else None)
    db.session.commit()
    return jsonify(serialize_file(row)), 201


def _remove(kind: str, owner, file_id: int):
    services.remove(kind, owner, services.get_file(kind, owner, file_id), current_user)
    db.session.commit()
    return "", 204


@bp.post("/meetings/<int:meeting_id>/files")
@allow(can_attach_to_meeting, load=_meeting)
@upload_view
def attach_meeting_file(meeting):
    return _attach("meeting", meeting)


@bp.delete("/meetings/<int:meeting_id>/files/<int:file_id>")
@allow(can_attach_to_meeting, load=_meeting)
def delete_meeting_file(meeting, file_id: int):
    return _remove("meeting", meeting, file_id)


@bp.post("/proposals/<int:proposal_id>/files")
@allow(can_attach_to_proposal, load=_proposal)
@upload_view
def attach_proposal_file(proposal):
    return _attach("proposal", proposal)


@bp.delete("/proposals/<int:proposal_id>/files/<int:file_id>")
@allow(can_attach_to_proposal, load=_proposal)
def delete_proposal_file(proposal, file_id: int):
    return _remove("proposal", proposal, file_id)


FILE = obj({
    "id": {"type": "integer"}, "name": {"type": "string"},
    "content_type": {"type": "string", "description": "Judged from the content, never from the name."},
    "size": {"type": "integer", "minimum": 0, "description": "Bytes as stored (images re-encoded)."},
    "url": {"type": "string", "description": "PDFs and images open inline, everything else downloads."},
    "agenda_item_id": {"type": "integer", "nullable": True, "description": "Meetings: the TOP it belongs to."},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"}}, ["id", "name", "content_type", "size", "url"])
SCHEMAS = {"File": FILE}

ACCEPTED = ("PDF, PNG, JPEG, WebP, OpenDocument (odt, ods, odp), Office Open XML (docx, xlsx, pptx), CSV and "
            "plain text, judged from the content. Images are re-encoded without their metadata (EXIF location "
            "and camera) and with their orientation applied.")


def _upload_op(summary: str, id_name: str, *, agenda: bool) -> dict:
    props = {"file": {"type": "string", "format": "binary"}}
    if agenda:  # the form field is digits; null is not "no TOP" here (leave the field out for that)
        props["agenda_item_id"] = {"type": "integer", "minimum": 1, "maximum": INT_MAX, "nullable": False,
                                   "description": "The TOP of this meeting the file belongs to (optional)."}
    # Other form fields are ignored, so the schema leaves them open.
    unprocessable = f"more than {services.MAX_FILES} files"
    if agenda:
        unprocessable = f"an agenda_item_id that is no TOP of this meeting, {unprocessable}"
    return {
        "summary": summary,
        "description": f"Multipart field `file`. Accepted: {ACCEPTED} What a file is, is judged from its bytes "
                       "(libmagic), which no schema can state: anything else (HTML, SVG, ZIP, …) is a 415 "
                       "`unsupported_type` whatever type the part claims; over FORUM_UPLOAD_MAX_MB (default "
                       "20 MB) a 413 `too_large`.",
        "parameters": [path_param(id_name)],
        "requestBody": {"required": True, "content": {"multipart/form-data": {
            "schema": obj(props, ["file"]),
            "encoding": {"file": {"contentType": ", ".join(sorted(ACCEPTED_TYPES))}}}}},
        "responses": {"201": json_response(ref("File"), "The stored file"), **errors(403, 413, 415, 422)},
        "x-unprocessable": unprocessable,
    }


def _delete_op(summary: str, id_name: str) -> dict:
    return {"summary": summary, "parameters": [path_param(id_name), path_param("file_id")],
            "responses": {"204": {"description": "Removed"}, **errors(403)}}


PATHS = {
    "/meetings/{meeting_id}/files": {"post": _upload_op(
        "Attach a file to a meeting or one of its TOPs (those who may edit the meeting)", "meeting_id", agenda=True)},
    "/meetings/{meeting_id}/files/{file_id}": {"delete": _delete_op(
        "Remove a meeting's file (those who may edit the meeting)", "meeting_id")},
    "/proposals/{proposal_id}/files": {"post": _upload_op(
        "Attach a file to a proposal (its author while it may be edited, and its moderators)", "proposal_id",
        agenda=False)},
    "/proposals/{proposal_id}/files/{file_id}": {"delete": _delete_op(
        "Remove a proposal's file (its author while it may be edited, and its moderators)", "proposal_id")},
}
