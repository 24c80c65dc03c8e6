"""In-app notices with mail as each person chose: at once, in a digest, or not at all."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("send-digests")
@click.option("--period", type=click.Choice(["daily", "weekly", "all"]), default="all", show_default=True)
@with_appcontext
def send_digests_command(period):
    """Queue the digest mails of everyone whose notices wait for one (the worker sends them)."""
    from ..extensions import db
    from .digests import send_digests

    total = sum(send_digests(p) for p in (("daily", "weekly") if period == "all" else (period,)))
    db.session.commit()
    click.echo(f"Zusammenfassungen in der Warteschlange: {total}.")


def init_app(app) -> None:
    """The notices and settings pages, the unread count in the navigation, the notices in each
    person's export and erasure, their mails' renderers and the digest schedule."""
    from ..mail import hooks
    from . import mailing, registrations
    from .digests import scheduled
    from .routes import bp, unread_for_nav

    app.register_blueprint(bp)
    app.context_processor(unread_for_nav)
    registrations.register()
    mailing.register()
    hooks.on_schedule(scheduled)
    app.cli.add_command(send_digests_command)
