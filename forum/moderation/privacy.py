"""Data rights: each person exports all data they provided, and erases their account.

Each area contributes through `registry.register_export` and `registry.register_erasure`
(forum/registry.py, registered from each area's `init_app`); this module knows no area, only the
registry and the account. Exports only ever read rows of the person themselves and never
anything of a private council they cannot see.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, update

from .. import access, registry
from ..accounts.services import password_matches
from ..database import iso, utcnow
from ..errors import NotAllowed
from ..extensions import db
from ..yielding import idle

DELETED_NAME = "gelöschtes Konto"


def account_data(user) -> dict:
    """The account fields a person gave or that describe their account (no password hash)."""
    return {
        "id": user.id, "email": user.email, "name": user.name, "stakeholder": user.stakeholder,
        "organisation": user.organisation, "role": user.role, "verification": user.verification,
        "verification_note": user.verification_note, "email_confirmed_at": iso(user.email_confirmed_at),
        "created_at": iso(user.created_at), "suspended_until": iso(user.suspended_until),
        "public_listing": user.public_listing,
    }


def export_data(user) -> dict:
    """Everything `user` provided, as one JSON-ready dict: the account and one key per area."""
    data = {"format": "smart-city-forum-export/1", "generated_at": iso(utcnow()), "account": account_data(user)}
    for name, fn in registry.exports().items():
        idle()  # between the areas, the worker's other connections go on
        data[name] = fn(user)
    return data


def export_filename(user) -> str:
    return f"smart-city-forum-daten-{user.id}-{utcnow():%Y%m%d}.json"


def delete_account(user, password, *, delete_contributions: bool = False) -> int:
    """Erase `user`: their personal data goes; contributions stay under "gelöschtes Konto", or are
    deleted (with `delete_contributions`) where no one else has replied to them. API tokens,
    memberships, requests, notices and reports go with the account row, and every session ends
    (the row is gone). Raises NotAllowed for a wrong password. Returns the erased id.

    The audit log keeps the bare actor/target id of what this person did or had done to them
    (accountability, Art. 17(3)(b) and (e) DSGVO); it never held their name or e-mail address."""
    if not isinstance(password, str) or not password_matches(user, password):
        raise NotAllowed(_("Das Passwort stimmt nicht."), "wrong_password")
    user_id, name = user.id, user.name
    for fn in registry.erasures().values():
        fn(user, delete_contributions)
    _scrub_name_in_notices(user_id, name)
    db.session.delete(user)
    db.session.flush()
    db.session.expire_all()
    access.user_changed(user_id)  # their live sockets close once the erasure is committed
    return user_id


def _scrub_name_in_notices(user_id: int, name: str) -> None:
    """Notices to others name this person ("… möchte beitreten"): replace the name there."""
    from ..notifications.models import Notification

    if not name or len(name) < 3:
        return
    for column in (Notification.subject, Notification.body):
        db.session.execute(
            update(Notification).where(Notification.user_id != user_id, column.contains(name, autoescape=True))
            .values({column.key: func.replace(column, name, DELETED_NAME)})
            .execution_options(synchronize_session=False))
    db.session.flush()
