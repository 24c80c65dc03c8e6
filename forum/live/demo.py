"""Demo messages in the live room of the Fachbeirat Mobilität (idempotent through client_id)."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.demo import demo_user
from ..councils.models import Council
from ..database import utcnow
from ..extensions import db
from ..text import render_markdown
from .models import LiveMessage

MESSAGES = [
    ("digital@", "demo-live-1", "Willkommen in der Live-Diskussion des Fachbeirats! Heute geht es um "
     "**Handy-Parken** in der Innenstadt."),
    ("anna.schmidt@", "demo-live-2", "Funktioniert das Handy-Parken auch in den Parkhäusern, oder nur an der Straße?"),
    ("digital@", "demo-live-3", "Zunächst an der Straße. Die Parkhäuser folgen, sobald die Braunschweig-App "
     "die Schnittstelle hat."),
    ("anna.schmidt@", "demo-live-4", "Schön wäre, wenn die Belegungsdaten auch auf der Open-Data-Plattform landen."),
]


def seed() -> int:
    council = db.session.scalar(select(Council).where(Council.slug == "mobilitaet"))
    if council is None:
        return 0
    added = 0
    for prefix, client_id, body in MESSAGES:
        author = demo_user(prefix)
        exists = db.session.scalar(select(LiveMessage.id).where(LiveMessage.author_id == author.id,
                                                                 LiveMessage.client_id == client_id))
        if exists is None:
            db.session.add(LiveMessage(room=f"council:{council.slug}", author_id=author.id, body=body,
                                       body_html=str(render_markdown(body)), client_id=client_id, created_at=utcnow()))
            db.session.flush()
            added += 1
    return added
