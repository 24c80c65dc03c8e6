"""Open data files built off the request path and served as static files with ETag and Cache-Control.

Building a dataset over the whole forum takes up to a second of CPU (10,000 proposals), which a
gevent worker would spend with every other connection waiting. So the files are written to
`<instance>/open-data/<name>.{csv,json}` (atomically: a temporary file, then a rename) and a
download is a file read, answered with an ETag (a repeated download is a 304) and
`Cache-Control: public, max-age=OPEN_DATA_MAX_AGE`:

- `forum open-data` builds every file (run it after deploying and from a timer, e.g. every 5 min);
- a file older than `OPEN_DATA_MAX_AGE` seconds (`FORUM_OPEN_DATA_MAX_AGE`, default 300) is still
  served as it is, and a background task of that worker builds the new one (one at a time per
  file across the workers: a lock file); the rows' loops yield to the other connections meanwhile;
- a file that does not exist yet is built in the first request that asks (yielding as well);
- a file more than STALE_FACTOR times older than that is built anew in the request (no timer ran);
- when access changes broadly (a council made private) the files are removed after the commit, so
  no download serves what has become private (`forget_after_access_change`).
`OPEN_DATA_MAX_AGE = 0` builds every download afresh in its request, without files (the tests' default).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, Response, current_app, send_file

from . import open_data

MIMETYPES = {"csv": "text/csv", "json": "application/json"}
LOCK_STALE = 600  # seconds after which a lock file of a crashed build no longer counts
STALE_FACTOR = 4  # a file older than this many max ages is not served while a new one is built
_building: set[str] = set()  # this process's background builds


def directory(app: Flask) -> Path:
    return Path(app.instance_path) / "open-data"


def file_path(app: Flask, name: str, ext: str) -> Path:
    return directory(app) / f"{name}.{ext}"


def render(dataset: open_data.Dataset, ext: str, rows: list[dict] | None = None) -> bytes:
    if ext == "json":
        return (current_app.json.dumps(open_data.as_json(dataset, rows)) + "\n").encode()
    return open_data.as_csv(dataset, rows).encode()


def build(app: Flask, names=None) -> list[Path]:
    """Write the files of `names` (default: every dataset), both formats from one query each."""
    written = []
    with app.app_context():
        for name in names or open_data.DATASETS:
            dataset = open_data.DATASETS[name]
            rows = dataset.rows()
            for ext in MIMETYPES:
                written.append(_write(file_path(app, name, ext), render(dataset, ext, rows)))
    return written


def _write(path: Path, body: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(body)
    os.replace(temporary, path)
    return path


def download(dataset: open_data.Dataset, ext: str) -> Response:
    """The response for /open-data/<name>.<ext>: the file (built first if missing), or built now without files."""
    app = current_app._get_current_object()
    max_age = int(app.config.get("OPEN_DATA_MAX_AGE", 0))
    if max_age <= 0:
        return Response(render(dataset, ext), mimetype=MIMETYPES[ext])
    path = file_path(app, dataset.name, ext)
    age = time.time() - path.stat().st_mtime if path.exists() else None
    if age is None or age > STALE_FACTOR * max_age:
        build(app, [dataset.name])
    elif age > max_age:
        _refresh_later(app, dataset.name)
    response = send_file(path, mimetype=MIMETYPES[ext], conditional=True, etag=True, max_age=max_age)
    response.cache_control.public = True
    return response


def _refresh_later(app: Flask, name: str) -> None:
    if name in _building:
        return
    lock = directory(app) / f".{name}.lock"
    try:
        if lock.exists() and time.time() - lock.stat().st_mtime > LOCK_STALE:
            lock.unlink(missing_ok=True)
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return  # another worker builds it now
    _building.add(name)

    def task():
        try:
            build(app, [name])
        except Exception:  # noqa: BLE001 - the old file stays; the next request tries again
            app.logger.exception("building the open data file %s failed", name)
        finally:
            _building.discard(name)
            lock.unlink(missing_ok=True)

    from ..extensions import socketio

    socketio.start_background_task(task)


def forget(app: Flask) -> None:
    """Remove every built file: each is built afresh by its next download."""
    for ext in MIMETYPES:
        for path in directory(app).glob(f"*.{ext}"):
            path.unlink(missing_ok=True)


def forget_after_access_change(changes: list[dict]) -> None:
    """forum/access.py listener: a council made private may be named in the files."""
    if any(change.get("kind") == "rooms" for change in changes):
        forget(current_app._get_current_object())
