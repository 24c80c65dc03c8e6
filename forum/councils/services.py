"""Council services: found, edit, archive and restore.

Plain functions taking models and an explicit actor. They raise `DomainError`s
(NotAllowed, Invalid, Conflict), flush, and never commit. Membership changes live in
`membership.py`.
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import access
from ..audit import audit
from ..database import utcnow
from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..permissions import can_archive_council, can_edit_council, can_found_council
from ..validators import single_line
from .models import JOIN_POLICIES, VISIBILITIES, Council

NAME_MIN, NAME_MAX = 3, 120
MANDATE_MAX = 300
DESCRIPTION_MAX = 20_000
SLUG_MAX = 80
# Paths under /councils/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new"})
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "Ss"})


def slugify(name: str) -> str:
    """A URL slug: German umlauts transliterated (ä→ae, ß→ss), other accents dropped,
    lower case, words joined by '-', at most 70 characters (room for a '-N' suffix)."""
    text = unicodedata.normalize("NFKD", (name or "").translate(_UMLAUTS))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:SLUG_MAX - 10].strip("-")
    return slug or "fachbeirat"


def unique_slug(name: str) -> str:
    """`slugify(name)`, with -2, -3 … appended until no council (and no reserved path) uses it."""
    base = slugify(name)
    taken = set(db.session.scalars(
        select(Council.slug).where((Council.slug == base) | Council.slug.like(f"{base}-%"))
    ))
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _text(value, limit: int, code: str, message: str) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value.strip()) > limit or "\x00" in value:
        raise Invalid(message, code)
    return value.strip()


def _clean(name, mandate, description, visibility, join_policy) -> dict:
    """Validate council fields; raises Invalid naming the first wrong field."""
    single_line(name, _("Der Name"))
    single_line(mandate, _("Der Auftrag"))
    name = _text(name, NAME_MAX, "invalid_name",
                 _("Der Name muss %(min)s bis %(max)s Zeichen lang sein.", min=NAME_MIN, max=NAME_MAX))
    if len(name) < NAME_MIN:
        raise Invalid(_("Der Name muss %(min)s bis %(max)s Zeichen lang sein.", min=NAME_MIN, max=NAME_MAX),
                      "invalid_name")
    mandate = _text(mandate, MANDATE_MAX, "invalid_mandate",
                    _("Der Auftrag darf höchstens %(max)s Zeichen lang sein.", max=MANDATE_MAX))
    description = _text(description, DESCRIPTION_MAX, "invalid_description",
                        _("Die Beschreibung darf höchstens %(max)s Zeichen lang sein.", max=DESCRIPTION_MAX))
    if visibility not in VISIBILITIES:
        raise Invalid(_("Die Sichtbarkeit muss 'public' oder 'private' sein."), "invalid_visibility")
    if join_policy not in JOIN_POLICIES:
        raise Invalid(_("Die Beitrittsregel muss 'open', 'request' oder 'appointed' sein."), "invalid_join_policy")
    return {"name": name, "mandate": mandate, "description": description,
            "visibility": visibility, "join_policy": join_policy}


def found_council(actor, *, name: str, description: str = "", visibility: str = "public", mandate: str = "",
                  join_policy: str = "open") -> Council:
    """Found a council with a unique slug made from its name.

    Raises NotAllowed (only chair, managing director, admin), Invalid (a field), Conflict
    (a concurrent founding took the same slug; the transaction is rolled back)."""
    if not can_found_council(actor):
        raise NotAllowed(_("Nur Vorsitz, Geschäftsführung und Administration gründen Fachbeiräte."))
    fields = _clean(name, mandate, description, visibility, join_policy)
    council = Council(slug=unique_slug(fields["name"]), created_by_id=actor.id, members_count=0, **fields)
    db.session.add(council)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_("Gleichzeitig wurde ein Fachbeirat mit diesem Namen gegründet. Bitte versuche es erneut."),
                       "slug_taken") from exc
    audit(actor, "council.found", council, visibility=council.visibility, join_policy=council.join_policy)
    return council


def update_council(actor, council: Council, **changes) -> Council:
    """Change name, mandate, description, visibility or join policy (the slug stays, so links keep working).

    Raises NotAllowed (not staff), Conflict (archived: read-only), Invalid (a field or an unknown key)."""
    unknown = set(changes) - {"name", "mandate", "description", "visibility", "join_policy"}
    if unknown:
        raise Invalid(_("Unbekanntes Feld: %(field)s", field=sorted(unknown)[0]), "unknown_field")
    if not can_edit_council(actor, council) and can_archive_council(actor, council):
        raise Conflict(_("Der Fachbeirat ist archiviert und kann nicht bearbeitet werden."), "archived")
    if not can_edit_council(actor, council):
        raise NotAllowed(_("Nur Vorsitz, Geschäftsführung und Administration bearbeiten Fachbeiräte."))
    current = {key: getattr(council, key) for key in ("name", "mandate", "description", "visibility", "join_policy")}
    current.update(changes)
    changed = sorted(key for key, value in _clean(**current).items() if getattr(council, key) != value)
    for key, value in _clean(**current).items():
        setattr(council, key, value)
    db.session.flush()
    if changed:
        audit(actor, "council.edit", council, fields=changed)
    if "visibility" in changed:
        access.rooms_changed()  # made private: outsiders' live sockets leave its rooms at once
    return council


def archive_council(actor, council: Council) -> Council:
    """Make the council read-only (still visible). Raises NotAllowed or Conflict (already archived)."""
    if not can_archive_council(actor, council):
        raise NotAllowed(_("Nur Vorsitz, Geschäftsführung und Administration archivieren Fachbeiräte."))
    if council.is_archived:
        raise Conflict(_("Der Fachbeirat ist bereits archiviert."), "archived")
    council.archived_at = utcnow()
    db.session.flush()
    audit(actor, "council.archive", council)
    return council


def restore_council(actor, council: Council) -> Council:
    """Undo archiving. Raises NotAllowed or Conflict (not archived)."""
    if not can_archive_council(actor, council):
        raise NotAllowed(_("Nur Vorsitz, Geschäftsführung und Administration archivieren Fachbeiräte."))
    if not council.is_archived:
        raise Conflict(_("Der Fachbeirat ist nicht archiviert."), "not_archived")
    council.archived_at = None
    db.session.flush()
    audit(actor, "council.restore", council)
    return council
