"""Language: German by default, English selectable (kept in the session)."""
from __future__ import annotations

from flask import Flask, current_app, request, session

from .extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    from flask_babel import format_date, format_datetime

    babel.init_app(app, locale_selector=select_locale)
    # Stored datetimes are naive UTC; Flask-Babel shows them in Europe/Berlin.
    app.jinja_env.filters["datetimeformat"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["dateformat"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""

    @app.context_processor
    def _language():
        from flask_babel import get_locale

        return {"current_language": str(get_locale()), "languages": app.config["LANGUAGES"],
                "current_path": request.full_path.rstrip("?") if request else "/"}
