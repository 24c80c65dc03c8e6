"""Only reports from established accounts hide a post on their own (issue 13, item 8): three fresh
accounts could hide any post. Counted toward FORUM_REPORT_THRESHOLD are reports from verified
accounts older than a day; every report still reaches the moderators' queue."""
from datetime import timedelta

import pytest

from forum.database import utcnow
from forum.extensions import db
from forum.moderation import queue as moderation_queue
from forum.moderation import services
from forum.proposals.models import Proposal


@pytest.fixture
def seasoned(make_user):
    """A verified account made two days ago."""
    def make(**kwargs):
        user = make_user(**kwargs)
        user.created_at = utcnow() - timedelta(days=2)
        db.session.commit()
        return user
    return make


@pytest.fixture
def post(make_user, make_council, make_proposal):
    moderator = make_user()
    council = make_council(moderators=[moderator])
    return moderator, make_proposal(council=council)


def _hidden(proposal) -> bool:
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id).hidden_at is not None


def test_three_fresh_accounts_cannot_hide_a_post_over_the_api(app, client, api_token, make_user, post):
    moderator, proposal = post
    for _ in range(3):
        answer = client.post("/api/v1/reports", headers=api_token(make_user()),
                             json={"target": "proposal", "id": proposal.id, "reason": "Spam"})
        assert answer.status_code == 201
    assert not _hidden(proposal)
    queue = client.get("/api/v1/moderation/reports", headers=api_token(moderator)).get_json()["items"]
    assert len(queue) == 1 and queue[0]["reports_count"] == 3 and queue[0]["auto_hidden"] is False


def test_reports_from_established_accounts_hide_it_pending_review(app, seasoned, post):
    moderator, proposal = post
    with app.test_request_context():
        for _ in range(3):
            services.report(seasoned(), "proposal", proposal.id, "Spam")
            db.session.commit()
    assert _hidden(proposal)
    assert "3 Meldungen" in db.session.get(Proposal, proposal.id).hidden_reason


def test_only_established_verified_reports_count(app, make_user, seasoned, post):
    moderator, proposal = post
    with app.test_request_context():
        services.report(make_user(), "proposal", proposal.id, "frisch")
        unverified = seasoned(stakeholder="business", verified=False)
        services.report(unverified, "proposal", proposal.id, "Organisation noch nicht verifiziert")
        services.report(seasoned(), "proposal", proposal.id, "eins")
        services.report(seasoned(), "proposal", proposal.id, "zwei")
        db.session.commit()
        assert not _hidden(proposal)  # four reports, two of them count
        assert [item.reports_count for item in moderation_queue.queue(moderator)] == [4]
        services.report(seasoned(), "proposal", proposal.id, "drei")
        db.session.commit()
    assert _hidden(proposal)
