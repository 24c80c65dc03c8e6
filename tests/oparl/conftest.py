"""A small forum with something of everything OParl shows, and as much it must never show."""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from forum.database import utcnow
from forum.extensions import db

BASE = "https://forum.example"
SYSTEM = BASE + "/oparl/v1/system"


@pytest.fixture
def based(app):
    app.config["BASE_URL"] = BASE
    return app


def path_of(url: str) -> str:
    """The site path (with query) of an absolute link on BASE."""
    assert url.startswith(BASE + "/"), url
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def fetch(client, url: str, status: int = 200):
    answer = client.get(path_of(url))
    assert answer.status_code == status, (url, answer.status_code, answer.get_data(as_text=True)[:500])
    return answer.get_json()


def attach_files(owners: dict) -> dict:
    """{name: StoredFile} of one small PDF per name, attached to the owner given."""
    import io

    from forum.files import storage
    from forum.files.models import StoredFile
    from tests.files import samples

    stored = storage.store(io.BytesIO(samples.PDF))
    rows = {name: StoredFile(name=name, content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                             **owner) for name, owner in owners.items()}
    db.session.add_all(rows.values())
    db.session.flush()
    return rows


@pytest.fixture
def oparl_world(based, make_user, make_council, make_proposal, make_meeting):
    listed = make_user(name="Lena Öffentlich")
    listed.public_listing = True
    quiet = make_user(name="Quentin Still")
    moderator = make_user(name="Mara Moderation")
    secret_moderator = make_user(name="Sigrid Geheim")
    council = make_council("Fachbeirat Mobilität", members=[listed, quiet], moderators=[moderator])
    private = make_council("Geheimer Kreis", visibility="private", members=[listed],
                           moderators=[secret_moderator])
    proposal = make_proposal("Handy-Parken", council=council, author=listed)
    forum_proposal = make_proposal("Radwege am Ring", author=quiet)
    hidden = make_proposal("Verborgener Vorschlag", council=council)
    hidden.hidden_at, hidden.hidden_reason = utcnow(), "Beleidigend"
    draft = make_proposal("Entwurf eines Vorschlags", status="draft")
    private_proposal = make_proposal("Geheimer Vorschlag", council=private)
    meeting = make_meeting("Sitzung Mobilität", council=council, items=("Begrüßung", "Parken", "Verschiedenes"))
    forum_meeting = make_meeting("Forumssitzung", items=("Eröffnung",))
    cancelled = make_meeting("Abgesagte Sitzung", council=council, status="cancelled")
    draft_meeting = make_meeting("Entwurfssitzung", council=council, status="draft")
    private_meeting = make_meeting("Geheime Sitzung", council=private, items=("Geheimer Punkt",))
    # On the agenda: "Parken" treats one public proposal (and others no visitor may see), "Verschiedenes"
    # two, the forum's meeting one; the private meeting's item treats a public proposal, unseen.
    meeting.items[1].proposals = [proposal, hidden, draft, private_proposal]
    meeting.items[2].proposals = [proposal, forum_proposal]
    forum_meeting.items[0].proposals = [forum_proposal]
    private_meeting.items[0].proposals = [proposal]
    files = attach_files({
        "Einladung.pdf": {"meeting_id": meeting.id}, "Parkkonzept.pdf": {"meeting_id": meeting.id,
                                                                         "agenda_item_id": meeting.items[1].id},
        "Skizze.pdf": {"proposal_id": proposal.id}, "Verborgene Anlage.pdf": {"proposal_id": hidden.id},
        "Geheime Unterlage.pdf": {"meeting_id": private_meeting.id},
        "Geheime Anlage.pdf": {"proposal_id": private_proposal.id}})
    db.session.commit()
    return SimpleNamespace(**locals())
