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
