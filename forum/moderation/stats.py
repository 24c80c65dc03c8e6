"""The public transparency figures: moderation per month, counts only, no names."""
from __future__ import annotations

from sqlalchemy import extract, func, select

from ..extensions import db
from .models import ModerationDecision, Report, Suspension

COLUMNS = ("reports", "auto_hide", "hide", "restore", "dismiss", "suspensions")


def _monthly(column, *where) -> dict[tuple[int, int], int]:
    year, month = extract("year", column), extract("month", column)
    stmt = select(year, month, func.count()).where(*where).group_by(year, month)
    return {(int(y), int(m)): n for y, m, n in db.session.execute(stmt)}


def monthly_figures(limit: int = 24) -> list[dict]:
    """Newest month first: {year, month, reports, auto_hide, hide, restore, dismiss, suspensions}
    for each month in which anything happened (at most `limit` months)."""
    series = {"reports": _monthly(Report.created_at), "suspensions": _monthly(Suspension.created_at)}
    for action in ("auto_hide", "hide", "restore", "dismiss"):
        series[action] = _monthly(ModerationDecision.created_at, ModerationDecision.action == action)
    months = sorted({key for counts in series.values() for key in counts}, reverse=True)[:limit]
    return [{"year": y, "month": m, **{name: series[name].get((y, m), 0) for name in COLUMNS}} for y, m in months]
