"""Proposal pages over HTTP: the permission table, list, detail with chart, forms, comments."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from forum.database import utcnow
from forum.extensions import db
from forum.proposals import voting
from forum.proposals.models import Comment, Proposal, Vote
from tests.conftest import representatives, sign_in
from tests.proposals.roles import MODERATES, ROLES, VERIFIED, cast

# One actor of each distinct row over HTTP (tests/proposals/test_permissions.py asks every actor
# of the predicates): verified or not, moderating council C or not, inside a private council or not.
HTTP_ROLES = representatives(lambda r: (r in VERIFIED, r in MODERATES,
                                        r in ("council_member", "moderator", "managing_director", "chair", "admin")),
                             ROLES)


def signed_in(login, client, person):
    if person is None:
        client.post("/logout")
    else:
        login(person)
    return client


def reload(proposal):
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id)


# --- the permission table -----------------------------------------------------------------

@pytest.mark.parametrize("role", HTTP_ROLES)
def test_permission_table(app, client, login, make_actor, make_user, make_council, make_proposal, role):
    """Every action on a public council's proposal, for every role (the author is not among them)."""
    person, council, author = cast(make_actor, make_user, make_council, role)
    published = make_proposal(author=author, council=council)
    in_voting = make_proposal(author=author, council=council, status="voting")
    draft = make_proposal(author=author, council=council, status="draft")
    client_ = signed_in(login, client, person)
    verified, moderates = role in VERIFIED, role in MODERATES

    assert client_.get(f"/proposals/{published.id}").status_code == 200
    assert client_.get(f"/proposals/{draft.id}").status_code == 404  # only its author sees a draft

    def expect(response, allowed: bool):
        if person is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        elif allowed:
            assert response.status_code in (200, 302), response.status_code
            assert "/login" not in response.headers.get("Location", "")
        else:
            assert response.status_code == 403, response.status_code

    expect(client_.post("/proposals/new", data={"title": "Neu", "body": "Text", "council": council.slug,
                                                "publish": "1"}), verified)
    expect(client_.post(f"/proposals/{in_voting.id}/vote", data={"choice": "for"}), verified)
    expect(client_.post(f"/proposals/{published.id}/comments", data={"body": "Meinung"}), verified)
    expect(client_.post(f"/proposals/{published.id}/edit", data={"title": "Fremd", "body": "x", "save": "1"}), False)
    expect(client_.post(f"/proposals/{published.id}/status", data={"status": "withdrawn"}), False)
    expect(client_.post(f"/proposals/{published.id}/status", data={"response": "Antwort"}), moderates)
    expect(client_.post(f"/proposals/{published.id}/status", data={"status": "voting"}), moderates)

    db.session.expire_all()
    assert (db.session.scalar(select(func.count()).select_from(Vote)) == 1) == verified
    assert (db.session.scalar(select(func.count()).select_from(Comment)) == 1) == verified
    published = db.session.get(Proposal, published.id)
    assert published.title != "Fremd"
    assert (published.status == "voting") == moderates and (published.response == "Antwort") == moderates


@pytest.mark.parametrize("role", HTTP_ROLES)
def test_private_council_proposals_are_invisible_to_outsiders(app, client, login, make_actor, make_user, make_council,
                                                               make_proposal, role):
    person, council, author = cast(make_actor, make_user, make_council, role, visibility="private")
    proposal = make_proposal("Geheimprojekt Board", author=author, council=council, status="voting")
    client_ = signed_in(login, client, person)
    insider = role in ("council_member", "moderator", "managing_director", "chair", "admin")
    assert client_.get(f"/proposals/{proposal.id}").status_code == (200 if insider else 404)
    assert ("Geheimprojekt Board" in client_.get("/proposals").get_data(as_text=True)) == insider
    assert ("Geheimprojekt Board" in client_.get("/").get_data(as_text=True)) == insider
    if person is not None and not insider:
        assert client_.post(f"/proposals/{proposal.id}/vote", data={"choice": "for"}).status_code == 404
        assert client_.get(f"/proposals?council={council.slug}").status_code == 404


def test_author_edits_publishes_and_withdraws(app, client, login, make_user, make_proposal):
    author = make_user()
    draft = make_proposal("Entwurf", author=author, status="draft")
    login(author)
    assert "Nur du kannst ihn sehen" in client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    assert client.post(f"/proposals/{draft.id}/status", data={"status": "published"}).status_code == 302
    response = client.post(f"/proposals/{draft.id}/edit", data={"title": "Besserer Titel", "body": "Neu",
                                                                "tags": "mobilität", "save": "1"})
    assert response.status_code == 302
    page = client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    assert "Besserer Titel" in page and "frühere Fassungen" in page and "#mobilität" in page
    history = client.get(f"/proposals/{draft.id}/history").get_data(as_text=True)
    assert "Entwurf" in history
    assert client.post(f"/proposals/{draft.id}/status", data={"status": "withdrawn"}).status_code == 302
    assert reload(draft).status == "withdrawn"
    assert client.get(f"/proposals/{draft.id}/edit").status_code == 403


def test_new_form_preview_and_errors(app, client, login, make_user):
    login(make_user())
    assert client.get("/proposals/new").status_code == 200
    preview = client.post("/proposals/new", data={"title": "Idee", "body": "**fett**", "preview": "1"})
    assert preview.status_code == 200 and "<strong>fett</strong>" in preview.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0
    for data in ({"title": "", "body": "x"}, {"title": "x" * 100_000, "body": "x"}, {"title": "a\x00b", "body": "x"},
                 {"title": "T", "body": "B", "tags": "zu;viel"}):
        response = client.post("/proposals/new", data={**data, "publish": "1"})
        assert response.status_code == 422 and "Bitte prüfe deine Eingaben" in response.get_data(as_text=True)
    draft = client.post("/proposals/new", data={"title": "Entwurf", "body": "B", "save_draft": "1"})
    assert draft.status_code == 302
    assert db.session.scalar(select(Proposal.status)) == "draft"


def test_detail_shows_chart_breakdown_and_own_vote(app, client, login, make_user, make_proposal):
    proposal = make_proposal("Handy-Parken", status="voting")
    citizen, business, research = make_user(), make_user("business"), make_user("research")
    with app.test_request_context():
        for person, choice in ((citizen, "for"), (business, "for"), (research, "against")):
            voting.cast_vote(proposal, person, choice)
        db.session.commit()
    login(business)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'data-live-votes="{proposal.id}"' in page and "data-votes-json=" in page
    assert re.search(r'data-votes-field="total">3<', page)
    assert re.search(r'data-votes-field="by_stakeholder.business.for">1<', page)
    assert re.search(r'data-votes-field="by_stakeholder.research.against">1<', page)
    assert '<table class="vote-table">' in page and 'scope="row">Unternehmen' in page
    assert 'data-votes-bar="citizen.for" x="0.0%"' in page and 'role="img"' in page
    assert "Deine Stimme:" in page and 'aria-pressed="true"' in page
    fragment = client.get(f"/proposals/{proposal.id}/votes").get_data(as_text=True)
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment


def test_vote_change_and_withdraw_on_the_page(app, client, login, make_user, make_proposal):
    proposal, voter = make_proposal(status="voting"), make_user("culture")
    login(voter)
    client.post(f"/proposals/{proposal.id}/vote", data={"choice": "for"})
    client.post(f"/proposals/{proposal.id}/vote", data={"choice": "abstain"})
    assert reload(proposal).culture_abstain == 1 and reload(proposal).votes_for == 0
    assert client.post(f"/proposals/{proposal.id}/vote", data={"choice": "maybe"}).status_code == 400
    client.post(f"/proposals/{proposal.id}/vote/withdraw")
    assert reload(proposal).votes_count == 0


def test_a_vote_after_voting_closed_is_told_on_the_page(app, client, login, make_user, make_proposal):
    proposal = make_proposal(status="voting")
    proposal.voting_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(make_user())
    response = client.post(f"/proposals/{proposal.id}/vote", data={"choice": "for"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Über diesen Vorschlag wird gerade nicht abgestimmt." in response.get_data(as_text=True)
    assert reload(proposal).votes_count == 0


@pytest.mark.parametrize("kwargs, hint", [
    ({"stakeholder": "business", "verified": False}, "wartet noch auf die Verifizierung"),
    ({"confirmed": False}, "Bestätige zuerst deine E-Mail-Adresse"),
    (None, "Melde dich an, um abzustimmen"),
])
def test_page_says_why_one_cannot_vote(app, client, login, make_user, make_proposal, kwargs, hint):
    proposal = make_proposal(status="voting")
    if kwargs is not None:
        login(make_user(**kwargs))
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert hint in page and 'name="choice"' not in page


def test_hidden_counts_on_the_page(app, client, login, make_user, make_proposal):
    proposal = make_proposal(status="voting")
    proposal.hide_votes = True
    db.session.commit()
    voter = make_user()
    login(voter)
    client.post(f"/proposals/{proposal.id}/vote", data={"choice": "against"})
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'data-votes-hidden="true"' in page and "data-votes-field" not in page
    assert "Deine Stimme:" in page and "Dagegen" in page
    assert "Stimmen verborgen" in client.get("/proposals").get_data(as_text=True)


def test_moderator_opens_closes_and_answers(app, client, login, make_user, make_council, make_proposal, outbox):
    moderator, author = make_user(), make_user()
    proposal = make_proposal(author=author, council=make_council(moderators=[moderator]))
    login(moderator)
    ends = (utcnow() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/proposals/{proposal.id}/status", data={"status": "voting", "voting_ends_at": ends}).status_code == 302
    assert reload(proposal).voting_ends_at is not None
    client.post(f"/proposals/{proposal.id}/status", data={"status": "rejected", "response": "Leider nicht **jetzt**."})
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Offizielle Antwort" in page and "<strong>jetzt</strong>" in page
    assert page.index("Offizielle Antwort") < page.index("proposal-body")
    assert reload(proposal).status == "rejected"
    bad = client.post(f"/proposals/{proposal.id}/status", data={"status": "voting"})
    # a step the life cycle does not allow comes back on the page with the status form
    assert bad.status_code == 422
    assert "Von „Abgelehnt“ kann der Vorschlag nicht zu „Abstimmung läuft“ wechseln." in bad.get_data(as_text=True)
    assert any("Abgelehnt" in mail for mail in outbox())
    login(author)
    assert "Abgelehnt" in client.get("/notifications").get_data(as_text=True)


def test_follow_and_unfollow(app, client, login, make_user, make_proposal):
    proposal, person = make_proposal(), make_user()
    login(person)
    client.post(f"/proposals/{proposal.id}/follow")
    assert "Nicht mehr folgen" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    client.post(f"/proposals/{proposal.id}/unfollow")
    assert ">Folgen<" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)


def test_comment_reply_edit_delete(app, client, login, make_user, make_proposal):
    proposal, person = make_proposal(), make_user()
    login(person)
    assert client.post(f"/proposals/{proposal.id}/comments", data={"body": ""}).status_code == 422
    client.post(f"/proposals/{proposal.id}/comments", data={"body": "Erster *Gedanke*"})
    first = db.session.scalar(select(Comment))
    client.post(f"/proposals/{proposal.id}/comments", data={"body": "Nachtrag", "parent_id": str(first.id)})
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<em>Gedanke</em>" in page and 'class="comment-list replies"' in page and "Kommentare (2)" in page
    edit_url = f"/proposals/{proposal.id}/comments/{first.id}/edit"
    assert client.get(edit_url).status_code == 200
    assert client.post(edit_url, data={"body": "Korrigiert"}).status_code == 302
    assert client.post(f"/proposals/{proposal.id}/comments/{first.id}/delete").status_code == 302
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Dieser Kommentar wurde gelöscht." in page and "Korrigiert" not in page and "Kommentare (1)" in page
    login(make_user())
    assert client.get(edit_url).status_code == 403


# --- the list -----------------------------------------------------------------------------

def test_list_filters_and_sorts(app, client, make_user, make_council, make_proposal):
    council = make_council(slug="mobilitaet")
    business = make_user("business")
    a = make_proposal("Handy-Parken", author=business, council=council)
    b = make_proposal("WLAN ausbauen", status="voting")
    make_proposal("Zurückgezogen", status="withdrawn")
    b.votes_count, a.comments_count = 5, 3
    db.session.commit()
    def titles(query):
        page = client.get("/proposals" + query).get_data(as_text=True)
        return re.findall(r'<h2 class="card-title"><a href="/proposals/\d+">([^<]+)</a>', page)
    assert titles("") == ["WLAN ausbauen", "Handy-Parken"]
    assert titles("?council=mobilitaet") == ["Handy-Parken"]
    assert titles("?status=voting") == ["WLAN ausbauen"]
    assert titles("?status=withdrawn") == ["Zurückgezogen"]
    assert titles("?stakeholder=business") == ["Handy-Parken"]
    assert titles("?sort=votes") == ["WLAN ausbauen", "Handy-Parken"]
    assert titles("?sort=comments") == ["Handy-Parken", "WLAN ausbauen"]
    assert titles("?q=wlan") == ["WLAN ausbauen"]


def test_list_tag_filter_and_pagination(app, client, make_user):
    from forum.proposals import services

    author = make_user()
    for n in range(25):
        services.create_proposal(author, title=f"Idee {n}", body="Text", tags="smart" if n % 5 == 0 else None)
    db.session.commit()
    page = client.get("/proposals?tag=smart").get_data(as_text=True)
    assert "5 Vorschläge" in page
    first = client.get("/proposals?per_page=10").get_data(as_text=True)
    assert "Seite 1 von 3" in first and 'rel="next"' in first
    assert "Seite 2 von 3" in client.get("/proposals?per_page=10&page=2").get_data(as_text=True)


@pytest.mark.parametrize("query, status", [
    ("?sort=title", 400), ("?sort=votes;DROP", 400), ("?status=secret", 400), ("?stakeholder=alien", 400),
    ("?council=gibt-es-nicht", 404), ("?per_page=10000", 200), ("?page=-5", 200), ("?page=abc", 400),
    ("?q=%00", 400), ("?q=' OR 1=1 --", 200), ("?q=\"NEAR(", 200), ("?tag=" + "x" * 500, 400),
])
def test_list_bad_input_is_a_clear_4xx(app, client, make_proposal, query, status):
    make_proposal()
    assert client.get("/proposals" + query).status_code == status


@pytest.mark.parametrize("per_page", [5, 100])
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_list_page_needs_at_most_six_queries(app, client, login, make_user, make_council, make_proposal,
                                             per_page, who):
    from forum.proposals import services

    councils = [make_council(), make_council()]
    authors = [make_user(s) for s in ("citizen", "business", "research")]
    for n in range(60):
        services.create_proposal(authors[n % 3], title=f"Vorschlag {n}", body="Text " * 20,
                                 council=councils[n % 2] if n % 3 else None, tags=["a", f"t{n % 4}"])
    db.session.commit()
    if who == "member":
        login(authors[0])
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            statements.append(statement)  # the test's rolled-back transaction adds savepoints

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/proposals?per_page={per_page}&sort=votes")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="card proposal-card"') == min(per_page, 60)
    print(*[" ".join(s.split())[:100] for s in statements], sep="\n")
    assert len(statements) <= 6


def test_bench_routes_do_not_exist_in_normal_runs(app, client):
    assert client.get("/_bench/hello").status_code == 404
    assert client.post("/api/_bench/noop").status_code == 404


def test_bench_routes_exist_when_enabled(app_factory):
    bench_app = app_factory(BENCH_ROUTES=True)
    assert bench_app.test_client().get("/_bench/hello").get_data(as_text=True) == "Hello, World!"


def test_start_page_lists_newest_proposals(app, client, make_proposal):
    make_proposal("Offene Daten der Stadtwerke")
    make_proposal("Mein Entwurf", status="draft")
    page = client.get("/").get_data(as_text=True)
    assert "Offene Daten der Stadtwerke" in page and "Mein Entwurf" not in page


def test_anonymous_list_content_is_cached_briefly(app, client, login, make_user, make_proposal):
    from forum.proposals import pagecache

    app.config["PROPOSAL_LIST_CACHE_SECONDS"] = 60
    try:
        make_proposal("Erster Vorschlag")
        first = client.get("/proposals").get_data(as_text=True)
        make_proposal("Zweiter Vorschlag")
        again = client.get("/proposals").get_data(as_text=True)
        assert "Erster Vorschlag" in again and "Zweiter Vorschlag" not in again
        token = re.search(r'name="csrf-token" content="([^"]+)"', first).group(1)
        other = app.test_client().get("/proposals").get_data(as_text=True)
        assert re.search(r'name="csrf-token" content="([^"]+)"', other).group(1) != token  # page shell per session
        login(make_user())
        assert "Zweiter Vorschlag" in client.get("/proposals").get_data(as_text=True)  # signed in: always fresh
        pagecache.clear()
        client.post("/logout")
        assert "Zweiter Vorschlag" in client.get("/proposals").get_data(as_text=True)
    finally:
        pagecache.clear()


def test_a_cached_list_page_carries_each_visitors_own_csrf_token_and_no_ones_messages(app, make_proposal):
    """The whole anonymous page comes from the cache: each visitor's token is put in per request
    (the language switch, a POST, works with it), and a page showing a flashed message is neither
    served from the cache nor kept in it."""
    from forum.proposals import pagecache

    app.config["PROPOSAL_LIST_CACHE_SECONDS"] = 60
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        make_proposal("Erster Vorschlag")
        first, second = app.test_client(), app.test_client()
        tokens = []
        for visitor in (first, second):
            page = visitor.get("/proposals").get_data(as_text=True)
            assert "Erster Vorschlag" in page and pagecache.TOKEN_MARK not in page
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            assert f'name="csrf_token" value="{token}"' in page  # the language form's copy too
            tokens.append(token)
        make_proposal("Zweiter Vorschlag")
        assert "Zweiter Vorschlag" not in second.get("/proposals").get_data(as_text=True)  # from the cache
        assert tokens[0] != tokens[1]
        switched = second.post("/language", data={"lang": "en", "next": "/proposals", "csrf_token": tokens[1]})
        assert switched.status_code == 302
        assert "Proposals" in second.get("/proposals").get_data(as_text=True)  # English: a key of its own

        with first.session_transaction() as session:
            session["_flashes"] = [("success", "Nur für dich gespeichert.")]
        flashed = first.get("/proposals").get_data(as_text=True)
        assert "Nur für dich gespeichert." in flashed and "Zweiter Vorschlag" in flashed  # rendered afresh
        third = app.test_client().get("/proposals").get_data(as_text=True)
        assert "Nur für dich gespeichert." not in third
    finally:
        pagecache.clear()


def test_expired_list_is_rendered_by_one_request_while_others_keep_the_old_one(app, monkeypatch):
    from markupsafe import Markup

    from forum.proposals import pagecache

    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    app.config["PROPOSAL_LIST_CACHE_SECONDS"] = 2
    try:
        with app.test_request_context("/proposals"):
            key = pagecache.cache_key()
            assert pagecache.get(key) is None
            pagecache.put(key, Markup("alt"))
            assert pagecache.get(key) == "alt"
            now[0] += 3  # expired
            assert pagecache.get(key) is None  # this request renders afresh …
            assert pagecache.get(key) == "alt"  # … the next ones meanwhile get the old content
            pagecache.put(key, Markup("neu"))
            assert pagecache.get(key) == "neu"
            now[0] += 5  # the renderer failed and never put: the stale copy expires too
            assert pagecache.get(key) is None
    finally:
        pagecache.clear()


def test_the_cache_serves_only_the_anonymous_list_and_search(app, client, login, make_user, make_proposal):
    """Issue 18, item 4: the one page cache holds the anonymous list and search; the proposal page,
    signed-in lists and searches are rendered fresh every time."""
    from forum.proposals import pagecache
    from forum.proposals.comments import add_comment

    app.config["PROPOSAL_LIST_CACHE_SECONDS"] = 60
    try:
        first = make_proposal("Radweg am Ring")
        assert "Radweg am Ring" in client.get("/proposals?q=Radweg").get_data(as_text=True)
        make_proposal("Radweg zur Schule")
        assert "Radweg zur Schule" not in client.get("/proposals?q=Radweg").get_data(as_text=True)  # cached search
        add_comment(first, make_user(), "Ganz frisch kommentiert")
        assert "Ganz frisch kommentiert" in client.get(f"/proposals/{first.id}").get_data(as_text=True)
        login(make_user())
        assert "Radweg zur Schule" in client.get("/proposals?q=Radweg").get_data(as_text=True)
    finally:
        pagecache.clear()


def test_list_cache_seconds_from_the_environment(monkeypatch):
    from config import Config

    monkeypatch.setenv("FORUM_PROPOSAL_LIST_CACHE_SECONDS", "0")
    assert Config.from_env().PROPOSAL_LIST_CACHE_SECONDS == 0
    monkeypatch.delenv("FORUM_PROPOSAL_LIST_CACHE_SECONDS")
    assert Config.from_env().PROPOSAL_LIST_CACHE_SECONDS == 2
    monkeypatch.setenv("FORUM_PROPOSAL_LIST_CACHE_SECONDS", "zwei")
    with pytest.raises(RuntimeError):
        Config.from_env()


def test_a_services_refusal_is_shown_at_its_field(client, make_user, make_proposal):
    """Found by review: "Höchstens 5 Schlagworte." and a voting end in the past stood only in the summary,
    the field itself unmarked."""
    import re

    sign_in(client, make_user())
    page = client.post("/proposals/new", data={"title": "Viele Schlagworte", "body": "Text", "council": "",
                                               "tags": "a, b, c, d, e, f, g", "publish": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert re.search(r'<input[^>]*id="tags"[^>]*aria-invalid="true"', html) or \
        re.search(r'<input[^>]*aria-invalid="true"[^>]*id="tags"', html)
    assert 'id="tags-error"' in html and 'href="#tags"' in html
    sign_in(client, make_user(role="managing_director"))
    proposal = make_proposal()
    html = client.post(f"/proposals/{proposal.id}/status", data={"status": "voting",
                                                                  "voting_ends_at": "2001-01-01T10:00"}).get_data(as_text=True)
    assert 'id="voting_ends_at-error"' in html and "muss in der Zukunft liegen" in html


def test_a_page_past_the_last_leads_back_to_the_first(client, make_proposal):
    make_proposal("Ein Vorschlag")
    page = client.get("/proposals?page=99999&sort=votes").get_data(as_text=True)
    assert "Keine Vorschläge gefunden." in page and 'href="/proposals?sort=votes">Zur ersten Seite</a>' in page
    assert "Zur ersten Seite" not in client.get("/proposals").get_data(as_text=True)
