"""A stand-in reference address on 127.0.0.1: answers 204, or refuses connections while switched off."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self):  # the name http.server calls
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class StandinReference:
    """Plays one of [probe] reference_urls: refuse() closes its port, answer() opens the same port again."""

    def __init__(self):
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self.answer()
        self.url = f"http://127.0.0.1:{self.port}/generate_204"

    def answer(self) -> None:
        """Starts answering (again, on the same port)."""
        if self._server is not None:
            return
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _Answer)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="standin-reference", daemon=True).start()

    def refuse(self) -> None:
        """Closes the port: connections are refused, as when the site's own network is down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    stop = refuse

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.refuse()
