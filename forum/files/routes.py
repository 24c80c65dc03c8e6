"""File pages: the file itself (inline or as a download), attaching from a meeting's or proposal's
page, and removing. The JSON API's routes (files.py of the API package) and these both call forum/files/services.py."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, jsonify, redirect, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..handlers import allow, anyone, attempt
from ..permissions import can_manage_files
from ..registry import FileOwner
from . import services, storage
from .models import StoredFile

bp = Blueprint("files", __name__)
KINDS = {"meetings": "meeting", "proposals": "proposal"}
# What a multipart body adds around the file itself (boundaries, part headers, the CSRF field).
MULTIPART_SLACK = 64 * 1024
# A file is never a page of the forum: no scripts, no frames of it elsewhere; a download also sandboxed.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
PROGRESS_HEADER = "X-Forum-Upload"  # static/js/upload.js: answer with where to go instead of a redirect


@dataclass(frozen=True)
class Place:
    """Where files hang: a meeting or proposal the viewer may see (`item`) with what its area registered
    (`spec`), and for a route about one file that `file`."""
    spec: FileOwner
    item: object
    file: StoredFile | None = None

    @property
    def url(self) -> str:
        return self.spec.url_of(self.item) + "#unterlagen"


def owner_place(area: str, owner_id: int) -> Place:
    """The meeting or proposal of the URL; 404 for what the viewer may not see."""
    return Place(*services.owner_or_404(KINDS[area], owner_id, current_user))


def file_place(file_id: int) -> Place:
    """The file of the URL and what it belongs to; 404 for everyone who may not see that."""
    row = db.session.get(StoredFile, file_id)
    if row is None:  # the same answer as for a file of something private: ids tell nothing
        raise services.not_found()
    return Place(*services.owner_or_404(row.owner_kind, row.owner_id, current_user), file=row)


def upload_view(view):
    """Marks a view that takes a file: its body may be FORUM_UPLOAD_MAX_MB (see raise_upload_limit)."""
    view.forum_upload = True
    return view


def raise_upload_limit():
    """Before any other hook reads the body (CSRF reads the form): upload views take up to
    FORUM_UPLOAD_MAX_MB plus the multipart envelope, every other request MAX_CONTENT_LENGTH. Werkzeug
    refuses a larger Content-Length with 413 before reading, and stops a longer body at the limit."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "forum_upload", False):
        request.max_content_length = storage.max_bytes() + MULTIPART_SLACK


@bp.get("/files/<int:file_id>")
@allow(anyone, load=file_place)
def serve(place: Place):
    """The file, for whoever may see what it belongs to (404 for everyone else)."""
    row = place.file
    path = storage.path_for(row.sha256)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=row.content_type, as_attachment=not row.inline, download_name=row.name,
                         conditional=True, etag=row.sha256, last_modified=row.updated_at, max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP + ("" if row.inline else "; sandbox")
    return response


def _back(target: str):
    if request.headers.get(PROGRESS_HEADER):
        return jsonify(redirect=target)
    return redirect(target, 303)


@bp.post("/<any(meetings, proposals):area>/<int:owner_id>/files")
@allow(can_manage_files, load=owner_place)
@upload_view
def upload(place: Place):
    """Attach the form's file (`file`; for meetings optionally to the TOP `agenda_item`)."""
    part = request.form.get("agenda_item", "")
    attempt(lambda: services.attach(place.spec.kind, place.item, request.files.get("file"), current_user,
                                    part_id=int(part) if part.isdigit() else None), _("Die Datei ist angehängt."))
    return _back(place.url)


@bp.post("/files/<int:file_id>/delete")
@allow(can_manage_files, load=file_place)
def delete(place: Place):
    """Remove a file (those who may add files to its meeting or proposal)."""
    attempt(lambda: services.remove(place.spec.kind, place.item, place.file, current_user),
            _("Die Datei ist entfernt."))
    return redirect(place.url, 303)
