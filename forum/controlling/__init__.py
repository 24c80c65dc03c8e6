"""Central controlling: the project portfolio, the versioned criteria catalogue and scores,
the dashboard, cooperation requests from outside partners, and open data.

Modules: models / scoring_models / cooperation_models (tables), projects / scoring / cooperation /
dashboard / open_data (services and queries), charts (SVG layout), forms, routes* (pages), demo.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


def init_app(app) -> None:
    """The controlling pages, and cooperation requests and evaluations in each person's export."""
    from .. import access
    from . import registrations
    from .open_data_files import forget_after_access_change
    from .routes import bp

    app.register_blueprint(bp)
    registrations.register()
    access.subscribe(forget_after_access_change)  # a council made private leaves the open data at once
    app.cli.add_command(open_data_command)


@click.command("open-data")
@with_appcontext
def open_data_command():
    """Build every open data file (CSV and JSON) in <instance>/open-data/ for fast downloads."""
    from .open_data_files import build

    for path in build(current_app._get_current_object()):
        click.echo(path)
