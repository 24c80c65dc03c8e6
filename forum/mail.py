"""Outgoing mail: SMTP when FORUM_MAIL_URL is set, else one .eml file per mail in instance/outbox/."""
from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

log = logging.getLogger(__name__)


def outbox_dir() -> Path:
    return Path(current_app.instance_path) / "outbox"


def queue_mail(to: str, subject: str, body: str) -> None:
    """Send after the current transaction commits (nothing is sent if it rolls back)."""
    from .extensions import db

    db.session.info.setdefault("outgoing_mail", []).append((to, subject, body))


def _send_queued(session) -> None:
    for to, subject, body in session.info.pop("outgoing_mail", []):
        send_mail(to, subject, body)


def _drop_queued(session, _previous_transaction=None) -> None:
    session.info.pop("outgoing_mail", None)


def init_app(app) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _send_queued):
        event.listen(Session, "after_commit", _send_queued)
        event.listen(Session, "after_soft_rollback", _drop_queued)


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text mail. Failures are logged; they never undo the action that caused the mail."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="smart-city-forum")
    msg.set_content(body)
    url = current_app.config.get("MAIL_URL")
    try:
        if url:
            parts = urlsplit(url)
            with smtplib.SMTP(parts.hostname or "localhost", parts.port or 25, timeout=10) as smtp:
                if parts.username:
                    smtp.starttls()
                    smtp.login(parts.username, parts.password or "")
                smtp.send_message(msg)
        else:
            folder = outbox_dir()
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(msg))
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail %r to %s", subject, to)
