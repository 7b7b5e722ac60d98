"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it accepts and fails on request."""

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


class Handler:
    """Accepts every e-mail unless a rule says otherwise: a recipient answered 4xx or 5xx, a slow or dropped DATA."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[email.message.EmailMessage] = []
        # Each accepted e-mail's bytes as they came, for checking its DKIM signature.
        self.raw: list[bytes] = []
        self.refuse: dict[str, str] = {}  # lower-case recipient -> "451 ..." or "550 ..."
        self.data_delay = 0.0
        self.rcpt_delay = 0.0
        self.drop_next = 0
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        answer = self.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        with self.lock:
            if self.drop_next:
                self.drop_next -= 1
                server.transport.close()
                return "421 closing"
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            self.raw.append(envelope.original_content)
        return "250 Message accepted"

    def to(self, address: str) -> list:
        """Returns the messages accepted for address, oldest first."""
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


class SMTPServer:
    """aiosmtpd on a free loopback port, offering SMTPUTF8 as today's servers do unless told not to; stop() ends
    it."""

    def __init__(self, utf8: bool = True):
        self.handler = Handler()
        # aiosmtpd's start() connects to the port it was given, so it cannot be 0: take a free one first.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=utf8)
        self.controller.start()
        self.url = f"smtp://127.0.0.1:{self.port}"

    def stop(self):
        self.controller.stop()
