"""The route table declares every endpoint once, and the page cache, Cache-Control, CORS and the export
follow what it declares."""

from mpass_status.web.export import missing_endpoints
from mpass_status.web.routes import ExportClass, Lifetime, route, undeclared


def test_every_endpoint_of_the_site_is_declared(app):
    assert undeclared(app) == set()
    assert missing_endpoints(app) == set()


def test_a_route_added_without_a_declaration_is_named(app):
    app.add_url_rule("/extra/<name>.json", "extra", lambda name: {"name": name})
    assert undeclared(app) == {"extra"}
    assert route("extra") is None


def test_a_blueprint_declaration_covers_its_endpoints_and_an_endpoint_its_own():
    assert route("status_api.incidents") == route("status_api.summary") and route("status_api.summary").cors
    assert route("pages.front").lifetime is Lifetime.LIVE and route("pages.notice").lifetime is Lifetime.LASTING
    assert route("readiness.readyz").export is ExportClass.NEVER and not route("readiness.readyz").kept
    assert route("pages") is None and route(None) is None


def test_health_answers_are_never_kept_and_pages_are(client):
    for path in ("/healthz", "/readyz"):
        for _ in range(2):
            response = client.get(path)
            assert "X-Cache" not in response.headers and response.headers["Cache-Control"] == "no-store", path
    assert client.get("/fi/about/").headers["X-Cache"] == "miss"
    assert client.get("/fi/about/").headers["X-Cache"] == "hit"


def test_the_language_switch_is_never_kept(client):
    response = client.get("/language/sv?next=/sv/about/")
    assert response.status_code == 303 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Set-Cookie"].startswith("lang=sv")


def test_open_answers_are_open_from_the_cache_too_and_error_pages_are_not(client):
    for path in ("/api/v2/status.json", "/fi/feed.atom"):
        for expected in ("miss", "hit"):
            response = client.get(path)
            assert response.headers["X-Cache"] == expected and response.headers["Access-Control-Allow-Origin"] == "*"
    missing = client.get("/fi/feeds/component/ei-ole.atom")
    assert missing.status_code == 404 and "Access-Control-Allow-Origin" not in missing.headers
    assert "Access-Control-Allow-Origin" not in client.get("/fi/subscribe/").headers
