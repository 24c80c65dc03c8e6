"""Outgoing mail: SMTP when FORUM_MAIL_URL is set, else one .eml file per mail in instance/outbox/."""
from __future__ import annotations

import logging
import smtplib
import unicodedata
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from .effects import after_commit

log = logging.getLogger(__name__)


def outbox_dir() -> Path:
    return Path(current_app.instance_path) / "outbox"


def queue_mail(to: str, subject: str, body: str) -> None:
    """Send after the current transaction commits (nothing is sent if it rolls back): one
    effect per mail on the after-commit queue (forum/effects.py)."""
    after_commit(_send_one, to, subject, body)


def _send_one(to: str, subject: str, body: str) -> None:
    # This runs after the commit: each mail is on its own, and a failure is logged, never raised.
    try:
        send_mail(to, subject, body)
    except Exception:  # noqa: BLE001 - one bad mail must not cost the others
        log.exception("could not send mail %r to %s", subject, to)


def header_text(value: str) -> str:
    """One header line: runs of whitespace (line breaks included) become one space, other control
    characters go. Single-line fields refuse them on input (forum/validators.py); this guards text
    stored before that, so no title can end a header early or add one."""
    return "".join(ch for ch in " ".join(str(value).split()) if unicodedata.category(ch) != "Cc")


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text mail. Failures are logged; they never undo the action that caused the mail."""
    url = current_app.config.get("MAIL_URL")
    try:
        msg = EmailMessage()
        msg["From"] = current_app.config["MAIL_SENDER"]
        msg["To"] = to  # an address is never rewritten: a bad one fails here, alone
        msg["Subject"] = header_text(subject)
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain="smart-city-forum")
        msg.set_content(body)
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
    except (OSError, smtplib.SMTPException, ValueError):
        log.exception("could not send mail %r to %s", subject, to)
