"""Topic advisory councils (Fachbeiräte): members, moderators, private spaces."""
from __future__ import annotations


def init_app(app) -> None:
    """The council pages, and the councils' part of each person's data export."""
    from . import registrations
    from .routes import bp

    app.register_blueprint(bp)
    registrations.register()
