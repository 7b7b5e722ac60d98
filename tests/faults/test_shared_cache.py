"""A real shared cache in front of the site: nginx proxy_cache before gunicorn, loaded by wrk.

The site's answers carry no cookie and say how long they may be kept, so nginx keeps them: under load the
app sees at most one request per address per max-age.
"""

import os
import re
import subprocess
import urllib.request

from bench import nginx

from ..helpers import FIXTURE_NOTICES, wait_for
from .support import fast_config, free_port, gunicorn, running, site_env

# path: the max-age its kind is given (cache_policy.py, feeds)
PATHS = {"/fi/": 15, "/fi/notices/2019-11-20-tunnistushairio/": 300, "/sv/feed.atom": 300, "/api/v2/summary.json": 15}
SECONDS = 4


def test_nginx_keeps_every_page_and_the_app_sees_one_request_per_address(tmp_path, broker, test_broker, references):
    database = tmp_path / "instance" / "status.sqlite3"
    config = fast_config(tmp_path, broker, test_broker, references, database)
    log = tmp_path / "gunicorn.log"
    with gunicorn(site_env(config, FIXTURE_NOTICES, database, ACCESS_LOG="1"), log) as app:
        port = free_port()
        conf = nginx.write_conf(tmp_path, [nginx.proxy_cache_server(tmp_path, port, app)], workers=1)
        with running(["nginx", "-c", str(conf), "-g", "daemon off;"], dict(os.environ), tmp_path / "nginx.log"):
            cache = f"http://127.0.0.1:{port}"
            assert wait_for(lambda: _status(cache + "/healthz") == 200, 10)
            before = log.read_text()
            for path in PATHS:
                with urllib.request.urlopen(cache + path, timeout=10) as response:
                    assert "Set-Cookie" not in response.headers, path
                with urllib.request.urlopen(cache + path, timeout=10) as response:
                    assert response.headers["X-Cache-Status"] == "HIT", (path, response.headers)
                done = subprocess.run(
                    ["wrk", "-t2", "-c16", f"-d{SECONDS}s", cache + path], capture_output=True, text=True, timeout=60
                )
                assert done.returncode == 0 and "Non-2xx" not in done.stdout, done.stdout
                assert int(re.search(r"(\d+) requests in", done.stdout).group(1)) > 100, done.stdout
            # gunicorn logs a request once it has answered it: every address's first fill is there by now.
            assert wait_for(lambda: all(f"GET {p} HTTP" in log.read_text()[len(before) :] for p in PATHS), 10)
            seen = log.read_text()[len(before) :]
    elapsed = SECONDS * len(PATHS) + 5
    for path, max_age in PATHS.items():
        requests = len(re.findall(rf'"GET {re.escape(path)} HTTP', seen))
        # The first fill, then one revalidation per max-age at most.
        assert 1 <= requests <= 1 + elapsed // max_age, (path, requests)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except OSError:
        return 0
