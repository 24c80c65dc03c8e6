"""Attaching and removing files, and reading them per owner.

Owners (meeting, proposal) register in the core registry (`forum.registry.register_file_owner`)
who may see their files and who may add or remove them; this module asks only there.
Services flush, never commit; a removed file's bytes go after the commit, once no row uses them.
"""
from __future__ import annotations

from collections import defaultdict

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import registry
from ..audit import audit
from ..database import utcnow
from ..effects import after_commit
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from . import storage
from .models import StoredFile

OWNER_COLUMNS = {"meeting": StoredFile.meeting_id, "proposal": StoredFile.proposal_id}
MAX_FILES = 50  # per meeting or proposal


def not_found() -> NotFound:
    """The one answer for a file or owner that does not exist or that `user` may not see."""
    return NotFound(_("Das gibt es hier nicht."))


def owner_or_404(kind: str, owner_id: int, user):
    """The owner if `user` may see it (and so its files); NotFound otherwise."""
    spec = registry.file_owner(kind)
    item = spec.load(owner_id) if spec is not None else None
    if item is None or not spec.can_view(user, item):
        raise not_found()
    return spec, item


def attach(kind: str, owner, upload, actor, *, part_id: int | None = None) -> StoredFile:
    """Store `upload` (a werkzeug FileStorage) and attach it to `owner`. Raises NotAllowed, Invalid
    (no file, unknown agenda item, too many files), TooLarge (413) or UnsupportedType (415)."""
    spec = registry.file_owner(kind)
    if not spec.can_manage(actor, owner):
        raise NotAllowed(_("Du darfst hier keine Dateien anhängen."))
    if upload is None or not getattr(upload, "filename", None):
        raise Invalid(_("Bitte wähle eine Datei aus."), "missing_file")
    if part_id is not None and part_id not in spec.parts_of(owner):
        raise Invalid(_("Diesen TOP gibt es in dieser Sitzung nicht."), "unknown_item")
    column = OWNER_COLUMNS[kind]
    count = db.session.scalar(select(db.func.count(StoredFile.id)).where(column == owner.id))
    if count >= MAX_FILES:
        raise Invalid(_("Höchstens %(max)s Dateien.", max=MAX_FILES), "too_many_files")
    stored = storage.store(upload.stream)
    now = utcnow()
    row = StoredFile(name=storage.clean_name(upload.filename), content_type=stored.content_type, size=stored.size,
                     sha256=stored.sha256, uploaded_by_id=actor.id, created_at=now, updated_at=now,
                     agenda_item_id=part_id, **{f"{kind}_id": owner.id})
    db.session.add(row)
    db.session.flush()
    return row


def get_file(kind: str, owner, file_id: int) -> StoredFile:
    row = db.session.get(StoredFile, file_id)
    if row is None or row.owner_kind != kind or row.owner_id != owner.id:
        raise NotFound(_("Diese Datei gibt es nicht."))
    return row


def remove(kind: str, owner, row: StoredFile, actor) -> None:
    """Detach and delete `row`; its bytes go after the commit unless another row shares them."""
    if not registry.file_owner(kind).can_manage(actor, owner):
        raise NotAllowed(_("Du darfst diese Datei nicht entfernen."))
    if row.uploaded_by_id != actor.id:  # a moderator or manager removing someone else's file
        audit(actor, "file.remove", (kind, owner.id), file=row.id)
    forget([row])


def forget(rows) -> None:
    """Delete `rows` and, after the commit, the bytes no remaining row refers to."""
    hashes = {row.sha256 for row in rows}
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    if hashes:
        after_commit(discard_unused, current_app._get_current_object(), sorted(hashes))


def discard_unused(app, hashes: list[str]) -> None:
    """Remove stored bytes that no file row uses any more (runs after the commit, in its own context)."""
    with app.app_context():
        used = set(db.session.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(hashes))))
        for digest in set(hashes) - used:
            storage.discard(digest)
        db.session.remove()


def files_for(kind: str, ids) -> dict[int, list[StoredFile]]:
    """{owner id: [files, oldest first]} for many owners ("meeting" or "proposal") in one query.

    The caller has checked that the reader may see each owner (for proposals also that its text is
    not hidden from them: `can_view_proposal_files`). Each file has `name`, `content_type`, `size`,
    `url` (a site path; absolute: `forum.urls.site_url() + f.url`), `created_at`, `updated_at`
    (naive UTC) and, for meetings, `agenda_item_id`; `forum.files.schemas.file` is its JSON shape."""
    ids = list(ids)
    found: dict[int, list[StoredFile]] = defaultdict(list)
    if not ids:
        return found
    column = OWNER_COLUMNS[kind]
    for row in db.session.scalars(select(StoredFile).where(column.in_(ids)).order_by(StoredFile.id)):
        found[row.owner_id].append(row)
    return found


def prune(app) -> int:
    """Remove stored bytes no row refers to (left behind when a meeting or proposal was deleted with
    its files by the database). Returns how many went."""
    with app.app_context():
        root = storage.upload_root()
        used = set(db.session.scalars(select(StoredFile.sha256).distinct()))
        gone = 0
        for path in root.glob("??/*"):
            if path.is_file() and path.name not in used:
                path.unlink(missing_ok=True)
                gone += 1
        return gone
