"""Static files under content-hashed URLs, cached for a year; HSTS in production over https."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from forum.assets import IMMUTABLE, Manifest

STATIC = Path(__file__).resolve().parents[1] / "static"


def digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def test_every_page_links_hashed_static_files_served_for_a_year(client, make_meeting):
    """The layout's CSS and the live channel's scripts (a meeting page loads live.js) are linked under
    their content hash; each such URL answers with the file and a year of immutable caching."""
    meeting = make_meeting()
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    expected = {f"/static/css/forum.{digest('css/forum.css')}.css",
                f"/static/js/live.{digest('js/live.js')}.js",
                f"/static/js/vendor/socket.io.min.{digest('js/vendor/socket.io.min.js')}.js"}
    assert expected <= set(links), links
    assert all(re.search(r"\.[0-9a-f]{12}\.\w+$", link) for link in links), links
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.headers["Cache-Control"] == IMMUTABLE
        name = link.removeprefix("/static/")
        original = re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", name)
        assert response.get_data() == (STATIC / original).read_bytes()


def test_unhashed_and_outdated_urls_keep_working_without_a_long_cache(client):
    plain = client.get("/static/js/live.js")
    assert plain.status_code == 200 and plain.get_data() == (STATIC / "js/live.js").read_bytes()
    assert "immutable" not in plain.headers["Cache-Control"] and "no-cache" in plain.headers["Cache-Control"]
    outdated = client.get("/static/js/live.0123456789ab.js")  # a page from before a deploy
    assert outdated.status_code == 200 and outdated.get_data() == plain.get_data()
    assert "immutable" not in outdated.headers["Cache-Control"]
    assert client.get("/static/js/nothing.0123456789ab.js").status_code == 404
    assert client.get("/static/../config.py").status_code == 404


def test_a_changed_file_gets_a_new_name_while_debugging(tmp_path):
    (tmp_path / "app.js").write_text("one")
    manifest = Manifest(str(tmp_path), watch=True)
    first = manifest.hashed("app.js")
    assert re.fullmatch(r"app\.[0-9a-f]{12}\.js", first)
    (tmp_path / "app.js").write_text("two!")
    second = manifest.hashed("app.js")
    assert second != first and manifest.originals[second] == "app.js" and first not in manifest.originals
    assert Manifest(str(tmp_path), watch=False).hashed("missing.js") is None


def test_hsts_only_in_production_with_an_https_base_url(app_factory):
    production = app_factory(ENV_NAME="production", BASE_URL="https://forum.example.org")
    response = production.test_client().get("/", base_url="https://forum.example.org")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" in production.test_client().get(
        "/static/css/forum.css", base_url="https://forum.example.org").headers
    plain = app_factory(ENV_NAME="production", BASE_URL="http://forum.example.org")
    assert "Strict-Transport-Security" not in plain.test_client().get("/", base_url="http://forum.example.org").headers
    development = app_factory(BASE_URL="https://forum.example.org")
    assert "Strict-Transport-Security" not in development.test_client().get("/").headers
