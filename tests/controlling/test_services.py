"""Project portfolio and cooperation-request services (no HTTP)."""
from datetime import date

import pytest

from forum.controlling import cooperation, projects
from forum.errors import Conflict, Invalid, NotAllowed, NotFound
from forum.extensions import db


def test_create_and_update_project(make_user):
    chair = make_user(role="chair")
    project = projects.create_project(chair, title=" Handy-Parken ", department="Fachbereich Tiefbau und Verkehr",
                                      status="planned", budget_eur=40000, start_date=date(2026, 1, 1))
    db.session.commit()
    assert project.title == "Handy-Parken" and project.visibility == "public" and project.spent_eur == 0
    projects.update_project(chair, project, status="running", spent_eur=1200)
    assert (project.status, project.spent_eur) == ("running", 1200)
    with pytest.raises(Invalid):
        projects.update_project(chair, project, end_date=date(2025, 1, 1))
    with pytest.raises(Invalid):
        projects.update_project(chair, project, status="vergessen")
    with pytest.raises(Invalid):
        projects.update_project(chair, project, budget_eur=-5)


@pytest.mark.parametrize("role", ["member", "admin"])
def test_only_chair_and_managing_director_change_projects(make_user, make_project, role):
    project = make_project()
    with pytest.raises(NotAllowed):
        projects.create_project(make_user(role=role), title="X", department="Y")
    with pytest.raises(NotAllowed):
        projects.update_project(make_user(role=role), project, title="Z")


def test_partners_and_milestones(make_user, make_project):
    md = make_user(role="managing_director")
    project = make_project()
    projects.add_partner(md, project, "Stadt Wolfsburg", "municipality")
    with pytest.raises(Conflict):
        projects.add_partner(md, project, "stadt wolfsburg", "municipality")
    with pytest.raises(Invalid):
        projects.add_partner(md, project, "Jemand", "freund")
    milestone = projects.add_milestone(md, project, "Pilot", date(2026, 3, 1))
    assert milestone.is_late(date(2026, 3, 2)) and not milestone.is_late(date(2026, 3, 1))
    projects.complete_milestone(md, project, milestone.id, date(2026, 2, 20))
    assert milestone.done_on == date(2026, 2, 20) and not milestone.is_late(date(2026, 4, 1))
    projects.complete_milestone(md, project, milestone.id, date(2026, 2, 21))
    assert milestone.done_on is None
    with pytest.raises(NotFound):
        projects.remove_milestone(md, project, 99999)


def test_accepted_proposal_becomes_a_project_linked_both_ways(make_user, make_council, make_proposal):
    md = make_user(role="managing_director")
    council = make_council()
    proposal = make_proposal("Offene Parkdaten", council=council, status="accepted")
    project = projects.project_from_proposal(md, proposal)
    db.session.commit()
    assert (project.title, project.status, project.visibility) == ("Offene Parkdaten", "planned", "public")
    outsider = make_user()
    assert projects.projects_for_proposal(proposal, outsider) == [project]
    assert projects.linked_proposals(project, outsider) == [proposal]
    assert projects.linked_councils(project, outsider) == [council]
    with pytest.raises(Conflict) as err:
        projects.project_from_proposal(md, proposal)
    assert err.value.code == "already_project"


@pytest.mark.parametrize("status", ["published", "voting", "rejected", "draft", "withdrawn"])
def test_only_accepted_proposals_become_projects(make_user, make_proposal, status):
    md = make_user(role="managing_director")
    proposal = make_proposal(status=status, author=md)
    with pytest.raises(Conflict):
        projects.project_from_proposal(md, proposal)


def test_project_from_a_private_council_is_internal_and_hides_its_origin(make_user, make_council, make_proposal,
                                                                         make_project):
    chair = make_user(role="chair")
    secret = make_council("Geheimer Beirat", visibility="private")
    proposal = make_proposal(council=secret, status="accepted")
    project = projects.project_from_proposal(chair, proposal)
    db.session.commit()
    assert project.visibility == "internal"
    outsider = make_user()
    with pytest.raises(NotFound):
        projects.get_visible_project(project.id, outsider)
    # even on a public project, the private origin stays invisible to outsiders
    public = make_project(councils=[secret], proposals=[proposal])
    assert projects.linked_councils(public, outsider) == []
    assert projects.linked_proposals(public, outsider) == []
    assert projects.linked_councils(public, chair) == [secret]
    assert projects.projects_for_proposal(proposal, outsider) == [public]


def test_internal_projects_only_for_staff_and_board(make_user, make_council, make_project):
    board_member, citizen, admin = make_user(), make_user(), make_user(role="admin")
    make_council("Smart-City-Board", slug="smart-city-board", visibility="private", members=[board_member])
    public, internal = make_project("Öffentlich"), make_project("Intern", visibility="internal")
    titles = lambda user: {p.title for p in db.session.scalars(projects.visible_projects(user))}  # noqa: E731
    assert titles(None) == titles(citizen) == {"Öffentlich"}
    assert titles(board_member) == titles(admin) == {"Öffentlich", "Intern"}
    assert projects.departments(citizen) == ["Stabsstelle Digitalisierung und Smart City"]
    assert public.id != internal.id


# --- cooperation requests ----------------------------------------------------------------------

@pytest.fixture
def in_request(app):
    """notify() builds absolute links, so these services run inside a request, as in production."""
    with app.test_request_context("/"):
        yield


def test_request_reply_and_status_reach_the_requester(in_request, make_user, outbox):
    requester = make_user(stakeholder="business", organisation="Telecomputer GmbH", verified=False)
    md = make_user(role="managing_director")
    request = cooperation.submit_request(requester, "infrastructure", "Telecomputer GmbH",
                                         "Wir möchten Sensoren an WLAN-Standorten erproben.")
    db.session.commit()
    assert request.status == "new"
    cooperation.assign(md, request, md)
    db.session.commit()
    assert (request.status, request.assignee_id) == ("in_progress", md.id)
    cooperation.reply(md, request, "Gern, wir melden uns mit einem Termin.")
    db.session.commit()
    assert request.status == "answered"
    mails = outbox()
    assert any(requester.email in m and "Antwort auf deine Kooperationsanfrage" in m for m in mails)
    cooperation.set_status(md, request, "closed")
    db.session.commit()
    with pytest.raises(Conflict):
        cooperation.reply(md, request, "noch etwas")
    assert cooperation.export_for(requester)[0]["replies"][0]["body"] == "Gern, wir melden uns mit einem Termin."


def test_request_rules(in_request, make_user):
    unconfirmed = make_user(confirmed=False)
    with pytest.raises(NotAllowed):
        cooperation.submit_request(unconfirmed, "other", "Verein", "Eine ausreichend lange Nachricht.")
    person = make_user()
    with pytest.raises(Invalid):
        cooperation.submit_request(person, "other", "Verein", "kurz")
    with pytest.raises(Invalid):
        cooperation.submit_request(person, "unbekannt", "Verein", "Eine ausreichend lange Nachricht.")
    for _ in range(cooperation.MAX_OPEN_PER_REQUESTER):
        cooperation.submit_request(person, "other", "Verein", "Eine ausreichend lange Nachricht.")
    with pytest.raises(Conflict):
        cooperation.submit_request(person, "other", "Verein", "Eine ausreichend lange Nachricht.")
    request = cooperation.own_requests(person)[0]
    with pytest.raises(NotFound):
        cooperation.get_own_request(request.id, make_user())
    with pytest.raises(NotAllowed):
        cooperation.assign(person, request, person)
    with pytest.raises(Invalid):
        cooperation.assign(make_user(role="admin"), request, person)


def test_queue_orders_new_before_in_progress_before_answered_before_closed(in_request, make_user):
    md = make_user(role="managing_director")
    created = [cooperation.submit_request(make_user(), "other", f"Org {n}", "Eine ausreichend lange Nachricht.")
               for n in range(4)]
    cooperation.set_status(md, created[0], "closed")
    cooperation.reply(md, created[1], "Antwort")
    cooperation.assign(md, created[2], md)
    db.session.commit()
    assert [r.organisation for r in cooperation.queue(md)] == ["Org 3", "Org 2", "Org 1", "Org 0"]
    assert [r.organisation for r in cooperation.queue(md, assignee_id=md.id)] == ["Org 2", "Org 1"]
    assert [r.organisation for r in cooperation.queue(md, status="closed")] == ["Org 0"]
