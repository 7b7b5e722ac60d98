"""Writes the whole site as static files (`flask freeze [DESTINATION]`, see export_watch), URLs listed by Frozen-Flask.

Every URL of the export is listed here, in site_urls(): a new route is either added there or, when it
must never be exported, to SKIP_ENDPOINTS; `flask freeze` and the tests name any endpoint that is neither.
"""

import hashlib
import mimetypes
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unicodedata import normalize

import click
from flask import current_app, g, render_template_string, url_for
from flask_frozen import Freezer, MissingURLGeneratorWarning

from mpass_status import runtime
from mpass_status.files import write_atomically
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
    per_page = runtime.settings().notices_per_page
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


# What changes with each probe round (the rest changes only with the notices and the clock).
LIVE_ENDPOINTS = {"pages.front", "pages.component"}
LIVE_BLUEPRINTS = ("status_api.",)


def is_live(endpoint: str | None) -> bool:
    """Tells whether an exported URL shows check results, so that a probe round changes it."""
    return bool(endpoint) and (endpoint in LIVE_ENDPOINTS or endpoint.startswith(LIVE_BLUEPRINTS))


@dataclass
class Pass:
    """What one export pass did: files rendered, files whose bytes changed (written), files removed."""

    rendered: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    urls: set[str] = field(default_factory=set)


class Export:
    """Renders the site into a folder and writes only the files whose bytes changed, each atomically.

    A reader (nginx, an object-store sync) opening any file at any moment gets a whole old or a whole
    new version: every file is written to a temporary name in its own folder and renamed over the old one.
    """

    def __init__(self, app, destination):
        self.app = app
        self.root = Path(destination).resolve()
        # Frozen-Flask lists the URLs (generators, static files) and maps each to its file name; one
        # Freezer per export, as each registers a url_defaults hook on the app.
        self.freezer = Freezer(app, with_static_files=True, with_no_argument_rules=False, log_url_for=False)
        self.freezer.register_generator(site_urls)
        self.digests: dict[str, bytes] = {}
        self.notices: dict[str, object] = {}
        # The URL list changes only with the notices: listing 10,000 notices' URLs costs more than a live pass.
        self._targets: tuple[str, list] = ("", [])

    def check_destination(self) -> None:
        """Refuses a folder that holds anything but an earlier export: a full pass removes what it did not write."""
        root = self.root
        if root.is_dir() and any(root.iterdir()) and not (root / "index.html").is_file():
            raise click.ClickException(f"{root} is not empty and holds no earlier export; choose another folder")

    def targets(self) -> list[tuple[str, str | None]]:
        """Returns (URL path, endpoint) of every exported URL."""
        version = runtime.notices(self.app).version
        if self._targets[0] != version:
            with _exporting(self.app), warnings.catch_warnings():
                warnings.simplefilter("ignore", MissingURLGeneratorWarning)
                found = [(url, endpoint) for url, endpoint, _ in self.freezer._generate_all_urls()]
            self._targets = (version, found)
        return self._targets[1]

    def file_for(self, url: str) -> str:
        """Returns the file (relative to the folder) that holds url: /fi/ is fi/index.html."""
        return normalize("NFC", self.freezer.urlpath_to_filepath(url))

    def full(self) -> Pass:
        """Renders every URL, writes what changed and removes files no URL holds any more."""
        return self._pass(lambda url, endpoint: True, prune=True)

    def live(self) -> Pass:
        """Renders what a probe round changes: front and component pages and the status JSON."""
        return self._pass(lambda url, endpoint: is_live(endpoint), prune=False)

    def notices_changed(self) -> Pass:
        """Renders everything but the pages of notices that did not change (a notice edit, added or removed)."""
        current = runtime.notices(self.app).by_slug
        changed = {slug for slug, notice in current.items() if self.notices.get(slug) != notice}
        changed |= set(self.notices) - set(current)

        def wanted(url, endpoint):
            return endpoint != "pages.notice" or url.rstrip("/").rsplit("/", 1)[-1] in changed

        return self._pass(wanted, prune=True)

    def _pass(self, wanted, prune: bool) -> Pass:
        began = time.perf_counter()
        done = Pass()
        self.root.mkdir(parents=True, exist_ok=True)
        targets = self.targets()
        client = self.app.test_client()
        with _exporting(self.app):
            self.notices = dict(runtime.notices(self.app).by_slug)
            for url, endpoint in targets:
                if not wanted(url, endpoint):
                    continue
                response = client.get(url)
                if response.status_code != 200:
                    raise click.ClickException(f"{url} answered {response.status} while exporting")
                done.urls.add(url)
                self._write(self.file_for(url), response.get_data(), done)
                response.close()
            if prune:
                error_pages = dict(_not_found_pages(self.app))
                for name, body in error_pages.items():
                    self._write(name, body, done)
        if prune:
            # Listing every file the URLs hold is work only a pass that removes files needs.
            self._prune({self.file_for(url) for url, _ in targets} | set(error_pages), done)
        done.rendered = len(done.urls)
        done.seconds = time.perf_counter() - began
        return done

    def _write(self, name: str, body: bytes, done: Pass) -> None:
        digest = hashlib.sha256(body).digest()
        if self.digests.get(name) == digest:
            return
        path = self.root / name
        if name not in self.digests and path.is_file() and hashlib.sha256(path.read_bytes()).digest() == digest:
            self.digests[name] = digest  # left by an earlier run, already right
            return
        write_atomically(path, body)
        self.digests[name] = digest
        done.written.append(name)

    def _prune(self, keep: set[str], done: Pass) -> None:
        # Files of notices that are gone, and temporary files of a run that was stopped mid-write.
        for path in sorted(self.root.rglob("*"), reverse=True):
            name = path.relative_to(self.root).as_posix()
            if path.is_file() and name not in keep:
                path.unlink(missing_ok=True)
                self.digests.pop(name, None)
                done.removed.append(name)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def freeze_site(app, destination) -> tuple[set[str], set[str]]:
    """Writes the site into destination; returns the exported URLs and the endpoints left out."""
    export = Export(app, destination)
    export.check_destination()
    done = export.full()
    seen = {endpoint for _, endpoint in export.targets() if endpoint}
    return done.urls, missing_endpoints(app, seen)


def _not_found_pages(app):
    # A web server shows these for unknown paths: 404.html in the first language, <lang>/404.html per language.
    # The path matches no route, so the page's language switch leads to the front pages.
    languages = runtime.config(app).languages
    for lang in languages:
        response = app.test_client().get("/-/-/-/-/-/", headers={"Accept-Language": lang})
        yield f"{lang}/404.html", response.data
        if lang == languages[0]:
            yield "404.html", response.data


def init_app(app) -> None:
    """Registers the file types of the exported feeds and calendars."""
    # Frozen-Flask checks each response's type against the type its file name suggests; some systems
    # know .rss only as application/x-rss+xml.
    mimetypes.add_type("application/rss+xml", ".rss")
    mimetypes.add_type("application/atom+xml", ".atom")
    mimetypes.add_type(CALENDAR_MIMETYPE, ".ics")
