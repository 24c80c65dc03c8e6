"""Open data downloads: an HTML index and each dataset as CSV and JSON (anyone, no personal data)."""
from __future__ import annotations

from flask import abort, render_template

from ..handlers import allow, anyone
from . import open_data, open_data_files
from .routes import bp


def _licence_link() -> str:
    return f'<{open_data.LICENCE["url"]}>; rel="license"'


@bp.get("/open-data")
@allow(anyone)
def open_data_index():
    return render_template("controlling/open_data.html", datasets=open_data.DATASETS.values(),
                           licence=open_data.LICENCE)


@bp.get("/open-data/<name>.json")
@allow(anyone)
def open_data_json(name: str):
    dataset = open_data.DATASETS.get(name) or abort(404)
    response = open_data_files.download(dataset, "json")  # a file built off the request path
    response.headers["Link"] = _licence_link()
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/open-data/<name>.csv")
@allow(anyone)
def open_data_csv(name: str):
    dataset = open_data.DATASETS.get(name) or abort(404)
    response = open_data_files.download(dataset, "csv")
    response.headers["Content-Disposition"] = f'attachment; filename="smart-city-forum-{dataset.name}.csv"'
    response.headers["Link"] = _licence_link()
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
