"""Proposals, votes and comments."""
from __future__ import annotations

import os

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the proposal pages, the `proposal:<id>` live room kind, `forum recount-votes`, and
    proposals and comments as report targets with their export and erasure.

    The benchmark's hello-world and no-op routes exist only when FORUM_BENCH_ROUTES=1 (or the
    config's BENCH_ROUTES) is set — never in normal runs."""
    from . import registrations
    from .cli import recount_votes_command
    from .live import register_room
    from .routes import bp
    from .search import exclude_from_autogenerate

    app.register_blueprint(bp)
    exclude_from_autogenerate(app)
    app.cli.add_command(recount_votes_command)
    register_room()
    registrations.register()  # report targets, export and erasure (forum/registry.py)
    if app.config.get("BENCH_ROUTES", os.environ.get("FORUM_BENCH_ROUTES") == "1"):
        from .bench_routes import bp as bench_bp

        app.register_blueprint(bench_bp)
