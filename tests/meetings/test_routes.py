"""Meeting pages over HTTP: the permission table, agenda editing, revisions, live control, minutes."""
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.meetings.models import Meeting, MeetingFollow
from forum.meetings.times import local_to_utc
from tests.conftest import ACTORS, representatives

MANAGERS = {"managing_director", "admin"}
EDITORS = MANAGERS | {"moderator"}
READERS = {"council_member", "moderator", "managing_director", "chair", "admin"}
FORM = {"title": "Sitzung des Fachbeirats", "starts_at": "2030-05-04T18:00", "ends_at": "2030-05-04T20:00",
        "location": "Rathaus", "online_url": "", "description": ""}


def signed_in(rule):
    return lambda role: "login" if role == "anonymous" else rule(role)


@dataclass
class Case:
    request: Callable
    expect: Callable
    visibility: str = "public"
    status: str = "published"
    council_meeting: bool = True
    check: Callable | None = None  # check(meeting, allowed) on the stored state


CASES = {
    "view published, public council": Case(lambda c, m, k: c.get(f"/meetings/{m.id}"), lambda r: 200),
    "view forum meeting": Case(lambda c, m, k: c.get(f"/meetings/{m.id}"), lambda r: 200, council_meeting=False),
    "view published, private council": Case(lambda c, m, k: c.get(f"/meetings/{m.id}"),
                                            lambda r: 200 if r in READERS else 404, visibility="private"),
    "print private agenda": Case(lambda c, m, k: c.get(f"/meetings/{m.id}/print"),
                                 lambda r: 200 if r in READERS else 404, visibility="private"),
    "ics of private meeting": Case(lambda c, m, k: c.get(f"/meetings/{m.id}.ics"),
                                   lambda r: 200 if r in READERS else 404, visibility="private"),
    "private council calendar": Case(lambda c, m, k: c.get(f"/councils/{k.slug}/calendar.ics"),
                                     lambda r: 200 if r in READERS else 404, visibility="private"),
    "view council draft": Case(lambda c, m, k: c.get(f"/meetings/{m.id}"),
                               lambda r: 200 if r in EDITORS else 404, status="draft"),
    "create forum meeting": Case(
        lambda c, m, k: c.post("/meetings/new", data={**FORM, "council": ""}),
        signed_in(lambda r: 302 if r in MANAGERS else 403)),
    "create council draft": Case(
        lambda c, m, k: c.post("/meetings/new", data={**FORM, "council": k.slug}),
        signed_in(lambda r: 302 if r in EDITORS else 403)),
    "create draft for private council": Case(
        lambda c, m, k: c.post("/meetings/new", data={**FORM, "council": k.slug}),
        signed_in(lambda r: 302 if r in EDITORS else (403 if r in READERS else 404)), visibility="private"),
    "edit council draft": Case(lambda c, m, k: c.get(f"/meetings/{m.id}/edit"),
                               signed_in(lambda r: 200 if r in EDITORS else 404), status="draft"),
    "edit published meeting": Case(lambda c, m, k: c.get(f"/meetings/{m.id}/edit"),
                                   signed_in(lambda r: 200 if r in MANAGERS else 403)),
    "add item to published meeting": Case(
        lambda c, m, k: c.post(f"/meetings/{m.id}/items", data={"item-title": "Neu"}),
        signed_in(lambda r: 302 if r in MANAGERS else 403),
        check=lambda m, ok: len(m.items) == (3 if ok else 2)),
    "publish council draft": Case(
        lambda c, m, k: c.post(f"/meetings/{m.id}/publish"),
        signed_in(lambda r: 302 if r in MANAGERS else (403 if r == "moderator" else 404)), status="draft",
        check=lambda m, ok: m.status == ("published" if ok else "draft")),
    "move current item": Case(
        lambda c, m, k: c.post(f"/meetings/{m.id}/current-item", data={"item_id": m.items[1].id}),
        signed_in(lambda r: 302 if r in MANAGERS else 403),
        check=lambda m, ok: m.status == ("live" if ok else "published")),
    "end meeting": Case(lambda c, m, k: c.post(f"/meetings/{m.id}/end"),
                        signed_in(lambda r: 302 if r in MANAGERS else 403),
                        check=lambda m, ok: m.status == ("ended" if ok else "published")),
    "cancel meeting": Case(lambda c, m, k: c.post(f"/meetings/{m.id}/cancel"),
                           signed_in(lambda r: 302 if r in MANAGERS else 403),
                           check=lambda m, ok: m.status == ("cancelled" if ok else "published")),
    "minutes page": Case(lambda c, m, k: c.get(f"/meetings/{m.id}/minutes"),
                         signed_in(lambda r: 200 if r in MANAGERS else 403)),
    "delete council draft": Case(lambda c, m, k: c.post(f"/meetings/{m.id}/delete"),
                                 signed_in(lambda r: 302 if r in EDITORS else 404), status="draft"),
    "follow meeting": Case(lambda c, m, k: c.post(f"/meetings/{m.id}/follow"), signed_in(lambda r: 302),
                           check=lambda m, ok: m.followers_count == (1 if ok else 0)),
}


# Over HTTP every distinct answer of each case (the first and the last actor of each); the whole
# table is asked of the predicates in tests/meetings/test_permissions.py.
HTTP_CASES = [(case, role) for case, spec in CASES.items() for role in representatives(spec.expect, list(ACTORS))]


@pytest.mark.parametrize("case, role", HTTP_CASES)
def test_permission_table(case, role, client, login, make_actor, make_council, make_meeting):
    spec = CASES[case]
    council = make_council(visibility=spec.visibility)
    user = make_actor(role, council)
    meeting = make_meeting("Tagung XY", council=council if spec.council_meeting else None, status=spec.status)
    if user is not None:
        login(user)
    response = spec.request(client, meeting, council)
    expected = spec.expect(role)
    if expected == "login":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:300]
        if expected == 404:
            assert "Tagung XY" not in response.get_data(as_text=True)
    if spec.check is not None:
        db.session.expire_all()
        stored = db.session.get(Meeting, meeting.id)
        assert spec.check(stored, expected in (200, 302)) in (None, True)


def test_create_takes_berlin_local_time(client, login, make_user, make_council):
    login(make_user(role="managing_director"))
    response = client.post("/meetings/new", data={**FORM, "council": ""})
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == FORM["title"]))
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}/edit")
    assert meeting.starts_at == local_to_utc(datetime(2030, 5, 4, 18, 0)) == datetime(2030, 5, 4, 16, 0)
    assert meeting.status == "draft" and meeting.council_id is None
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="2030-05-04T18:00"' in page


def test_create_form_shows_what_is_wrong(client, login, make_user):
    login(make_user(role="managing_director"))
    response = client.post("/meetings/new", data={**FORM, "council": "", "ends_at": "2030-05-04T17:00",
                                                  "location": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bitte prüfe deine Eingaben" in page and "Das Ende muss nach dem Beginn liegen" in page


def test_moderator_builds_agenda_then_director_publishes(app, client, login, make_user, make_council, outbox):
    moderator, member, director = make_user(), make_user(), make_user(role="managing_director")
    council = make_council(moderators=[moderator], members=[member])
    login(moderator)
    client.post("/meetings/new", data={**FORM, "council": council.slug})
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == FORM["title"]))
    for title in ("Begrüßung", "Handy-Parken", "Verschiedenes"):
        assert client.post(f"/meetings/{meeting.id}/items",
                           data={"item-title": title, "item-duration_minutes": "20"}).status_code == 302
    items = db.session.scalars(select(Meeting).where(Meeting.id == meeting.id)).one().items
    client.post(f"/meetings/{meeting.id}/items/{items[2].id}/move", data={"position": "1"})
    client.post(f"/meetings/{meeting.id}/items/{items[0].id}/delete")
    db.session.expire_all()
    assert [i.title for i in db.session.get(Meeting, meeting.id).items] == ["Verschiedenes", "Handy-Parken"]
    assert client.post(f"/meetings/{meeting.id}/publish").status_code == 403
    login(director)
    client.post(f"/meetings/{meeting.id}/publish")
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "published"
    assert any(member.email in mail and FORM["title"] in mail for mail in outbox())
    login(moderator)  # a published meeting is the director's now
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403


def test_revisions_are_visible_on_the_page(client, login, make_user, make_meeting):
    meeting = make_meeting(items=("Begrüßung", "Bericht"))
    login(make_user(role="managing_director"))
    client.post(f"/meetings/{meeting.id}/items", data={"item-title": "Kooperation mit Wolfsburg"})
    client.post(f"/meetings/{meeting.id}/edit", data={**FORM, "title": meeting.title})
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Änderungen seit der Veröffentlichung" in page
    assert "TOP 3 hinzugefügt: Kooperation mit Wolfsburg" in page
    assert "Beginn geändert von" in page and "04.05.2030, 18:00" in page


def test_agenda_markup_for_live_updates(client, login, make_user, make_meeting):
    meeting = make_meeting(items=("Begrüßung", "Braunschweig-App"))
    login(make_user(role="managing_director"))
    second = meeting.items[1]
    client.post(f"/meetings/{meeting.id}/current-item", data={"item_id": second.id})
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'data-live-agenda="{meeting.id}"' in page
    assert f'id="agenda-item-{meeting.items[0].id}"' in page
    current = page.split(f'id="agenda-item-{second.id}"')[1].split(">")[0]
    assert 'aria-current="step"' in current and 'data-planned-minutes="15"' in current
    assert page.count('aria-current="step"') == 1
    assert "data-agenda-timer" in page and 'data-started-at="20' in page and "Aufgerufen um" in page
    assert "TOP 2: Braunschweig-App" in page and re.search(r"js/meetings\.[0-9a-f]{12}\.js", page)


def test_moving_the_current_item_announces_it(client, login, make_user, make_meeting, monkeypatch):
    sent = []
    monkeypatch.setattr("forum.meetings.live.emit_to_room", lambda room, event, payload: sent.append((room, event, payload)))
    meeting = make_meeting()
    login(make_user(role="managing_director"))
    client.post(f"/meetings/{meeting.id}/next")
    client.post(f"/meetings/{meeting.id}/next")
    client.post(f"/meetings/{meeting.id}/end")
    ids = [i.id for i in meeting.items]
    assert sent == [(f"meeting:{meeting.id}", "agenda", {"meeting_id": meeting.id, "current_item_id": ids[0], "status": "live"}),
                    (f"meeting:{meeting.id}", "agenda", {"meeting_id": meeting.id, "current_item_id": ids[1], "status": "live"}),
                    (f"meeting:{meeting.id}", "agenda", {"meeting_id": meeting.id, "current_item_id": None, "status": "ended"})]


def test_at_the_last_item_the_runner_is_offered_no_next_item(client, login, make_user, make_meeting):
    """Found by review: "Nächster TOP" stood beside the last item and only answered "Das war der letzte TOP."."""
    meeting = make_meeting(items=("Begrüßung", "Verschiedenes"))
    login(make_user(role="managing_director"))
    client.post(f"/meetings/{meeting.id}/next")
    assert "Nächster TOP" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    client.post(f"/meetings/{meeting.id}/next")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Nächster TOP" not in page and "Sitzung beenden" in page


def test_linked_private_proposal_never_shown_to_outsiders(client, login, make_user, make_council, make_meeting,
                                                          make_proposal):
    insider = make_user()
    private = make_council(visibility="private", members=[insider])
    secret = make_proposal("Geheimer Vorschlag", council=private)
    public = make_proposal("Offener Vorschlag")
    meeting = make_meeting(proposals=[secret, public])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Offener Vorschlag" in page and "Geheimer Vorschlag" not in page
    assert "Geheimer Vorschlag" not in client.get(f"/meetings/{meeting.id}/print").get_data(as_text=True)
    login(insider)
    assert "Geheimer Vorschlag" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_private_meetings_leak_nowhere(client, login, make_user, make_council, make_meeting):
    private = make_council("Geheimrat", visibility="private")
    make_meeting("Geheime Sitzung", council=private)
    make_meeting("Offene Sitzung")
    for path in ("/meetings", "/", "/calendar.ics", f"/meetings?council={private.slug}"):
        body = client.get(path).get_data(as_text=True)
        assert "Geheime Sitzung" not in body and "Geheimrat" not in body
    assert client.get(f"/meetings?council={private.slug}").status_code == 404
    assert "Offene Sitzung" in client.get("/").get_data(as_text=True)


def test_start_page_lists_next_five(client, make_meeting):
    for days in (9, 1, 2, 3, 4, 5, 6):
        make_meeting(f"In {days} Tagen", days=days)
    make_meeting("Vorbei", days=-3)
    make_meeting("Entwurf", status="draft", days=1)
    page = client.get("/").get_data(as_text=True)
    shown = [f"In {d} Tagen" for d in (1, 2, 3, 4, 5)]
    assert all(title in page for title in shown)
    assert [page.index(t) for t in shown] == sorted(page.index(t) for t in shown)
    assert "In 6 Tagen" not in page and "Vorbei" not in page and "Entwurf" not in page


def test_meetings_list_sections(client, login, make_user, make_council, make_meeting):
    moderator = make_user()
    council = make_council(moderators=[moderator])
    make_meeting("Kommend"), make_meeting("Vergangen", days=-10), make_meeting("Mein Entwurf", council=council,
                                                                               status="draft")
    page = client.get("/meetings").get_data(as_text=True)
    assert page.index("Kommend") < page.index("Vergangen") and "Mein Entwurf" not in page
    login(moderator)
    page = client.get("/meetings").get_data(as_text=True)
    assert "Entwürfe" in page and "Mein Entwurf" in page and "Neue Sitzung anlegen" in page


def test_minutes_flow(client, login, make_user, make_meeting, make_proposal):
    proposal = make_proposal("Handy-Parken ausbauen")
    meeting = make_meeting(proposals=[proposal])
    first = meeting.items[0]
    login(make_user(role="managing_director"))
    response = client.post(f"/meetings/{meeting.id}/minutes", data={
        "minutes": "## Verlauf\n\nGute Sitzung.", "attendance_count": "64",
        "organisations": "TU Braunschweig\nStadtwerke Braunschweig\n", f"outcome_{first.id}": "**Angenommen**"})
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Protokoll" in page and "Gute Sitzung." in page and "64" in page
    assert "<li>TU Braunschweig</li>" in page and "<strong>Angenommen</strong>" in page
    assert "Beendet" in page and f'href="/proposals/{proposal.id}"' in page
    assert "Protokoll veröffentlicht" in page


def test_minutes_need_text(client, login, make_user, make_meeting):
    meeting = make_meeting()
    login(make_user(role="managing_director"))
    response = client.post(f"/meetings/{meeting.id}/minutes", data={"minutes": "", "attendance_count": "-3"})
    assert response.status_code == 422 and "Bitte prüfe deine Eingaben" in response.get_data(as_text=True)


def test_user_markdown_is_cleaned(client, login, make_user, make_meeting):
    meeting = make_meeting()
    login(make_user(role="managing_director"))
    client.post(f"/meetings/{meeting.id}/items", data={"item-title": "<script>alert(1)</script>",
                                                       "item-description": "<img src=x onerror=alert(1)> *ok*"})
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img" not in page and "<em>ok</em>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_follow_and_unfollow(client, login, make_user, make_meeting):
    user = make_user()
    meeting = make_meeting()
    login(user)
    client.post(f"/meetings/{meeting.id}/follow")
    assert "Nicht mehr folgen" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    client.post(f"/meetings/{meeting.id}/unfollow")
    assert db.session.scalar(select(MeetingFollow).where(MeetingFollow.user_id == user.id)) is None


def test_writes_need_csrf(csrf_app, client, login, make_user, make_meeting):
    meeting = make_meeting(status="draft")
    director = make_user(role="managing_director")
    client.post("/login", data={"email": director.email, "password": "richtig-geheim"})
    response = client.post(f"/meetings/{meeting.id}/publish")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "draft"


def test_print_and_pages_render(client, make_meeting):
    meeting = make_meeting("Konstituierende Sitzung")
    page = client.get(f"/meetings/{meeting.id}/print").get_data(as_text=True)
    assert '<th scope="col">' in page and "Begrüßung" in page and "15 Min." in page


def test_edit_page_ids_are_unique(client, login, make_user, make_meeting):
    import re

    meeting = make_meeting()
    login(make_user(role="managing_director"))
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) and 'for="item-title"' in page


def test_discussed_partial_for_proposal_pages(app, client, make_user, make_council, make_meeting, make_proposal):
    """The proposal page includes meetings/_discussed.html; only meetings the viewer may see are listed."""
    from flask import render_template

    proposal = make_proposal("Handy-Parken ausbauen")
    make_meeting("Offene Sitzung", proposals=[proposal])
    make_meeting("Geheime Sitzung", council=make_council(visibility="private"), proposals=[proposal])
    make_meeting("Entwurfssitzung", status="draft", proposals=[proposal])
    with app.test_request_context("/proposals/1"):
        html = render_template("meetings/_discussed.html", proposal=proposal)
    assert "In Sitzungen besprochen" in html and "Offene Sitzung, TOP 1" in html
    assert "Geheime Sitzung" not in html and "Entwurfssitzung" not in html
