"""Start page, language choice and the health check."""
from __future__ import annotations

import os

from flask import (Blueprint, current_app, jsonify, redirect, render_template, request, send_from_directory, session,
                   url_for)
from sqlalchemy import select, text

from .councils.visibility import council_column_visible, visible_councils
from .extensions import db
from .handlers import allow, anyone
from .security import is_safe_path

bp = Blueprint("main", __name__)


@bp.get("/")
@allow(anyone)
def index():
    from flask_login import current_user

    from .proposals.models import Proposal

    councils = db.session.scalars(visible_councils(current_user, archived=False).limit(6)).all()
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.status.not_in(("draft", "withdrawn")), council_column_visible(Proposal.council_id, current_user))
        .order_by(Proposal.created_at.desc()).limit(5)
    ).all()
    from .meetings.queries import upcoming_meetings

    return render_template("main/index.html", councils=councils, proposals=proposals,
                           meetings=upcoming_meetings(current_user, 5))


@bp.get("/favicon.ico")
@allow(anyone)
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; answer it instead of logging a 404."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


@bp.post("/language")
@allow(anyone)
def language():
    """Remember the chosen language in the session, and for a signed-in person on their account
    (a POST: it changes state)."""
    from flask_login import current_user

    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.language != lang:  # their notices and mails too
            current_user.language = lang
            db.session.commit()
    target = request.form.get("next")
    return redirect(target if is_safe_path(target) else url_for("main.index"))


@bp.get("/healthz")
@allow(anyone)
def healthz():
    """200 when the database (and a configured message queue) answer; 503 naming what fails.
    `worker` names the process that answered (`forum serve --workers N`: its pid and slot 0…N-1);
    `mail` tells how the outbox stands (pending, retrying, failed, oldest_pending_seconds, last_error)."""
    report = {"status": "ok", "database": "ok", "message_queue": "disabled",
              "worker": {"pid": os.getpid(), "slot": current_app.config.get("WORKER_SLOT", 0)}}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        db.session.rollback()
        report["database"] = "failing"
    queue_url = current_app.config.get("MESSAGE_QUEUE")
    if queue_url:
        report["message_queue"] = "ok" if _queue_ok(queue_url) else "failing"
    from .urls import forwarded_headers_ignored

    if forwarded_headers_ignored():  # a proxy in front that FORUM_TRUSTED_PROXIES does not count (forum check)
        report["warnings"] = ["FORUM_TRUSTED_PROXIES: X-Forwarded-* headers arrive and are ignored"]
    if report["database"] == "ok":
        report["mail"] = _mail_detail()
    failing = [k for k in ("database", "message_queue") if report[k] == "failing"]
    if failing:
        report["status"] = "failing"
        report["failing"] = failing
        return jsonify(report), 503
    return jsonify(report)


def _mail_detail() -> dict:
    """The outbox: waiting, retrying and failed mails and the latest error. Informative only: a
    mail server that is away does not make this process unhealthy (the mails wait)."""
    from .mail.worker import status

    try:
        return status()
    except Exception:  # noqa: BLE001 - e.g. a database not yet migrated
        db.session.rollback()
        return {"state": "unknown"}


def _queue_ok(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # noqa: BLE001
        return False
