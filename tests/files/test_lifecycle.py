"""Files follow what they belong to: account deletion, deleting a draft meeting, open data, the
upload folder commands (`forum files check|prune`) and the backup's rows."""
from __future__ import annotations

import io

import pytest

from forum.extensions import db
from forum.files import services, storage
from forum.files.models import StoredFile
from tests.conftest import sign_in
from tests.files import samples


def add_file(data=samples.PDF, name="Vorlage.pdf", **owner) -> StoredFile:
    stored = storage.store(io.BytesIO(data))
    row = StoredFile(name=name, content_type=stored.content_type, size=stored.size, sha256=stored.sha256, **owner)
    db.session.add(row)
    db.session.commit()
    return row


def test_open_data_lists_public_meeting_documents_only(client, make_council, make_meeting):
    public, private = make_meeting("Forum"), make_meeting("Geheim", council=make_council(visibility="private"))
    draft = make_meeting("Entwurf", status="draft")
    shown = add_file(meeting_id=public.id, agenda_item_id=public.items[1].id)
    add_file(meeting_id=private.id, name="geheim.pdf")
    add_file(meeting_id=draft.id, name="entwurf.pdf")
    items = client.get("/open-data/meeting_documents.json").get_json()["items"]
    assert [(i["id"], i["meeting_id"], i["agenda_item"], i["name"]) for i in items] == [
        (shown.id, public.id, 2, "Vorlage.pdf")]
    assert items[0]["url"] == f"http://localhost/files/{shown.id}"
    assert "geheim.pdf" not in client.get("/open-data/meeting_documents.csv").get_data(as_text=True)


def test_account_deletion_takes_files_with_their_proposals(client, make_user, make_proposal):
    author, commenter = make_user(), make_user()
    alone, discussed = make_proposal(author=author), make_proposal(author=author)
    from forum.proposals.comments import add_comment
    add_comment(discussed, commenter, "Gute Idee")
    gone = add_file(samples.image("PNG"), "allein.png", proposal_id=alone.id, uploaded_by_id=author.id)
    kept = add_file(samples.CSV, "daten.csv", proposal_id=discussed.id, uploaded_by_id=author.id)
    gone_id, kept_id, gone_hash = gone.id, kept.id, gone.sha256
    gone_path = storage.path_for(gone_hash)
    from forum.moderation.privacy import delete_account
    delete_account(author, "richtig-geheim", delete_contributions=True)
    db.session.commit()
    assert db.session.get(StoredFile, gone_id) is None
    assert db.session.get(StoredFile, kept_id).uploaded_by_id is None  # stays with the discussed proposal
    services.discard_unused(client.application, [gone_hash])  # what the commit set off
    assert not gone_path.exists()


def test_deleting_a_draft_meeting_removes_its_files(client, make_user, make_meeting):
    manager = make_user(role="managing_director")
    meeting = make_meeting(status="draft")
    row_id = add_file(samples.TEXT, "notiz.txt", meeting_id=meeting.id).id
    sign_in(client, manager)
    assert client.post(f"/meetings/{meeting.id}/delete").status_code == 302
    assert db.session.query(StoredFile).filter_by(id=row_id).count() == 0


def test_files_commands(app, make_meeting):
    meeting = make_meeting()
    row = add_file(meeting_id=meeting.id)
    orphan = storage.store(io.BytesIO(samples.CSV))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["files", "prune"])
    assert result.exit_code == 0 and "1 removed" in result.output
    assert not storage.path_for(orphan.sha256).exists() and storage.path_for(row.sha256).exists()
    assert runner.invoke(args=["files", "check"]).exit_code == 0
    storage.path_for(row.sha256).unlink()
    result = runner.invoke(args=["files", "check"])
    assert result.exit_code == 1 and f"missing: file {row.id}" in result.output


@pytest.mark.committed
def test_backup_holds_the_file_rows(app, tmp_path, make_meeting):
    meeting = make_meeting()
    row = add_file(meeting_id=meeting.id)
    from forum.ops.backup import backup_rows, write_backup
    path = str(tmp_path / "backup.ndjson")
    write_backup(path)
    rows = [r for table, r in backup_rows(path, "files")]
    assert [(r["id"], r["sha256"], r["name"]) for r in rows] == [(row.id, row.sha256, "Vorlage.pdf")]
