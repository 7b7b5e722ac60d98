"""Writes the whole site as static files with Frozen-Flask: `flask freeze [DESTINATION]`.

Every URL of the export is listed here, in site_urls(): a new route is either added there or, when it
must never be exported, to SKIP_ENDPOINTS; `flask freeze` and the tests name any endpoint that is neither.
"""

import mimetypes
import warnings
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app, g, render_template_string, url_for
from flask.cli import with_appcontext
from flask_frozen import Freezer, MissingURLGeneratorWarning

from mpass_status import runtime
from mpass_status.notices.filters import notice_filter, notice_years, page_count
from mpass_status.notices.model import TYPES
from mpass_status.web.feeds.calendar import MIMETYPE as CALENDAR_MIMETYPE
from mpass_status.web.feeds.catalog import feed_specs
from mpass_status.web.feeds.render import FORMATS
from mpass_status.web.status_api import LISTS

# Health answers are about the live process: an exported copy would always claim health.
SKIP_ENDPOINTS = {"static", "status_api.healthz", "status_api.readyz", "language.choose"}
# The static export's "/" cannot read a cookie or Accept-Language: it sends the reader to the first language.
INDEX_TEMPLATE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url={{ target }}">
<title>{{ site.name[lang] }}</title>
<link rel="canonical" href="{{ target }}">
</head>
<body>
<main>
<h1>{{ site.name[lang] }}</h1>
<ul>
{%- for other, url in links %}
<li><a href="{{ url }}" lang="{{ other }}" hreflang="{{ other }}">{{ LANGUAGE_NAMES[other] }}</a></li>
{%- endfor %}
</ul>
</main>
</body>
</html>
"""


def site_urls():
    """Yields (endpoint, values) of every exported URL: pages, archive pages, feeds, calendars, status JSON."""
    config, notices = runtime.config(), runtime.notices().notices
    per_page = current_app.config["NOTICES_PER_PAGE"]
    filters = [(None, None)] + [("type", kind) for kind in TYPES]
    filters += [("component", value) for value in sorted(config.known_ids())]
    filters += [("year", str(year)) for year in notice_years(notices)]
    listings = []
    for facet, value in filters:
        keep = notice_filter(config, facet, value)
        listings.append((facet, value, sum(1 for n in notices if keep(n))))
    yield "root", {}
    # The latest results as of the export, for aggregators that read a copy.
    for endpoint in ("summary", "status", "components", *LISTS):
        yield f"status_api.{endpoint}", {}
    yield "robots", {}
    yield "favicon", {}
    for lang in config.languages:
        for endpoint in ("pages.front", "pages.about", "pages.accessibility", "feeds.subscribe", "feeds.calendar"):
            yield endpoint, {"lang": lang}
        for notice in notices:
            yield "pages.notice", {"lang": lang, "slug": notice.slug}
        for component in config.components:
            yield "pages.component", {"lang": lang, "component_id": component.id}
        for facet, value, count in listings:
            for page in range(1, page_count(count, per_page) + 1):
                yield "pages.archive", {"lang": lang, "facet": facet, "value": value, "page": page}
        for spec in feed_specs(config):
            for fmt in FORMATS:
                yield "feeds.feed", {"lang": lang, "fmt": fmt, **spec.url_args()}


def static_index():
    """Renders the export's index.html: a meta refresh to the first language and a link to each."""
    config = runtime.config()
    lang = config.languages[0]
    links = [(other, url_for("pages.front", lang=other)) for other in config.languages]
    return render_template_string(INDEX_TEMPLATE, lang=lang, target=links[0][1], links=links, site=config)


def _fresh_globals(endpoint, values):
    # Frozen-Flask requests each page inside its own request context, so every page would share one
    # app context and its g, including Flask-Babel's cached locale: start each page with an empty g.
    g.__dict__.clear()


@contextmanager
def _exporting(app):
    # Only the export replaces "/": the live site keeps its redirect by cookie and browser language.
    live_root = app.view_functions["root"]
    app.view_functions["root"] = static_index
    app.config["EXPORTING"] = True
    preprocessors = app.url_value_preprocessors.setdefault(None, [])
    preprocessors.insert(0, _fresh_globals)
    try:
        yield
    finally:
        app.view_functions["root"] = live_root
        app.config["EXPORTING"] = False
        preprocessors.remove(_fresh_globals)


def missing_endpoints(app, seen: set[str]) -> set[str]:
    """Returns the GET endpoints that nothing exported and that are not marked to skip."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    return endpoints - seen - SKIP_ENDPOINTS


def freeze_site(app, destination) -> tuple[set[str], set[str]]:
    """Writes the site into destination; returns the exported URLs and the endpoints left out."""
    destination = Path(destination).resolve()
    # Frozen-Flask deletes every file it did not write: never point it at a folder that is not an export.
    if destination.is_dir() and any(destination.iterdir()) and not (destination / "index.html").is_file():
        raise click.ClickException(f"{destination} is not empty and holds no earlier export; choose another folder")
    app.config["FREEZER_DESTINATION"] = str(destination)
    freezer = Freezer(app, with_static_files=True, with_no_argument_rules=False, log_url_for=True)
    freezer.register_generator(site_urls)
    seen = set()
    with _exporting(app), warnings.catch_warnings():
        # Frozen-Flask's own check cannot know the endpoints to skip; missing_endpoints() does it.
        warnings.simplefilter("ignore", MissingURLGeneratorWarning)
        urls = freezer.freeze()
        with app.test_request_context():
            seen = {endpoint for _, endpoint, _ in freezer._generate_all_urls() if endpoint}
        _write_not_found_pages(app, destination)
    return urls, missing_endpoints(app, seen)


def _write_not_found_pages(app, destination: Path) -> None:
    # A web server shows these for unknown paths: 404.html in the first language, <lang>/404.html per language.
    # The path matches no route, so the page's language switch leads to the front pages.
    languages = runtime.config(app).languages
    for lang in languages:
        response = app.test_client().get("/-/-/-/-/-/", headers={"Accept-Language": lang})
        targets = [destination / lang / "404.html"]
        if lang == languages[0]:
            targets.append(destination / "404.html")
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(response.data)


@click.command("freeze")
@click.argument("destination", required=False, type=click.Path(file_okay=False))
@with_appcontext
def freeze_command(destination):
    """Writes the whole site as static files into DESTINATION (default: build/)."""
    app = current_app._get_current_object()
    destination = destination or Path(app.config["PROJECT_ROOT"]) / "build"
    urls, missing = freeze_site(app, destination)
    click.echo(f"{len(urls)} URLs written to {destination}")
    if missing:
        click.echo(f"warning: nothing exported for {', '.join(sorted(missing))}; add a freeze generator", err=True)


def init_app(app) -> None:
    """Registers the `flask freeze` command and the file types of the exported feeds and calendars."""
    # Frozen-Flask checks each response's type against the type its file name suggests; some systems
    # know .rss only as application/x-rss+xml.
    mimetypes.add_type("application/rss+xml", ".rss")
    mimetypes.add_type("application/atom+xml", ".atom")
    mimetypes.add_type(CALENDAR_MIMETYPE, ".ics")
    app.cli.add_command(freeze_command)
