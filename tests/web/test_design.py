"""The look's promises that need no browser: page weight, states in words, the accessibility statement."""

import re

import pytest
from flask import render_template_string

from ..helpers import LANGUAGES

STATE_WORDS = {
    "fi": ["Toimii", "Heikentynyt", "Osittainen häiriö", "Ei toimi", "Huoltokatko", "Ei tietoa"],
    "sv": ["Fungerar", "Försämrad", "Delvis störd", "Fungerar inte", "Underhållsavbrott", "Okänt"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_front_page_weighs_under_50_kb(client, lang):
    html = client.get(f"/{lang}/").data
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode())
    # Fingerprinted: site.<hash>.css, refresh.<hash>.js.
    assert any(re.fullmatch(r"/static/site\.[0-9a-f]{10}\.css", a) for a in assets), assets
    assert any(re.fullmatch(r"/static/refresh\.[0-9a-f]{10}\.js", a) for a in assets), assets
    total = len(html)
    for asset in set(assets):
        response = client.get(asset)
        total += len(response.data)
        response.close()
    assert total < 50 * 1024, f"{total} bytes"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_legend_names_every_state_with_icon_and_word(client, lang):
    html = client.get(f"/{lang}/").get_data(as_text=True)
    legend = html[html.index('class="legend"') :]
    for state, word in zip(
        ("operational", "degraded", "disrupted", "down", "maintenance", "unknown"), STATE_WORDS[lang], strict=True
    ):
        assert f'<svg class="icon icon-{state}"' in legend
        assert f'<span class="state-label">{word}</span>' in legend


def test_front_page_tells_state_and_freshness_without_script(client):
    html = client.get("/fi/").get_data(as_text=True)
    assert (
        html.index('id="overall-heading"') < html.index('id="ongoing-heading"') < html.index('id="components-heading"')
    )
    assert re.search(r'Päivitetty <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d\+0[23]:00">', html)
    assert 'class="overall state-disrupted"' in html  # the fixtures' ongoing Wilma disruption
    assert 'aria-live="polite"' in html and "<script>" not in html and "style=" not in html


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("fi", ["Saavutettavuusseloste", "306/2019", "Liikenne- ja viestintävirasto Traficom", "Valvontaviranomainen"]),
        (
            "sv",
            [
                "Tillgänglighetsutlåtande",
                "306/2019",
                "Transport- och kommunikationsverket Traficom",
                "Tillsynsmyndighet",
            ],
        ),
    ],
)
def test_accessibility_statement(client, lang, texts):
    response = client.get(f"/{lang}/accessibility/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count("<h1") == 1
    for text in [*texts, "mailto:mpass@oph.fi", "saavutettavuus@traficom.fi", "www.saavutettavuusvaatimukset.fi"]:
        assert text in html
    assert '<time datetime="2026-11-23">23.11.2026</time>' in html
    # Every page links to the statement from its footer.
    assert f'href="/{lang}/accessibility/"' in client.get(f"/{lang}/about/").get_data(as_text=True)


def test_chart_pattern_renders_figure_caption_summary_and_table(app):
    template = """{% from "_charts.html" import chart, bars with context %}
{% call chart("uptime-x", "OpenID Connect: 90 days", "Available 99.9 % of the time.", ["Day", "State"], rows) %}
{{ bars(days) }}{% endcall %}"""
    with app.test_request_context("/fi/"):
        html = render_template_string(
            template,
            rows=[["1.11.2026", "Toimii"], ["2.11.2026", "Ei toimi"]],
            days=[
                {"state": "operational", "label": "1.11.2026: Toimii"},
                {"state": "down", "label": "2.11.2026: Ei toimi"},
            ],
            lang="fi",
        )
    assert '<figure class="chart" id="uptime-x" aria-labelledby="uptime-x-caption">' in html
    assert '<div class="chart-graphic" aria-hidden="true">' in html and '<li class="bar state-down"' in html
    assert '<th scope="row">2.11.2026</th><td>Ei toimi</td>' in html and "Näytä tiedot taulukkona" in html
