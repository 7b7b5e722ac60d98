"""Helpers of the operator alert tests: a real HTTP receiver for Apprise's json://, and probe rounds run until the
checks reach a verdict."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.status.states import State
from mpass_status.web.live import live_status


class Receiver:
    """An HTTP server that keeps the JSON bodies posted to it, answering 200 or, when refusing, 500. When held is
    set, the next request (only that one) waits until go is set before it is answered; waiting counts them."""

    def __init__(self):
        self.bodies, self.refusing, self.waiting = [], False, 0
        self.held = threading.Event()
        self.go = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.held.is_set():
                    outer.held.clear()
                    outer.waiting += 1
                    outer.go.wait(60)
                if outer.refusing:
                    self.send_response(500)
                else:
                    outer.bodies.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"json://127.0.0.1:{self.server.server_port}/alerts"

    def stop(self):
        self.go.set()
        self.server.shutdown()
        self.server.server_close()


def rounds_until(app, component: str, state: State, most: int = 10):
    """Runs probe rounds until the checks' verdict on component is state."""
    config, db = runtime.config(app), runtime.results(app)
    for _ in range(most):
        run_round(config, db)
        with app.app_context():
            found = live_status(app=app).components[component]
        checks = found.checks_state if found.source == "staff" else found.state
        if checks == state:
            return
    raise AssertionError(f"{component} never became {state}")
