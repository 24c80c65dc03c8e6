"""A project made from a proposal of a private council carries that proposal's title and text, so it
is shown only to those who may see the council: not to Smart-City-Board members outside it
(issue 13, item 8)."""
import pytest

from forum.controlling import projects, scoring
from forum.errors import NotFound
from forum.extensions import db
from forum.permissions import can_view_project


@pytest.fixture
def secret_project(make_user, make_council, make_proposal):
    chair, board_member, insider = make_user(role="chair"), make_user(), make_user()
    make_council("Smart-City-Board", slug="smart-city-board", visibility="private", join_policy="appointed",
                 members=[board_member, insider])
    secret = make_council("Geheimer Beirat", visibility="private", members=[insider])
    proposal = make_proposal("Geheimvorschlag-QQQ", council=secret, status="accepted", body="Geheimtext-ZZZ")
    project = projects.project_from_proposal(chair, proposal)
    db.session.commit()
    return project, {"chair": chair, "board_member": board_member, "insider": insider}


def test_board_members_outside_the_council_do_not_see_the_project(client, login, secret_project):
    project, people = secret_project
    assert project.visibility == "internal" and project.title == "Geheimvorschlag-QQQ"
    login(people["board_member"])
    assert client.get(f"/projects/{project.id}").status_code == 404
    listing = client.get("/projects").get_data(as_text=True)
    assert "QQQ" not in listing
    assert client.get(f"/evaluate/project/{project.id}").status_code == 404
    with pytest.raises(NotFound):
        projects.get_visible_project(project.id, people["board_member"])
    assert not can_view_project(people["board_member"], project)


def test_those_who_may_see_the_council_still_see_it(client, login, secret_project):
    project, people = secret_project
    for role in ("insider", "chair"):
        login(people[role])
        page = client.get(f"/projects/{project.id}").get_data(as_text=True)
        assert "QQQ" in page and "ZZZ" in page, role
        assert "QQQ" in client.get("/projects").get_data(as_text=True), role
        assert can_view_project(people[role], project)


def test_the_ranking_leaves_it_out_for_outsiders(app, make_user, secret_project, catalogue):
    project, people = secret_project
    cat = catalogue()
    scoring.submit_evaluation(people["insider"], project, {c.id: (3, "Begründung") for c in cat.criteria})
    db.session.commit()
    ranked = lambda user: [r.subject.id for r in scoring.ranking("project", cat, user)]  # noqa: E731
    assert ranked(people["insider"]) == [project.id] and ranked(people["chair"]) == [project.id]
    assert ranked(people["board_member"]) == []


def test_a_private_council_linked_to_an_internal_project_hides_it_too(make_user, make_council, make_project):
    board_member = make_user()
    make_council("Smart-City-Board", slug="smart-city-board", visibility="private", members=[board_member])
    secret = make_council("Geheimer Beirat", visibility="private")
    internal = make_project("Intern-Geheim", visibility="internal", councils=[secret])
    plain = make_project("Intern-Offen", visibility="internal")
    titles = {p.title for p in db.session.scalars(projects.visible_projects(board_member))}
    assert titles == {"Intern-Offen"}
    assert not can_view_project(board_member, internal) and can_view_project(board_member, plain)


def test_a_public_project_from_a_council_made_private_later_disappears_for_outsiders(
        client, api_token, make_user, make_council, make_proposal):
    """Found by review: the project kept the proposal's title and text public after its council went private."""
    from forum.controlling.open_data import project_rows

    chair, member, outsider = make_user(role="chair"), make_user(), make_user()
    council = make_council("Projektrat Gamma", members=[member])
    proposal = make_proposal("Gamma Seepferdchen", council=council, status="accepted", body="Seepferdchen-Inhalt")
    project = projects.project_from_proposal(chair, proposal)
    db.session.commit()
    assert project.visibility == "public" and client.get(f"/projects/{project.id}").status_code == 200
    council.visibility = "private"
    db.session.commit()

    assert client.get(f"/projects/{project.id}").status_code == 404
    assert "Seepferdchen" not in client.get("/projects").get_data(as_text=True)
    assert client.get(f"/api/v1/projects/{project.id}").status_code == 404
    assert "Seepferdchen" not in client.get("/api/v1/projects").get_data(as_text=True)
    assert "Seepferdchen" not in str(project_rows())
    assert not can_view_project(outsider, project) and not can_view_project(None, project)
    assert can_view_project(member, project) and can_view_project(chair, project)
    assert client.get(f"/api/v1/projects/{project.id}", headers=api_token(chair)).status_code == 404  # the API is public data only
