"""Files over the API: who may attach, which types by content, the size limit, EXIF removal,
serving headers, visibility of the file URL, deletion and the JSON details."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from forum.files import storage
from forum.files.models import StoredFile
from forum.extensions import db
from tests.files import samples


@pytest.fixture
def manager(make_user):
    return make_user(role="managing_director")


def attach(client, headers, path, data, name, content_type="application/octet-stream", **fields):
    return client.post(f"/api/v1/{path}/files", headers=headers, content_type="multipart/form-data",
                       data=samples.upload(data, name, content_type, **fields))


def test_meeting_pdf_attached_listed_and_served_inline(client, api_token, manager, make_meeting):
    meeting = make_meeting()
    headers = api_token(manager)
    item_id = meeting.items[1].id
    response = attach(client, headers, f"meetings/{meeting.id}", samples.PDF, "Vorlage 12/2026.pdf",
                      agenda_item_id=str(item_id))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {"id", "name", "content_type", "size", "url"} <= set(body)
    assert body["name"] == "2026.pdf" or body["name"].endswith(".pdf")
    assert body["content_type"] == "application/pdf" and body["size"] == len(samples.PDF)
    assert body["agenda_item_id"] == item_id
    listed = client.get(f"/api/v1/meetings/{meeting.id}").get_json()["files"]
    assert [f["id"] for f in listed] == [body["id"]] and listed[0]["url"] == body["url"]
    served = client.get(body["url"])
    assert served.status_code == 200 and served.data == samples.PDF
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline")
    stored = db.session.get(StoredFile, body["id"])
    assert storage.path_for(stored.sha256).name == stored.sha256  # named by content hash, not by the user's name


@pytest.mark.parametrize("data, name, expected", [
    (samples.image("PNG"), "bild.png", "image/png"),
    (samples.image("WEBP"), "bild.webp", "image/webp"),
    (samples.image("JPEG"), "foto.jpg", "image/jpeg"),
    (samples.CSV, "zahlen.csv", "text/csv"),
    (samples.TEXT, "notiz.txt", "text/plain"),
    (samples.docx(), "bericht.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (samples.odt(), "bericht.odt", "application/vnd.oasis.opendocument.text"),
    (samples.PDF, "ohne-endung", "application/pdf"),  # the name says nothing; the content decides
])
def test_accepted_types_by_content(client, api_token, manager, make_meeting, data, name, expected):
    meeting = make_meeting()
    response = attach(client, api_token(manager), f"meetings/{meeting.id}", data, name, "text/html")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["content_type"] == expected
    served = client.get(body["url"])
    inline = expected == "application/pdf" or expected.startswith("image/")
    assert served.headers["Content-Disposition"].startswith("inline" if inline else "attachment")
    assert served.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("data, name, content_type", [
    (samples.HTML, "vorlage.pdf", "application/pdf"),  # HTML dressed as a PDF
    (samples.SVG, "logo.png", "image/png"),
    (samples.plain_zip(), "archiv.docx", "application/zip"),
    (b"MZ\x90\x00\x03" + bytes(200), "programm.txt", "text/plain"),
    (samples.image("GIF"), "animation.png", "image/png"),  # not on the list
])
def test_refused_types_by_content(client, api_token, manager, make_meeting, data, name, content_type):
    meeting = make_meeting()
    response = attach(client, api_token(manager), f"meetings/{meeting.id}", data, name, content_type)
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_type"
    assert db.session.query(StoredFile).count() == 0


def test_size_limit_is_413(app, client, api_token, manager, make_meeting):
    app.config["UPLOAD_MAX_MB"] = 2
    meeting = make_meeting()
    headers = api_token(manager)
    just_over = samples.TEXT * (2 * 1024 * 1024 // len(samples.TEXT) + 1)
    response = attach(client, headers, f"meetings/{meeting.id}", just_over, "lang.txt")
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
    # Far over: refused by its Content-Length before the body is read.
    response = attach(client, headers, f"meetings/{meeting.id}", bytes(5 * 1024 * 1024), "riesig.pdf")
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
    # Above the 1 MB every other request may send, below the upload limit.
    fits = samples.TEXT * (int(1.5 * 1024 * 1024) // len(samples.TEXT))
    assert attach(client, headers, f"meetings/{meeting.id}", fits, "passt.txt").status_code == 201
    assert client.patch(f"/api/v1/meetings/{meeting.id}", headers=headers,
                        json={"description": "x" * (1024 * 1024 + 10)}).status_code == 413


def test_photo_loses_exif_location_and_camera_and_is_turned(client, api_token, manager, make_meeting):
    meeting = make_meeting()
    original = samples.photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # the sample really carries GPS
    body = attach(client, api_token(manager), f"meetings/{meeting.id}", original, "foto.jpg").get_json()
    stored = client.get(body["url"]).data
    image = Image.open(io.BytesIO(stored))
    exif = image.getexif()
    assert 0x8825 not in exif and 0x010F not in exif and 0x0110 not in exif and 0x0112 not in exif
    assert b"Kamerahersteller" not in stored
    assert image.size == (20, 40)  # orientation 6 applied: 40×20 shown upright
    assert body["size"] == len(stored)


def test_who_may_attach_to_a_meeting(client, api_token, make_user, make_council, make_meeting):
    council = make_council()
    moderator = make_user()
    from tests.conftest import sign_in  # noqa: F401  (token auth below)
    from forum.councils.models import Membership
    db.session.add(Membership(council_id=council.id, user_id=moderator.id, role="moderator"))
    db.session.commit()
    draft, published = make_meeting(council=council, status="draft"), make_meeting(council=council)
    headers = api_token(moderator)
    assert attach(client, headers, f"meetings/{draft.id}", samples.PDF, "a.pdf").status_code == 201
    assert attach(client, headers, f"meetings/{published.id}", samples.PDF, "a.pdf").status_code == 403
    citizen = api_token(make_user())
    assert attach(client, citizen, f"meetings/{published.id}", samples.PDF, "a.pdf").status_code == 403
    assert attach(client, {}, f"meetings/{published.id}", samples.PDF, "a.pdf").status_code == 401


def test_who_may_attach_to_a_proposal(client, api_token, make_user, make_council, make_proposal):
    council, author, moderator = make_council(), make_user(), make_user()
    from forum.councils.models import Membership
    db.session.add(Membership(council_id=council.id, user_id=moderator.id, role="moderator"))
    db.session.commit()
    proposal = make_proposal(author=author, council=council)
    assert attach(client, api_token(author), f"proposals/{proposal.id}", samples.PDF, "a.pdf").status_code == 201
    assert attach(client, api_token(make_user()), f"proposals/{proposal.id}", samples.PDF, "a.pdf").status_code == 403
    proposal.status = "voting"
    db.session.commit()
    assert attach(client, api_token(author), f"proposals/{proposal.id}", samples.PDF, "a.pdf").status_code == 403
    response = attach(client, api_token(moderator), f"proposals/{proposal.id}", samples.image("PNG"), "b.png")
    assert response.status_code == 201
    assert len(client.get(f"/api/v1/proposals/{proposal.id}").get_json()["files"]) == 2


def test_private_council_files_are_404_for_outsiders(client, api_token, make_user, make_council, make_meeting,
                                                     make_proposal, manager):
    member = make_user()
    council = make_council(visibility="private", members=[member])
    meeting = make_meeting(council=council)
    body = attach(client, api_token(manager), f"meetings/{meeting.id}", samples.PDF, "geheim.pdf").get_json()
    outsider = make_user()
    for headers in ({}, api_token(outsider)):
        assert client.get(f"/api/v1/meetings/{meeting.id}", headers=headers).status_code == 404
        assert client.get(body["url"], headers=headers).status_code == 404
        assert attach(client, headers, f"meetings/{meeting.id}", samples.PDF, "x.pdf").status_code in (401, 404)
    from tests.conftest import sign_in
    sign_in(client, outsider)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert client.get(body["url"]).status_code == 404
    sign_in(client, member)
    assert client.get(body["url"]).status_code == 200
    with client.session_transaction() as session:
        session.clear()
    assert client.get(body["url"], headers=api_token(member)).status_code == 200  # the API's url works with a token
    assert client.get(body["url"], headers={"Authorization": "Bearer erfunden"}).status_code == 404


def test_hidden_proposal_hides_its_files(client, api_token, make_user, make_proposal, manager):
    author = make_user()
    proposal = make_proposal(author=author)
    body = attach(client, api_token(author), f"proposals/{proposal.id}", samples.PDF, "plan.pdf").get_json()
    from forum.registry import set_hidden
    set_hidden(proposal, "Spam", manager)
    db.session.commit()
    reader = make_user()
    assert client.get(f"/api/v1/proposals/{proposal.id}", headers=api_token(reader)).get_json()["files"] == []
    from tests.conftest import sign_in
    for person, status in ((reader, 404), (author, 200), (manager, 200)):
        sign_in(client, person)
        assert client.get(body["url"]).status_code == status


def test_delete_file(client, api_token, make_user, make_proposal, manager, make_meeting):
    author = make_user()
    proposal = make_proposal(author=author)
    headers = api_token(author)
    body = attach(client, headers, f"proposals/{proposal.id}", samples.PDF, "plan.pdf").get_json()
    other = api_token(make_user())
    assert client.delete(f"/api/v1/proposals/{proposal.id}/files/{body['id']}", headers=other).status_code == 403
    meeting = make_meeting()
    assert client.delete(f"/api/v1/meetings/{meeting.id}/files/{body['id']}",
                         headers=api_token(manager)).status_code == 404  # not that meeting's file
    assert client.delete(f"/api/v1/proposals/{proposal.id}/files/{body['id']}", headers=headers).status_code == 204
    assert client.get(body["url"]).status_code == 404
    assert client.get(f"/api/v1/proposals/{proposal.id}").get_json()["files"] == []


def test_missing_file_and_unknown_agenda_item(client, api_token, manager, make_meeting):
    meeting = make_meeting()
    headers = api_token(manager)
    response = client.post(f"/api/v1/meetings/{meeting.id}/files", headers=headers,
                           content_type="multipart/form-data", data={"other": "x"})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "missing_file"
    response = attach(client, headers, f"meetings/{meeting.id}", samples.PDF, "a.pdf", agenda_item_id="999999")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "unknown_item"
    # the document says: an integer from 1 to 2^31-1, never null
    for wrong in ("null", "0", "-1", "1.5", "\u0661", "2147483648", "99999999999", ""):
        response = attach(client, headers, f"meetings/{meeting.id}", samples.PDF, "a.pdf", agenda_item_id=wrong)
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_field", wrong


def test_upload_document_states_the_multipart_body(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in ("/meetings/{meeting_id}/files", "/proposals/{proposal_id}/files"):
        op = document["paths"][path]["post"]
        body = op["requestBody"]["content"]["multipart/form-data"]
        assert set(body["encoding"]["file"]["contentType"].split(", ")) == storage.ACCEPTED
        assert {"413", "415", "422"} <= set(op["responses"]) and "libmagic" in op["description"]
        assert "more than" in op["x-unprocessable"]
    agenda = document["paths"]["/meetings/{meeting_id}/files"]["post"]["requestBody"]["content"][
        "multipart/form-data"]["schema"]["properties"]["agenda_item_id"]
    assert agenda["type"] == "integer" and agenda["minimum"] == 1 and agenda["nullable"] is False


def test_export_lists_own_files(client, api_token, make_user, make_proposal):
    author = make_user()
    proposal = make_proposal(author=author)
    headers = api_token(author)
    body = attach(client, headers, f"proposals/{proposal.id}", samples.PDF, "plan.pdf").get_json()
    from forum.moderation.privacy import export_data
    exported = export_data(author)["files"]
    assert [(f["id"], f["name"], f["on"]) for f in exported] == [(body["id"], "plan.pdf",
                                                                   {"kind": "proposal", "id": proposal.id})]
