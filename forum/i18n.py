"""Language: German by default, English selectable (kept in the session)."""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations

from .extensions import babel


def select_locale() -> str:
    """The session's language; the default outside a request (CLI commands, background work),
    where messages raised as domain errors are translated too."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


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

    @app.context_processor
    def _language():
        return {"current_language": str(get_locale()), "languages": app.config["LANGUAGES"],
                "current_path": request.full_path.rstrip("?") if request else "/"}
