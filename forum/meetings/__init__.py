"""Meetings of the forum, the Smart-City-Board and the councils: agendas, live control, minutes, iCal."""
from __future__ import annotations


def init_app(app) -> None:
    """The meeting pages (their blueprint registers the `meeting:<id>` live room kind) and the
    followed meetings in each person's export."""
    from . import registrations
    from .routes import bp

    app.register_blueprint(bp)
    registrations.register()
