"""Static files under content-hashed names, cached for a year.

`url_for('static', filename='js/live.js')` (every template) gives `/static/js/live.<hash>.js`, the
hash being the first 12 hex digits of the file's SHA-256: a deploy that changes a file changes its
URL, so no browser or proxy ever keeps a stale `live.js`, and the hashed URL is served with
`Cache-Control: public, max-age=31536000, immutable`. The unhashed URL keeps working (revalidated
on each use: `no-cache` with an ETag), and so does a hashed URL whose hash is no longer current (a
page from before a deploy): it gets today's file, not cached. nginx serves the same names from disk
(deploy/nginx/forum.conf strips the hash the same way).
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from flask import Flask, current_app, send_from_directory
from werkzeug.exceptions import NotFound

IMMUTABLE = "public, max-age=31536000, immutable"
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)$")


def hashed_name(filename: str, digest: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    if not dot or "/" in ext:
        return f"{filename}.{digest}"
    return f"{stem}.{digest}.{ext}"


class Manifest:
    """Original name → hashed name for every file under the static folder. Built once; with
    `app.debug` a file whose size or modification time changed is hashed again."""

    def __init__(self, folder: str, watch: bool):
        self.folder = Path(folder)
        self.watch = watch
        self.names: dict[str, str] = {}
        self.originals: dict[str, str] = {}
        self._stamps: dict[str, tuple[int, int]] = {}
        if self.folder.is_dir():
            for path in sorted(self.folder.rglob("*")):
                if path.is_file():
                    self._add(path.relative_to(self.folder).as_posix(), path)

    def _add(self, name: str, path: Path) -> str:
        stat = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        hashed = hashed_name(name, digest)
        old = self.names.get(name)
        if old:
            self.originals.pop(old, None)
        self.names[name] = hashed
        self.originals[hashed] = name
        self._stamps[name] = (stat.st_mtime_ns, stat.st_size)
        return hashed

    def hashed(self, name: str) -> str | None:
        if self.watch:
            path = self.folder / name
            try:
                stat = path.stat()
            except OSError:
                return None
            if self._stamps.get(name) != (stat.st_mtime_ns, stat.st_size) and path.is_file():
                return self._add(name, path)
        return self.names.get(name)


def _manifest() -> Manifest:
    return current_app.extensions["forum_assets"]


def _hash_static_urls(endpoint: str, values: dict) -> None:
    """url_defaults: give `url_for('static', filename=…)` the hashed name."""
    if endpoint == "static" and "filename" in values:
        hashed = _manifest().hashed(values["filename"])
        if hashed:
            values["filename"] = hashed


def static_file(filename: str):
    """The static view: a current hashed name for a year, anything else revalidated every time."""
    manifest = _manifest()
    folder = current_app.static_folder
    original = manifest.originals.get(filename)
    if original is not None and manifest.hashed(original) == filename:
        response = send_from_directory(folder, original, max_age=31536000)
        response.headers["Cache-Control"] = IMMUTABLE
        return response
    try:
        return send_from_directory(folder, filename, max_age=None)
    except NotFound:
        match = _HASHED.match(filename)
        if not match:
            raise
        # a hash from before a deploy: today's file, not cached
        return send_from_directory(folder, match["stem"] + match["ext"], max_age=None)


def init_app(app: Flask) -> None:
    if not app.static_folder:
        return
    app.extensions["forum_assets"] = Manifest(app.static_folder, watch=app.debug or bool(os.environ.get("FLASK_DEBUG")))
    app.url_defaults(_hash_static_urls)
    app.view_functions["static"] = static_file
