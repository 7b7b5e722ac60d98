"""axe-core finds no WCAG 2.1 A or AA violation on any page type, in either language or colour scheme."""

import pytest

from ..helpers import serve
from . import scenes
from .support import AXE

PAGES = [
    "/{lang}/",
    "/{lang}/archive/",
    "/{lang}/archive/type/incident/",
    "/{lang}/notices/2026-11-20-wilma-hairio-jatkuu/",
    "/{lang}/notices/2026-11-02-huoltokatko-tuotanto/",
    "/{lang}/notices/2025-05-06-ruotsi-puuttuu/",
    "/{lang}/components/prod-oidc/",
    "/{lang}/about/",
    "/{lang}/accessibility/",
    "/{lang}/no-such-page/",
]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    """Runs axe-core on the loaded page; returns one readable line per violating node."""
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}: {node['failureSummary']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def check(page, url):
    """Checks the page in the light scheme, then, without reloading, in the dark one."""
    page.emulate_media(color_scheme="light")
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found[scheme] = violations(page)
    report = [f"{scheme}: {line}" for scheme, lines in found.items() for line in lines]
    assert not report, f"{len(report)} axe violations on {url}:\n" + "\n".join(report)


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations_in_light_and_dark(axe_page, base_url, path, lang):
    check(axe_page, base_url + path.format(lang=lang))


@pytest.mark.parametrize("scene", sorted(scenes.SCENES))
def test_every_state_and_component_page_has_no_axe_violations(
    axe_page, tmp_path, scene, broker, test_broker, references
):
    """The states as the screenshots show them: notices plus probe rounds against the stand-in brokers,
    and component pages with a fault, 90 days of bars and a day of response times."""
    with serve(scenes.build(scene, tmp_path, broker, test_broker, references)) as url:
        for lang in ("fi", "sv"):
            for path in scenes.SCENES[scene].pages:
                check(axe_page, url + path.format(lang=lang))


def test_chart_pattern_has_no_axe_violations(axe_page, base_url, app):
    """The figure + caption + table pattern that the check results' charts follow."""
    from flask import render_template_string

    template = """<!doctype html><html lang="fi"><head><title>Kaavio</title>
<link rel="stylesheet" href="{{ base }}/static/site.css"></head><body><main><h1>Kaavio</h1>
{% from "_charts.html" import chart, bars with context %}
{% call chart("uptime", "OpenID Connect -rajapinta: 90 päivää", "99,9 % ajasta.", ["Päivä", "Tila"], rows) %}
{{ bars(days) }}{% endcall %}</main></body></html>"""
    states = ["operational", "degraded", "disrupted", "down", "maintenance", "unknown"] * 15
    with app.test_request_context("/fi/"):
        html = render_template_string(
            template,
            base=base_url,
            rows=[[f"{day}.11.2026", state] for day, state in enumerate(states[:30], 1)],
            days=[{"state": state, "label": f"{day}: {state}"} for day, state in enumerate(states)],
            lang="fi",
        )
    axe_page.set_content(html)
    axe_page.click("summary")
    axe_page.add_script_tag(path=str(AXE))
    for scheme in ("light", "dark"):
        axe_page.emulate_media(color_scheme=scheme)
        found = violations(axe_page)
        assert not found, f"{scheme}:\n" + "\n".join(found)
