"""`forum recount-votes`: rebuild the vote and comment counters from the rows."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("recount-votes")
@with_appcontext
def recount_votes_command():
    """Recompute every proposal's vote and comment counters from the stored votes and comments."""
    from ..extensions import db
    from .counters import recount

    fixed = recount()
    db.session.commit()
    click.echo(f"Zähler korrigiert: {fixed} Vorschläge." if fixed else "Alle Zähler stimmen.")
