"""A bounded load test: concurrent readers on a real server while the prober waits on a hanging broker."""

import sqlite3
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from mpass_status import runtime
from mpass_status.checks.scheduler import watch
from mpass_status.standin.config import write_standin_config

from ..helpers import serve

PATHS = [
    "/fi/",
    "/sv/",
    "/fi/archive/",
    "/sv/notices/2019-11-20-tunnistushairio/",
    "/fi/components/prod-oidc/",
    "/fi/feed.rss",
    "/sv/feed.atom",
    "/api/v2/summary.json",
]
# Ends of a complete document of each kind: a cut-off page would lack them.
ENDINGS = {"text/html": b"</html>\n", "application/rss+xml": b"</rss>", "application/atom+xml": b"</feed>"}
SECONDS = 4


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get_content_type(), response.read()


@pytest.mark.slow  # readers for seconds while the checks run into their real timeouts
def test_pages_stay_whole_and_no_result_is_lost_while_the_broker_hangs(
    make_site, tmp_path, broker, test_broker, references
):
    for target in ("discovery", "metadata", "authnsources", "authorize"):
        broker.set_fault(target, "hang")
    config = write_standin_config(
        tmp_path / "status.toml", broker, test_broker, timeout=1.0, interval=2, references=references
    )
    app = make_site(STATUS_CONFIG=str(config))
    database = runtime.results(app).path
    stored, stop = [], threading.Event()
    probing = threading.Thread(target=watch, args=(runtime.config(app), runtime.results(app), stop, stored.extend))
    probing.start()
    answers = []
    try:
        with serve(app) as base, ThreadPoolExecutor(16) as pool:
            deadline = time.monotonic() + SECONDS
            while time.monotonic() < deadline:
                answers.extend(pool.map(fetch, [base + path for path in PATHS * 4]))
    finally:
        stop.set()
        probing.join()
    assert len(answers) >= len(PATHS) * 4
    for status, content_type, body in answers:
        assert status == 200
        assert body.rstrip().endswith(ENDINGS.get(content_type, b"}").rstrip()), (content_type, body[-80:])
    # Every result the prober produced is in the database, the hung checks' failures included.
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT count(*), sum(code = 'timeout') FROM results").fetchone()
    assert rows[0] == len(stored) > 0 and rows[1] > 0
