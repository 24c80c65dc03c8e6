"""Council services without HTTP: rules, domain errors, counters, database constraints."""
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum.councils import membership, services
from forum.councils.models import Council, JoinRequest, Membership
from forum.errors import Conflict, Invalid, NotAllowed, NotFound
from forum.extensions import db


@pytest.fixture(autouse=True)
def _request_context(app):
    """Notices build absolute links, as they do inside a request."""
    with app.test_request_context():
        yield


def _count(council) -> int:
    db.session.expire(council)
    return council.members_count


@pytest.mark.parametrize("name, slug", [
    ("Fachbeirat Mobilität", "fachbeirat-mobilitaet"),
    ("Straßen & Öffis für Übermorgen", "strassen-oeffis-fuer-uebermorgen"),
    ("  Café Résumé  ", "cafe-resume"),
    ("!!!", "fachbeirat"),
    ("x" * 200, "x" * 70),
])
def test_slugify(name, slug):
    assert services.slugify(name) == slug


def test_unique_slug_counts_up(make_user):
    chair = make_user(role="chair")
    slugs = [services.found_council(chair, name="Fachbeirat Daten", description="").slug for _ in range(3)]
    assert slugs == ["fachbeirat-daten", "fachbeirat-daten-2", "fachbeirat-daten-3"]


@pytest.mark.parametrize("role, allowed", [("member", False), ("managing_director", True), ("chair", True),
                                           ("admin", True)])
def test_only_staff_found(make_user, role, allowed):
    actor = make_user(role=role)
    if allowed:
        council = services.found_council(actor, name="Fachbeirat E-Government", description="",
                                         visibility="private", join_policy="appointed")
        assert council.created_by_id == actor.id and council.is_private
    else:
        with pytest.raises(NotAllowed):
            services.found_council(actor, name="Fachbeirat E-Government", description="")


def test_update_keeps_slug_and_refuses_archived(make_user, make_council):
    chair = make_user(role="chair")
    council = make_council("Fachbeirat Alt")
    slug = council.slug
    services.update_council(chair, council, name="Fachbeirat Neu", visibility="private")
    assert council.slug == slug and council.name == "Fachbeirat Neu" and council.is_private
    with pytest.raises(Invalid):
        services.update_council(chair, council, slug="anders")
    services.archive_council(chair, council)
    with pytest.raises(Conflict):
        services.update_council(chair, council, name="Noch neuer")
    with pytest.raises(NotAllowed):
        services.update_council(make_user(), council, name="Noch neuer")
    services.restore_council(chair, council)
    assert not council.is_archived


def test_join_and_leave_keep_the_counter(make_user, make_council):
    council = make_council()
    people = [make_user() for _ in range(3)]
    for person in people:
        membership.join(person, council)
    assert _count(council) == 3
    membership.leave(people[0], council)
    assert _count(council) == 2
    with pytest.raises(Conflict) as err:
        membership.leave(people[0], council)
    assert err.value.code == "not_member"
    with pytest.raises(Conflict) as err:
        membership.join(people[1], council)
    assert err.value.code == "already_member"


@pytest.mark.parametrize("kwargs, code", [
    ({"stakeholder": "research", "verified": False}, "not_verified"),
    ({"confirmed": False}, "not_verified"),
])
def test_unverified_people_cannot_join(make_user, make_council, kwargs, code):
    council = make_council()
    with pytest.raises(NotAllowed) as err:
        membership.join(make_user(**kwargs), council)
    assert err.value.code == code and "beitreten" in err.value.message.lower()


@pytest.mark.parametrize("policy, via, error, code", [
    ("appointed", "open", NotAllowed, "appointed_only"),
    ("appointed", "request", NotAllowed, "appointed_only"),
    ("request", "open", Conflict, "request_required"),
    ("open", "request", Conflict, "join_directly"),
])
def test_join_policy_decides_the_way_in(make_user, make_council, policy, via, error, code):
    council = make_council(join_policy=policy)
    act = membership.join if via == "open" else membership.request_to_join
    with pytest.raises(error) as err:
        act(make_user(), council)
    assert err.value.code == code


def test_accept_request_adds_member_and_notifies(make_user, make_council, outbox):
    moderator, person = make_user(), make_user()
    council = make_council(join_policy="request", moderators=[moderator])
    req = membership.request_to_join(person, council, "Ich bringe Verkehrsdaten mit.")
    with pytest.raises(Conflict):
        membership.request_to_join(person, council)
    membership.decide_request(moderator, req, accept=True)
    db.session.commit()
    assert req.status == "accepted" and req.decided_by_id == moderator.id and req.decided_at is not None
    assert _count(council) == 2
    assert any("angenommen" in mail for mail in outbox())
    with pytest.raises(Conflict):
        membership.decide_request(moderator, req, accept=False, reason="zu spät")


def test_decline_needs_reason_and_lets_ask_again(make_user, make_council):
    moderator, person = make_user(), make_user()
    council = make_council(join_policy="request", moderators=[moderator])
    req = membership.request_to_join(person, council)
    with pytest.raises(Invalid):
        membership.decide_request(moderator, req, accept=False, reason="  ")
    membership.decide_request(moderator, req, accept=False, reason="Bitte erst vorstellen.")
    assert req.reason == "Bitte erst vorstellen." and _count(council) == 1
    again = membership.request_to_join(person, council)
    assert again.id != req.id and again.is_pending


def test_moderating_a_gives_nothing_in_b(make_user, make_council):
    moderator, person = make_user(), make_user()
    make_council(moderators=[moderator])
    other = make_council(join_policy="request")
    req = membership.request_to_join(person, other)
    with pytest.raises(NotAllowed):
        membership.decide_request(moderator, req, accept=True)
    with pytest.raises(NotAllowed):
        membership.appoint(moderator, other, make_user())


def test_moderator_adds_and_removes_members_only(make_user, make_council):
    moderator, co_moderator, person = make_user(), make_user(), make_user()
    council = make_council(moderators=[moderator, co_moderator])
    _m, created = membership.appoint(moderator, council, person, "member")
    assert created and _count(council) == 3
    with pytest.raises(NotAllowed):
        membership.appoint(moderator, council, person, "moderator")
    with pytest.raises(NotAllowed):
        membership.remove_member(moderator, council, co_moderator)
    membership.remove_member(moderator, council, person)
    assert _count(council) == 2
    with pytest.raises(NotFound):
        membership.remove_member(moderator, council, person)


def test_appointing_accepts_a_pending_request(make_user, make_council):
    chair, person = make_user(role="chair"), make_user()
    council = make_council(join_policy="request")
    req = membership.request_to_join(person, council)
    membership.appoint(chair, council, person, "moderator")
    assert req.status == "accepted" and req.decided_by_id == chair.id


def test_archived_council_is_read_only_but_can_be_left(make_user, make_council):
    chair, member = make_user(role="chair"), make_user()
    council = make_council(members=[member])
    services.archive_council(chair, council)
    with pytest.raises(Conflict):
        membership.appoint(chair, council, make_user())
    with pytest.raises(Conflict):
        membership.join(make_user(), council)
    with pytest.raises(Conflict):
        services.archive_council(chair, council)
    membership.leave(member, council)
    assert _count(council) == 0


def test_withdraw_only_own_pending_request(make_user, make_council):
    person = make_user()
    council = make_council(join_policy="request")
    req = membership.request_to_join(person, council)
    with pytest.raises(NotAllowed):
        membership.withdraw_request(make_user(), req)
    membership.withdraw_request(person, req)
    assert db.session.scalar(select(JoinRequest.id)) is None


def test_database_allows_one_membership_per_person(make_user, make_council):
    person = make_user()
    council = make_council(members=[person])
    db.session.add(Membership(council_id=council.id, user_id=person.id, role="moderator"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_database_allows_only_known_roles(make_user, make_council):
    council = make_council()
    db.session.add(Membership(council_id=council.id, user_id=make_user().id, role="owner"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_database_allows_one_pending_request(make_user, make_council):
    person = make_user()
    council = make_council(join_policy="request")
    db.session.add(JoinRequest(council_id=council.id, user_id=person.id, status="pending"))
    db.session.flush()
    db.session.add(JoinRequest(council_id=council.id, user_id=person.id, status="pending"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_race_to_join_ends_in_conflict_not_a_crash(make_user, make_council, monkeypatch):
    """Two joins passed their checks at the same time: the database's unique key answers the second."""
    person = make_user()
    council = make_council()
    db.session.add(Membership(council_id=council.id, user_id=person.id, role="member"))
    db.session.flush()
    monkeypatch.setattr(membership, "join_blocker", lambda *a, **k: None)
    with pytest.raises(Conflict):
        membership.join(person, council)
    assert db.session.get(Council, council.id).members_count == 0


def test_demo_seed_is_idempotent_and_fits_the_article(app):
    from forum.demo import seed_demo

    assert seed_demo() > 0
    db.session.commit()
    assert seed_demo() == 0
    councils = {c.slug: c for c in db.session.scalars(select(Council))}
    assert {"mobilitaet", "digitale-infrastruktur", "offene-daten", "e-government", "smart-city-board"} <= set(councils)
    assert councils["smart-city-board"].is_private
    for council in councils.values():
        counted = db.session.scalar(select(db.func.count()).select_from(Membership)
                                    .where(Membership.council_id == council.id))
        assert council.members_count == counted
    assert db.session.scalar(select(JoinRequest).where(JoinRequest.status == "pending")) is not None


def test_request_without_moderators_reaches_the_managing_director(make_user, make_council, outbox):
    director = make_user(role="managing_director")
    council = make_council("Fachbeirat Neu", join_policy="request")
    membership.request_to_join(make_user(name="Erika Muster"), council)
    db.session.commit()
    mails = outbox()
    assert len(mails) == 1 and director.email in mails[0] and "Erika Muster" in mails[0]
