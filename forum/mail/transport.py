"""Where mails leave: an SMTP server named by `FORUM_MAIL_URL`, or `.eml` files in `instance/outbox/`.

- `smtp://[user:password@]host[:25]` plain SMTP; add `?starttls=1` to switch to TLS with STARTTLS
  before anything else is said. A password goes only over TLS (or to the machine itself): with
  credentials and neither smtps:// nor ?starttls=1 the configuration is refused.
- `smtps://user:password@host[:465]` TLS from the first byte (SMTPS).
Certificates are checked against the system's trust store. One connection serves a whole batch.
"""
from __future__ import annotations

import smtplib
import ssl
import uuid
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

SCHEMES = ("smtp", "smtps")
TIMEOUT = 20
_TRUE = {"1", "true", "yes", "on"}


def outbox_dir() -> Path:
    return Path(current_app.instance_path) / "outbox"


def check_url(url: str) -> str | None:
    """A problem with `FORUM_MAIL_URL`, or None."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        return "FORUM_MAIL_URL must start with smtp:// or smtps://"
    if not parts.hostname:
        return "FORUM_MAIL_URL names no host"
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "FORUM_MAIL_URL has an invalid port"
    if (parts.scheme == "smtp" and parts.username and not _starttls(parts)
            and parts.hostname not in ("localhost", "127.0.0.1", "::1")):
        return "FORUM_MAIL_URL would send its password unencrypted: use smtps:// or add ?starttls=1"
    return None


def _starttls(parts) -> bool:
    return parse_qs(parts.query).get("starttls", [""])[0].lower() in _TRUE


@contextmanager
def connection(url: str | None) -> Iterator[Callable[[EmailMessage], None]]:
    """A `send(message)` function over one connection (or into the outbox folder), closed at the end."""
    if not url:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)

        def write(message: EmailMessage) -> None:
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))

        yield write
        return
    problem = check_url(url)
    if problem:
        raise ValueError(problem)
    parts = urlsplit(url)
    if parts.scheme == "smtps":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=TIMEOUT,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=TIMEOUT)
    try:
        if parts.scheme == "smtp" and _starttls(parts):
            smtp.starttls(context=ssl.create_default_context())
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        yield smtp.send_message
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
