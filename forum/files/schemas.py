"""The JSON shape of a file (API, OParl's `File` via `files_for`)."""
from __future__ import annotations

from ..database import iso


def file(f) -> dict:
    return {
        "id": f.id,
        "name": f.name,
        "content_type": f.content_type,
        "size": f.size,
        "url": f.url,
        "agenda_item_id": f.agenda_item_id,
        "created_at": iso(f.created_at),
        "updated_at": iso(f.updated_at),
    }
