"""A mail as it leaves: multipart plain text and simple HTML, with the headers a mail client and
RFC 3834/8058 expect (Message-ID, Date, Auto-Submitted, Content-Language, List-Unsubscribe)."""
from __future__ import annotations

import email.policy
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from html import escape
from urllib.parse import urlsplit

from flask import current_app

_LINK = re.compile(r"https?://[^\s<>\"]+")
# Lines up to RFC 5322's 998 characters: a long List-Unsubscribe link stays one plain header line
# (folding a value without spaces would turn it into RFC 2047 encoded words no client acts on).
POLICY = email.policy.default.clone(max_line_length=998)


@dataclass
class Rendered:
    """What a renderer makes of an outbox row, in the recipient's language."""
    subject: str
    text: str
    language: str = "de"
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def header_text(value: str) -> str:
    """One header line: runs of whitespace (line breaks included) become one space, other control
    characters go. Single-line fields refuse them on input (forum/validators.py); this guards text
    stored before that, so no title can end a header early or add one."""
    return "".join(ch for ch in " ".join(str(value).split()) if unicodedata.category(ch) != "Cc")


def html_from_text(text: str, language: str) -> str:
    """The plain text as a small HTML document: paragraphs at blank lines, links clickable."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = []
        for line in block.splitlines():
            pieces, last = [], 0
            for match in _LINK.finditer(line):
                pieces.append(escape(line[last:match.start()]))
                url = escape(match.group(0))
                pieces.append(f'<a href="{url}">{url}</a>')
                last = match.end()
            pieces.append(escape(line[last:]))
            lines.append("".join(pieces))
        paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
    return (f'<!doctype html>\n<html lang="{escape(language)}"><head><meta charset="utf-8"></head>\n'
            '<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">\n'
            + "\n".join(paragraphs) + "\n</body></html>\n")


def message_domain() -> str:
    """The domain of Message-IDs: the public address's host, else the sender's domain."""
    base = current_app.config.get("BASE_URL")
    if base and urlsplit(base).hostname:
        return urlsplit(base).hostname
    address = parseaddr(current_app.config["MAIL_SENDER"])[1]
    return address.rpartition("@")[2] or "smart-city-forum"


def build(to: str, mail: Rendered) -> EmailMessage:
    """The message for `to`. A malformed address raises ValueError here, for this mail alone."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to  # an address is never rewritten: a bad one fails here, alone
    msg["Subject"] = header_text(mail.subject)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=message_domain())
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers.items():
        msg[name] = header_text(value)
    msg.set_content(mail.text)
    msg.add_alternative(mail.html or html_from_text(mail.text, mail.language), subtype="html")
    msg["Content-Language"] = mail.language  # after the body: making it multipart moves Content-* headers
    return msg
