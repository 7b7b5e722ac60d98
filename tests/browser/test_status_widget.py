"""Atlassian's status widget, embedded on another site, shows what the page says, in every state."""

import pytest

from ..helpers import serve
from ..web.test_statuspage_consumers import CASES, state_site
from .support import WIDGET

EMBEDDING = """<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><title>Koulun intranet</title></head>
<body><h1>Kirjautumisen tila</h1>
<statuspage-widget src="{site}"></statuspage-widget>
<script src="/status-widget.js"></script>
</body></html>"""


def embedding_site(site: str):
    """Another origin's page (an intranet, a learning service) that embeds the widget for our site."""
    page, script = EMBEDDING.format(site=site).encode(), WIDGET.read_bytes()

    def app(environ, start_response):
        body, kind = (script, "text/javascript") if environ["PATH_INFO"] == "/status-widget.js" else (page, "text/html")
        start_response("200 OK", [("Content-Type", f"{kind}; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]

    return app


@pytest.mark.parametrize("state", CASES)
def test_the_widget_on_another_origin_shows_the_pages_state(tmp_path, broker, test_broker, references, page, state):
    indicator = CASES[state][3]
    app = state_site(tmp_path, state, broker, test_broker, references)
    status = app.test_client().get("/api/v2/status.json").get_json()["status"]
    assert status["indicator"] == indicator
    with serve(app) as site, serve(embedding_site(site)) as other:
        assert site.rsplit(":", 1)[1] != other.rsplit(":", 1)[1]  # two origins: the API must allow the embed
        failed = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(other)
        text = page.locator("statuspage-widget .status-text")
        text.wait_for(timeout=10_000)
        assert text.inner_text().strip() == status["description"]
        classes = page.locator("statuspage-widget .status-indicator").get_attribute("class").split()
        assert indicator in classes
        # The widget links to the status site itself.
        assert page.locator("statuspage-widget a").first.get_attribute("href").startswith(site)
    assert failed == []
