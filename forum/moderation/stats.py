"""The public transparency figures: moderation per month, counts only, no names."""
from __future__ import annotations

from sqlalchemy import extract, func, literal, select, union_all

from ..extensions import db
from .models import ModerationDecision, Report, Suspension

COLUMNS = ("reports", "auto_hide", "hide", "restore", "dismiss", "suspensions")


def _monthly(name: str, column, *where):
    """(name, year, month, count) per month: one branch of the figures' UNION ALL."""
    year, month = extract("year", column), extract("month", column)
    return select(literal(name).label("series"), year.label("year"), month.label("month"),
                  func.count().label("n")).where(*where).group_by(year, month)


def monthly_figures(limit: int = 24) -> list[dict]:
    """Newest month first: {year, month, reports, auto_hide, hide, restore, dismiss, suspensions}
    for each month in which anything happened (at most `limit` months). One query for all series."""
    branches = [_monthly("reports", Report.created_at), _monthly("suspensions", Suspension.created_at)]
    branches += [_monthly(action, ModerationDecision.created_at, ModerationDecision.action == action)
                 for action in ("auto_hide", "hide", "restore", "dismiss")]
    series: dict[str, dict[tuple[int, int], int]] = {name: {} for name in COLUMNS}
    for name, y, m, n in db.session.execute(union_all(*branches)):
        series[name][(int(y), int(m))] = n
    months = sorted({key for counts in series.values() for key in counts}, reverse=True)[:limit]
    return [{"year": y, "month": m, **{name: series[name].get((y, m), 0) for name in COLUMNS}} for y, m in months]
