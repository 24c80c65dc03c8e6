"""The JSON shapes of reports, the moderation queue, suspensions and audit entries (API)."""
from __future__ import annotations

from ..database import iso


def report(row) -> dict:
    return {"id": row.id, "target": row.target_type, "target_id": row.target_id, "reason": row.reason,
            "status": row.status, "created_at": iso(row.created_at)}


def moderation_queue_item(entry) -> dict:
    """An item in the moderation queue (reasons without the reporters' names)."""
    return {"target": entry.kind, "id": entry.item.id, "council": entry.council.slug if entry.council else None,
            "reports_count": entry.reports_count, "reasons": entry.reasons, "hidden": entry.hidden,
            "auto_hidden": entry.auto_hidden, "excerpt": entry.excerpt, "url": entry.url,
            "first_reported_at": iso(entry.first_reported_at)}


def suspension(row) -> dict:
    return {"id": row.id, "user_id": row.user_id, "until": iso(row.until), "reason": row.reason,
            "created_at": iso(row.created_at), "lifted_at": iso(row.lifted_at)}


def audit_entry(entry) -> dict:
    return {"id": entry.id, "actor_id": entry.actor_id, "action": entry.action, "target_type": entry.target_type,
            "target_id": entry.target_id, "council_id": entry.council_id, "reason": entry.reason,
            "details": entry.details or {}, "created_at": iso(entry.created_at)}
