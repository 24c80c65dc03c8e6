"""A real SMTP server (aiosmtpd) for the mail tests and bench/mail_bench.py: it can be stopped and
started again on the same port, refuses chosen recipients, and counts connections."""
from __future__ import annotations

import email
import email.policy
import threading

from aiosmtpd.controller import Controller


class Recorder:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self, refuse: tuple[str, ...] = ()):
        self.messages: list[email.message.EmailMessage] = []
        self.raw: list[bytes] = []
        self.connections = 0
        self.refuse = set(refuse)
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.raw.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int, refuse: tuple[str, ...] = ()):
        self.port = port
        self.handler = Recorder(refuse)
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self):
        return self.handler.messages

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]
