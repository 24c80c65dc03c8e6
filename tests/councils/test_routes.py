"""Council pages over HTTP: the permission table, forms, messages people see."""
import pytest
from sqlalchemy import select

from forum.councils.models import Council, JoinRequest, Membership
from forum.extensions import db
from tests.conftest import ACTORS, mail_text
from tests.councils.table import BY_NAME, build_world, check_effect, http_cases, remember_members


def html_call(name, client, w):
    base = f"/councils/{w.council.slug}"
    if name in ("view_public_council", "view_private_council"):
        return client.get(base)
    if name == "found_council":
        return client.post("/councils/new", data={"name": "Fachbeirat Neu", "mandate": "Neu", "description": "",
                                                  "visibility": "public", "join_policy": "open"})
    if name == "edit_council":
        return client.post(f"{base}/edit", data={"name": w.council.name, "mandate": "Neuer Auftrag", "description": "",
                                                 "visibility": w.council.visibility, "join_policy": "open"})
    if name == "archive_council":
        return client.post(f"{base}/archive")
    if name == "view_members":
        return client.get(f"{base}/members")
    if name in ("appoint_member", "appoint_moderator"):
        role = "member" if name == "appoint_member" else "moderator"
        return client.post(f"{base}/members", data={"email": w.newcomer.email, "role": role})
    if name == "promote_member":
        return client.post(f"{base}/members/{w.member.id}/role", data={f"m{w.member.id}-role": "moderator"})
    if name == "remove_member":
        return client.post(f"{base}/members/{w.member.id}/remove")
    if name == "remove_moderator":
        return client.post(f"{base}/members/{w.co_moderator.id}/remove")
    if name == "join_open_council":
        return client.post(f"{base}/join")
    if name == "request_to_join":
        return client.post(f"{base}/request", data={"message": "Ich möchte mitarbeiten."})
    if name == "leave":
        return client.post(f"{base}/leave")
    rid = w.join_request.id
    if name == "decline_request":
        return client.post(f"{base}/requests/{rid}", data={f"r{rid}-reason": "Passt nicht", f"r{rid}-decline": "x"})
    if name == "accept_request":
        return client.post(f"{base}/requests/{rid}", data={f"r{rid}-accept": "x"})
    raise AssertionError(name)


def outcome(response):
    if response.status_code == 302:
        return "login" if response.headers["Location"].startswith("/login") else "ok"
    if response.status_code == 200:
        return "ok"
    return response.status_code


@pytest.mark.parametrize("action_name, kind", http_cases(ACTORS))
def test_permission_table(action_name, kind, client, make_user, make_council, signed_in_actor):
    action = BY_NAME[action_name]
    world = build_world(action, make_user, make_council)
    actor = signed_in_actor(kind, world.council)
    remember_members(world)
    response = html_call(action_name, client, world)
    expected = action.expected(kind)
    assert outcome(response) == expected, response.get_data(as_text=True)[:400]
    if expected == 404:
        assert world.council.name not in response.get_data(as_text=True)
    check_effect(action, world, actor, expected == "ok")


def test_list_shows_public_and_own_councils(client, login, make_user, make_council):
    member = make_user()
    make_council("Fachbeirat Mobilität")
    make_council("Geheimer Kreis", visibility="private", members=[member])
    make_council("Ganz Geheim", visibility="private")
    page = client.get("/councils").get_data(as_text=True)
    assert "Fachbeirat Mobilität" in page and "Geheimer Kreis" not in page
    login(member)
    page = client.get("/councils").get_data(as_text=True)
    assert "Geheimer Kreis" in page and "Ganz Geheim" not in page


@pytest.mark.parametrize("role", ["managing_director", "chair", "admin"])
def test_staff_list_every_council_with_private_badge(role, client, login, make_user, make_council):
    make_council("Smart-City-Board", visibility="private")
    login(make_user(role=role))
    page = client.get("/councils").get_data(as_text=True)
    assert "Smart-City-Board" in page and "privat" in page
    assert "Fachbeirat gründen" in page


def test_found_council_with_markdown_and_slug(client, login, make_user):
    login(make_user(role="managing_director"))
    response = client.post("/councils/new", data={
        "name": "Fachbeirat Bürgerdienste", "mandate": "Online-Dienste", "visibility": "public", "join_policy": "open",
        "description": "Wir **prüfen** Dienste.\n\n<script>alert(1)</script>"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/councils/fachbeirat-buergerdienste/members"
    page = client.get("/councils/fachbeirat-buergerdienste").get_data(as_text=True)
    assert "<strong>prüfen</strong>" in page
    assert "<script>alert(1)" not in page


def test_found_council_shows_form_errors(client, login, make_user):
    login(make_user(role="chair"))
    response = client.post("/councils/new", data={"name": "X", "visibility": "geheim", "join_policy": "open"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bitte prüfe deine Eingaben" in page and "Name" in page and "Sichtbarkeit" in page


def test_council_page_shows_mandate_moderators_and_groups(client, make_user, make_council, make_proposal):
    moderator = make_user(name="Katrin Vogel", stakeholder="business", organisation="Stadtwerke")
    citizens = [make_user(), make_user()]
    council = make_council("Fachbeirat Mobilität", members=citizens, moderators=[moderator])
    make_proposal("Handy-Parken ausweiten", council=council)
    make_proposal("Entwurf bleibt geheim", council=council, status="draft")
    page = client.get(f"/councils/{council.slug}").get_data(as_text=True)
    assert council.mandate in page
    assert "Katrin Vogel" in page and "Stadtwerke" in page
    assert "Der Fachbeirat hat 3 Mitglieder." in page
    assert '<th scope="row">Bürger*innen</th><td class="num">2</td>' in page
    assert '<th scope="row">Unternehmen</th><td class="num">1</td>' in page
    assert "Handy-Parken ausweiten" in page and "Entwurf bleibt geheim" not in page
    assert citizens[0].name not in page  # plain members stay anonymous on the public page


def test_unverified_organisation_sees_why_it_cannot_join(client, login, make_user, make_council):
    council = make_council()
    login(make_user(stakeholder="business", verified=False))
    page = client.get(f"/councils/{council.slug}").get_data(as_text=True)
    assert "wird noch von der Geschäftsführung geprüft" in page
    assert "Beitreten</button>" not in page


def test_appointed_only_council_has_no_join_button(client, login, make_user, make_council):
    council = make_council(join_policy="appointed")
    login(make_user())
    page = client.get(f"/councils/{council.slug}").get_data(as_text=True)
    assert "Beitreten</button>" not in page and "Beitritt anfragen" not in page
    assert "werden Mitglieder berufen" in page


def test_archived_council_is_read_only(client, login, make_user, make_council):
    council = make_council()
    login(make_user(role="chair"))
    client.post(f"/councils/{council.slug}/archive")
    page = client.get(f"/councils/{council.slug}").get_data(as_text=True)
    assert "archiviert" in page and "Wieder aktivieren" in page
    assert client.get(f"/councils/{council.slug}/edit").status_code == 409
    login(make_user())
    page = client.get(f"/councils/{council.slug}").get_data(as_text=True)
    assert "Beitreten</button>" not in page
    assert client.post(f"/councils/{council.slug}/join").status_code == 409
    assert "Archivierte Fachbeiräte" in client.get("/councils").get_data(as_text=True)


def test_request_declined_reason_is_shown_and_mailed(client, login, make_user, make_council, outbox):
    moderator, person = make_user(), make_user(name="Erika Muster")
    council = make_council("Fachbeirat Offene Daten", join_policy="request", moderators=[moderator])
    login(person)
    assert client.post(f"/councils/{council.slug}/request", data={"message": "Ich kenne mich aus."}).status_code == 302
    assert "liegt der Moderation vor" in client.get(f"/councils/{council.slug}").get_data(as_text=True)
    assert any("Erika Muster" in mail for mail in outbox())  # the moderator hears of it
    login(moderator)
    queue = client.get(f"/councils/{council.slug}/members").get_data(as_text=True)
    assert "Erika Muster" in queue and "Ich kenne mich aus." in queue
    rid = db.session.scalar(select(JoinRequest.id))
    empty = client.post(f"/councils/{council.slug}/requests/{rid}", data={f"r{rid}-decline": "x"})
    assert empty.status_code == 422 and "Bitte gib einen Grund" in empty.get_data(as_text=True)
    client.post(f"/councils/{council.slug}/requests/{rid}",
                data={f"r{rid}-reason": "Bitte zuerst das Projekt vorstellen.", f"r{rid}-decline": "x"})
    login(person)
    page = client.get(f"/councils/{council.slug}").get_data(as_text=True)
    assert "abgelehnt" in page and "Bitte zuerst das Projekt vorstellen." in page
    assert "Beitritt anfragen" in page  # may ask again
    assert "Bitte zuerst das Projekt vorstellen." in mail_text(outbox()[-1])


def test_moderator_appoints_by_search_and_cannot_make_moderators(client, login, make_user, make_council):
    moderator = make_user()
    wanted = make_user(name="Mara Lindner", stakeholder="culture", organisation="Staatstheater")
    make_user(name="Mara Unverifiziert", stakeholder="culture", verified=False)
    council = make_council(moderators=[moderator])
    login(moderator)
    page = client.get(f"/councils/{council.slug}/members?q=mara").get_data(as_text=True)
    assert "Mara Lindner" in page and "Mara Unverifiziert" not in page
    assert "Moderator*innen beruft die Geschäftsführung" in page
    response = client.post(f"/councils/{council.slug}/members", data={"user_id": str(wanted.id), "role": "member"})
    assert response.status_code == 302
    assert db.session.scalar(select(Membership.role).where(Membership.user_id == wanted.id)) == "member"
    assert client.post(f"/councils/{council.slug}/members",
                       data={"user_id": str(wanted.id), "role": "moderator"}).status_code == 403


def test_appoint_unknown_email_is_a_form_error(client, login, make_user, make_council):
    council = make_council()
    login(make_user(role="managing_director"))
    response = client.post(f"/councils/{council.slug}/members", data={"email": "niemand@example.org", "role": "member"})
    assert response.status_code == 422
    assert "Niemand im Forum hat diese E-Mail-Adresse." in response.get_data(as_text=True)
    unverified = make_user(stakeholder="research", verified=False)
    response = client.post(f"/councils/{council.slug}/members", data={"email": unverified.email, "role": "member"})
    assert response.status_code == 422 and "verifizierte Mitglieder" in response.get_data(as_text=True)


def test_profile_lists_councils_and_roles(client, login, make_user, make_council):
    person = make_user()
    make_council("Fachbeirat Mobilität", moderators=[person])
    make_council("Smart-City-Board", visibility="private", members=[person])
    login(person)
    page = client.get("/profile").get_data(as_text=True)
    assert "Fachbeirat Mobilität</a> – Moderation" in page
    assert "Smart-City-Board</a> – Mitglied" in page


def test_leaving_a_private_council_returns_to_the_list(client, login, make_user, make_council):
    person = make_user()
    council = make_council(visibility="private", members=[person])
    login(person)
    response = client.post(f"/councils/{council.slug}/leave")
    assert response.headers["Location"] == "/councils"
    assert client.get(f"/councils/{council.slug}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Council, council.id).members_count == 0


def test_forms_carry_csrf_tokens(csrf_app, make_user, make_council):
    """With CSRF on, every button and form on the council pages works and a missing token is refused."""
    import re

    client = csrf_app.test_client()
    moderator, person = make_user(), make_user()
    council = make_council(join_policy="request", moderators=[moderator])

    def sign_in(user):
        client.post("/logout", data={"csrf_token": _token(client.get("/login"))})
        token = _token(client.get("/login"))
        assert client.post("/login", data={"email": user.email, "password": "richtig-geheim",
                                           "csrf_token": token}).status_code == 302

    def _token(response, name="csrf_token"):
        page = response.get_data(as_text=True)
        return re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', page).group(1)

    sign_in(person)
    assert client.post(f"/councils/{council.slug}/request", data={"message": "Hallo"}).status_code == 400
    page = client.get(f"/councils/{council.slug}")
    assert client.post(f"/councils/{council.slug}/request",
                       data={"message": "Hallo", "csrf_token": _token(page)}).status_code == 302
    sign_in(moderator)
    rid = db.session.scalar(select(JoinRequest.id))
    page = client.get(f"/councils/{council.slug}/members")
    response = client.post(f"/councils/{council.slug}/requests/{rid}", data={
        f"r{rid}-csrf_token": _token(page, f"r{rid}-csrf_token"), f"r{rid}-accept": "Annehmen"})
    assert response.status_code == 302
    page = client.get(f"/councils/{council.slug}/members")
    response = client.post(f"/councils/{council.slug}/members/{person.id}/remove", data={"csrf_token": _token(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Council, council.id).members_count == 1


def test_managing_director_sees_every_council_with_open_requests(client, login, make_user, make_council):
    council = make_council("Smart-City-Board", visibility="private", join_policy="request")
    db.session.add(JoinRequest(council_id=council.id, user_id=make_user().id, status="pending"))
    db.session.commit()
    login(make_user(role="managing_director"))
    assert "Alle Fachbeiräte, auch die privaten" in client.get("/profile").get_data(as_text=True)
    page = client.get("/councils").get_data(as_text=True)
    assert "Smart-City-Board" in page and "1 offene Anfrage" in page
