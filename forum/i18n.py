"""Language: German by default, English selectable (kept in the session)."""
from __future__ import annotations

from datetime import datetime

from babel.dates import get_date_format, get_datetime_format, get_time_format, parse_pattern
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_timezone, get_translations, to_user_timezone

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


_NAMED = ("full", "long", "medium", "short")
_compiled_formats: dict[tuple[str, str, str], tuple] = {}


def _compiled(kind: str, fmt: str) -> tuple:
    """(locale, datetime joiner or None, date pattern, time pattern or None) for a format, parsed once
    per (kind, locale, format) — what Babel's format_date/format_datetime look up on every call."""
    locale = get_locale()
    key = (kind, str(locale), fmt)
    hit = _compiled_formats.get(key)
    if hit is None:
        if kind == "datetime" and fmt in _NAMED:
            hit = (locale, str(get_datetime_format(fmt, locale)).replace("'", ""),
                   parse_pattern(get_date_format(fmt, locale)), parse_pattern(get_time_format(fmt, locale)))
        else:
            hit = (locale, None, parse_pattern(get_date_format(fmt, locale) if fmt in _NAMED else fmt), None)
        _compiled_formats[key] = hit
    return hit


MAX_FORMATTED = 20_000
_formatted: dict[tuple, str] = {}


def _remembered(kind: str, fmt: str, value, render) -> str:
    """The text of (kind, locale, zone, format, moment), rendered once: a page shows the same stored
    moments (every comment's time) on every view, and formatting one costs ~20 µs."""
    key = (kind, str(get_locale()), str(get_timezone()), fmt, value)
    text = _formatted.get(key)
    if text is None:
        if len(_formatted) >= MAX_FORMATTED:
            _formatted.clear()
        text = _formatted[key] = render(value, fmt)
    return text


def _datetime_text(value, fmt: str) -> str:
    locale, joiner, date_pattern, time_pattern = _compiled("datetime", fmt)
    value = to_user_timezone(value)
    if joiner is None:
        return date_pattern.apply(value, locale)
    return (joiner.replace("{0}", time_pattern.apply(value.timetz(), locale, reference_date=value.date()))
            .replace("{1}", date_pattern.apply(value.date(), locale)))


def _date_text(value, fmt: str) -> str:
    locale, _, date_pattern, _ = _compiled("date", fmt)
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return date_pattern.apply(value, locale)


def datetimeformat(value, fmt: str = "medium") -> str:
    """Flask-Babel's format_datetime (stored datetimes are naive UTC, shown in the request's zone,
    Europe/Berlin) with the patterns parsed once and each moment's text remembered;
    tests/test_i18n.py proves the output identical."""
    return _remembered("datetime", fmt, value, _datetime_text) if value else ""


def dateformat(value, fmt: str = "medium") -> str:
    """Flask-Babel's format_date with the pattern parsed once (see datetimeformat)."""
    return _remembered("date", fmt, value, _date_text) if value else ""


class Labels(dict):
    """A dict of lazy labels whose items come out as strings resolved once per language: a lazy
    string resolves locale, domain and catalogue through Flask-Babel each time it is shown, and
    list and comment templates show the same few labels many times per page."""

    def __init__(self, labels):
        super().__init__(labels)
        self._resolved: dict[int, tuple[object, dict]] = {}

    def __getitem__(self, key):
        if not has_request_context():
            return super().__getitem__(key)
        translations = request_translations()
        hit = self._resolved.get(id(translations))
        if hit is None or hit[0] is not translations:
            hit = self._resolved[id(translations)] = (translations, {k: str(v) for k, v in self.items()})
        return hit[1][key]

    def get(self, key, default=None):
        return self[key] if key in self else default


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["datetimeformat"] = datetimeformat
    app.jinja_env.filters["dateformat"] = dateformat
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
