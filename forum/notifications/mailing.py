"""Notices as mails: rendered when the worker sends them, in the recipient's language of that
moment, with a one-click unsubscribe (RFC 8058) for that category, or for that digest."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..mail import Rendered, render
from ..urls import absolute, external_url
from .messages import render as render_text
from .models import Notification
from .settings import CATEGORIES, modes_for, unsubscribe_token


def _language(user) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.language if user is not None and user.language in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _people(rows) -> dict[int, User]:
    ids = {row.user_id for row in rows if row.user_id is not None}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def _footer(user_id: int, what: str, explanation: str) -> tuple[str, dict[str, str]]:
    link = external_url("notifications.unsubscribe", token=unsubscribe_token(user_id, what))
    settings = external_url("notifications.settings_page")
    text = "\n\n-- \n" + explanation + "\n" + _("Einstellungen: %(link)s", link=settings) + "\n" + \
        _("Abbestellen: %(link)s", link=link)
    return text, {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def render_notifications(rows) -> dict:
    """Outbox rows of kind `notification`: None for a person gone or who no longer wants this mail
    at once (unsubscribed or switched to a digest since)."""
    people = _people(rows)
    still = {}
    for category in {row.params.get("category") for row in rows}:
        ids = [row.user_id for row in rows if row.params.get("category") == category and row.user_id in people]
        still.update({(uid, category): mode for uid, mode in modes_for(ids, category).items()})
    out = {}
    for row in rows:
        user, params = people.get(row.user_id), row.params or {}
        category = params.get("category")
        if user is None or still.get((user.id, category)) != "instant":
            out[row.id] = None
            continue
        language = _language(user)
        with force_locale(language):
            subject = render_text(params.get("subject"), language)
            body = render_text(params.get("body"), language)
            link = absolute(params["url"]) if params.get("url") else ""
            footer, headers = _footer(user.id, category, _("Du bekommst diese E-Mail, weil du Benachrichtigungen "
                                                           "zu „%(category)s“ sofort per E-Mail erhältst.",
                                                           category=str(CATEGORIES.get(category, category))))
        out[row.id] = Rendered(subject, f"{body}\n\n{link}".strip() + footer, language, headers=headers)
    return out


def render_digests(rows) -> dict:
    """Outbox rows of kind `digest` (params: `period`, `ids` of the notices it gathers)."""
    people = _people(rows)
    wanted = {i for row in rows for i in (row.params or {}).get("ids", [])}
    notices = {n.id: n for n in db.session.scalars(select(Notification).where(Notification.id.in_(wanted)))} \
        if wanted else {}
    out = {}
    for row in rows:
        user, params = people.get(row.user_id), row.params or {}
        items = [notices[i] for i in params.get("ids", []) if i in notices]
        if user is None or not items:
            out[row.id] = None
            continue
        language = _language(user)
        period = params.get("period", "daily")
        with force_locale(language):
            subject = _("Deine tägliche Zusammenfassung: %(n)s Neuigkeiten", n=len(items)) if period == "daily" \
                else _("Deine wöchentliche Zusammenfassung: %(n)s Neuigkeiten", n=len(items))
            lines = [_("Das ist im Smart-City-Forum seit der letzten Zusammenfassung passiert:"), ""]
            for notice in items:
                lines.append("• " + notice.subject_in(language))
                if notice.url:
                    lines.append("  " + absolute(notice.url))
            footer, headers = _footer(user.id, f"digest:{period}",
                                      _("Du bekommst diese E-Mail, weil du Zusammenfassungen gewählt hast."))
        out[row.id] = Rendered(subject, "\n".join(lines) + footer, language, headers=headers)
    return out


def register() -> None:
    render.register("notification", render_notifications)
    render.register("digest", render_digests)
