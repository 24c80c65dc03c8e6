"""Official responses come only from those who may respond (issue 13, item 2), and every one is audited."""
from sqlalchemy import select

from forum.errors import NotAllowed
from forum.extensions import db
from forum.audit import AuditEntry
from forum.proposals import lifecycle
from forum.proposals.models import Proposal


def _responses(proposal_id):
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "proposal.response", AuditEntry.target_id == proposal_id)))


def test_author_cannot_attach_a_response_when_publishing_over_the_api(app, client, api_token, make_user,
                                                                      make_council, make_proposal):
    author = make_user()
    draft = make_proposal(author=author, council=make_council(), status="draft")
    answer = client.patch(f"/api/v1/proposals/{draft.id}", headers=api_token(author),
                          json={"status": "published", "response": "Offiziell angenommen (von mir selbst)."})
    assert answer.status_code == 403, answer.get_json()
    assert answer.get_json()["error"]["code"] == "forbidden"
    db.session.expire_all()
    proposal = db.session.get(Proposal, draft.id)
    assert proposal.status == "draft" and proposal.response is None and proposal.responded_by_id is None


def test_author_cannot_attach_a_response_when_withdrawing_in_the_form(app, client, login, make_user, make_proposal):
    author = make_user()
    proposal = make_proposal(author=author)
    login(author)
    answer = client.post(f"/proposals/{proposal.id}/status", data={"status": "withdrawn", "response": "Erledigt."})
    assert answer.status_code == 403
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "published"
    assert db.session.get(Proposal, proposal.id).response is None


def test_the_service_refuses_a_response_from_anyone_who_may_not_respond(app, make_user, make_proposal):
    author = make_user()
    proposal = make_proposal(author=author, status="draft")
    try:
        lifecycle.change_status(proposal, author, "published", response="Angenommen.")
    except NotAllowed:
        db.session.rollback()
    else:
        raise AssertionError("the author gave an official response")
    # the same step without a response is the author's right
    lifecycle.change_status(db.session.get(Proposal, proposal.id), author, "published")
    db.session.commit()
    assert db.session.get(Proposal, proposal.id).status == "published"
    assert _responses(proposal.id) == []


def test_every_response_is_audited(app, client, api_token, make_user, make_council, make_proposal):
    moderator = make_user()
    proposal = make_proposal(council=make_council(moderators=[moderator]), status="voting")
    h = api_token(moderator)
    assert client.patch(f"/api/v1/proposals/{proposal.id}", headers=h,
                        json={"status": "accepted", "response": "Wird umgesetzt."}).status_code == 200
    assert client.patch(f"/api/v1/proposals/{proposal.id}", headers=h, json={"response": "Nachtrag"}).status_code == 200
    entries = _responses(proposal.id)
    assert len(entries) == 2
    assert {e.actor_id for e in entries} == {moderator.id}
    assert all(e.council_id == proposal.council_id for e in entries)
