"""Routes the benchmark compares against: only registered when FORUM_BENCH_ROUTES=1 (see __init__.py)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ..extensions import csrf
from ..handlers import allow, anyone, signed_in

bp = Blueprint("bench", __name__)
csrf.exempt(bp)


@bp.get("/_bench/hello")
@allow(anyone)
def hello():
    """Hello world, served by the same app and server command as the forum's pages."""
    return "Hello, World!"


@bp.post("/api/_bench/noop")
@allow(signed_in)
def noop():
    """An authenticated POST (bearer token) that changes nothing: the vote endpoint's baseline."""
    return jsonify(ok=True)
