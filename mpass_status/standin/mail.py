"""A stand-in SMTP server on 127.0.0.1 that accepts every e-mail: into a Maildir folder for `make demo`, or only
counted (recipient and Message-ID) for `make bench`. Plain SMTP, no TLS, no login: never for real mail."""

import asyncio
import email.parser
import email.policy
import mailbox
import threading
from pathlib import Path

# The headers alone tell who got what; the body is parsed only when it is kept.
_HEADERS = email.parser.BytesHeaderParser(policy=email.policy.default)


class MailSink:
    """An SMTP server in a thread of its own; `received` lists (recipient, Message-ID) in arrival order."""

    def __init__(self, maildir: Path | None = None, port: int = 0):
        self.maildir = mailbox.Maildir(maildir, create=True) if maildir else None
        self.received: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(port, started), daemon=True)
        self._thread.start()
        started.wait(10)
        self.url = f"smtp://127.0.0.1:{self.port}"

    def _run(self, port: int, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", port))
        self.port = self._server.sockets[0].getsockname()[1]
        started.set()
        self._loop.run_forever()
        self._server.close()
        self._loop.run_until_complete(self._server.wait_closed())
        self._loop.close()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def say(line: str) -> None:
            writer.write(line.encode() + b"\r\n")

        say("220 stand-in SMTP")
        recipients = []
        try:
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    say("250 stand-in")
                elif verb == b"MAIL":
                    recipients = []
                    say("250 OK")
                elif verb == b"RCPT":
                    recipients.append(line.decode(errors="replace").partition(":")[2].strip().strip("<>"))
                    say("250 OK")
                elif verb == b"DATA":
                    say("354 End with <CRLF>.<CRLF>")
                    await writer.drain()
                    # The final line's CRLF is the message's own; a line's leading dot was doubled (RFC 5321 4.5.2).
                    data = b"\r\n" + (await reader.readuntil(b"\r\n.\r\n"))[:-3]
                    self._keep(data.replace(b"\r\n..", b"\r\n.")[2:], recipients)
                    say("250 Message accepted")
                elif verb == b"QUIT":
                    say("221 Bye")
                    break
                else:  # RSET, NOOP
                    say("250 OK")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _keep(self, data: bytes, recipients: list[str]) -> None:
        message_id = _HEADERS.parsebytes(data).get("Message-ID", "")
        with self.lock:
            self.received += [(recipient, message_id) for recipient in recipients]
            if self.maildir is not None:
                self.maildir.add(data)

    def stop(self) -> None:
        """Stops the server."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
