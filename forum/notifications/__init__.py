"""In-app notices with an e-mail copy: what happened that a person should know about."""
from __future__ import annotations


def init_app(app) -> None:
    """The notices page, the unread count in the navigation, and the notices in each person's export."""
    from . import registrations
    from .routes import bp, unread_for_nav

    app.register_blueprint(bp)
    app.context_processor(unread_for_nav)
    registrations.register()
