"""Files in the pages: attaching from a meeting's and a proposal's page (no JavaScript needed),
documents per agenda item, the printed agenda, removing, and who sees the form."""
from __future__ import annotations

from forum.extensions import db
from forum.files.models import StoredFile
from tests.conftest import sign_in
from tests.files import samples


def post_file(client, path, data, name, **fields):
    return client.post(path, content_type="multipart/form-data", data=samples.upload(data, name, **fields))


def test_meeting_documents_per_agenda_item_and_in_print(client, make_user, make_meeting):
    manager = make_user(role="managing_director")
    meeting = make_meeting(items=("Begrüßung", "Radverkehr"))
    sign_in(client, manager)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and '<label for="upload-file">' in page
    item = meeting.items[1]
    response = post_file(client, f"/meetings/{meeting.id}/files", samples.PDF, "Radwegeplan.pdf",
                         agenda_item=str(item.id))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/meetings/{meeting.id}#unterlagen")
    post_file(client, f"/meetings/{meeting.id}/files", samples.CSV, "Teilnehmende.csv")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    item_block = page.split(f'id="agenda-item-{item.id}"')[1].split("</li>\n    \n")[0]
    assert "Radwegeplan.pdf" in item_block and "(PDF," in item_block
    documents = page.split('id="unterlagen"')[1]
    assert "Teilnehmende.csv" in documents and "Radwegeplan.pdf" not in documents.split("<form")[0]
    printed = client.get(f"/meetings/{meeting.id}/print").get_data(as_text=True)
    assert "Radwegeplan.pdf" in printed and "Teilnehmende.csv" in printed
    with client.session_transaction() as session:
        session.clear()
    anonymous = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Radwegeplan.pdf" in anonymous and 'name="file"' not in anonymous
    calendar = client.get(f"/meetings/{meeting.id}.ics").get_data(as_text=True)
    assert f"URL:http://localhost/meetings/{meeting.id}" in calendar.replace("\r\n ", "")


def test_refused_upload_in_page_says_why(client, make_user, make_meeting):
    sign_in(client, make_user(role="managing_director"))
    meeting = make_meeting()
    response = post_file(client, f"/meetings/{meeting.id}/files", samples.HTML, "tagesordnung.pdf")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "wird nicht angenommen" in page
    assert db.session.query(StoredFile).count() == 0


def test_progress_script_gets_where_to_go(client, make_user, make_meeting):
    sign_in(client, make_user(role="managing_director"))
    meeting = make_meeting()
    response = client.post(f"/meetings/{meeting.id}/files", content_type="multipart/form-data",
                           headers={"X-Forum-Upload": "1"}, data=samples.upload(samples.PDF, "a.pdf"))
    assert response.status_code == 200 and response.get_json() == {"redirect": f"/meetings/{meeting.id}#unterlagen"}


def test_proposal_attachments_author_moderation_and_delete(client, make_user, make_proposal):
    author = make_user()
    proposal = make_proposal(author=author)
    sign_in(client, make_user())
    assert 'name="file"' not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert post_file(client, f"/proposals/{proposal.id}/files", samples.PDF, "a.pdf").status_code == 403
    sign_in(client, author)
    assert 'name="file"' in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    post_file(client, f"/proposals/{proposal.id}/files", samples.image("PNG"), "Skizze.png")
    row = db.session.query(StoredFile).one()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Skizze.png" in page and f'action="/files/{row.id}/delete"' in page
    sign_in(client, make_user())
    assert client.post(f"/files/{row.id}/delete").status_code == 403
    sign_in(client, author)
    assert client.post(f"/files/{row.id}/delete").status_code == 303
    assert client.get(f"/files/{row.id}").status_code == 404
    assert "Skizze.png" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)


def test_upload_needs_csrf_token(csrf_app, client, make_user, make_meeting):
    sign_in(client, make_user(role="managing_director"))
    meeting = make_meeting()
    response = post_file(client, f"/meetings/{meeting.id}/files", samples.PDF, "a.pdf")
    assert response.status_code == 400
    assert db.session.query(StoredFile).count() == 0


def test_a_private_file_and_a_missing_one_get_the_same_answer(client, make_user, make_council, make_meeting):
    """Found by review: the bodies differed, so anyone could count a private council's files."""
    council = make_council(visibility="private", members=[make_user()])
    meeting = make_meeting(council=council)
    stored = StoredFile(name="Geheim.pdf", content_type="application/pdf", size=3, sha256="0" * 64, meeting_id=meeting.id)
    db.session.add(stored)
    db.session.commit()
    sign_in(client, make_user())
    private, missing = client.get(f"/files/{stored.id}"), client.get(f"/files/{stored.id + 1000}")
    assert private.status_code == missing.status_code == 404

    def main(answer) -> str:  # the page around it differs only in its own URL (language switch) and token
        return answer.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]

    assert main(private) == main(missing)
    assert main(client.post(f"/files/{stored.id}/delete")) == main(client.post(f"/files/{stored.id + 1000}/delete"))
