"""Moderation and accountability: reports and hiding, suspensions, the audit log, the
transparency figures, the site's privacy and imprint pages, and each person's data rights
(export and deletion).

It knows no content area: proposals, comments and live messages reach the queue through the
core registry (forum/registry.py), where each area registers its report targets, exports and
erasures from its own `init_app`."""
from __future__ import annotations


def init_app(app) -> None:
    """The moderation, privacy and account-data pages, and the person's reports and suspensions
    in their export."""
    from . import registrations
    from .routes import bp

    app.register_blueprint(bp)
    registrations.register()
