"""Language: German by default, English selectable (kept in the session)."""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations

from .extensions import babel


def select_locale() -> str:
    """A signed-in person's chosen language; else the one chosen in this session; else what the
    browser asks for (`Accept-Language`); else German. Outside a request (CLI commands, background
    work) the default, where messages raised as domain errors are translated too; mails and notices
    are rendered in their recipient's language with `flask_babel.force_locale`."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    person = _signed_in_person()
    if person is not None and getattr(person, "language", None) in languages:
        return person.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _signed_in_person():
    """The person of this request (Flask-Login loads them once per request; an outage page has
    replaced them with an anonymous one before it renders: forum/ops/outage.py)."""
    from flask_login import current_user

    try:
        return current_user if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - the database is away: the session's or browser's language
        return None


def request_translations():
    """This request's translations, looked up once per request and locale.

    Flask-Babel's template gettext resolves locale, domain and catalogue again for every string
    (a page has 50–100); this remembers the catalogue on `g` for as long as the locale is the
    same object (`flask_babel.refresh()` after a language change makes a new one)."""
    if not g:
        return get_translations()
    locale = get_locale()
    hit = g.get("_forum_translations")
    if hit is None or hit[0] is not locale:
        hit = g._forum_translations = (locale, get_translations())
    return hit[1]


def init_app(app: Flask) -> None:
    from flask_babel import format_date, format_datetime

    babel.init_app(app, locale_selector=select_locale)
    # Stored datetimes are naive UTC; Flask-Babel shows them in Europe/Berlin.
    app.jinja_env.filters["datetimeformat"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["dateformat"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True)

    @app.after_request
    def _content_language(response):
        if response.mimetype == "text/html":  # the page's language, as its <html lang> says
            response.headers.setdefault("Content-Language", str(get_locale()))
        return response

    @app.context_processor
    def _language():
        return {"current_language": str(get_locale()), "languages": app.config["LANGUAGES"],
                "current_path": request.full_path.rstrip("?") if request else "/"}
