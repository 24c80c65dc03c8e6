"""Routes the benchmark compares against: only registered when FORUM_BENCH_ROUTES=1 (see __init__.py)."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import login_required

from ..extensions import csrf

bp = Blueprint("bench", __name__)
csrf.exempt(bp)


@bp.get("/_bench/hello")
def hello():
    """Hello world, served by the same app and server command as the forum's pages."""
    return "Hello, World!"


@bp.post("/api/_bench/noop")
@login_required
def noop():
    """An authenticated POST (bearer token) that changes nothing: the vote endpoint's baseline."""
    return jsonify(ok=True)
