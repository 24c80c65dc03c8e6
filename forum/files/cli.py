"""`forum files check` and `forum files prune`: the upload folder against the `files` table.

`forum backup` dumps the rows; the bytes are the folder FORUM_UPLOAD_PATH (default
<instance>/uploads), copied beside the dump (docs/operations.md). After a restore, `check` names
the rows whose bytes are missing; `prune` removes bytes no row refers to any more (left when a
council, meeting or proposal went with its files in the database)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from . import services, storage
from .models import StoredFile

files_cli = AppGroup("files", help="The upload folder (FORUM_UPLOAD_PATH) against the files table.")


@files_cli.command("check")
def check_command():
    """Print each file whose stored bytes are missing; exit status 1 if any are."""
    missing = 0
    click.echo(f"upload folder: {storage.upload_root()}")
    for file_id, digest in db.session.execute(select(StoredFile.id, StoredFile.sha256).order_by(StoredFile.id)):
        if not storage.path_for(digest).is_file():
            missing += 1
            click.echo(f"missing: file {file_id} ({digest})")
    click.echo(f"{missing} missing")
    raise SystemExit(1 if missing else 0)


@files_cli.command("prune")
def prune_command():
    """Remove stored bytes that no file refers to."""
    click.echo(f"{services.prune(current_app._get_current_object())} removed")
