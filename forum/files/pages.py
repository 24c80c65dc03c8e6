"""What the pages need of files: the files of an owner the viewer may see, the owner's agenda parts,
and labels for type and size."""
from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from .. import registry
from . import services, storage

LABELS = {
    "application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP",
    "application/vnd.oasis.opendocument.text": "ODT", "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.oasis.opendocument.presentation": "ODP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "text/csv": "CSV", "text/plain": "TXT",
}
ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,.odt,.ods,.odp,.docx,.xlsx,.pptx,.csv,.txt"


def files_of(kind: str, owner) -> list:
    """The owner's files if the viewer may see them (a hidden proposal's only where its text shows)."""
    spec = registry.file_owner(kind)
    if owner is None or spec is None or not spec.can_view(current_user, owner):
        return []
    return services.files_for(kind, [owner.id])[owner.id]


def may_attach(kind: str, owner) -> bool:
    spec = registry.file_owner(kind)
    return owner is not None and spec is not None and spec.can_manage(current_user, owner)


def parts_of(kind: str, owner) -> dict:
    return registry.file_owner(kind).parts_of(owner)


def file_label(f) -> str:
    """"PDF, 1,2 MB" in the reader's language."""
    size = f.size
    if size < 1024:
        amount = _("%(n)s Byte", n=size)
    elif size < 1024 * 1024:
        amount = _("%(n)s KB", n=format_decimal(round(size / 1024, 1)))
    else:
        amount = _("%(n)s MB", n=format_decimal(round(size / 1024 / 1024, 1)))
    return f"{LABELS.get(f.content_type, f.content_type)}, {amount}"


def template_globals() -> dict:
    return {"files_of": files_of, "may_attach": may_attach, "file_parts": parts_of, "file_label": file_label,
            "upload_accept": ACCEPT, "upload_max_mb": lambda: storage.max_bytes() // (1024 * 1024)}
