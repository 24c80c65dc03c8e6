"""A meeting's changes are kept as what to say (forum/notifications/messages.py) and read in each
reader's language: on the meeting page (with the date in the reader's format, Berlin time), in the
API's `revisions`, and in the notice and mail its followers get. Changes kept before that (only their
German `summary`) still show as they were written."""
import re
from datetime import datetime
from email import message_from_bytes
from pathlib import Path
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.meetings import agenda, services
from forum.meetings.models import MeetingFollow, MeetingRevision

DECEMBER = datetime(2026, 12, 7, 14, 12)  # winter: 15:12 in Berlin


@pytest.fixture
def readers(make_user, make_meeting):
    """A meeting with four TOPs, a German-speaking managing director and two followers: Anna reads
    German, John English."""
    meeting = make_meeting("Fachbeirat Mobilität", items=("Begrüßung", "Bericht", "Verschiedenes"))
    director, anna, john = make_user(role="managing_director"), make_user(), make_user()
    director.language, anna.language, john.language = "de", "de", "en"
    db.session.add_all([MeetingFollow(meeting_id=meeting.id, user_id=anna.id),
                        MeetingFollow(meeting_id=meeting.id, user_id=john.id)])
    db.session.commit()
    return meeting, director, anna, john


def _revisions_section(page: str) -> str:
    return page[page.index('<section id="revisions"'):]


def _mails_to(app, outbox, address: str) -> list:
    outbox()  # sends what the outbox table holds
    mails = [message_from_bytes(path.read_bytes(), policy=default_policy)
             for path in (Path(app.instance_path) / "outbox").glob("*.eml")]
    return [mail for mail in mails if mail["To"] == address]


def test_a_change_made_in_german_reads_in_english_for_an_english_reader(client, login, readers, outbox):
    meeting, director, anna, john = readers
    login(director)
    added = client.post(f"/meetings/{meeting.id}/items", data={"item-title": "Bericht Ladesäulen"},
                        headers={"Accept-Language": "de"})
    assert added.status_code == 302
    revision = db.session.scalars(select(MeetingRevision).where(MeetingRevision.meeting_id == meeting.id)).one()
    assert revision.summary == "TOP 4 hinzugefügt: Bericht Ladesäulen"  # the German text is kept beside
    revision.created_at = DECEMBER
    db.session.commit()

    login(john)
    english = _revisions_section(client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert re.search(r'changed on <time datetime="2026-12-07T14:12:00Z">Dec 7, 2026, 3:12:00\sPM</time>: '
                     r"Item 4 added: Bericht Ladesäulen</li>", english), english
    assert "hinzugefügt" not in english and "07.12.2026" not in english

    login(anna)
    german = _revisions_section(client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert ('geändert am <time datetime="2026-12-07T14:12:00Z">07.12.2026, 15:12:00</time>: '
            "TOP 4 hinzugefügt: Bericht Ladesäulen</li>") in german
    # a visitor gets what the browser asks for
    client.post("/logout")
    visitor = client.get(f"/meetings/{meeting.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Item 4 added: Bericht Ladesäulen" in visitor


def test_the_followers_notice_and_mail_are_in_each_readers_language(app, client, login, readers, outbox):
    meeting, director, anna, john = readers
    login(director)
    client.post(f"/meetings/{meeting.id}/items", data={"item-title": "Bericht Ladesäulen"},
                headers={"Accept-Language": "de"})

    login(john)
    notices = client.get("/notifications").get_data(as_text=True)
    assert "Meeting changed: Fachbeirat Mobilität" in notices and "Item 4 added: Bericht Ladesäulen" in notices
    assert "hinzugefügt" not in notices
    login(anna)
    notices = client.get("/notifications").get_data(as_text=True)
    assert "Sitzung geändert: Fachbeirat Mobilität" in notices and "TOP 4 hinzugefügt: Bericht Ladesäulen" in notices

    [english] = _mails_to(app, outbox, john.email)
    assert english["Subject"] == "Meeting changed: Fachbeirat Mobilität"
    assert "Item 4 added: Bericht Ladesäulen" in english.get_body(("plain",)).get_content()
    [german] = _mails_to(app, outbox, anna.email)
    assert german["Subject"] == "Sitzung geändert: Fachbeirat Mobilität"
    assert "TOP 4 hinzugefügt: Bericht Ladesäulen" in german.get_body(("plain",)).get_content()
    assert _mails_to(app, outbox, director.email) == []  # not the one who made the change


def test_the_api_gives_the_changes_in_the_callers_language(client, api_token, readers):
    meeting, director, anna, john = readers
    headers = api_token(director)
    patched = client.patch(f"/api/v1/meetings/{meeting.id}", json={"starts_at": "2030-05-04T18:00:00+02:00",
                                                                   "ends_at": "2030-05-04T20:00:00+02:00"},
                           headers=headers)
    assert patched.status_code == 200, patched.get_json()
    [german] = patched.get_json()["revisions"]
    assert set(german) == {"summary", "created_at"}  # the field names the contract gives
    assert german["summary"].startswith("Beginn geändert von ") and "auf 04.05.2030, 18:00:00" in german["summary"]
    assert "; Ende geändert von " in german["summary"]

    [english] = client.get(f"/api/v1/meetings/{meeting.id}", headers=api_token(john)).get_json()["revisions"]
    assert english["created_at"] == german["created_at"]
    assert re.search(r"^Start changed from .+ to May 4, 2030, 6:00:00\sPM; End changed from .+ "
                     r"to May 4, 2030, 8:00:00\sPM$", english["summary"]), english["summary"]
    visitor = client.get(f"/api/v1/meetings/{meeting.id}", headers={"Accept-Language": "en"}).get_json()
    assert visitor["revisions"][0]["summary"] == english["summary"]
    assert client.get(f"/api/v1/meetings/{meeting.id}").get_json()["revisions"][0]["summary"] == german["summary"]


def test_every_kind_of_change_is_kept_as_what_to_say(app, make_user, make_meeting):
    meeting = make_meeting("Haushalt", items=("A", "B"))
    director = make_user(role="managing_director")
    with app.test_request_context(headers={"Accept-Language": "de"}):
        first, second = meeting.items
        agenda.update_item(meeting, first, director, title="A neu", duration_minutes=25)
        agenda.reorder_items(meeting, director, [second.id, first.id])
        agenda.remove_item(meeting, second, director)
        services.update_meeting(meeting, director, location="Haus der Wissenschaft")
        services.cancel_meeting(meeting, director)
        db.session.commit()
        revisions = list(reversed(meeting.revisions))
        assert [r.summary for r in revisions] == [
            "TOP 1 geändert (Titel, geplante Dauer): A neu",
            "Tagesordnung neu geordnet: „B“ ist jetzt TOP 1, „A neu“ ist jetzt TOP 2",
            "TOP 1 entfernt: B",
            "Ort geändert auf „Haus der Wissenschaft“",
            "Sitzung abgesagt"]
        assert [r.summary_in("de") for r in revisions] == [r.summary for r in revisions]
        assert [r.summary_in("en") for r in revisions] == [
            "Item 1 changed (Title, planned duration): A neu",
            "Agenda reordered: “B” is now item 1, “A neu” is now item 2",
            "Item 1 removed: B",
            "Location changed to “Haus der Wissenschaft”",
            "Meeting cancelled"]


def test_a_change_kept_before_shows_its_stored_text(client, login, make_user, make_meeting):
    meeting = make_meeting("Fachbeirat Mobilität")
    db.session.add(MeetingRevision(meeting_id=meeting.id, summary="TOP 4 hinzugefügt: Bericht Ladesäulen",
                                   created_at=DECEMBER))
    db.session.commit()
    english = make_user()
    english.language = "en"
    db.session.commit()
    login(english)
    page = _revisions_section(client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert re.search(r'changed on <time datetime="2026-12-07T14:12:00Z">Dec 7, 2026, 3:12:00\sPM</time>: '
                     r"TOP 4 hinzugefügt: Bericht Ladesäulen</li>", page), page
    [revision] = client.get(f"/api/v1/meetings/{meeting.id}").get_json()["revisions"]
    assert revision == {"summary": "TOP 4 hinzugefügt: Bericht Ladesäulen", "created_at": "2026-12-07T14:12:00Z"}
