"""Backups are private files, and restoring one never trusts the HTML inside it (issue 13, item 8)."""
from __future__ import annotations

import json
import os
import stat

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.ops import backup as ops_backup
from forum.text import render_markdown

from .test_backup import empty_migrated_database, forum_data  # noqa: F401 - fixtures


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("name", ["forum.ndjson", "forum.ndjson.gz"])
def test_a_backup_is_readable_by_its_owner_only(app, tmp_path, forum_data, name):  # noqa: F811
    path = tmp_path / name
    path.write_text("old")
    path.chmod(0o644)  # an earlier, world-readable backup under the same name
    old_umask = os.umask(0o022)
    try:
        ops_backup.write_backup(str(path))
    finally:
        os.umask(old_umask)
    assert _mode(path) == 0o600
    assert not (tmp_path / f"{name}.partial").exists()


def test_the_cli_writes_a_private_backup(app, tmp_path, forum_data):  # noqa: F811
    path = tmp_path / "cli.ndjson"
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert _mode(path) == 0o600


def test_restore_renders_stored_html_again_instead_of_trusting_the_file(app, app_factory, tmp_path,
                                                                         forum_data):  # noqa: F811
    from forum.live.models import LiveMessage

    db.session.add(LiveMessage(room="council:x", author_id=forum_data["anna"], body="Hallo **alle**",
                               body_html=str(render_markdown("Hallo **alle**"))))
    db.session.commit()
    path = tmp_path / "forum.ndjson"
    ops_backup.write_backup(str(path))
    lines = path.read_text().splitlines()
    tampered = []
    for line in lines:
        item = json.loads(line)
        if item.get("t") == "live_messages":
            item["r"]["body_html"] = '<script>alert("x")</script><img src=x onerror=alert(1)>'
            item["r"]["body"] = "Hallo <img src=x onerror=alert(1)> [klick](javascript:alert(1))"
        tampered.append(json.dumps(item, ensure_ascii=False))
    path.write_text("\n".join(tampered) + "\n")
    with empty_migrated_database(app, app_factory, tmp_path):
        ops_backup.restore_backup(str(path))
        db.session.commit()
        [message] = db.session.scalars(select(LiveMessage)).all()
        assert message.body_html == str(render_markdown(message.body))
        assert "<script" not in message.body_html and "<img" not in message.body_html
        assert 'href="javascript' not in message.body_html


def test_every_stored_html_column_has_the_text_it_is_rendered_from(app):
    """Restore renders each `<x>_html` column from its `<x>` column; a new HTML column needs one."""
    html_columns = [(t.name, c.name) for t in ops_backup._tables() for c in t.columns if c.name.endswith("_html")]
    assert ("live_messages", "body_html") in html_columns
    for table_name, column in html_columns:
        table = db.metadata.tables[table_name]
        assert column.removesuffix("_html") in table.columns, (table_name, column)
    assert ops_backup.derived_html_columns() == {"live_messages": {"body_html": "body"}}
