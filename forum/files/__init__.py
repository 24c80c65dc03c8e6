"""Files on meetings (and their agenda items) and on proposals: upload, type by content, storage by
hash, serving with the owner's visibility. Sits beside core: the owners register themselves in
forum/registry.py (`register_file_owner`), this package imports no content area."""
from __future__ import annotations


def init_app(app) -> None:
    from . import registrations
    from .pages import template_globals
    from .routes import bp, raise_upload_limit

    app.register_blueprint(bp)
    app.context_processor(template_globals)
    # First of all hooks: CSRF's own hook reads the form, and with it the body.
    app.before_request_funcs.setdefault(None, []).insert(0, raise_upload_limit)
    registrations.register()
    from .cli import files_cli

    app.cli.add_command(files_cli)
