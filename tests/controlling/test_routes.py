"""HTML pages of the controlling area: the permission table over roles, and what people see."""
import re

import pytest
from sqlalchemy import func, select

from forum.controlling.cooperation_models import CooperationRequest
from forum.controlling.models import Project, ProjectProposal
from forum.extensions import db
from tests.conftest import representatives
from tests.controlling.conftest import CONTROLLERS, EVALUATORS, ROLES, STAFF

LOGIN = "login"  # anonymous people are sent to the login page


def expected(role: str, rule: str):
    if rule == "all":
        return 200
    if role == "anonymous" and rule != "see_internal":
        return LOGIN
    allowed = {"controllers": CONTROLLERS, "staff": STAFF, "insiders": STAFF | EVALUATORS,
               "see_internal": STAFF | {"board_member"}}[rule]
    if rule == "see_internal":
        return 200 if role in allowed else 404
    return 200 if role in allowed else 403


# One role of each distinct row over HTTP; tests/controlling/test_permissions.py asks every role.
HTTP_ROLES = representatives(lambda r: (tuple(expected(r, rule) for rule in ("controllers", "staff", "insiders",
                                                                              "see_internal")), r in EVALUATORS), ROLES)


def status_of(response):
    if response.status_code == 302 and "/login" in response.headers["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", HTTP_ROLES)
def test_permission_table_for_pages(world, act_as, catalogue, role):
    catalogue()
    client = act_as(world.people[role])
    public, internal = world.public.id, world.internal.id
    table = [
        ("/projects", "all"), (f"/projects/{public}", "all"), (f"/projects/{internal}", "see_internal"),
        ("/projects/new", "controllers"), (f"/projects/{public}/edit", "controllers"),
        ("/controlling", "staff"), ("/controlling/ranking", "insiders"),
        (f"/evaluate/project/{public}", "insiders"), ("/criteria", "all"), ("/criteria/edit", "controllers"),
        ("/controlling/evaluators", "controllers"), ("/controlling/requests", "staff"),
        ("/cooperation", "all"), ("/open-data", "all"), ("/open-data/projects.csv", "all"),
    ]
    wrong = {path: (status_of(client.get(path)), expected(role, rule)) for path, rule in table}
    wrong = {path: got for path, got in wrong.items() if got[0] != got[1]}
    assert wrong == {}, f"{role}: (got, expected) {wrong}"
    # Who may not see scores at all is refused before the project is looked up (403 for every id, so
    # nothing about ids leaks); an evaluator outside the board does not see an internal project (404).
    internal_eval = status_of(client.get(f"/evaluate/project/{internal}"))
    assert internal_eval == (LOGIN if role == "anonymous" else 200 if role in STAFF | {"board_member"} else
                             404 if role in EVALUATORS else 403), role


def _evaluation_form(catalogue_obj, value="4"):
    data = {}
    for c in catalogue_obj.criteria:
        data[f"value_{c.id}"] = value
        data[f"why_{c.id}"] = f"Weil {c.name} passt."
    return data


@pytest.mark.parametrize("role", HTTP_ROLES)
def test_permission_table_for_scoring(world, act_as, catalogue, role):
    cat = catalogue()
    client = act_as(world.people[role])
    response = client.post(f"/evaluate/project/{world.public.id}", data=_evaluation_form(cat))
    if role in EVALUATORS:
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        # 4 of 1–5 is .75, on the inverted cost .25: (85 × .75 + 15 × .25) / 100 = 67.5 %
        assert "Deine Bewertung ist gespeichert: 67,5 von 100 Punkten." in page
    else:
        assert status_of(response) == (LOGIN if role == "anonymous" else 403)
    db.session.expire_all()
    from forum.controlling.scoring_models import Score
    assert (db.session.scalar(select(func.count()).select_from(Score)) == 6) is (role in EVALUATORS)


@pytest.mark.parametrize("role", HTTP_ROLES)
def test_permission_table_for_turning_a_proposal_into_a_project(world, act_as, make_proposal, role):
    proposal = make_proposal("Sensoren für Luftqualität", council=world.council, status="accepted")
    client = act_as(world.people[role])
    response = client.post(f"/projects/from-proposal/{proposal.id}")
    db.session.expire_all()
    link = db.session.scalar(select(ProjectProposal).where(ProjectProposal.proposal_id == proposal.id))
    if role in CONTROLLERS:
        assert response.status_code == 302 and link is not None
        assert response.headers["Location"].endswith(f"/projects/{link.project_id}/edit")
        assert db.session.get(Project, link.project_id).title == "Sensoren für Luftqualität"
    else:
        assert status_of(response) == (LOGIN if role == "anonymous" else 403) and link is None


@pytest.mark.parametrize("role", HTTP_ROLES)
def test_permission_table_for_cooperation_requests(world, act_as, role):
    client = act_as(world.people[role])
    response = client.post("/cooperation", data={"topic": "open_data", "organisation": "Forschung e. V.",
                                                 "message": "Wir möchten Verkehrsdaten gemeinsam auswerten."})
    db.session.expire_all()
    count = db.session.scalar(select(func.count()).select_from(CooperationRequest))
    if role == "anonymous":
        assert status_of(response) == LOGIN and count == 0
    else:
        assert response.status_code == 302 and count == 1
        assert re.search(r"/cooperation/\d+$", response.headers["Location"])


def test_project_page_hides_a_private_council_origin(world, act_as):
    for role, sees in [("anonymous", False), ("citizen", False), ("moderator", False), ("board_member", True),
                       ("chair", True)]:
        page = act_as(world.people[role]).get(f"/projects/{world.from_board.id}").get_data(as_text=True)
        assert ("Smart-City-Board" in page) is sees, role
        assert ("smart-city-board" in page) is sees, role


def test_chair_manages_a_project_through_the_pages(world, act_as, make_proposal):
    client = act_as(world.people["chair"])
    response = client.post("/projects/new", data={"title": "Handy-Parken", "department": "Fachbereich Tiefbau und Verkehr",
                                                  "status": "planned", "visibility": "public", "budget_eur": "40000",
                                                  "spent_eur": "0", "start_date": "2026-01-01", "end_date": "2026-12-31"})
    assert response.status_code == 302
    path = response.headers["Location"]
    assert client.post(f"{path}/partners", data={"name": "Parkhausbetreiber", "kind": "business"}).status_code == 302
    assert client.post(f"{path}/milestones", data={"title": "Pilot", "due_date": "2026-03-01"}).status_code == 302
    proposal = make_proposal("Parken per App", council=world.council)
    assert client.post(f"{path}/proposals", data={"proposal_id": proposal.id}).status_code == 302
    # a number that names no proposal is said on the project page, not answered with a 404 page
    unknown = client.post(f"{path}/proposals", data={"proposal_id": 999999}, follow_redirects=True)
    assert unknown.status_code == 200 and "Diesen Vorschlag gibt es nicht." in unknown.get_data(as_text=True)
    page = client.get(path).get_data(as_text=True)
    for text in ("Handy-Parken", "Parkhausbetreiber", "Pilot", "Parken per App", "Fachbeirat Mobilität", "40.000 €"):
        assert text in page
    bad = client.post("/projects/new", data={"title": "", "department": "", "status": "idea", "visibility": "public",
                                             "start_date": "2026-05-01", "end_date": "2026-01-01"})
    assert bad.status_code == 422 and "Bitte prüfe deine Eingaben" in bad.get_data(as_text=True)


def test_criteria_edit_makes_a_new_version(world, act_as, catalogue):
    cat = catalogue()
    client = act_as(world.people["managing_director"])
    form = client.get("/criteria/edit").get_data(as_text=True)
    assert 'value="Nutzen für Bürger*innen"' in form
    data = {"note": "Datenschutz wichtiger"}
    for i, c in enumerate(cat.criteria):
        data.update({f"criteria-{i}-name": c.name, f"criteria-{i}-weight": str(c.weight if c.name != "Datenschutz" else 25),
                     f"criteria-{i}-scale_min": "1", f"criteria-{i}-scale_max": "5"})
        if c.inverted:
            data[f"criteria-{i}-inverted"] = "y"
    data.update({"criteria-6-name": "Barrierefreiheit", "criteria-6-weight": "10", "criteria-6-scale_min": "1",
                 "criteria-6-scale_max": "5"})
    response = client.post("/criteria/edit", data=data)
    assert response.status_code == 302
    def main(path):  # the page without its footer (which links the accessibility statement)
        return client.get(path).get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]

    page = main("/criteria")
    assert "Version 2" in page and "Barrierefreiheit" in page and "Datenschutz wichtiger" in page
    old = main("/criteria?version=1")
    assert "Barrierefreiheit" not in old
    same = client.post("/criteria/edit", data=data)
    assert same.status_code == 422 and "unverändert" in same.get_data(as_text=True)


def test_dashboard_shows_figures_as_charts_and_tables(world, act_as, make_project, make_meeting):
    make_meeting(council=world.council)
    make_meeting(council=world.council, status="draft")
    make_project("Breitband-Förderung", department="Braunschweig Zukunft GmbH", budget_eur=5_000_000,
                 spent_eur=6_000_000)
    page = act_as(world.people["managing_director"]).get("/controlling").get_data(as_text=True)
    assert page.count("<svg") >= 5 and 'role="img"' in page and "<desc" in page
    assert "Geheime Strategie" in page  # staff see internal projects
    assert "über Budget" in page and "5.000.000 €" in page
    assert '<th scope="col">' in page
    row = re.search(r"Fachbeirat Mobilität</a>.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", row)[:4] == ["2", "0", "0", "1"]  # members, proposals, votes, meetings
    assert "angekündigt: <strong>1</strong>" in page
    filtered = act_as(world.people["chair"]).get("/controlling?department=Braunschweig+Zukunft+GmbH").get_data(as_text=True)
    assert "Breitband-Förderung" in filtered and "Geheime Strategie" not in filtered


def test_requester_follows_status_and_only_their_own(world, act_as, outbox):
    requester = world.people["business"]
    client = act_as(requester)
    response = client.post("/cooperation", data={"topic": "mobility", "organisation": "Organisation X",
                                                 "message": "Wir bieten Sharing-Fahrräder an."})
    detail = response.headers["Location"]
    assert "neu" in client.get(detail).get_data(as_text=True)
    request_id = int(detail.rsplit("/", 1)[1])
    staff = act_as(world.people["managing_director"])
    assert "Organisation X" in staff.get("/controlling/requests").get_data(as_text=True)
    assert staff.post(f"/controlling/requests/{request_id}/assign",
                      data={"assignee_id": world.people["chair"].id}).status_code == 302
    assert staff.post(f"/controlling/requests/{request_id}/reply",
                      data={"body": "Danke, wir laden euch in den Fachbeirat ein."}).status_code == 302
    assert any(requester.email in m for m in outbox())
    client = act_as(requester)
    page = client.get(detail).get_data(as_text=True)
    assert "beantwortet" in page and "Danke, wir laden euch in den Fachbeirat ein." in page
    assert "Organisation X" in client.get("/cooperation/requests").get_data(as_text=True)
    for other in ("citizen", "managing_director"):
        assert act_as(world.people[other]).get(detail).status_code == 404


def test_proposal_macro_shows_button_or_link(app, world, make_proposal):
    from flask import render_template_string
    from flask_login import login_user

    proposal = make_proposal("Offene Parkdaten", status="accepted")
    template = '{% from "controlling/_proposal_project.html" import project_link with context %}{{ project_link(p) }}'
    with app.test_request_context("/"):
        login_user(world.people["chair"])
        assert "Als Projekt ins Portfolio übernehmen" in render_template_string(template, p=proposal)
    with app.test_request_context("/"):
        login_user(world.people["citizen"])
        assert render_template_string(template, p=proposal).strip() == ""
    with app.test_request_context("/"):
        login_user(world.people["moderator"])
        assert f"/evaluate/proposal/{proposal.id}" in render_template_string(template, p=proposal)
    project = world.public
    db.session.add(ProjectProposal(project_id=project.id, proposal_id=proposal.id))
    db.session.commit()
    with app.test_request_context("/"):
        login_user(world.people["citizen"])
        html = render_template_string(template, p=proposal)
        assert f"/projects/{project.id}" in html and "Braunschweig-App" in html


def test_footer_and_navigation_links(world, act_as):
    page = act_as(None).get("/").get_data(as_text=True)
    assert 'href="/open-data"' in page and 'href="/cooperation"' in page and 'href="/projects"' in page
    assert 'href="/controlling"' not in page
    assert 'href="/controlling"' in act_as(world.people["admin"]).get("/").get_data(as_text=True)


def test_cooperation_form_is_rate_limited_per_person(world, act_as):
    client = act_as(world.people["citizen"])
    statuses = [client.post("/cooperation", data={"topic": "other", "organisation": "X", "message": "kurz"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429
    # another person is not affected
    assert act_as(world.people["business"]).post(
        "/cooperation", data={"topic": "other", "organisation": "X", "message": "kurz"}).status_code == 422


def test_evaluator_scores_a_proposal_and_the_ranking_shows_it(world, act_as, catalogue, make_proposal):
    cat = catalogue()
    proposal = make_proposal("Sitzbänke mit Solarladestation", council=world.council)
    hidden = make_proposal("Geheim", council=world.board)
    client = act_as(world.people["moderator"])
    assert client.get(f"/evaluate/proposal/{hidden.id}").status_code == 404
    assert client.post(f"/evaluate/proposal/{proposal.id}", data=_evaluation_form(cat, "5")).status_code == 302
    ranking = client.get("/controlling/ranking").get_data(as_text=True)
    assert "Sitzbänke mit Solarladestation" in ranking and "85,0" in ranking
    assert "Nach Kriterienkatalog Version 1: 1 Bewertung." in ranking
    assert client.get("/controlling/ranking?version=7").status_code == 404
    assert client.get("/evaluate/meeting/1").status_code == 404


def test_appointing_and_removing_an_evaluator_is_audited(client, login, make_user):
    from sqlalchemy import select

    from forum.controlling.scoring_models import Evaluator
    from forum.audit import AuditEntry

    director = make_user(role="managing_director")
    expert = make_user(email="gutachterin@example.org", name="Gutachterin")
    login(director)
    assert client.post("/controlling/evaluators", data={"email": "gutachterin@example.org"}).status_code == 302
    evaluator_id = db.session.scalar(select(Evaluator.id).where(Evaluator.user_id == expert.id))
    assert client.post(f"/controlling/evaluators/{evaluator_id}/remove").status_code == 302
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.target_type,
                                        AuditEntry.target_id).order_by(AuditEntry.id)).all()
    assert [tuple(e) for e in entries] == [("evaluator.appoint", director.id, "user", expert.id),
                                           ("evaluator.remove", director.id, "user", expert.id)]
