"""Private councils leak nowhere: every route and every listing that exists answers an outsider
exactly as for a council that does not exist (404), with no name, count or title."""
import pytest

OUTSIDERS = ["anonymous", "citizen", "unverified_organisation", "other_moderator"]
SECRET = "Geheimer Lenkungskreis"
SECRET_PROPOSAL = "Vertrauliche Haushaltsplanung"

HTML_ROUTES = [
    ("get", "/councils/{slug}"),
    ("get", "/councils/{slug}/edit"),
    ("post", "/councils/{slug}/edit"),
    ("get", "/councils/{slug}/members"),
    ("post", "/councils/{slug}/members"),
    ("post", "/councils/{slug}/members/{uid}/role"),
    ("post", "/councils/{slug}/members/{uid}/remove"),
    ("post", "/councils/{slug}/requests/{rid}"),
    ("post", "/councils/{slug}/archive"),
    ("post", "/councils/{slug}/restore"),
    ("post", "/councils/{slug}/join"),
    ("post", "/councils/{slug}/request"),
    ("post", "/councils/{slug}/request/withdraw"),
    ("post", "/councils/{slug}/leave"),
]
API_ROUTES = [
    ("get", "/api/v1/councils/{slug}"),
    ("patch", "/api/v1/councils/{slug}"),
    ("post", "/api/v1/councils/{slug}/archive"),
    ("delete", "/api/v1/councils/{slug}/archive"),
    ("get", "/api/v1/councils/{slug}/members"),
    ("post", "/api/v1/councils/{slug}/members"),
    ("delete", "/api/v1/councils/{slug}/members/{uid}"),
    ("post", "/api/v1/councils/{slug}/join"),
    ("delete", "/api/v1/councils/{slug}/join"),
    ("get", "/api/v1/councils/{slug}/join-requests"),
    ("post", "/api/v1/councils/{slug}/join-requests"),
    ("delete", "/api/v1/councils/{slug}/join-requests/{rid}"),
    ("post", "/api/v1/councils/{slug}/join-requests/{rid}/decision"),
]


@pytest.fixture
def secret(make_user, make_council, make_proposal):
    """A private, open council with a member, a moderator, a pending request and a proposal."""
    from forum.councils.models import JoinRequest
    from forum.extensions import db

    member = make_user()
    council = make_council(SECRET, visibility="private", join_policy="open", members=[member],
                           moderators=[make_user()])
    request = JoinRequest(council_id=council.id, user_id=make_user().id, status="pending")
    db.session.add(request)
    db.session.commit()
    make_proposal(SECRET_PROPOSAL, council=council)
    return {"slug": council.slug, "uid": member.id, "rid": request.id}


def _hit(client, method, path, **kwargs):
    payload = {"json": {"user_id": 1, "decision": "accept", "name": "x"}} if path.startswith("/api/") else {}
    return getattr(client, method)(path, **payload, **kwargs)


@pytest.mark.parametrize("kind", OUTSIDERS)
@pytest.mark.parametrize("method, template", HTML_ROUTES)
def test_html_routes_answer_as_if_missing(kind, method, template, secret, client, signed_in_actor):
    signed_in_actor(kind, None)
    real = _hit(client, method, template.format(**secret))
    missing = _hit(client, method, template.format(slug="gibt-es-nicht", uid=secret["uid"], rid=secret["rid"]))
    assert real.status_code == missing.status_code
    assert real.status_code in (302, 404)
    if real.status_code == 302:  # anonymous on a sign-in page: the login redirect, nothing else
        assert kind == "anonymous" and real.headers["Location"].startswith("/login")
    assert SECRET not in real.get_data(as_text=True)


@pytest.mark.parametrize("kind", OUTSIDERS)
@pytest.mark.parametrize("method, template", API_ROUTES)
def test_api_routes_answer_as_if_missing(kind, method, template, secret, client, api_token, make_actor):
    actor = make_actor(kind, None)
    headers = api_token(actor) if actor is not None else {}
    real = _hit(client, method, template.format(**secret), headers=headers)
    missing = _hit(client, method, template.format(slug="gibt-es-nicht", uid=secret["uid"], rid=secret["rid"]),
                   headers=headers)
    assert (real.status_code, real.get_json()) == (missing.status_code, missing.get_json())
    assert real.status_code in (401, 404)
    assert real.status_code == 404 or kind == "anonymous"


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_listings_show_no_trace(kind, secret, client, login, api_token, make_actor, make_council):
    make_council("Fachbeirat Mobilität")
    actor = make_actor(kind, None)
    headers = api_token(actor) if actor is not None else {}  # before the cookie login: token requests carry no CSRF
    if actor is not None:
        login(actor)
    pages = ["/councils", "/", "/councils/" + make_council("Fachbeirat Offene Daten").slug]
    if actor is not None:
        pages += ["/profile", "/notifications"]
    for path in pages:
        page = client.get(path).get_data(as_text=True)
        assert SECRET not in page and SECRET_PROPOSAL not in page, path
    listing = client.get("/api/v1/councils?per_page=100", headers=headers).get_json()
    names = [c["name"] for c in listing["items"]]
    assert SECRET not in names and listing["total"] == len(names)
    assert client.get("/api/v1/councils?archived=false", headers=headers).get_json()["total"] == len(names)
    if actor is not None:
        assert secret["slug"] not in str(client.get("/api/v1/me", headers=headers).get_json())


@pytest.mark.parametrize("kind", ["council_member", "moderator", "managing_director", "chair", "admin"])
def test_insiders_see_the_private_council(kind, client, login, make_actor, make_council, make_proposal):
    council = make_council(SECRET, visibility="private")
    make_proposal(SECRET_PROPOSAL, council=council)
    login(make_actor(kind, council))
    assert SECRET in client.get("/councils").get_data(as_text=True)
    page = client.get(f"/councils/{council.slug}").get_data(as_text=True)
    assert SECRET in page and SECRET_PROPOSAL in page and "privat" in page
