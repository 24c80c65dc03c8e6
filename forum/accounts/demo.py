"""Demo people: the forum's chair and managing director, organisations and citizens."""
from __future__ import annotations

from ..demo import DEMO_PASSWORD
from .models import User
from .services import create_confirmed_user, find_by_email

PEOPLE = [
    # email, name, stakeholder, organisation, role, verified
    ("kornblum@demo.braunschweig.example", "Thorsten Kornblum", "citizen", None, "chair", True),
    ("josipovic@demo.braunschweig.example", "Neven Josipovic", "citizen", None, "managing_director", True),
    ("admin@demo.braunschweig.example", "Forum-Administration", "citizen", None, "admin", True),
    ("digital@demo.stadtwerke.example", "Katrin Vogel", "business", "Stadtwerke Braunschweig (Demo)", "member", True),
    ("smartcity@demo.tu-braunschweig.example", "Prof. Dr. Jonas Albrecht", "research",
     "Technische Universität Braunschweig (Demo)", "member", True),
    ("kontakt@demo.staatstheater.example", "Mara Lindner", "culture", "Staatstheater Braunschweig (Demo)", "member", True),
    ("vorstand@demo.freifunk-bs.example", "Ole Petersen", "association", "Freifunk Braunschweig e. V. (Demo)", "member", True),
    ("info@demo.telecomputer.example", "Sven Richter", "business", "Telecomputer GmbH (Demo)", "member", False),
    ("anna.schmidt@demo.example", "Anna Schmidt", "citizen", None, "member", True),
    ("mehmet.yilmaz@demo.example", "Mehmet Yılmaz", "citizen", None, "member", True),
]


def seed() -> int:
    added = 0
    for email, name, stakeholder, organisation, role, verified in PEOPLE:
        if find_by_email(email) is None:
            create_confirmed_user(email=email, name=name, password=DEMO_PASSWORD, stakeholder=stakeholder,
                                  organisation=organisation, role=role, verified=verified)
            added += 1
    return added


def demo_user(email_prefix: str) -> User:
    """The demo person whose e-mail starts with `email_prefix` (used by other areas' seeds)."""
    for email, *_ in PEOPLE:
        if email.startswith(email_prefix):
            user = find_by_email(email)
            assert user is not None, "accounts are seeded first"
            return user
    raise KeyError(email_prefix)
