"""Writes the whole site as static files (`flask freeze [DESTINATION]`; export_watch keeps a folder current).

What is exported is declared in the route table (routes.py). An exported endpoint's URLs are built with
url_for, as the live site builds its links: one per language for an endpoint that takes nothing else, or
from its generator in URLS. `flask freeze` and the tests name any endpoint that is neither declared nor
given URLs. Each URL is rendered by the site itself through Flask's test client, on requests marked as the
export's (export_signal.py), and the export adds files of its own: index.html and the 404 pages.
"""

import contextvars
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from unicodedata import normalize
from urllib.parse import unquote, urlsplit

import click
from flask import Flask, render_template_string, url_for

from mpass_status import runtime
from mpass_status.files import write_atomically
from mpass_status.notices.filters import notice_filter, notice_years, page_count
from mpass_status.notices.model import TYPES
from mpass_status.web.export_signal import ENVIRON_KEY
from mpass_status.web.feeds.catalog import feed_specs
from mpass_status.web.feeds.render import FORMATS
from mpass_status.web.routes import ExportClass, route, undeclared

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
# A path no route matches: the 404 pages' language switch then leads to the front pages.
NOT_FOUND_PATH = "/-/-/-/-/-/"
# Blueprints whose URLs take the language as `?lang=` (the status API): each language but the first is a file of
# its own beside the first's, summary.sv.json beside summary.json (deploy/nginx/status.conf maps ?lang=sv to it).
QUERY_LANGUAGE = ("status_api",)


def _notices() -> Iterator[dict]:
    for notice in runtime.notices().notices:
        yield {"slug": notice.slug}


def _components() -> Iterator[dict]:
    for component in runtime.config().components:
        yield {"component_id": component.id}


def _archive_pages() -> Iterator[dict]:
    config, notices = runtime.config(), runtime.notices().notices
    per_page = runtime.settings().notices_per_page
    filters = [(None, None)] + [("type", kind) for kind in TYPES]
    filters += [("component", value) for value in sorted(config.known_ids())]
    filters += [("year", str(year)) for year in notice_years(notices)]
    for facet, value in filters:
        keep = notice_filter(config, facet, value)
        for page in range(1, page_count(sum(1 for n in notices if keep(n)), per_page) + 1):
            yield {"facet": facet, "value": value, "page": page}


def _feeds() -> Iterator[dict]:
    for spec in feed_specs(runtime.config()):
        for fmt in FORMATS:
            yield {"fmt": fmt, **spec.url_args()}


def _static_files() -> Iterator[dict]:
    # Each under its fingerprinted name, as the pages link to it.
    for name in sorted(runtime.state().assets):
        yield {"filename": name}


# Endpoint -> the values of its URLs besides the language (a language blueprint's URLs are built in each).
URLS: dict[str, Callable[[], Iterator[dict]]] = {
    "pages.notice": _notices,
    "pages.component": _components,
    "pages.archive": _archive_pages,
    "feeds.feed": _feeds,
    "static": _static_files,
}


@dataclass(frozen=True)
class Target:
    """An exported URL: its path, its endpoint and the values it was built from."""

    url: str
    endpoint: str
    values: dict


def _exported_rules(app: Flask) -> dict[str, list]:
    found: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        declared = route(rule.endpoint)
        if declared and declared.export is ExportClass.EXPORTED and "GET" in rule.methods:
            found.setdefault(rule.endpoint, []).append(rule)
    return found


def _once() -> Iterator[dict]:
    yield {}


def _generator(endpoint: str, rules: list) -> Callable[[], Iterator[dict]] | None:
    """Returns what yields the values of endpoint's URLs besides the language; None when nothing says."""
    if endpoint in URLS:
        return URLS[endpoint]
    return _once if all(set(rule.arguments) <= {"lang"} for rule in rules) else None


def missing_endpoints(app: Flask) -> set[str]:
    """Returns the endpoints the route table does not declare, and the exported ones with no URLs to build."""
    exported = _exported_rules(app)
    return undeclared(app) | {endpoint for endpoint, rules in exported.items() if _generator(endpoint, rules) is None}


T = TypeVar("T")


def _isolated(work: Callable[[], T]) -> T:
    """Runs work in a context of its own, as a reader's request runs: under the caller's app context (the
    `flask freeze` command's) every page would share one g, and Flask-Babel's locale with it."""
    return contextvars.Context().run(work)


def site_urls(app: Flask) -> list[Target]:
    """Returns every exported URL, built with url_for as the live site builds its links."""

    def build() -> list[Target]:
        languages = runtime.config(app).languages
        found, seen = [], set()
        with app.test_request_context():
            for endpoint, rules in _exported_rules(app).items():
                generator = _generator(endpoint, rules)
                per_language = any("lang" in rule.arguments for rule in rules)
                by_query = endpoint.partition(".")[0] in QUERY_LANGUAGE
                for value in generator() if generator else ():
                    for lang in languages if per_language or by_query else (None,):
                        full = dict(value, lang=lang) if lang else value
                        # url_for quotes (a space is %20): the path as the test client is asked for it.
                        url = unquote(urlsplit(url_for(endpoint, **full)).path)
                        if by_query and lang != languages[0]:
                            url += f"?lang={lang}"
                        if url not in seen:
                            seen.add(url)
                            found.append(Target(url, endpoint, full))
        return found

    return _isolated(build)


def static_index(app: Flask) -> bytes:
    """Renders the export's index.html: a meta refresh to the first language and a link to each."""

    def render() -> str:
        config = runtime.config(app)
        with app.test_request_context():
            links = [(other, url_for("pages.front", lang=other)) for other in config.languages]
            lang = config.languages[0]
            return render_template_string(INDEX_TEMPLATE, lang=lang, target=links[0][1], links=links, site=config)

    return _isolated(render).encode("utf-8")


def file_for(url: str) -> str:
    """Returns the file (relative to the folder) that holds url: /fi/ is fi/index.html, and
    /api/v2/summary.json?lang=sv is api/v2/summary.sv.json."""
    url, _, query = url.partition("?lang=")
    path = url + "index.html" if url.endswith("/") else url
    if query:
        stem, dot, extension = path.rpartition(".")
        path = f"{stem}.{query}.{extension}"
    return normalize("NFC", path.lstrip("/"))


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

    def __init__(self, app: Flask, destination):
        self.app = app
        self.root = Path(destination).resolve()
        self.digests: dict[str, bytes] = {}
        self.notices: dict[str, object] = {}
        # The URL list changes only with the notices: listing 10,000 notices' URLs costs more than a live pass.
        self._targets: tuple[str, list[Target]] = ("", [])
        # The site's own requests, marked as the export's: their language switch links to pages, not cookies.
        self.client = app.test_client()
        self.client.environ_base[ENVIRON_KEY] = True

    def check_destination(self) -> None:
        """Refuses a folder that holds anything but an earlier export: a full pass removes what it did not write."""
        root = self.root
        if root.is_dir() and any(root.iterdir()) and not (root / "index.html").is_file():
            raise click.ClickException(f"{root} is not empty and holds no earlier export; choose another folder")

    def targets(self) -> list[Target]:
        """Returns every exported URL as of the current notices."""
        version = runtime.notices(self.app).version
        if self._targets[0] != version:
            self._targets = (version, site_urls(self.app))
        return self._targets[1]

    def full(self) -> Pass:
        """Renders every URL, writes what changed and removes files no URL holds any more."""
        return self._pass(lambda target: True, prune=True)

    def live(self) -> Pass:
        """Renders what a probe round changes: front and component pages and the status JSON."""
        return self._pass(lambda target: route(target.endpoint).changes_with_rounds, prune=False)

    def notices_changed(self) -> Pass:
        """Renders everything but the pages of notices that did not change (a notice edit, added or removed)."""
        current = runtime.notices(self.app).by_slug
        changed = {slug for slug, notice in current.items() if self.notices.get(slug) != notice}
        changed |= set(self.notices) - set(current)
        return self._pass(lambda t: t.endpoint != "pages.notice" or t.values["slug"] in changed, prune=True)

    def _get(self, url: str, headers: dict | None = None) -> tuple[int, str, bytes]:
        def fetch():
            with self.client.get(url, headers=headers) as response:
                return response.status_code, response.status, response.get_data()

        return _isolated(fetch)

    def _pass(self, wanted: Callable[[Target], bool], prune: bool) -> Pass:
        began = time.perf_counter()
        done = Pass()
        self.root.mkdir(parents=True, exist_ok=True)
        targets = self.targets()
        self.notices = dict(runtime.notices(self.app).by_slug)
        for target in targets:
            if not wanted(target):
                continue
            code, status, body = self._get(target.url)
            if code != 200:
                raise click.ClickException(f"{target.url} answered {status} while exporting")
            done.urls.add(target.url)
            self._write(file_for(target.url), body, done)
        if prune:
            own = dict(self._own_files())
            for name, body in own.items():
                self._write(name, body, done)
            # Listing every file the URLs hold is work only a pass that removes files needs.
            self._prune({file_for(target.url) for target in targets} | set(own), done)
        done.rendered = len(done.urls)
        done.seconds = time.perf_counter() - began
        return done

    def _own_files(self) -> Iterator[tuple[str, bytes]]:
        # index.html, and what a web server shows for unknown paths: 404.html in the first language and
        # <lang>/404.html in each.
        yield "index.html", static_index(self.app)
        languages = runtime.config(self.app).languages
        for lang in languages:
            _, _, body = self._get(NOT_FOUND_PATH, headers={"Accept-Language": lang})
            yield f"{lang}/404.html", body
            if lang == languages[0]:
                yield "404.html", body

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


def freeze_site(app: Flask, destination) -> tuple[set[str], set[str]]:
    """Writes the site into destination; returns the exported URLs and the endpoints left out."""
    export = Export(app, destination)
    export.check_destination()
    done = export.full()
    return done.urls, missing_endpoints(app)
