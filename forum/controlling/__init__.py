"""Central controlling: the project portfolio, the versioned criteria catalogue and scores,
the dashboard, cooperation requests from outside partners, and open data.

Modules: models / scoring_models / cooperation_models (tables), projects / scoring / cooperation /
dashboard / open_data (services and queries), charts (SVG layout), forms, routes* (pages), demo.
"""
from __future__ import annotations


def init_app(app) -> None:
    """The controlling pages, and cooperation requests and evaluations in each person's export."""
    from . import registrations
    from .routes import bp

    app.register_blueprint(bp)
    registrations.register()
