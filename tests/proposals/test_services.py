"""Proposal services without HTTP: writing, life cycle, votes and counters, comments, search."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.database import utcnow
from forum.errors import Conflict, Invalid, NotAllowed, NotFound
from forum.extensions import db
from forum.notifications.models import Notification
from forum.proposals import comments, counters, lifecycle, services, voting
from forum.proposals.models import Comment, Follow, Proposal, ProposalRevision, Vote


@pytest.fixture
def ctx(app):
    """A request context: notices build their links with url_for."""
    with app.test_request_context("/"):
        yield


def open_for_voting(proposal, make_user):
    director = make_user(role="managing_director")
    return lifecycle.change_status(proposal, director, "voting")


def test_create_published_and_draft(app, make_user):
    author = make_user()
    published = services.create_proposal(author, title="  WLAN   in der Innenstadt ", body="**Mehr** Netz",
                                         tags="WLAN, Innen Stadt, wlan")
    draft = services.create_proposal(author, title="Idee", body="Noch unfertig", draft=True)
    db.session.commit()
    assert published.status == "published" and published.published_at is not None
    assert published.title == "WLAN in der Innenstadt" and published.excerpt == "Mehr Netz"
    assert published.tag_names == ["innen-stadt", "wlan"]
    assert draft.status == "draft" and draft.published_at is None
    assert db.session.scalar(select(func.count()).select_from(Follow).where(Follow.user_id == author.id)) == 2


@pytest.mark.parametrize("title, body, code", [
    ("", "Text", "title_required"),
    ("x" * 100_000, "Text", "too_long"),
    ("Null\x00Byte", "Text", "invalid_title"),
    ("Titel", "", "body_required"),
    ("Titel", "a\x00b", "invalid_body"),
    ("Titel", "x" * 20_001, "too_long"),
    (None, "Text", "invalid_title"),
])
def test_create_rejects_bad_input(app, make_user, title, body, code):
    with pytest.raises(Invalid) as err:
        services.create_proposal(make_user(), title=title, body=body)
    assert err.value.code == code


def test_create_needs_verified_member_and_visible_council(app, make_user, make_council):
    with pytest.raises(NotAllowed):
        services.create_proposal(make_user("business", verified=False), title="T", body="B")
    private = make_council(visibility="private")
    with pytest.raises(NotFound):
        services.create_proposal(make_user(), title="T", body="B", council=private)
    member = make_user()
    council = make_council(visibility="private", members=[member])
    assert services.create_proposal(member, title="T", body="B", council=council).council_id == council.id


@pytest.mark.parametrize("tags", ["a" * 41, "ein, zwei, drei, vier, fünf, sechs", "semi;colon", ["ok", 3]])
def test_bad_tags(app, make_user, tags):
    with pytest.raises(Invalid):
        services.create_proposal(make_user(), title="T", body="B", tags=tags)


def test_edit_keeps_history_and_stops_at_voting(app, ctx, make_user, make_proposal):
    author = make_user()
    proposal = make_proposal(author=author, title="Alt", body="Alter Text")
    services.edit_proposal(proposal, author, title="Neu", body="Neuer Text")
    db.session.commit()
    history = services.revisions(proposal)
    assert [(r.title, r.body) for r in history] == [("Alt", "Alter Text")]
    assert proposal.edited_at is not None and proposal.title == "Neu"
    with pytest.raises(NotAllowed):
        services.edit_proposal(proposal, make_user(), title="Fremd")
    open_for_voting(proposal, make_user)
    with pytest.raises(Conflict):
        services.edit_proposal(proposal, author, title="Zu spät")


def test_draft_edits_leave_no_history(app, make_user, make_proposal):
    author = make_user()
    draft = make_proposal(author=author, status="draft")
    services.edit_proposal(draft, author, body="Zweiter Anlauf")
    assert db.session.scalar(select(func.count()).select_from(ProposalRevision)) == 0


# --- life cycle -----------------------------------------------------------------------------

@pytest.mark.parametrize("start, target, who, outcome", [
    ("draft", "published", "author", "ok"),
    ("draft", "voting", "director", "notfound"),  # drafts are private
    ("published", "voting", "director", "ok"),
    ("published", "voting", "author", "forbidden"),
    ("published", "withdrawn", "author", "ok"),
    ("published", "accepted", "director", "conflict"),
    ("voting", "accepted", "director", "ok"),
    ("voting", "rejected", "moderator", "ok"),
    ("voting", "withdrawn", "author", "ok"),
    ("voting", "accepted", "other", "forbidden"),
    ("accepted", "implementing", "moderator", "ok"),
    ("accepted", "withdrawn", "author", "conflict"),
    ("implementing", "done", "director", "ok"),
    ("done", "voting", "director", "conflict"),
    ("rejected", "implementing", "director", "conflict"),
    ("withdrawn", "published", "author", "conflict"),
    ("published", "nonsense", "director", "invalid"),
])
def test_transition_table(app, ctx, make_user, make_council, make_proposal, start, target, who, outcome):
    author, moderator = make_user(), make_user()
    council = make_council(moderators=[moderator])
    proposal = make_proposal(author=author, council=council, status=start)
    actor = {"author": author, "moderator": moderator, "director": make_user(role="managing_director"),
             "other": make_user()}[who]
    errors = {"conflict": Conflict, "forbidden": NotAllowed, "invalid": Invalid, "notfound": NotFound}
    if outcome == "ok":
        assert lifecycle.change_status(proposal, actor, target).status == target
    else:
        with pytest.raises(errors[outcome]):
            lifecycle.change_status(proposal, actor, target)


def test_forum_wide_proposals_are_moved_by_the_managing_director(app, ctx, make_user, make_proposal):
    proposal = make_proposal()
    with pytest.raises(NotAllowed):
        lifecycle.change_status(proposal, make_user(role="chair"), "voting")
    assert lifecycle.change_status(proposal, make_user(role="admin"), "voting").status == "voting"


def test_status_change_and_response_notify_author_and_followers(app, ctx, make_user, make_proposal, outbox):
    author, follower, director = make_user(), make_user(), make_user(role="managing_director")
    proposal = make_proposal(author=author)
    services.follow(proposal, follower)
    services.follow(proposal, director)
    lifecycle.change_status(proposal, director, "voting")
    lifecycle.change_status(proposal, director, "accepted", response="Wir setzen das um.")
    db.session.commit()
    for person in (author, follower):
        subjects = [n.subject_in("de") for n in db.session.scalars(
            select(Notification).where(Notification.user_id == person.id))]
        assert len(subjects) == 2 and any("Angenommen" in s for s in subjects)
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == director.id)) == 0
    assert proposal.response == "Wir setzen das um." and proposal.responded_by_id == director.id
    assert proposal.closed_at is not None
    assert len(outbox()) == 4
    services.unfollow(proposal, follower)
    lifecycle.respond(proposal, director, "Nachtrag")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == follower.id)) == 2


def test_voting_end_must_be_in_the_future(app, ctx, make_user, make_proposal):
    with pytest.raises(Invalid):
        lifecycle.change_status(make_proposal(), make_user(role="admin"), "voting",
                                voting_ends_at=utcnow() - timedelta(hours=1))


# --- votes --------------------------------------------------------------------------------

def test_votes_update_counters_by_group(app, ctx, make_user, make_proposal):
    proposal = open_for_voting(make_proposal(), make_user)
    citizen, business, research = make_user(), make_user("business"), make_user("research")
    voting.cast_vote(proposal, citizen, "for")
    voting.cast_vote(proposal, business, "against")
    voting.cast_vote(proposal, research, "for")
    voting.cast_vote(proposal, citizen, "abstain")  # changed
    voting.cast_vote(proposal, citizen, "abstain")  # unchanged
    proposal = voting.withdraw_vote(proposal, research)
    db.session.commit()
    assert (proposal.votes_for, proposal.votes_against, proposal.votes_abstain, proposal.votes_count) == (0, 1, 1, 2)
    tally = proposal.tally()
    assert tally["citizen"] == {"for": 0, "against": 0, "abstain": 1}
    assert tally["business"] == {"for": 0, "against": 1, "abstain": 0}
    assert tally["research"] == {"for": 0, "against": 0, "abstain": 0}
    assert voting.vote_of(proposal, citizen) == "abstain" and voting.vote_of(proposal, research) is None
    assert counters.mismatches() == []


@pytest.mark.parametrize("status", ["published", "accepted", "rejected", "withdrawn"])
def test_votes_only_while_voting(app, make_user, make_proposal, status):
    with pytest.raises(Conflict) as err:
        voting.cast_vote(make_proposal(status=status), make_user(), "for")
    assert err.value.code == "voting_closed"


def test_voting_closes_at_its_end(app, ctx, make_user, make_proposal):
    proposal = open_for_voting(make_proposal(), make_user)
    proposal.voting_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Conflict):
        voting.cast_vote(proposal, make_user(), "for")


def test_who_cannot_vote(app, ctx, make_user, make_proposal, make_council):
    proposal = open_for_voting(make_proposal(), make_user)
    with pytest.raises(NotAllowed) as err:
        voting.cast_vote(proposal, make_user("culture", verified=False), "for")
    assert "nicht verifiziert" in err.value.message
    with pytest.raises(NotAllowed) as err:
        voting.cast_vote(proposal, make_user(confirmed=False), "for")
    assert "E-Mail" in err.value.message
    with pytest.raises(Invalid):
        voting.cast_vote(proposal, make_user(), "maybe")
    secret = make_proposal(council=make_council(visibility="private"), status="voting")
    with pytest.raises(NotFound):
        voting.cast_vote(secret, make_user(), "for")


def test_database_allows_one_vote_per_person(app, make_user, make_proposal):
    from sqlalchemy.exc import IntegrityError

    proposal, voter = make_proposal(status="voting"), make_user()
    db.session.add_all([Vote(proposal_id=proposal.id, user_id=voter.id, choice="for", stakeholder="citizen"),
                        Vote(proposal_id=proposal.id, user_id=voter.id, choice="against", stakeholder="citizen")])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Vote(proposal_id=proposal.id, user_id=voter.id, choice="maybe", stakeholder="citizen"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_hidden_counts_until_voting_closes(app, ctx, make_user, make_proposal):
    proposal = make_proposal(status="voting")
    proposal.hide_votes = True
    db.session.commit()
    voting.cast_vote(proposal, make_user(), "for")
    assert not voting.votes_visible(proposal)
    lifecycle.change_status(proposal, make_user(role="managing_director"), "accepted")
    assert voting.votes_visible(proposal)


def test_recount_command_rebuilds_counters(app, ctx, make_user, make_proposal):
    proposal = open_for_voting(make_proposal(), make_user)
    for stakeholder, choice in [("citizen", "for"), ("business", "for"), ("association", "against")]:
        voting.cast_vote(proposal, make_user(stakeholder), choice)
    comments.add_comment(proposal, make_user(), "Gut")
    db.session.commit()
    db.session.execute(Proposal.__table__.update().values(votes_for=99, business_for=0, votes_count=7,
                                                          comments_count=5))
    db.session.commit()
    assert counters.mismatches() == [proposal.id]
    result = app.test_cli_runner().invoke(args=["recount-votes"])
    assert result.exit_code == 0 and "1 Vorschläge" in result.output
    db.session.expire_all()
    assert counters.mismatches() == []
    proposal = db.session.get(Proposal, proposal.id)
    rows = db.session.execute(select(Vote.stakeholder, Vote.choice).where(Vote.proposal_id == proposal.id)).all()
    assert proposal.votes_for == sum(1 for _, c in rows if c == "for") == 2
    assert proposal.business_for == 1 and proposal.votes_count == len(rows) == 3 and proposal.comments_count == 1
    assert "Alle Zähler stimmen" in app.test_cli_runner().invoke(args=["recount-votes"]).output


# --- comments -----------------------------------------------------------------------------

def test_comments_replies_edit_and_delete(app, make_user, make_proposal):
    proposal, author, other = make_proposal(), make_user(), make_user()
    first = comments.add_comment(proposal, author, "Erster")
    reply = comments.add_comment(proposal, other, "Antwort", parent_id=first.id)
    nested = comments.add_comment(proposal, author, "Antwort auf Antwort", parent_id=reply.id)
    db.session.commit()
    assert reply.parent_id == first.id and nested.parent_id == first.id  # one level only
    assert db.session.get(Proposal, proposal.id).comments_count == 3
    comments.edit_comment(first, author, "Erster (korrigiert)")
    with pytest.raises(NotAllowed):
        comments.edit_comment(first, other, "Fremd")
    with pytest.raises(NotAllowed):
        comments.delete_comment(first, other)
    comments.delete_comment(first, author)
    db.session.commit()
    threads = comments.threads(proposal)
    assert threads[0].comment.is_deleted and [r.body for r in threads[0].replies] == ["Antwort", "Antwort auf Antwort"]
    assert db.session.get(Proposal, proposal.id).comments_count == 2
    with pytest.raises(Conflict):
        comments.add_comment(proposal, other, "Zu gelöschtem", parent_id=first.id)


def test_comment_edit_window(app, make_user, make_proposal):
    author = make_user()
    comment = comments.add_comment(make_proposal(), author, "Text")
    comment.created_at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    with pytest.raises(NotAllowed) as err:
        comments.edit_comment(comment, author, "Zu spät")
    assert err.value.code == "edit_window_over"


@pytest.mark.parametrize("status, error", [("draft", NotFound), ("withdrawn", Conflict)])
def test_no_comments_on_drafts_or_withdrawn(app, make_user, make_proposal, status, error):
    with pytest.raises(error):
        comments.add_comment(make_proposal(status=status), make_user(), "Hallo")


def test_comment_rejects_bad_parent_and_body(app, make_user, make_proposal):
    proposal, other = make_proposal(), make_proposal()
    foreign = comments.add_comment(other, make_user(), "Anderswo")
    with pytest.raises(Invalid):
        comments.add_comment(proposal, make_user(), "x", parent_id=foreign.id)
    with pytest.raises(Invalid):
        comments.add_comment(proposal, make_user(), "   ")
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


# --- search -------------------------------------------------------------------------------

def _search(app, q, user=None):
    from werkzeug.datastructures import MultiDict

    from forum.proposals.queries import list_statement, parse_filters

    return [p.title for p in db.session.scalars(list_statement(parse_filters(MultiDict({"q": q}), user), user))]


def test_full_text_search(app, make_user, make_proposal):
    make_proposal("WLAN in der Innenstadt ausbauen", body="Freies Netz an Haltestellen")
    make_proposal("Handy-Parken in allen Parkhäusern", body="Parken per App")
    assert _search(app, "innenstadt") == ["WLAN in der Innenstadt ausbauen"]
    assert _search(app, "Haltestellen") == ["WLAN in der Innenstadt ausbauen"]
    assert _search(app, "parkhäusern app") == ["Handy-Parken in allen Parkhäusern"]
    assert _search(app, "Straßenbahn") == []


def test_search_keeps_up_with_edits(app, make_user, make_proposal):
    author = make_user()
    proposal = make_proposal("Alter Titel", author=author)
    services.edit_proposal(proposal, author, title="Glasfaser für alle")
    db.session.commit()
    assert _search(app, "Glasfaser") == ["Glasfaser für alle"]
    assert _search(app, "Alter") == []


@pytest.mark.parametrize("q", ['"', "NEAR(a b", "title:x", "'; DROP TABLE proposals; --", "*", "a AND OR NOT",
                               "!!!", "(", "x" * 5000, "1=1 OR 'a'='a'", "\\", "%_"])
def test_search_input_never_breaks(app, make_proposal, q):
    make_proposal("Offene Daten")
    assert isinstance(_search(app, q), list)
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 1
