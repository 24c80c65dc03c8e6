"""The forum as an OParl 1.1 source (issue 16, item 4): every object reachable from the System
validates against the official schemas, its id resolves to itself, and lists page with links.next."""
from __future__ import annotations

import copy

import pytest
from jsonschema import ValidationError

from tests.oparl.conftest import BASE, SYSTEM, fetch, path_of
from tests.oparl.oparl_schema import type_of, validate


def crawl(client, limit: int | None = None) -> tuple[list[dict], list[dict]]:
    """Walk from the System through every list (following links.next) and every object's id.
    Returns (objects, list pages)."""
    objects, pages, todo, seen = [], [], [SYSTEM], set()

    def follow_list(url):
        if limit and "?" not in url:
            url += f"?limit={limit}"
        while url:
            page = fetch(client, url)
            pages.append(page)
            assert set(page) == {"data", "pagination", "links"}
            for obj in page["data"]:
                objects.append(obj)
                todo.append(obj["id"])
            url = page["links"].get("next")

    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        obj = fetch(client, url)
        objects.append(obj)
        kind = type_of(obj)
        if kind == "System":
            follow_list(obj["body"])
        elif kind == "Body":
            for key in ("organization", "person", "meeting", "paper", "legislativeTermList"):
                follow_list(obj[key])
        elif kind == "Organization":
            follow_list(obj["meeting"])
            todo.extend(obj.get("membership", []))
        elif kind in ("Meeting", "Person"):
            todo.extend(item["id"] for item in obj.get("agendaItem", []) + obj.get("membership", []))
            todo.extend([obj["location"]["id"]] if "location" in obj else [])
        for inner in validate(obj)[1:]:  # embedded files and consultations alone too, and what they name
            if type_of(inner) in ("File", "Consultation"):
                todo.append(inner["id"])
            if type_of(inner) == "AgendaItem" and "consultation" in inner:
                todo.append(inner["consultation"])
    return objects, pages


def test_every_object_validates_against_the_official_schema(client, oparl_world):
    objects, _pages = crawl(client)
    checked = [inner for obj in objects for inner in validate(obj)]
    kinds = {type_of(obj) for obj in checked}
    assert kinds >= {"System", "Body", "LegislativeTerm", "Organization", "Membership", "Person", "Meeting",
                     "AgendaItem", "Paper", "Location", "File", "Consultation"}, kinds


def test_every_id_is_absolute_and_resolves_to_itself(client, oparl_world):
    objects, _pages = crawl(client)
    for obj in [inner for top in objects for inner in validate(top)]:  # embedded objects too
        assert obj["id"].startswith(BASE + "/oparl/v1/")
        alone = fetch(client, obj["id"])
        assert alone["id"] == obj["id"] and alone["type"] == obj["type"]
        # a listed or embedded object is the same object fetched alone, less its back reference
        backrefs = ("meeting", "meetings", "person", "body", "agendaItem", "paper")
        assert {k: v for k, v in alone.items() if k not in backrefs} == \
            {k: v for k, v in obj.items() if k not in backrefs}


def test_system_and_body_name_the_forum_and_the_1_1_version(client, oparl_world):
    system = fetch(client, SYSTEM)
    assert system["type"] == "https://schema.oparl.org/1.1/System"
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    [body] = fetch(client, system["body"])["data"]
    assert body["name"] == "Smart-City-Forum" and body["system"] == SYSTEM
    assert [t["type"] for t in body["legislativeTerm"]] == ["https://schema.oparl.org/1.1/LegislativeTerm"]


def test_lists_page_with_links_next_until_the_last_page(client, oparl_world):
    body = fetch(client, BASE + "/oparl/v1/body/forum")
    first = fetch(client, body["paper"] + "?limit=1")
    total = first["pagination"]["totalElements"]
    assert total == 2 and first["pagination"]["totalPages"] == 2  # the hidden one only with modified_since
    names, url = [], body["paper"] + "?limit=1"
    while url:
        page = fetch(client, url)
        assert page["pagination"]["elementsPerPage"] == 1
        names += [p["name"] for p in page["data"]]
        url = page["links"].get("next")
        if url:
            assert "limit=1" in url
    assert names == ["Handy-Parken", "Radwege am Ring"]
    assert "next" not in page["links"] and page["links"]["last"] == page["links"]["self"]


def test_meetings_embed_their_agenda_items_in_order(client, oparl_world):
    meeting = fetch(client, BASE + f"/oparl/v1/meeting/{oparl_world.meeting.id}")
    assert [(i["number"], i["order"], i["name"]) for i in meeting["agendaItem"]] == [
        ("1", 1, "Begrüßung"), ("2", 2, "Parken"), ("3", 3, "Verschiedenes")]
    assert meeting["organization"] == [BASE + f"/oparl/v1/organization/{oparl_world.council.id}"]
    assert "meeting" not in meeting["agendaItem"][0]  # embedded: no back reference
    assert meeting["location"]["description"] == "Rathaus Braunschweig"
    assert fetch(client, meeting["location"]["id"])["meetings"] == [meeting["id"]]
    item = fetch(client, meeting["agendaItem"][1]["id"])
    assert item["meeting"] == meeting["id"]
    cancelled = fetch(client, BASE + f"/oparl/v1/meeting/{oparl_world.cancelled.id}")
    assert cancelled["cancelled"] is True
    fetch(client, BASE + f"/oparl/v1/meeting/{oparl_world.draft_meeting.id}", 404)


def test_a_papers_consultations_are_the_public_agenda_items_that_treat_it(client, oparl_world):
    w = oparl_world
    oparl = BASE + "/oparl/v1"
    parking, other = w.meeting.items[1], w.meeting.items[2]
    paper = fetch(client, f"{oparl}/paper/{w.proposal.id}")
    assert [(c["agendaItem"], c["meeting"], c["organization"], c["role"]) for c in paper["consultation"]] == [
        (f"{oparl}/agendaitem/{item.id}", f"{oparl}/meeting/{w.meeting.id}", [f"{oparl}/organization/{w.council.id}"],
         "Beratung") for item in (parking, other)]  # not the private meeting's item
    assert all("paper" not in c for c in paper["consultation"])  # embedded: no back reference
    alone = fetch(client, paper["consultation"][0]["id"])
    assert alone["paper"] == paper["id"] and alone["web"] == BASE + f"/meetings/{w.meeting.id}"
    # an agenda item names its consultation when it treats exactly one public proposal
    assert fetch(client, f"{oparl}/agendaitem/{parking.id}")["consultation"] == alone["id"]
    assert "consultation" not in fetch(client, f"{oparl}/agendaitem/{other.id}")
    embedded = fetch(client, f"{oparl}/meeting/{w.meeting.id}")["agendaItem"]
    assert [i.get("consultation") for i in embedded] == [None, alone["id"], None]
    forum_paper = fetch(client, f"{oparl}/paper/{w.forum_proposal.id}")
    assert [c["meeting"] for c in forum_paper["consultation"]] == [f"{oparl}/meeting/{w.meeting.id}",
                                                                   f"{oparl}/meeting/{w.forum_meeting.id}"]
    assert "organization" not in forum_paper["consultation"][1]  # the forum's own meeting: no council
    omitted = fetch(client, f"{oparl}/body/forum/paper?omit_internal=true")["data"]
    assert omitted and all("consultation" not in p for p in omitted)


def test_a_paper_is_modified_when_a_public_meeting_that_treats_it_changes(client, oparl_world):
    from datetime import timedelta

    from forum.database import utcnow
    from forum.extensions import db

    w = oparl_world
    changed = (utcnow() + timedelta(hours=1)).replace(microsecond=0)
    w.meeting.updated_at = changed  # as an agenda edit does (meetings.services.record_revision)
    w.private_meeting.updated_at = changed + timedelta(hours=1)  # treats w.proposal, but no visitor sees it
    db.session.commit()
    stamp = changed.isoformat() + "Z"
    assert fetch(client, BASE + f"/oparl/v1/paper/{w.proposal.id}")["modified"] == stamp
    since = fetch(client, BASE + f"/oparl/v1/body/forum/paper?modified_since={stamp}")["data"]
    assert sorted(p["name"] for p in since) == ["Handy-Parken", "Radwege am Ring"]  # not the hidden one's stub
    assert all(p["modified"] == stamp for p in since)


def test_a_consultation_no_visitor_may_see_is_404(client, oparl_world):
    w = oparl_world
    parking = w.meeting.items[1]
    for item, paper in ((parking, w.hidden), (parking, w.draft), (parking, w.private_proposal),
                        (w.private_meeting.items[0], w.proposal), (w.meeting.items[0], w.proposal)):
        answer = client.get(f"/oparl/v1/consultation/{item.id}/{paper.id}")
        assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found", (item, paper)
    assert "consultation" not in fetch(client, BASE + f"/oparl/v1/paper/{w.hidden.id}")


def test_a_hidden_proposal_is_a_deleted_paper_and_a_draft_none(client, oparl_world):
    stub = fetch(client, BASE + f"/oparl/v1/paper/{oparl_world.hidden.id}")
    assert stub["deleted"] is True and "name" not in stub
    validate(stub)
    listed = fetch(client, BASE + "/oparl/v1/body/forum/paper")["data"]
    assert oparl_world.hidden.id not in [int(p["id"].rsplit("/", 1)[1]) for p in listed]
    changes = fetch(client, BASE + "/oparl/v1/body/forum/paper?modified_since=2000-01-01T00:00:00%2B01:00")["data"]
    assert [p for p in changes if p.get("deleted")] == [stub]
    fetch(client, BASE + f"/oparl/v1/paper/{oparl_world.draft.id}", 404)


def test_filters_narrow_lists_and_omit_internal_drops_embedded_lists(client, oparl_world):
    meetings = BASE + "/oparl/v1/body/forum/meeting"
    assert fetch(client, meetings + "?created_since=2999-01-01T00:00:00Z")["data"] == []
    page = fetch(client, meetings + "?modified_until=2999-01-01T00:00:00Z&omit_internal=true&limit=1")
    assert page["data"] and all("agendaItem" not in m for m in page["data"])
    assert "modified_until=2999" in page["links"]["next"] and "omit_internal=true" in page["links"]["next"]


@pytest.mark.parametrize("query", ["page=zwei", "limit=x", "created_since=gestern"])
def test_bad_list_parameters_are_a_json_400(client, oparl_world, query):
    answer = client.get(f"/oparl/v1/body/forum/meeting?{query}")
    assert answer.status_code == 400 and answer.get_json()["error"]["code"]


def test_answers_are_open_to_every_origin_and_unknown_objects_a_json_404(client, oparl_world):
    assert client.get("/oparl/v1/system").headers["Access-Control-Allow-Origin"] == "*"
    answer = client.get("/oparl/v1/meeting/999999")
    assert answer.status_code == 404 and answer.get_json()["error"]["code"]
    assert client.get("/oparl/v1/legislativeterm/2").status_code == 404


def test_the_validator_refuses_what_the_schemas_refuse(client, oparl_world):
    """The schema check can fail: broken objects, embedded ones included, are refused."""
    meeting = fetch(client, BASE + f"/oparl/v1/meeting/{oparl_world.meeting.id}")
    for breakage in (lambda m: m.update(type="https://schema.oparl.org/1.0/Meeting"),
                     lambda m: m["agendaItem"][0].pop("order"),
                     lambda m: m.update(start="morgen früh"),
                     lambda m: m.update(organization=["/oparl/v1/organization/1"]),
                     lambda m: m["agendaItem"][0].update(public="ja")):
        broken = copy.deepcopy(meeting)
        breakage(broken)
        with pytest.raises(ValidationError):
            validate(broken)
    person = {"id": BASE + "/p/1", "type": "https://schema.oparl.org/1.1/Person",
              "membership": [{"id": BASE + "/m/1", "type": "https://schema.oparl.org/1.1/Membership",
                              "startDate": "2026-13-01"}]}
    with pytest.raises(ValidationError):
        validate(person)


def test_lists_cost_the_same_few_queries_however_long(client, app, oparl_world, make_meeting, make_proposal):
    from sqlalchemy import event

    from forum.extensions import db

    def statements_for(url):
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    lists = ["meeting", "paper", "organization", "person"]
    before = {name: statements_for(f"/oparl/v1/body/forum/{name}") for name in lists}
    for n in range(8):
        make_meeting(f"Weitere Sitzung {n}", council=oparl_world.council, items=("A", "B"))
        make_proposal(f"Weiterer Vorschlag {n}", council=oparl_world.council)
    after = {name: statements_for(f"/oparl/v1/body/forum/{name}") for name in lists}
    # meetings: + consultations; papers: + consultations and public authors
    assert after == before and max(after.values()) <= 8, (before, after)


def test_documents_are_files_with_an_access_url_that_serves_them(client, oparl_world):
    w = oparl_world
    meeting = fetch(client, BASE + f"/oparl/v1/meeting/{w.meeting.id}")
    assert [f["name"] for f in meeting["auxiliaryFile"]] == ["Einladung.pdf"]
    assert [[f["name"] for f in i.get("auxiliaryFile", [])] for i in meeting["agendaItem"]] == [
        [], ["Parkkonzept.pdf"], []]
    paper = fetch(client, BASE + f"/oparl/v1/paper/{w.proposal.id}")
    [sketch] = paper["auxiliaryFile"]
    assert sketch["mimeType"] == "application/pdf" and sketch["accessUrl"] == BASE + f"/files/{w.files['Skizze.pdf'].id}"
    served = client.get(path_of(sketch["accessUrl"]))  # anonymously, as an OParl client fetches it
    assert served.status_code == 200 and served.data.startswith(b"%PDF")
    alone = fetch(client, sketch["id"])
    assert alone["paper"] == [paper["id"]] and validate(alone)
    item_file = fetch(client, meeting["agendaItem"][1]["auxiliaryFile"][0]["id"])
    assert item_file["meeting"] == [meeting["id"]] and item_file["agendaItem"] == [meeting["agendaItem"][1]["id"]]
