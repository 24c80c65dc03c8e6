"""Open data files are built off the request path and served with ETag and Cache-Control (issue 18, item 3)."""
from __future__ import annotations

import json
import os
import time

import pytest

from forum.controlling import open_data_files
from forum.controlling.open_data import DATASETS


@pytest.fixture
def files(app, tmp_path):
    app.config["OPEN_DATA_MAX_AGE"] = 300
    app.instance_path = str(tmp_path)
    return tmp_path / "open-data"


def test_a_download_is_a_file_with_etag_and_cache_control(client, files, make_proposal):
    make_proposal("Offene Radwegdaten", status="accepted")
    first = client.get("/open-data/proposals.json")
    assert first.status_code == 200
    assert (files / "proposals.json").exists()
    assert "Offene Radwegdaten" in {item["title"] for item in first.get_json()["items"]}
    assert first.headers["ETag"] and "public" in first.headers["Cache-Control"]
    assert "max-age=300" in first.headers["Cache-Control"]
    assert first.headers["Access-Control-Allow-Origin"] == "*" and "license" in first.headers["Link"]
    again = client.get("/open-data/proposals.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    csv = client.get("/open-data/proposals.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv" and b"Offene Radwegdaten" in csv.data


def test_a_fresh_file_is_served_as_it_is_and_a_stale_one_is_rebuilt_after_the_answer(
        app, client, files, make_proposal, monkeypatch):
    client.get("/open-data/proposals.json")
    make_proposal("Neuer Vorschlag nach dem Bau", status="accepted")
    fresh = client.get("/open-data/proposals.json").get_json()
    assert "Neuer Vorschlag nach dem Bau" not in {i["title"] for i in fresh["items"]}  # not built in the request
    started = []
    monkeypatch.setattr("forum.extensions.socketio.start_background_task", lambda fn: started.append(fn))
    old = time.time() - 301
    os.utime(files / "proposals.json", (old, old))
    stale = client.get("/open-data/proposals.json").get_json()
    assert "Neuer Vorschlag nach dem Bau" not in {i["title"] for i in stale["items"]}  # the old file answers
    assert len(started) == 1
    client.get("/open-data/proposals.json")
    assert len(started) == 1  # one build at a time (the lock file)
    started[0]()  # the background task
    assert not (files / ".proposals.lock").exists()
    rebuilt = client.get("/open-data/proposals.json").get_json()
    assert "Neuer Vorschlag nach dem Bau" in {i["title"] for i in rebuilt["items"]}


def test_a_file_far_past_its_age_is_built_in_the_request(client, files, make_proposal):
    client.get("/open-data/proposals.json")
    make_proposal("Nach langer Pause", status="accepted")
    old = time.time() - open_data_files.STALE_FACTOR * 300 - 1
    os.utime(files / "proposals.json", (old, old))
    assert "Nach langer Pause" in {i["title"] for i in client.get("/open-data/proposals.json").get_json()["items"]}


def test_a_council_made_private_leaves_the_files_at_once(client, files, make_user, make_council, make_proposal):
    """Found by review: the built files still named the council for up to their max age."""
    from forum.councils.services import update_council
    from forum.extensions import db

    council = make_council("Bald geheimer Beirat")
    make_proposal("Bald geheimer Vorschlag", council=council, status="accepted")
    for name in ("councils", "proposals"):
        assert "Bald geheim" in client.get(f"/open-data/{name}.json").get_data(as_text=True)
    update_council(make_user(role="managing_director"), council, visibility="private")
    db.session.commit()
    assert not list(files.glob("*.json"))
    for name in ("councils", "proposals"):
        assert "Bald geheim" not in client.get(f"/open-data/{name}.json").get_data(as_text=True)


def test_forum_open_data_builds_every_file(app, files):
    result = app.test_cli_runner().invoke(args=["open-data"])
    assert result.exit_code == 0, result.output
    for name in DATASETS:
        assert json.loads((files / f"{name}.json").read_text())["dataset"] == name
        assert (files / f"{name}.csv").read_text().startswith(DATASETS[name].field_names[0])
    assert not list(files.glob(".*.tmp"))


def test_without_a_max_age_every_download_is_built_in_its_request(app, client, make_proposal, tmp_path):
    app.instance_path = str(tmp_path)
    assert app.config["OPEN_DATA_MAX_AGE"] == 0
    assert client.get("/open-data/proposals.json").status_code == 200
    assert not (tmp_path / "open-data").exists()
    assert open_data_files.file_path(app, "proposals", "csv") == tmp_path / "open-data" / "proposals.csv"
