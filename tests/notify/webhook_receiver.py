"""A real webhook receiver on 127.0.0.1 (a threaded http.server): it keeps every request, answers a challenge by
echoing it, and on request answers a status code, hangs or echoes a wrong value, one request at a time."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    """One request as it arrived."""

    path: str
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """Answers 200 (a challenge with its value) unless the next of `script` says otherwise: an int is the status
    to answer, ("hang", seconds) waits that long before answering, "wrong" echoes another value."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[Received] = []
        self.script: list = []
        self.stopping = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer.lock:
                    outer.requests.append(Received(self.path, dict(self.headers.items()), body))
                    step = outer.script.pop(0) if outer.script else None
                if isinstance(step, tuple):
                    outer.stopping.wait(step[1])
                    step = None
                if isinstance(step, int):
                    self._answer(step, b"no")
                    return
                try:
                    challenge = json.loads(body).get("challenge")
                except ValueError:
                    challenge = None
                if challenge and step == "wrong":
                    challenge = "something else"
                self._answer(200, (challenge or "ok").encode())

            def _answer(self, status: int, text: bytes):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text)
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def of(self, event: str) -> list[Received]:
        """Returns the requests whose X-MPASSid-Event was event."""
        with self.lock:
            return [r for r in self.requests if r.headers.get("X-MPASSid-Event") == event]

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
