"""API: /api/v1/projects — public projects with status, department, partners, proposals and score."""
import pytest

from forum.controlling import scoring
from forum.controlling.scoring_models import Evaluator
from forum.extensions import db
from tests.controlling.conftest import catalogue  # noqa: F401  (fixture)

# the shared cast (tests.conftest.make_actor) and a member of the Smart-City-Board
ROLES = ["anonymous", "citizen", "business", "unverified_organisation", "board_member", "managing_director", "chair", "admin"]


@pytest.fixture
def portfolio(make_user, make_council, make_proposal, make_project):
    council = make_council("Fachbeirat Mobilität")
    secret = make_council("Verschlusssache-Beirat", visibility="private")
    proposal = make_proposal("Parken per App", council=council, status="accepted")
    hidden = make_proposal("Geheimvorschlag", council=secret, status="accepted")
    public = make_project("Handy-Parken", status="done", department="Fachbereich Tiefbau und Verkehr",
                          councils=[council, secret], proposals=[proposal, hidden])
    internal = make_project("Interne Strategie", visibility="internal")
    return {"public": public, "internal": internal, "proposal": proposal, "council": council, "secret": secret}


def _headers(role, make_actor, make_user, make_council, api_token):
    if role == "board_member":
        user = make_user()
        make_council("Smart-City-Board", slug="smart-city-board", visibility="private", members=[user])
    else:
        user = make_actor(role, None)
    return api_token(user) if user is not None else {}


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_public_projects_only(client, portfolio, make_actor, make_user, make_council, api_token, role):
    headers = _headers(role, make_actor, make_user, make_council, api_token)
    listing = client.get("/api/v1/projects", headers=headers)
    assert listing.status_code == 200
    body = listing.get_json()
    assert body["total"] == 1 and [p["title"] for p in body["items"]] == ["Handy-Parken"]
    assert client.get(f"/api/v1/projects/{portfolio['public'].id}", headers=headers).status_code == 200
    missing = client.get(f"/api/v1/projects/{portfolio['internal'].id}", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_project_shape_and_private_origin_hidden(client, portfolio, make_user, api_token):
    item = client.get(f"/api/v1/projects/{portfolio['public'].id}").get_json()
    assert item["status"] == "done" and item["department"] == "Fachbereich Tiefbau und Verkehr"
    assert item["proposals"] == [{"id": portfolio["proposal"].id, "title": "Parken per App", "status": "accepted"}]
    assert item["councils"] == [{"slug": portfolio["council"].slug, "name": "Fachbeirat Mobilität"}]
    assert item["partners"] == [] and item["score"] is None
    # the chair may see the private council, and so its link
    chair = api_token(make_user(role="chair"))
    slugs = {c["slug"] for c in client.get(f"/api/v1/projects/{portfolio['public'].id}", headers=chair).get_json()["councils"]}
    assert slugs == {portfolio["council"].slug, portfolio["secret"].slug}


def test_score_is_the_weighted_mean_of_the_current_version(client, portfolio, catalogue, make_user):
    cat = catalogue()
    for values in ([4, 2, 4, 5, 5, 5], [3, 2, 4, 4, 5, 4]):  # 83.75 and 70
        judge = make_user()
        db.session.add(Evaluator(user_id=judge.id))
        scoring.submit_evaluation(judge, portfolio["public"], {c.id: (v, "weil") for c, v in zip(cat.criteria, values)})
    db.session.commit()
    score = client.get(f"/api/v1/projects/{portfolio['public'].id}").get_json()["score"]
    assert score == {"value": 76.9, "evaluations": 2, "spread": 6.9, "criteria_version": 1}
    listed = client.get("/api/v1/projects").get_json()["items"][0]["score"]
    assert listed == score


@pytest.mark.parametrize("query, status", [("?status=running", 200), ("?status=nope", 400), ("?page=x", 400),
                                           ("?per_page=100", 200), ("?per_page=1000", 400), ("?per_page=0", 400)])
def test_filters_and_bad_input(client, portfolio, query, status):
    response = client.get("/api/v1/projects" + query)
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["per_page"] <= 100
    else:
        assert response.get_json()["error"]["code"]


def test_unknown_project_and_openapi(client):
    assert client.get("/api/v1/projects/999999").status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/projects" in spec["paths"] and "/projects/{project_id}" in spec["paths"]


def test_listing_does_not_query_per_project(client, app, make_project, make_council, make_proposal):
    from sqlalchemy import event

    from forum.extensions import db as _db

    council = make_council()
    for n in range(12):
        make_project(f"Projekt {n}", councils=[council], proposals=[make_proposal(council=council)])
    statements = []
    with app.app_context():
        engine = _db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        body = client.get("/api/v1/projects?per_page=50").get_json()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert body["total"] == 12 and all(len(item["proposals"]) == 1 for item in body["items"])
    assert len(statements) < 15, statements
