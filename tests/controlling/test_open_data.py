"""Open data: documented CSV and JSON downloads with a licence — and never personal or private data."""
import csv
import io
import re

import pytest

from forum.controlling import cooperation, projects, scoring
from forum.controlling.open_data import DATASETS, LICENCE
from forum.controlling.scoring_models import Evaluator
from forum.extensions import db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def forum_with_secrets(app, make_user, make_council, make_proposal, make_project, make_meeting, catalogue):
    """Public content next to personal data and private content that must never be exported."""
    author = make_user(name="Erika Mustermann-Geheim", email="erika.geheim@example.org")
    judge = make_user(name="Bewerter Heimlich", email="bewerter.heimlich@example.org")
    db.session.add(Evaluator(user_id=judge.id))
    requester = make_user(stakeholder="business", name="Anfrage Person", email="anfrage.person@example.org",
                          organisation="Geheim-Firma GmbH")
    public_council = make_council("Fachbeirat Offene Daten", members=[author])
    private_council = make_council("Verschlusssache-Beirat", slug="verschlusssache", visibility="private",
                                   members=[author])
    public_proposal = make_proposal("Offene Parkdaten", author=author, council=public_council, status="accepted",
                                    body="Mein Name ist Erika Mustermann-Geheim.")
    secret_proposal = make_proposal("Geheimvorschlag-XYZ", author=author, council=private_council, status="accepted")
    make_proposal("Entwurf-XYZ", author=author, status="draft")
    make_proposal("Zurueckgezogen-XYZ", author=author, status="withdrawn")
    public = make_project("Open-Data-Plattform", councils=[public_council, private_council],
                          proposals=[public_proposal, secret_proposal])
    make_project("Interne-Strategie-XYZ", visibility="internal")
    meeting = make_meeting("Sitzung Offene Daten", council=public_council, proposals=[public_proposal, secret_proposal])
    meeting.items[0].presenter = "Erika Mustermann-Geheim"
    meeting.minutes = "Bewerter Heimlich berichtet."
    make_meeting("Geheimsitzung-XYZ", council=private_council)
    cat = catalogue()
    scoring.submit_evaluation(judge, public, {c.id: (4, "Begruendung-Geheim-XYZ") for c in cat.criteria})
    projects.add_partner(make_user(role="chair"), public, "Technische Universität Braunschweig", "research")
    db.session.commit()
    with app.test_request_context("/"):
        cooperation.submit_request(requester, "open_data", "Geheim-Firma GmbH", "Kooperations-Geheimnis-XYZ bitte")
    db.session.commit()
    forbidden = ["Erika", "Mustermann", "Heimlich", "Anfrage Person", "Geheim-Firma", "Geheimvorschlag-XYZ",
                 "Verschlusssache", "verschlusssache", "Entwurf-XYZ", "Zurueckgezogen-XYZ", "Interne-Strategie-XYZ",
                 "Begruendung-Geheim-XYZ", "Kooperations-Geheimnis", "Geheimsitzung-XYZ", "richtig-geheim", "pbkdf2"]
    return {"forbidden": forbidden, "public_project": public, "secret_proposal": secret_proposal,
            "public_proposal": public_proposal, "public_council": public_council}


def _downloads(client):
    for name in DATASETS:
        for ext in ("csv", "json"):
            response = client.get(f"/open-data/{name}.{ext}")
            assert response.status_code == 200, (name, ext)
            yield name, ext, response


def test_exports_contain_no_personal_or_private_data(client, forum_with_secrets):
    scanned = 0
    for name, ext, response in _downloads(client):
        text = response.get_data(as_text=True)
        leaks = [word for word in forum_with_secrets["forbidden"] if word in text]
        assert leaks == [], f"{name}.{ext} leaks {leaks}"
        assert EMAIL.findall(text) == [], f"{name}.{ext} contains e-mail addresses"
        scanned += 1
    assert scanned == 2 * len(DATASETS)


def test_exports_still_contain_the_public_content(client, forum_with_secrets):
    project = forum_with_secrets["public_project"]
    data = client.get("/open-data/projects.json").get_json()
    assert data["licence"]["id"] == "dl-de/by-2-0" and data["licence"] == LICENCE
    assert [f["name"] for f in data["fields"]] == DATASETS["projects"].field_names
    (item,) = data["items"]
    assert item["title"] == "Open-Data-Plattform" and item["id"] == project.id
    assert item["proposal_ids"] == [forum_with_secrets["public_proposal"].id]  # not the private council's one
    assert item["councils"] == [forum_with_secrets["public_council"].slug]
    assert item["score"] == pytest.approx(67.5) and item["score_evaluations"] == 1 and item["criteria_version"] == 1
    assert item["partners"] == ["Technische Universität Braunschweig (research)"]
    proposals = client.get("/open-data/proposals.json").get_json()["items"]
    assert [p["title"] for p in proposals] == ["Offene Parkdaten"]
    councils = client.get("/open-data/councils.json").get_json()["items"]
    assert [c["name"] for c in councils] == ["Fachbeirat Offene Daten"]
    assert len(client.get("/open-data/criteria.json").get_json()["items"]) == 6
    (meeting,) = client.get("/open-data/meetings.json").get_json()["items"]
    assert meeting["title"] == "Sitzung Offene Daten"
    assert meeting["proposal_ids"] == [forum_with_secrets["public_proposal"].id]


def test_csv_has_documented_header_and_licence_link(client, forum_with_secrets):
    response = client.get("/open-data/projects.csv")
    assert response.mimetype == "text/csv"
    assert "dl-de/by-2-0" in response.headers["Link"] and 'rel="license"' in response.headers["Link"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == DATASETS["projects"].field_names
    assert rows[0]["title"] == "Open-Data-Plattform"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, make_proposal):
    make_proposal("=HYPERLINK(\"http://example.org\")")
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/proposals.csv").get_data(as_text=True))))
    assert rows[0]["title"].startswith("'=")


def test_index_lists_every_dataset_with_formats_and_licence(client):
    page = client.get("/open-data").get_data(as_text=True)
    assert LICENCE["name"] in page and "dl-de/by-2-0" in page and 'rel="license"' in page
    for name in DATASETS:
        assert f'href="/open-data/{name}.csv"' in page and f'href="/open-data/{name}.json"' in page
    assert client.get("/open-data/users.json").status_code == 404


def test_meetings_export_has_published_public_meetings_only(client, make_council, make_meeting, make_proposal):
    public, secret = make_council("Fachbeirat Mobilität"), make_council("Verschlusssache", visibility="private")
    visible = make_proposal("Radwege", council=public)
    hidden = make_proposal("Geheimvorschlag-XYZ", council=secret)
    make_meeting("Sitzung Mobilität", council=public, items=("Begrüßung", "Radwege"), proposals=[visible, hidden])
    make_meeting("Forumssitzung", items=("Bericht",))
    make_meeting("Geheimsitzung-XYZ", council=secret)
    make_meeting("Entwurfssitzung-XYZ", council=public, status="draft")
    data = client.get("/open-data/meetings.json").get_json()
    assert [m["title"] for m in data["items"]] == ["Sitzung Mobilität", "Forumssitzung"]  # same start: by id
    first = next(m for m in data["items"] if m["title"] == "Sitzung Mobilität")
    assert first["council"] == public.slug and first["agenda"] == ["1. Begrüßung", "2. Radwege"]
    assert first["proposal_ids"] == [visible.id]
    assert next(m for m in data["items"] if m["title"] == "Forumssitzung")["council"] is None
    text = client.get("/open-data/meetings.csv").get_data(as_text=True)
    for word in ("Geheimsitzung-XYZ", "Entwurfssitzung-XYZ", "Verschlusssache", "Geheimvorschlag-XYZ"):
        assert word not in text and word not in str(data)


@pytest.fixture
def voted(make_user, make_council, make_proposal):
    """Votes by several groups on a public proposal, one with hidden counts, one in a private council."""
    from forum.proposals.voting import cast_vote

    council, secret = make_council(), make_council(visibility="private")
    open_one = make_proposal("Offene Abstimmung", council=council, status="voting")
    hidden = make_proposal("Verdeckte Abstimmung", council=council, status="voting")
    hidden.hide_votes = True
    private = make_proposal("Geheimvorschlag-XYZ", council=secret, status="voting")
    db.session.commit()
    voters = [("citizen", "for"), ("citizen", "for"), ("business", "against"), ("research", "abstain")]
    for stakeholder, choice in voters:
        voter = make_user(stakeholder=stakeholder, name=f"Stimme {stakeholder}")
        for proposal in (open_one, hidden):
            cast_vote(proposal, voter, choice)
    member = make_user(name="Geheimes Mitglied")
    from forum.councils.models import Membership
    db.session.add(Membership(council_id=secret.id, user_id=member.id))
    db.session.commit()
    cast_vote(private, member, "for")
    db.session.commit()
    return {"open": open_one, "hidden": hidden, "private": private}


def test_votes_by_stakeholder_group_are_aggregated_and_respect_hidden_counts(client, voted):
    rows = client.get("/open-data/votes.json").get_json()["items"]
    assert {r["proposal_id"] for r in rows} == {voted["open"].id}
    by_group = {r["stakeholder"]: (r["for"], r["against"], r["abstain"], r["total"]) for r in rows}
    assert by_group == {"citizen": (2, 0, 0, 2), "business": (0, 1, 0, 1), "research": (0, 0, 1, 1),
                        "culture": (0, 0, 0, 0), "association": (0, 0, 0, 0)}
    proposals = {p["title"]: p for p in client.get("/open-data/proposals.json").get_json()["items"]}
    assert set(proposals) == {"Offene Abstimmung", "Verdeckte Abstimmung"}
    assert proposals["Offene Abstimmung"]["votes_total"] == 4 and proposals["Offene Abstimmung"]["votes_hidden"] is False
    assert proposals["Verdeckte Abstimmung"]["votes_total"] is None and proposals["Verdeckte Abstimmung"]["votes_hidden"]
    csv_text = client.get("/open-data/votes.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "proposal_id,stakeholder,for,against,abstain,total"
    assert "Stimme" not in csv_text and "Geheim" not in csv_text


def test_dashboard_counts_votes_by_group(client, login, make_user, voted):
    page = login(make_user(role="chair")).get("/controlling").get_data(as_text=True)
    table = page[page.index("Stimmen nach Gruppen</caption>"):]
    table = table[:table.index("</table>")]
    rows = {group: counts for group, *counts in
            re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', table)}
    # the open proposal and the private council's one (1 citizen for); hidden counts wait for the end
    assert rows["Bürger*in"] == ["3", "0", "0"]
    assert rows["Unternehmen"] == ["0", "1", "0"] and rows["Forschung/Wissenschaft"] == ["0", "0", "1"]
