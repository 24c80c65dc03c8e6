"""Dates at the edge of the calendar (year 1, year 9999) are a typo, and they overflow the time-zone
arithmetic and the iCalendar files: every form and API that takes a date refuses them with a clear
error at the field, never a 500 (found in a browser review: a meeting at 9999-12-31 broke /calendar.ics)."""
from __future__ import annotations

import pytest

from forum.extensions import db
from forum.meetings.models import Meeting
from tests.conftest import sign_in

EDGES = ("0001-01-01T00:30", "9999-12-31T22:00")


@pytest.mark.parametrize("starts", EDGES)
def test_the_meeting_form_refuses_an_edge_date_at_its_field(client, make_user, starts):
    sign_in(client, make_user(role="managing_director"))
    answer = client.post("/meetings/new", data={"title": "Randdatum", "council": "", "starts_at": starts,
                                                "ends_at": starts[:11] + "23:59", "location": "", "online_url": "",
                                                "description": ""})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422, answer.status_code
    assert "Bitte ein Datum zwischen 1901 und 2199 angeben." in page and 'aria-invalid="true"' in page
    assert db.session.query(Meeting).count() == 0
    assert client.get("/calendar.ics").status_code == 200


def test_the_voting_end_refuses_an_edge_date(client, make_user, make_proposal):
    sign_in(client, make_user(role="managing_director"))
    proposal = make_proposal()
    answer = client.post(f"/proposals/{proposal.id}/status", data={"status": "voting",
                                                                   "voting_ends_at": "0001-01-01T00:30"})
    assert answer.status_code == 422 and "Bitte ein Datum zwischen" in answer.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status == "published"


@pytest.mark.parametrize("method, url, body", [
    ("patch", "/api/v1/proposals/{proposal}", {"status": "voting", "voting_ends_at": "0001-01-01T00:30:00+01:00"}),
    ("post", "/api/v1/meetings", {"title": "Randdatum", "starts_at": "9999-12-31T23:00:00-01:00",
                                  "ends_at": "9999-12-31T23:30:00-01:00"}),
    ("post", "/api/v1/users/{member}/suspension", {"reason": "x", "until": "0001-01-01T00:00:00+01:00"}),
])
def test_the_api_answers_an_edge_date_with_a_4xx(client, api_token, make_user, make_proposal, method, url, body):
    member, proposal = make_user(), make_proposal()
    answer = getattr(client, method)(url.format(proposal=proposal.id, member=member.id), json=body,
                                     headers=api_token(make_user(role="managing_director")))
    assert answer.status_code in (400, 422), (answer.status_code, answer.get_json())
    assert set(answer.get_json()["error"]) >= {"code", "message"}


def test_oparl_filters_answer_an_edge_date_with_a_400(client):
    answer = client.get("/oparl/v1/body/forum/paper?modified_since=0001-01-01T00:00:00%2B01:00")
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_filter"
