"""`flask freeze` writes the whole site: every link and asset of the export resolves to a file,
and each exported page is what the live site renders for the same URL."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from mpass_status.web.export import file_for as exported_file
from mpass_status.web.export import freeze_site, missing_endpoints

# The front page says when it was rendered; the export and the live request differ only in that minute.
RENDER_TIME = re.compile(r'(<p class="updated">.*?<time datetime=")[^"]+(">)[^<]+(</time>)')
# Live answers say when they were made and until when they may be trusted (copy_age.py): to the millisecond.
MADE = re.compile(rb'("mpass_(?:made_at|trusted_until)":"|<meta name="mpass-(?:made|trusted-until)" content=")[^"]+')
# The live language switch goes through /language/ to remember the choice; a static copy links the page.
SWITCH = re.compile(r'href="/language/[a-z]+\?next=([^"]+)"')


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag == "meta" and attrs.get("http-equiv") == "refresh":
            self.links.append(attrs["content"].split("url=", 1)[1])


def links_of(path: Path) -> list[str]:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.links


def file_for(build: Path, url: str) -> Path:
    return build / exported_file(url)


@pytest.fixture
def export(app, tmp_path):
    build = tmp_path / "build"
    urls, missing = freeze_site(app, build)
    return build, urls, missing


def test_export_holds_every_page_type_and_error_pages(export):
    build, urls, missing = export
    assert not missing, f"endpoints without a freeze generator: {missing}"
    for lang in ("fi", "sv"):
        for path in (
            f"{lang}/index.html",
            f"{lang}/about/index.html",
            f"{lang}/accessibility/index.html",
            f"{lang}/archive/index.html",
            f"{lang}/archive/type/maintenance/index.html",
            f"{lang}/archive/component/wilma/index.html",
            f"{lang}/archive/year/2019/index.html",
            f"{lang}/notices/2025-05-06-ruotsi-puuttuu/index.html",
            f"{lang}/404.html",
        ):
            assert (build / path).is_file(), path
    assert "Sivua ei löytynyt" in (build / "404.html").read_text(encoding="utf-8")
    assert "Sidan hittades inte" in (build / "sv" / "404.html").read_text(encoding="utf-8")
    index = (build / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/fi/">' in index and "<script" not in index


def test_archive_pages_are_generated_not_only_discovered(make_site, tmp_path):
    app = make_site(NOTICES_PER_PAGE=1)
    build, _, _ = tmp_path / "b", *freeze_site(app, tmp_path / "b")
    assert (build / "fi/archive/page/4/index.html").is_file()
    assert (build / "sv/archive/type/incident/page/2/index.html").is_file()


def test_every_internal_link_and_asset_of_the_export_resolves(export):
    build, _, _ = export
    broken = []
    for page in build.rglob("*.html"):
        url = "/" + page.relative_to(build).as_posix().removesuffix("index.html")
        for link in links_of(page):
            target = urlparse(urljoin(url, link))
            if target.scheme not in ("", "http", "https") or target.netloc:
                continue
            if not file_for(build, target.path).is_file():
                broken.append(f"{url} -> {link}")
    assert not broken, "\n".join(broken)


def test_exported_pages_equal_the_live_pages(export, client):
    build, urls, _ = export
    compared = 0
    assert "/" not in urls  # the export writes its own index.html; the live "/" is a redirect
    for url in sorted(urls):
        live = client.get(url)
        body = live.data
        live.close()
        exported, body = (MADE.sub(rb"\1", x) for x in (file_for(build, url).read_bytes(), body))
        if url.endswith("/"):
            exported, body = (RENDER_TIME.sub(r"\1\2\3", x.decode()) for x in (exported, body))
            assert SWITCH.search(body) and not SWITCH.search(exported), url
            body = SWITCH.sub(r'href="\1"', body)
        assert exported == body, url
        compared += 1
    assert compared > 40


def test_a_route_the_export_does_not_list_is_named(app, tmp_path):
    app.add_url_rule("/extra.json", "extra", lambda: {"ok": True})
    assert "extra" in missing_endpoints(app)
    build = tmp_path / "build"
    _, missing = freeze_site(app, build)
    # Every route of the site is exported or deliberately skipped; the new one is reported, not guessed at.
    assert missing == {"extra"} and not (build / "extra.json").exists()
    assert not (build / "healthz").exists() and not (build / "readyz").exists()


def test_freeze_refuses_a_folder_that_is_not_an_export(app, tmp_path):
    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(Exception, match="not empty"):
        freeze_site(app, tmp_path)
    assert (tmp_path / "precious.txt").is_file()


def test_freeze_command(runner, tmp_path):
    result = runner.invoke(args=["freeze", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "URLs written" in result.output and (tmp_path / "out" / "fi" / "index.html").is_file()


def test_freeze_exports_every_page_with_status_unknown_from_a_corrupt_database(make_site, tmp_path):
    database = tmp_path / "broken.sqlite3"
    database.write_bytes(b"not a database at all" * 50)
    app = make_site(DATABASE=str(database))
    result = app.test_cli_runner().invoke(args=["freeze", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    front = (tmp_path / "out" / "fi" / "index.html").read_text(encoding="utf-8")
    assert "Ajantasaista tilannetta ei ole saatavilla" in front
    assert "state-operational" not in front.split('id="legend-heading"')[0]
    status = json.loads((tmp_path / "out" / "api" / "v2" / "status.json").read_text(encoding="utf-8"))
    assert status["status"]["mpass_checks_available"] is False and status["status"]["indicator"] != "none"
    # The export only reads: the corrupt file is left for the prober to move aside.
    assert database.read_bytes().startswith(b"not a database")
