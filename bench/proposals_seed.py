"""Bulk seed for the proposals benchmark: 10,000 proposals, 200,000 votes, 50,000 comments on PostgreSQL.

Rows are inserted with explicit ids in large batches (executemany), counters are computed while
generating the votes, so the stored counters equal the rows (`forum recount-votes` finds nothing).
Used by bench/proposals_bench.py; not a test.
"""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert, text

PROPOSALS = 10_000
VOTES = 200_000
COMMENTS = 50_000
USERS = 3_000
VOTERS_WITH_TOKENS = 64
GROUPS = ["citizen"] * 50 + ["business"] * 17 + ["research"] * 13 + ["culture"] * 10 + ["association"] * 10
STATUSES = (["published"] * 28 + ["voting"] * 30 + ["accepted"] * 10 + ["rejected"] * 5 + ["implementing"] * 10
            + ["done"] * 10 + ["withdrawn"] * 4 + ["draft"] * 3)
WORDS = ("Braunschweig App Barrierefreiheit Handy-Parken Parkhaus WLAN Innenstadt offene Daten Stadtwerke "
         "Breitband Gewerbegebiet Glasfaser Mobilität Haltestelle Ladesäule Verkehr Bürgerbeteiligung Kultur "
         "Theater Forschung Sensoren Klima Energie Verwaltung digital Plattform Kooperation Wolfsburg Salzgitter "
         "Gifhorn Radweg Schule Bibliothek Museum Verein Ehrenamt Quartier Smart City Datenschutz").split()
TAGS = ["mobilitaet", "wlan", "open-data", "breitband", "barrierefreiheit", "energie", "kultur", "bildung",
        "verwaltung", "klima", "verkehr", "parken", "sicherheit", "gesundheit", "wirtschaft"]
BATCH = 10_000


def token_value(n: int) -> str:
    return f"bench-token-{n:04d}-" + "x" * 24


def _batches(conn, table, rows):
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(table), rows[start:start + BATCH])


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def seed(app, rng_seed: int = 42) -> dict:
    """Fill the (empty, migrated) database; returns ids the load scripts need."""
    from forum.accounts.auth import token_digest
    from forum.accounts.models import ApiToken, User
    from forum.councils.models import Council, Membership
    from forum.database import utcnow
    from forum.extensions import db
    from forum.proposals.models import Comment, Proposal, ProposalTag, Vote, tally_column
    from werkzeug.security import generate_password_hash

    rng = random.Random(rng_seed)
    now = utcnow()
    password = generate_password_hash("bench-passwort", method="pbkdf2:sha256:1000")
    with app.app_context():
        engine = db.engine
        users, stakeholder_of = [], {}
        for uid in range(1, USERS + 1):
            group = GROUPS[uid % len(GROUPS)]
            stakeholder_of[uid] = group
            users.append({"id": uid, "email": f"person{uid}@bench.example", "name": f"Person {uid}",
                          "password_hash": password, "stakeholder": group,
                          "organisation": None if group == "citizen" else f"Organisation {uid}",
                          "role": "managing_director" if uid == 1 else "member",
                          "verification": "not_required" if group == "citizen" else "verified",
                          "email_confirmed_at": now, "created_at": now, "session_version": 1})
        councils = [{"id": c, "slug": f"fachbeirat-{c}", "name": f"Fachbeirat {c}", "mandate": "Bench",
                     "description": "", "visibility": "private" if c > 10 else "public", "join_policy": "open",
                     "created_at": now, "members_count": 20} for c in range(1, 13)]
        memberships = [{"id": m, "council_id": (m - 1) // 20 + 1, "user_id": 100 + m, "role": "member",
                        "created_at": now} for m in range(1, 12 * 20 + 1)]
        proposals, tags, votes = [], [], []
        vote_id = 0
        voting_ids = []
        votable = [pid for pid in range(1, PROPOSALS + 1)]
        statuses = {pid: rng.choice(STATUSES) for pid in votable}
        with_votes = [pid for pid in votable if statuses[pid] not in ("draft", "published")]
        per_proposal = {pid: 0 for pid in votable}
        for i in range(VOTES):
            per_proposal[with_votes[i % len(with_votes)]] += 1
        for pid in range(1, PROPOSALS + 1):
            status = statuses[pid]
            created = now - timedelta(minutes=PROPOSALS - pid)
            counts = {"votes_for": 0, "votes_against": 0, "votes_abstain": 0}
            tallies = {tally_column(g, c): 0 for g in set(GROUPS) for c in ("for", "against", "abstain")}
            # Token holders (users 1..64) stay out of the seeded votes, so the vote bench starts clean.
            for uid in rng.sample(range(VOTERS_WITH_TOKENS + 1, USERS + 1), per_proposal[pid]):
                choice = rng.choices(("for", "against", "abstain"), (6, 3, 1))[0]
                vote_id += 1
                votes.append({"id": vote_id, "proposal_id": pid, "user_id": uid, "choice": choice,
                              "stakeholder": stakeholder_of[uid], "created_at": created, "updated_at": created})
                counts[f"votes_{choice}"] += 1
                tallies[tally_column(stakeholder_of[uid], choice)] += 1
            body = f"**{_text(rng, 6)}**\n\n{_text(rng, 60)}\n\n- {_text(rng, 8)}\n- {_text(rng, 8)}"
            proposals.append({
                "id": pid, "title": f"{_text(rng, 4)} ({pid})"[:200], "body": body, "excerpt": _text(rng, 30)[:280],
                "status": status, "council_id": rng.randint(1, 12) if pid % 10 < 7 else None,
                "author_id": rng.randint(1, USERS), "created_at": created, "updated_at": created,
                "published_at": None if status == "draft" else created, "comments_count": 0,
                "votes_count": per_proposal[pid], "hide_votes": False, **counts, **tallies,
            })
            if status == "voting" and proposals[-1]["council_id"] is None:
                voting_ids.append(pid)
            for tag in rng.sample(TAGS, rng.randint(1, 2)):
                tags.append({"proposal_id": pid, "tag": tag})
        commentable = [p["id"] for p in proposals if p["status"] not in ("draft", "withdrawn")]
        comments, first_comment = [], {}
        for cid in range(1, COMMENTS + 1):
            pid = rng.choice(commentable)
            parent = first_comment.get(pid) if rng.random() < 0.3 else None
            first_comment.setdefault(pid, cid)
            comments.append({"id": cid, "proposal_id": pid, "author_id": rng.randint(1, USERS), "parent_id": parent,
                             "body": _text(rng, 25), "created_at": now - timedelta(seconds=COMMENTS - cid)})
            proposals[pid - 1]["comments_count"] += 1
        tokens = [{"id": n, "user_id": n, "digest": token_digest(token_value(n)), "created_at": now}
                  for n in range(1, VOTERS_WITH_TOKENS + 1)]
        with engine.begin() as conn:
            for table, rows in ((User.__table__, users), (Council.__table__, councils),
                                (Membership.__table__, memberships), (Proposal.__table__, proposals),
                                (ProposalTag.__table__, tags), (Vote.__table__, votes), (Comment.__table__, comments),
                                (ApiToken.__table__, tokens)):
                _batches(conn, table, rows)
            for table in ("users", "councils", "memberships", "proposals", "votes", "proposal_comments", "api_tokens"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return {"voting_ids": voting_ids[:500], "tokens": [token_value(n) for n in range(1, VOTERS_WITH_TOKENS + 1)],
            "detail_ids": [p["id"] for p in proposals if p["status"] == "voting" and p["council_id"] is None][:500],
            "counts": {"proposals": len(proposals), "votes": len(votes), "comments": len(comments)}}
