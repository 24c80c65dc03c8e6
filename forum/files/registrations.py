"""What files register in the core registry: each person's uploaded files for their export, and
the clean-up of stored bytes when an account goes (rows follow their meeting or proposal)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import column, or_, select, table

from .. import registry
from ..database import iso
from ..effects import after_commit
from ..extensions import db
from .models import StoredFile
from .services import discard_unused

# Read by name only: this package imports no content area.
_proposals = table("proposals", column("id"), column("author_id"))


def export(user) -> list[dict]:
    """The files `user` uploaded, as far as they may still see what they belong to."""
    rows = list(db.session.scalars(select(StoredFile).where(StoredFile.uploaded_by_id == user.id)
                                   .order_by(StoredFile.id)))
    visible: dict[tuple[str, int], bool] = {}
    result = []
    for row in rows:
        key = (row.owner_kind, row.owner_id)
        if key not in visible:
            spec = registry.file_owner(row.owner_kind)
            owner = spec.load(row.owner_id) if spec else None
            visible[key] = owner is not None and spec.can_view(user, owner)
        if visible[key]:
            result.append({"id": row.id, "name": row.name, "content_type": row.content_type, "size": row.size,
                           "url": row.url, "on": {"kind": row.owner_kind, "id": row.owner_id},
                           "created_at": iso(row.created_at)})
    return result


def erase(user, delete_contributions: bool) -> None:
    """Files go with their meeting or proposal (the proposals' own rule decides whether those stay);
    the uploader is forgotten by the database (SET NULL). After the commit, the stored bytes that
    no remaining row uses are removed."""
    mine = _proposals.c.author_id == user.id
    hashes = list(db.session.scalars(select(StoredFile.sha256).distinct().where(or_(
        StoredFile.uploaded_by_id == user.id,
        StoredFile.proposal_id.in_(select(_proposals.c.id).where(mine))))))
    if hashes:
        after_commit(discard_unused, current_app._get_current_object(), hashes)


def register() -> None:
    registry.register_export("files", export)
    registry.register_erasure("files", erase)
