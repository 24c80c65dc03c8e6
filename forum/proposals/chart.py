"""Geometry for the vote chart: one stacked bar per stakeholder group, scaled to the largest group.

Pure functions of the contract's `votes` dict, so the server (and a live script holding the same
JSON) draws the same chart.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..accounts.models import STAKEHOLDERS
from .models import CHOICES

GROUP_LABELS = {
    "citizen": _l("Bürger*innen"),
    "business": _l("Unternehmen"),
    "research": _l("Forschung/Wissenschaft"),
    "culture": _l("Kultur"),
    "association": _l("Vereine/Verbände"),
}
CHOICE_LABELS = {"for": _l("Dafür"), "against": _l("Dagegen"), "abstain": _l("Enthaltung")}


def percent(part: int, whole: int) -> int:
    """Whole-number share in percent (0 when there is nothing to share)."""
    return round(100 * part / whole) if whole else 0


def vote_chart(votes: dict) -> list[dict]:
    """Rows `{group, label, total, segments: [{choice, label, count, x, width}]}` with x/width in
    percent of the bar area; the longest bar (the group with most votes) spans 100. Labels are
    translated once here (the chart shows each several times)."""
    groups = votes["by_stakeholder"]
    choice_labels = {choice: str(CHOICE_LABELS[choice]) for choice in CHOICES}
    largest = max((sum(groups[g][c] for c in CHOICES) for g in STAKEHOLDERS), default=0)
    rows = []
    for group in STAKEHOLDERS:
        counts = groups[group]
        total = sum(counts[c] for c in CHOICES)
        x = 0.0
        segments = []
        for choice in CHOICES:
            width = 100 * counts[choice] / largest if largest else 0.0
            segments.append({"choice": choice, "label": choice_labels[choice], "count": counts[choice],
                             "x": round(x, 2), "width": round(width, 2)})
            x += width
        rows.append({"group": group, "label": str(GROUP_LABELS[group]), "total": total, "segments": segments})
    return rows
