"""The shipped nginx configuration (deploy/nginx/status.conf), run as a deployment includes it, with Debian's
nginx and its mime.types: the TLS example passes `nginx -t`; with the app stopped every exported page, feed,
calendar and status API answer (Swedish from ?lang=sv too) is served from the export and an unknown address
gets the exported 404 page; with the app running its answers keep their own Cache-Control and carry each
security header once; text of every kind is compressed."""

import gzip
import http.client
import json
import os
import pwd
import shutil
import subprocess
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mpass_status.standin.certs import certificate, key_pem, new_key, pem
from mpass_status.web.export import Export, file_for, site_urls

from ..helpers import FIXTURE_NOTICES, ROOT, build_site, wait_for
from .support import fast_config, free_port, gunicorn, running, site_env

SHIPPED = ROOT / "deploy" / "nginx"
# Workers run as this user (nginx started by root would run them as nobody, who cannot read tmp).
MAIN = """
user {user};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};
    uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
    include {shipped}/status.conf;
}}
"""
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is installed by make system-packages")


def nginx_folder(tmp: Path, server: str, app: str) -> Path:
    """Writes nginx.conf including the shipped file unchanged, and this machine's two files beside it."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "mpass-status").mkdir(exist_ok=True)
    (tmp / "mpass-status" / "server.conf").write_text(server)
    (tmp / "mpass-status" / "app.conf").write_text(app)
    conf = tmp / "nginx.conf"
    conf.write_text(MAIN.format(user=pwd.getpwuid(os.geteuid()).pw_name, tmp=tmp, shipped=SHIPPED))
    return conf


def test_the_tls_example_passes_nginx_t(tmp_path):
    key = new_key()
    cert = certificate(key, "status.mpass.example.fi", datetime.now(UTC) + timedelta(days=1))
    (tmp_path / "cert.pem").write_bytes(pem(cert))
    (tmp_path / "key.pem").write_bytes(key_pem(key))
    server = (SHIPPED / "server.conf.example").read_text()
    server = server.replace("/etc/ssl/mpass-status/fullchain.pem", str(tmp_path / "cert.pem"))
    server = server.replace("/etc/ssl/mpass-status/privkey.pem", str(tmp_path / "key.pem"))
    conf = nginx_folder(tmp_path / "nginx", server, (SHIPPED / "app.conf.example").read_text())
    done = subprocess.run(["nginx", "-t", "-c", str(conf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def fetch(url: str, headers: dict | None = None):
    """GETs url without following redirects; returns (status, headers, body as sent)."""
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The fixture site exported into a folder, and its exported URLs."""
    folder = tmp_path_factory.mktemp("nginx-export")
    site = build_site(folder / "site")
    export = Export(site, folder / "www")
    export.full()
    return export.root, [target.url for target in site_urls(site)]


@pytest.fixture(scope="module")
def stopped_app(exported, tmp_path_factory):
    """nginx with the shipped file in front of an app address where nothing listens; yields its base URL."""
    root, _ = exported
    tmp = tmp_path_factory.mktemp("nginx-stopped")
    port = free_port()
    conf = nginx_folder(tmp, f"listen 127.0.0.1:{port};\nroot {root};\n", f"server 127.0.0.1:{free_port()};\n")
    with running(["nginx", "-c", str(conf), "-g", "daemon off;"], dict(os.environ), tmp / "nginx.log"):
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: _answers(base), 10), (tmp / "nginx-error.log").read_text()
        yield base


def _answers(base: str) -> bool:
    try:
        return fetch(base + "/fi/")[0] == 200
    except OSError:
        return False


def test_with_the_app_stopped_every_exported_answer_comes_from_the_export(exported, stopped_app):
    root, urls = exported
    assert len(urls) > 100 and "/api/v2/summary.json?lang=sv" in urls
    for url in urls:
        status, _, body = fetch(stopped_app + url.replace(" ", "%20"))
        assert (status, body) == (200, (root / file_for(url)).read_bytes()), url


def test_with_the_app_stopped_the_front_door_and_unknown_addresses_are_served_from_files(exported, stopped_app):
    root, _ = exported
    status, _, body = fetch(stopped_app + "/")
    assert (status, body) == (200, (root / "index.html").read_bytes())
    for path, page in [("/fi/ei-ole/", "404.html"), ("/nothing", "404.html"), ("/sv/finns-inte/", "sv/404.html")]:
        status, headers, body = fetch(stopped_app + path)
        assert (status, body) == (404, (root / page).read_bytes()), path
        assert headers.get_content_type() == "text/html"
    # Health is about the app, and it is not there.
    for path in ("/healthz", "/readyz"):
        assert fetch(stopped_app + path)[0] == 503


def test_the_status_api_is_served_in_the_language_asked(stopped_app):
    names = {}
    for query in ("", "?lang=fi", "?lang=sv"):
        status, headers, body = fetch(stopped_app + "/api/v2/summary.json" + query)
        assert status == 200 and headers.get_content_type() == "application/json"
        assert headers["Access-Control-Allow-Origin"] == "*"
        names[query] = json.loads(body)["page"]["name"]
    assert names[""] == names["?lang=fi"] == "MPASSid-palvelun tilannetiedot"
    assert names["?lang=sv"] == "MPASSid-tjänstens driftläge"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/fi/", "text/html"),
        ("/sv/feed.atom", "application/atom+xml"),
        ("/fi/feed.rss", "application/rss+xml"),
        ("/fi/calendar.ics", "text/calendar"),
        ("/api/v2/summary.json?lang=sv", "application/json"),
        ("css", "text/css"),
    ],
)
def test_text_of_every_kind_is_compressed_with_headers_once(exported, stopped_app, path, kind):
    root, urls = exported
    if path == "css":
        path = next(url for url in urls if url.endswith(".css"))
    status, headers, body = fetch(stopped_app + path, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get_content_type() == kind
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == (root / file_for(path)).read_bytes()
    for name in SECURITY_HEADERS:
        assert len(headers.get_all(name) or []) == 1, name
    # Files are kept as long as the app's own answers of their kind would be; never "expires -1".
    assert "no-cache" not in headers.get("Cache-Control", "") and "max-age=" in headers["Cache-Control"]


def test_with_the_app_running_its_answers_keep_their_cache_control_and_headers_once(
    tmp_path, exported, broker, test_broker, references
):
    root, _ = exported
    database = tmp_path / "status.sqlite3"
    config = fast_config(tmp_path, broker, test_broker, references, database)
    with gunicorn(site_env(config, FIXTURE_NOTICES, database), tmp_path / "gunicorn.log") as app:
        port = free_port()
        conf = nginx_folder(tmp_path / "nginx", f"listen 127.0.0.1:{port};\nroot {root};\n", f"server {app[7:]};\n")
        with running(["nginx", "-c", str(conf), "-g", "daemon off;"], dict(os.environ), tmp_path / "nginx.log"):
            base = f"http://127.0.0.1:{port}"
            assert wait_for(lambda: _answers(base), 10)
            # The language switch is the app's and never kept: no-store, not turned into no-cache.
            status, headers, _ = fetch(base + "/language/sv?next=/sv/")
            assert status == 303 and headers["Cache-Control"] == "no-store"
            # "/" is the app's redirect by language.
            status, headers, _ = fetch(base + "/", {"Accept-Language": "sv"})
            assert status in (302, 303, 307) and headers["Location"].endswith("/sv/")
            for path in ("/language/sv?next=/sv/", "/healthz", "/readyz", "/", "/fi/ei-ole/"):
                headers = fetch(base + path)[1]
                for name in SECURITY_HEADERS:
                    assert len(headers.get_all(name) or []) == 1, (path, name)
                assert len(headers.get_all("Date") or []) == 1, path
            # The world (here 127.0.0.2, which the default READYZ_DETAIL_FROM leaves out) reaches the app through
            # nginx, which names the client: /readyz tells it no detail, whatever X-Forwarded-For it sends.
            world = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=("127.0.0.2", 0))
            world.request("GET", "/readyz", headers={"X-Forwarded-For": "127.0.0.1"})
            assert json.loads(world.getresponse().read()).keys() == {"ready"}
            world.close()
            assert "reasons" in json.loads(fetch(base + "/readyz")[2])
            # An unknown address the app answers is its own 404 page.
            assert fetch(base + "/fi/ei-ole/")[0] == 404
