"""The JSON shapes of meetings and their agenda items (API)."""
from __future__ import annotations

from flask_babel import get_locale

from ..database import iso
from ..text import render_markdown


def agenda_item(item, proposal_ids: list[int]) -> dict:
    """One TOP; `proposal_ids` are only the linked proposals the caller may see."""
    return {
        "id": item.id,
        "position": item.position,
        "title": item.title,
        "description_html": str(render_markdown(item.description)),
        "duration_minutes": item.duration_minutes,
        "presenter": item.presenter,
        "proposal_ids": proposal_ids,
        "outcome_html": str(render_markdown(item.outcome)) if item.outcome else None,
        "started_at": iso(item.started_at),
    }


def meeting(m, links: dict, *, revisions: bool = False, files=()) -> dict:
    """A meeting with its agenda; `links` maps item id → proposals the caller may see, `files` are
    its documents (each with its `agenda_item_id`, or none for the meeting as a whole)."""
    from ..files.schemas import file as serialize_file

    data = {
        "id": m.id,
        "title": m.title,
        "description_html": str(render_markdown(m.description)),
        "kind": m.kind,
        "council": {"slug": m.council.slug, "name": m.council.name} if m.council else None,
        "starts_at": iso(m.starts_at),
        "ends_at": iso(m.ends_at),
        "location": m.location,
        "online_url": m.online_url,
        "status": m.status,
        "current_item_id": m.current_item_id,
        "current_item_started_at": iso(m.current_item_started_at),
        "sequence": m.sequence,
        "followers_count": m.followers_count,
        "published_at": iso(m.published_at),
        "updated_at": iso(m.updated_at),
        "url": f"/meetings/{m.id}",
        "ics_url": f"/meetings/{m.id}.ics",
        "items": [agenda_item(item, [p.id for p in links.get(item.id, [])]) for item in m.items],
        "minutes": None,
        "files": [serialize_file(f) for f in files],
    }
    if m.minutes_published_at is not None:
        data["minutes"] = {
            "html": str(render_markdown(m.minutes)),
            "attendance_count": m.attendance_count,
            "organisations": m.organisations_list,
            "published_at": iso(m.minutes_published_at),
        }
    if revisions:
        language = str(get_locale())  # the caller's: their chosen language, else the session's or browser's
        data["revisions"] = [{"summary": r.summary_in(language), "created_at": iso(r.created_at)} for r in m.revisions]
    return data
