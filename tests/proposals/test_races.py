"""Voting races: 40 parallel requests by one person leave exactly one vote and true counters —
no "database is locked", no 500. In-process (threads, each request in its own app context) on
SQLite and PostgreSQL, and through a real `forum serve` process."""
import random
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.proposals import counters
from forum.proposals.models import Proposal, Vote
from tests.live.servers import ForumProcess

PARALLEL = 40


def _race(app, proposal, headers, mix_withdrawals: bool = False) -> list[int]:
    barrier = Barrier(PARALLEL)
    rng = random.Random(4)
    plan = [rng.choice(["for", "against", "abstain"]) for _ in range(PARALLEL)]
    if mix_withdrawals:
        plan[::7] = [None] * len(plan[::7])
    plan[-1] = "for"
    url = f"/api/v1/proposals/{proposal.id}/vote"

    def one(choice):
        client = app.test_client()
        barrier.wait(timeout=30)
        if choice is None:
            return client.delete(url, headers=headers).status_code
        return client.put(url, headers=headers, json={"choice": choice}).status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(one, plan))


def _assert_one_vote(proposal, allow_none: bool = False):
    db.session.expire_all()
    rows = db.session.scalars(select(Vote).where(Vote.proposal_id == proposal.id)).all()
    assert len(rows) == 1 or (allow_none and not rows)
    assert counters.mismatches() == []
    fresh = db.session.get(Proposal, proposal.id)
    assert fresh.votes_count == fresh.votes_total == len(rows)


def test_forty_parallel_votes_by_one_person(app, api_token, make_user, make_proposal):
    proposal = make_proposal(status="voting")
    headers = api_token(make_user("business"))
    statuses = _race(app, proposal, headers)
    assert statuses == [200] * PARALLEL
    _assert_one_vote(proposal)


def test_parallel_votes_and_withdrawals(app, api_token, make_user, make_proposal):
    proposal = make_proposal(status="voting")
    headers = api_token(make_user())
    assert set(_race(app, proposal, headers, mix_withdrawals=True)) == {200}
    _assert_one_vote(proposal, allow_none=True)


@pytest.mark.postgres
def test_forty_parallel_votes_on_postgresql(app, api_token, make_user, make_proposal):
    assert db.engine.dialect.name == "postgresql"
    proposal = make_proposal(status="voting")
    headers = api_token(make_user("research"))
    assert _race(app, proposal, headers) == [200] * PARALLEL
    _assert_one_vote(proposal)


# --- through a real server process ------------------------------------------------------------

@pytest.fixture
def served(tmp_path):
    """`forum serve` on a fresh SQLite database."""
    server = ForumProcess(tmp_path, {"FORUM_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
                                     "FORUM_SECRET_KEY": "race-test"})
    server.env.pop("FORUM_BENCH_ROUTES", None)
    server.cli("db", "upgrade")
    server.start()
    yield server
    server.stop()


def test_forty_parallel_votes_through_forum_serve(served):
    import requests

    base = served.url
    served.cli("create-user", "md@example.org", "--name", "Geschäftsführung", "--password", "geheim-genug",
               "--stakeholder", "citizen", "--role", "managing_director")
    served.cli("create-user", "firma@example.org", "--name", "Firma", "--password", "geheim-genug",
               "--stakeholder", "business", "--organisation", "Stadtwerke", "--verified")

    def token(email):
        response = requests.post(base + "/api/v1/tokens", json={"email": email, "password": "geheim-genug"}, timeout=10)
        return {"Authorization": "Bearer " + response.json()["token"]}

    md, voter = token("md@example.org"), token("firma@example.org")
    pid = requests.post(base + "/api/v1/proposals", headers=md, json={"title": "Handy-Parken", "body": "B"},
                        timeout=10).json()["id"]
    assert requests.patch(f"{base}/api/v1/proposals/{pid}", headers=md, json={"status": "voting"},
                          timeout=10).status_code == 200
    barrier = Barrier(PARALLEL)
    choices = ["for", "against", "abstain"] * 14

    def one(choice):
        with requests.Session() as session:
            barrier.wait(timeout=30)
            response = session.put(f"{base}/api/v1/proposals/{pid}/vote", headers=voter, json={"choice": choice},
                                   timeout=60)
            return response.status_code, response.text

    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(one, choices[:PARALLEL]))
    assert [status for status, _ in results] == [200] * PARALLEL, [text for _, text in results if "200" not in text][:3]
    votes = requests.get(f"{base}/api/v1/proposals/{pid}", timeout=10).json()["votes"]
    assert votes["total"] == 1 and votes["by_stakeholder"]["business"][votes_choice(votes)] == 1
    assert "Alle Zähler stimmen" in served.cli("recount-votes")


def votes_choice(votes) -> str:
    return next(c for c in ("for", "against", "abstain") if votes[c] == 1)
