"""Demo content drawn from the article about Braunschweig's Smart-City-Forum.

Each area seeds its own part and checks for itself whether that part exists, so a second
run adds nothing and a database seeded before a feature existed gets that feature's demo data.
"""
from __future__ import annotations

DEMO_PASSWORD = "demo-passwort"


def seed_demo() -> int:
    """Seed every area in dependency order; returns how many objects were added."""
    from .accounts.demo import seed as seed_accounts
    from .controlling.demo import seed as seed_controlling
    from .councils.demo import seed as seed_councils
    from .live.demo import seed as seed_live
    from .meetings.demo import seed as seed_meetings
    from .moderation.demo import seed as seed_moderation
    from .proposals.demo import comment_to_report
    from .proposals.demo import seed as seed_proposals

    added = 0
    for seed in (seed_accounts, seed_councils, seed_proposals, seed_meetings, seed_live, seed_controlling):
        added += seed()
    # The moderation queue shows how it works on an open report of a demo comment.
    added += seed_moderation(reportable=("comment", comment_to_report))
    return added
