"""The forum as a read-only OParl 1.1 source (https://oparl.org), the interface German council
information systems speak: `GET /oparl/v1/system` and everything reachable from there.

A presentation layer like the JSON API: it reads the areas' models through `queries.py` (only what
an anonymous visitor may see: public councils, published meetings, published proposals, people who
are public) and shapes OParl objects in `objects.py`; no area imports it."""
from __future__ import annotations

from flask import Flask

PREFIX = "/oparl/v1"


def init_app(app: Flask) -> None:
    from .routes import bp

    app.register_blueprint(bp, url_prefix=PREFIX)
