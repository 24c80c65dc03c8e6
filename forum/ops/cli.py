"""`forum backup FILE` and `forum restore FILE [--reapply-deletions NEWER …]`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file):
    """Write a consistent, portable backup of every table to FILE (gzip if it ends in .gz)."""
    from .backup import BackupError, write_backup

    try:
        counts = write_backup(file)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Sicherung geschrieben: {file} ({sum(counts.values())} Zeilen aus {len(counts)} Tabellen).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--reapply-deletions", "reapply", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A newer backup whose deleted accounts are deleted again after loading FILE (repeatable).")
@with_appcontext
def restore_command(file, reapply):
    """Load FILE into an empty database migrated to the backup's revision (all or nothing)."""
    from ..extensions import db
    from .backup import BackupError, restore_backup

    try:
        counts = restore_backup(file, tuple(reapply))
    except BackupError as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from err
    db.session.commit()
    reapplied = counts.pop("reapplied_deletions")
    click.echo(f"Sicherung eingespielt: {sum(counts.values())} Zeilen aus {len(counts)} Tabellen.")
    if reapply:
        click.echo(f"Erneut gelöschte Konten: {reapplied}.")


COMMANDS = (backup_command, restore_command)
