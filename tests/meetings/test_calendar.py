"""iCalendar feeds, parsed back with the icalendar library: time zone, UID, SEQUENCE, STATUS, visibility."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from forum.extensions import db
from forum.meetings import agenda, services
from forum.meetings.models import Meeting
from forum.meetings.times import local_to_utc

BERLIN = ZoneInfo("Europe/Berlin")


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.data)


def events(response) -> dict[str, object]:
    return {str(e["SUMMARY"]): e for e in parse(response).walk("VEVENT")}


def test_single_meeting_in_berlin_time(client, make_meeting):
    meeting = make_meeting("Sommersitzung")
    meeting.starts_at = local_to_utc(datetime(2030, 7, 3, 18, 0))
    meeting.ends_at = local_to_utc(datetime(2030, 7, 3, 20, 30))
    db.session.commit()
    calendar = parse(client.get(f"/meetings/{meeting.id}.ics"))
    assert calendar.get_missing_tzids() == set()
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == datetime(2030, 7, 3, 18, 0, tzinfo=BERLIN)
    assert event.decoded("DTEND") == datetime(2030, 7, 3, 20, 30, tzinfo=BERLIN)
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert str(event["UID"]) == f"meeting-{meeting.id}@smart-city-forum"
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["LOCATION"]) == "Rathaus Braunschweig"
    assert "TOP 1: Begrüßung (15 Min.)" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/meetings/{meeting.id}")
    assert "LAST-MODIFIED" in event and "DTSTAMP" in event


def test_winter_offset(client, make_meeting):
    meeting = make_meeting()
    meeting.starts_at = local_to_utc(datetime(2030, 1, 10, 18, 0))
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    db.session.commit()
    [event] = parse(client.get(f"/meetings/{meeting.id}.ics")).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2030, 1, 10, 18, 0, tzinfo=BERLIN)
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=1)


def test_revisions_raise_sequence_and_cancel_shows(app, client, make_user, make_meeting):
    director = make_user(role="managing_director")
    meeting = make_meeting()
    first = parse(client.get(f"/meetings/{meeting.id}.ics")).walk("VEVENT")[0]
    with app.test_request_context():
        meeting = db.session.get(Meeting, meeting.id)
        agenda.add_item(meeting, director, title="Kooperation mit Wolfsburg")
        services.update_meeting(meeting, director, location="Haus der Wissenschaft")
        db.session.commit()
    second = parse(client.get(f"/meetings/{meeting.id}.ics")).walk("VEVENT")[0]
    assert str(second["UID"]) == str(first["UID"])
    assert second.decoded("SEQUENCE") == first.decoded("SEQUENCE") + 2
    assert second.decoded("LAST-MODIFIED") >= first.decoded("LAST-MODIFIED")
    assert str(second["LOCATION"]) == "Haus der Wissenschaft"
    assert "Kooperation mit Wolfsburg" in str(second["DESCRIPTION"])
    with app.test_request_context():
        services.cancel_meeting(db.session.get(Meeting, meeting.id), director)
        db.session.commit()
    third = parse(client.get("/calendar.ics")).walk("VEVENT")[0]
    assert str(third["STATUS"]) == "CANCELLED" and third.decoded("SEQUENCE") == second.decoded("SEQUENCE") + 1


def test_calendar_shows_only_what_the_caller_may_see(client, login, make_user, make_council, make_meeting):
    member = make_user()
    private, public = make_council(visibility="private", members=[member]), make_council()
    make_meeting("Forum"), make_meeting("Öffentlicher Beirat", council=public)
    make_meeting("Board", council=private), make_meeting("Entwurf", status="draft")
    assert set(events(client.get("/calendar.ics"))) == {"Forum", "Öffentlicher Beirat"}
    login(make_user())
    assert set(events(client.get("/calendar.ics"))) == {"Forum", "Öffentlicher Beirat"}
    login(member)
    assert set(events(client.get("/calendar.ics"))) == {"Forum", "Öffentlicher Beirat", "Board"}
    board = events(client.get("/calendar.ics"))["Board"]
    assert str(board["CLASS"]) == "PRIVATE"


def test_council_calendar(client, login, make_user, make_council, make_meeting):
    member = make_user()
    private, public = make_council(visibility="private", members=[member]), make_council()
    make_meeting("Forum"), make_meeting("Beirat", council=public), make_meeting("Board", council=private)
    assert set(events(client.get(f"/councils/{public.slug}/calendar.ics"))) == {"Beirat"}
    missing = client.get(f"/councils/{private.slug}/calendar.ics")
    assert missing.status_code == 404 and b"Board" not in missing.data and private.name.encode() not in missing.data
    assert client.get("/councils/gibt-es-nicht/calendar.ics").status_code == 404
    login(member)
    assert set(events(client.get(f"/councils/{private.slug}/calendar.ics"))) == {"Board"}


def test_private_meeting_ics_is_404_for_outsiders(client, login, make_user, make_council, make_meeting):
    private = make_council(visibility="private")
    meeting = make_meeting("Board", council=private)
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 404
    login(make_user())
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 404 and b"Board" not in response.data


def test_empty_calendar_is_valid(client):
    calendar = parse(client.get("/calendar.ics"))
    assert calendar.walk("VEVENT") == [] and str(calendar["VERSION"]) == "2.0"
