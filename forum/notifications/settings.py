"""How each person wants to hear of each category of notice, and the signed unsubscribe links.

Categories: their own proposals, proposals they follow, their councils, meetings, moderation (what
moderators did to their contributions or account) and cooperation requests. Modes: `off` (in the
forum only), `instant` (a mail at once), `daily` or `weekly` (a digest mail)."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from ..extensions import db
from .models import NotificationSetting

CATEGORIES = {
    "own_proposals": _l("Meine Vorschläge"),
    "followed_proposals": _l("Vorschläge, denen ich folge"),
    "councils": _l("Meine Fachbeiräte"),
    "meetings": _l("Sitzungen"),
    "moderation": _l("Moderation"),
    "cooperation": _l("Kooperationsanfragen"),
}
MODES = {
    "off": _l("nur im Forum"),
    "instant": _l("sofort per E-Mail"),
    "daily": _l("tägliche Zusammenfassung"),
    "weekly": _l("wöchentliche Zusammenfassung"),
}
DEFAULTS = {"own_proposals": "instant", "followed_proposals": "instant", "councils": "instant", "meetings": "instant",
            "moderation": "instant", "cooperation": "instant"}
# Every category mails at once until the person chooses otherwise: what the forum did before
# settings existed, so nobody silently stops hearing of what they followed.
DIGESTS = ("daily", "weekly")


def modes_of(user_id: int) -> dict[str, str]:
    """Every category's mode for one person (defaults filled in)."""
    chosen = dict(db.session.execute(
        select(NotificationSetting.category, NotificationSetting.mode).where(NotificationSetting.user_id == user_id)).all())
    return {category: chosen.get(category, DEFAULTS[category]) for category in CATEGORIES}


def modes_for(user_ids: list[int], category: str) -> dict[int, str]:
    """One category's mode for many people, in one query."""
    if not user_ids:
        return {}
    chosen = dict(db.session.execute(
        select(NotificationSetting.user_id, NotificationSetting.mode)
        .where(NotificationSetting.category == category, NotificationSetting.user_id.in_(user_ids))).all())
    return {uid: chosen.get(uid, DEFAULTS.get(category, "instant")) for uid in user_ids}


def set_modes(user_id: int, modes: dict[str, str]) -> None:
    """Store choices (the caller checked categories and modes); a default is stored as no row."""
    categories = list(modes)
    db.session.execute(delete(NotificationSetting).where(NotificationSetting.user_id == user_id,
                                                         NotificationSetting.category.in_(categories)))
    db.session.add_all(NotificationSetting(user_id=user_id, category=c, mode=m) for c, m in modes.items()
                       if m != DEFAULTS[c])
    db.session.flush()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="forum-unsubscribe")


def unsubscribe_token(user_id: int, what: str) -> str:
    """`what` is a category, or `digest:daily` / `digest:weekly`. No expiry: old mails keep working."""
    return _serializer().dumps([user_id, what])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, what = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(what, str):
        return None
    if what not in CATEGORIES and what not in {f"digest:{p}" for p in DIGESTS}:
        return None
    return user_id, what


def unsubscribe(user_id: int, what: str) -> list[str]:
    """Stop the mail a link named: one category, or every category sent in that digest. Returns
    the categories now `off`."""
    if what.startswith("digest:"):
        period = what.partition(":")[2]
        categories = [c for c, m in modes_of(user_id).items() if m == period]
    else:
        categories = [what]
    set_modes(user_id, {c: "off" for c in categories})
    return categories
