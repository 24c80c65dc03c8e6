"""Calendar feeds: one meeting, everything the caller may see, and one council's meetings.

The council feed lives here (not with the council pages) and answers 404 for a council the caller
may not see, exactly as for one that does not exist.
"""
from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user

from ..councils.visibility import get_visible_council_or_404
from ..handlers import allow, anyone
from ..urls import site_url
from . import queries
from .calendar import MIME, build_calendar
from .routes import bp, load


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = MIME
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    # What a feed holds depends on who asks: never let a shared cache keep it.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Cookie, Authorization"
    return response


@bp.get("/meetings/<int:meeting_id>.ics")
@allow(anyone, load=load)
def meeting_ics(meeting):
    return _ics(build_calendar([meeting], name=meeting.title, base_url=site_url()), f"sitzung-{meeting.id}.ics")


@bp.get("/calendar.ics")
@allow(anyone)
def calendar_ics():
    """Every published meeting the caller may see (anonymous callers: public ones only)."""
    meetings = queries.calendar_meetings(current_user)
    return _ics(build_calendar(meetings, name=_("Smart-City-Forum Braunschweig – Sitzungen"), base_url=site_url()),
                "smart-city-forum.ics")


@bp.get("/councils/<slug>/calendar.ics")
@allow(anyone)  # 404 for a council the caller may not see
def council_ics(slug: str):
    council = get_visible_council_or_404(slug[:80], current_user)
    meetings = queries.calendar_meetings(current_user, council=council)
    return _ics(build_calendar(meetings, name=_("%(name)s – Sitzungen", name=council.name), base_url=site_url()),
                f"{council.slug}.ics")
